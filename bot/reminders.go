package bot

import (
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/schedules"
)

// The bot's side of the deadline reminders (package schedules): the
// officers they go to, and the "✅ Đã nộp báo cáo" button.

// OfficerDirectory lists the bot's officers for the reminders: it
// implements schedules.Directory over the officers bucket. Reminders go to
// the officer's private chat, whose id on Telegram (and the console) is the
// user id. A registered commune officer follows the commune_pc deadlines
// by default, a province officer the province_dost ones; other roles and
// unregistered users follow only what they chose (/theodoi).
type OfficerDirectory struct{}

var (
	_ schedules.Directory     = OfficerDirectory{}
	_ schedules.OfficerLookup = OfficerDirectory{}
	_ schedules.Metrics       = (*Metrics)(nil)
)

// Known reports whether officer key ("telegram:12345") still has a record:
// a reminder round lists its recipients once and serves them over several
// transactions, and must skip an officer erased in between.
func (OfficerDirectory) Known(tx *bolt.Tx, key string) bool {
	ch, user, ok := strings.Cut(key, ":")
	b := tx.Bucket(bucketOfficers)
	return ok && b != nil && b.Get(officerKey(Channel(ch), user)) != nil
}

// EachOfficer calls fn for every officer record, reading through tx.
func (OfficerDirectory) EachOfficer(tx *bolt.Tx, fn func(schedules.Officer) error) error {
	b := tx.Bucket(bucketOfficers)
	if b == nil {
		return nil
	}
	return b.ForEach(func(_, v []byte) error {
		var o officer
		if err := json.Unmarshal(v, &o); err != nil {
			return nil // a record the router itself cannot read either: skip it
		}
		if o.UserID == "" || o.Channel == Slack {
			return nil // Slack users are ministry staff, not reporting officers
		}
		return fn(ScheduleOfficer(&o))
	})
}

// ScheduleOfficer converts an officer record for package schedules.
func ScheduleOfficer(o *officer) schedules.Officer {
	so := schedules.Officer{Channel: o.Channel, UserID: o.UserID, ChatID: o.UserID, Name: o.Name, Lang: o.Lang}
	if o.registered() {
		so.Province, so.Commune = o.Province, o.Commune
		switch o.Role {
		case roleCommune:
			so.Audience = schedules.AudienceCommune
		case roleProvince:
			so.Audience = schedules.AudienceProvince
		}
	}
	return so
}

// confirmDeadline handles a press of "✅ Đã nộp báo cáo" (data
// schedules.ConfirmData): the presser's unit is recorded as having
// submitted that occurrence, in the turn's transaction, so none of its
// officers is reminded of it again; the presser gets a toast and a
// thank-you. A second press (by anyone of the unit) says it is already
// recorded.
func (t *turn) confirmDeadline(data string) error {
	id, occ, ok := schedules.ParseConfirmData(data)
	if !ok {
		t.toast("")
		return nil
	}
	so := ScheduleOfficer(t.o)
	unit := so.Unit()
	first, err := schedules.ConfirmTx(t.tx, id, occ, unit, so.Key(), t.now)
	if err != nil {
		return fmt.Errorf("confirm deadline %s %s: %w", id, schedules.OccurrenceKey(occ), err)
	}
	label := esc(unit.Label(t.lang))
	if unit.Kind == schedules.UnitOfficer {
		label = tr(t.lang, txtDeadlineUnitSelf)
	}
	if !first {
		t.toast(tr(t.lang, toastDeadlineAlready))
		t.reply(tr(t.lang, txtDeadlineAlready, label, esc(id), schedules.FormatDate(occ)))
		return nil
	}
	t.count("supportbot_deadline_confirmations_total")
	t.toast(tr(t.lang, toastDeadlineThanks))
	t.reply(tr(t.lang, txtDeadlineConfirmed, label, esc(id), schedules.FormatDate(occ)))
	return nil
}
