package bot

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

// The privacy notice (Law 91/2025/QH15 on personal data protection). /start
// tells an officer what the bot keeps, why, who sees it, for how long and how
// to see or delete it, and asks for their agreement. Until they agree the bot
// answers questions but keeps nothing of theirs: saveOfficer writes no
// record (officer.keepable), openTicket opens no ticket (errNeedsConsent),
// answers store no question for the feedback buttons, and the
// conversation's links follow from tickets only. Whatever would need those
// says so and offers the notice again.
//
// Records stored before the notice existed are kept: their officer is shown
// the notice once, unasked, with their next message, and needs to agree
// before opening new tickets; their tickets stay followable. Declining then
// deletes the record (tickets stay: /xoadulieu erases them).

// noticeVersion is the version of the notice's text. Raise it when the
// notice says something new: officers who agreed to an older one are shown
// the new one once, unasked (their agreement stands).
const noticeVersion = 1

// Month is the mean Gregorian month (365.2425 days / 12), as retentions
// (SUPPORTBOT_RETENTION) count months: 24 months is two years give or take
// a day, never noticeably short of it.
const Month = 2629746 * time.Second

// DefaultRetention is how long a closed ticket keeps its officer's personal
// data when RouterOptions.Retention is 0: 24 months.
const DefaultRetention = 24 * Month

// bookkeepingKept is the longest the bot keeps the bookkeeping of a
// conversation (answered questions, message links, failed and rejected
// entries, the outbox's refs and dead letters, announcement copies; see
// retention.go), as the notice says.
var bookkeepingKept = max(QuestionRetention, LinkRetention, FailedRetention, RejectedRetention,
	outbox.RefRetention, outbox.DeadLetterRetention, AnnouncementRetention)

// Button data of the privacy flows.
const (
	cbPrivacy      = "pd:"
	cbPrivacyYes   = "pd:yes"   // agree to the notice
	cbPrivacyNo    = "pd:no"    // decline it (or withdraw an agreement)
	cbPrivacyShow  = "pd:show"  // show the notice (an answer's "to staff" before agreeing)
	cbPrivacyErase = "pd:erase" // confirm /xoadulieu
	cbPrivacyKeep  = "pd:keep"  // cancel it
)

// errNeedsConsent is openTicket's refusal to open a ticket for an officer
// who has not agreed to the notice. Callers ask first (needsConsent); this
// is the backstop.
var errNeedsConsent = fmt.Errorf("bot: a ticket needs the officer's consent")

// noticeText renders the notice in lang for a ticket retention of
// retention (negative: no limit).
func noticeText(lang string, retention time.Duration) string {
	keep := tr(lang, txtPrivacyKeepForever)
	if retention >= 0 {
		keep = tr(lang, txtPrivacyKeepTickets, durationWords(lang, retention))
	}
	return tr(lang, txtPrivacyNotice, keep, int(bookkeepingKept/(24*time.Hour)))
}

// durationWords says d in whole months when it is some, else in days,
// rounded, at least one ("24 tháng", "730 days").
func durationWords(lang string, d time.Duration) string {
	if d%Month == 0 {
		return countWords(lang, txtPrivacyMonths, int64(d/Month))
	}
	return countWords(lang, txtPrivacyDays, int64(max(1, (d+12*time.Hour)/(24*time.Hour))))
}

// RetentionWords says a retention for people in lang: in whole months
// when it is some, else in whole days, else as a Go duration; 0 or less is
// no limit ("24 tháng", "1 month", "730 days", "36h0m0s", "no limit"). An
// unknown lang is Vietnamese.
func RetentionWords(d time.Duration, lang string) string {
	switch {
	case d <= 0:
		return tr(lang, txtPrivacyNoLimit)
	case d%Month == 0:
		return countWords(lang, txtPrivacyMonths, int64(d/Month))
	case d%(24*time.Hour) == 0:
		return countWords(lang, txtPrivacyDays, int64(d/(24*time.Hour)))
	}
	return d.String()
}

// countWords says n months or days (key) in lang: English says "1 month",
// not "1 months"; Vietnamese has no plural.
func countWords(lang string, key textKey, n int64) string {
	s := tr(lang, key, n)
	if lang == LangEN && n == 1 {
		s = strings.TrimSuffix(s, "s")
	}
	return s
}

func consentButtons(lang string) [][]Button {
	return [][]Button{{
		{Text: tr(lang, btnPrivacyAgree), Data: cbPrivacyYes, Style: "primary"},
		{Text: tr(lang, btnPrivacyDecline), Data: cbPrivacyNo},
	}}
}

// showNotice replies with intro (which ends with its own separator) and the
// notice, under the Agree and Decline buttons.
func (t *turn) showNotice(intro string) *Reply {
	t.notice = true
	t.o.NoticeShown = noticeVersion
	r := t.reply(intro + noticeText(t.lang, t.r.retention))
	r.Buttons = consentButtons(t.lang)
	return r
}

// needsConsent reports whether the officer has yet to agree before what
// why describes; if so it says why and offers the notice.
func (t *turn) needsConsent(why textKey) bool {
	if t.o.consented() {
		return false
	}
	t.showNotice(tr(t.lang, why) + "\n\n")
	return true
}

// noticeDue reports whether the officer's stored record predates the
// current notice and has not been shown it yet.
func (t *turn) noticeDue() bool {
	return t.o.stored && t.o.Notice < noticeVersion && t.o.NoticeShown < noticeVersion
}

// privacyButton handles the presses of the notice's and /xoadulieu's
// buttons.
func (t *turn) privacyButton(data string) error {
	t.notice = true
	switch data {
	case cbPrivacyYes:
		return t.agree()
	case cbPrivacyNo:
		return t.decline()
	case cbPrivacyShow:
		t.toast("")
		if t.o.consented() {
			t.reply(tr(t.lang, txtPrivacyAgreedAskAgain))
			return nil
		}
		t.showNotice(tr(t.lang, txtPrivacyTicketNeedsConsent) + "\n\n")
		return nil
	case cbPrivacyErase:
		return t.confirmErase() // privacy_delete.go
	case cbPrivacyKeep:
		t.toast("")
		t.reply(tr(t.lang, txtPrivacyEraseCancelled))
		return nil
	}
	t.toast("") // a button of a later version: stop the spinner
	return nil
}

// agree records the officer's agreement and starts their registration (or,
// registered before the notice existed, confirms their profile).
func (t *turn) agree() error {
	if t.o.consented() && t.o.Notice >= noticeVersion {
		t.toast(tr(t.lang, toastPrivacyAlready))
		return nil
	}
	t.toast("")
	if !t.o.consented() {
		t.o.Consented = t.now
	}
	t.o.Notice, t.o.NoticeShown = noticeVersion, noticeVersion
	if t.m.UserName != "" {
		t.o.Name = t.m.UserName
	}
	if t.o.registered() {
		t.reply(tr(t.lang, txtPrivacyAgreedRegistered, t.o.profile(t.lang)))
		return nil
	}
	t.beginRegistration(tr(t.lang, txtPrivacyAgreed) + "\n\n")
	return nil
}

// decline takes the officer's refusal. A stored record (made before the
// notice, or with an agreement now withdrawn) is deleted, with what the
// schedules keep of them, and so are the questions they asked (kept for
// the feedback buttons); their tickets stay, for /xoadulieu to erase.
func (t *turn) decline() error {
	t.toast("")
	n, err := forgetQuestionsTx(t.tx, t.m.Channel, t.m.UserID)
	if err != nil {
		return err
	}
	if n > 0 || t.o.stored {
		// What was deleted stays in the file's free pages until scrubbed.
		if err := oweScrub(t.tx); err != nil {
			return fmt.Errorf("note the scrub owed: %w", err)
		}
		if e := t.r.eraser; e != nil {
			t.tx.OnCommit(e.wakeFollowUp) // its follow-ups pay a scrub owed
		}
	}
	if !t.o.stored {
		t.o.Step, t.o.DraftProvince, t.o.DraftCommune = "", "", ""
		t.reply(tr(t.lang, txtPrivacyDeclined))
		return nil
	}
	hadKeyboard := t.o.Step != ""
	if _, err := schedules.ForgetOfficer(t.tx, ScheduleOfficer(t.o).Key()); err != nil {
		return fmt.Errorf("forget the follows of %s:%s: %w", t.o.Channel, t.o.UserID, err)
	}
	if err := deleteOfficer(t.tx, t.o.Channel, t.o.UserID); err != nil {
		return fmt.Errorf("delete officer %s:%s: %w", t.o.Channel, t.o.UserID, err)
	}
	t.o = &officer{Channel: t.o.Channel, UserID: t.o.UserID} // unkeepable: nothing is written back
	t.reply(tr(t.lang, txtPrivacyDeclinedStored)).RemoveKB = hadKeyboard
	return nil
}

// forgetQuestionsTx deletes the questions ch's user userID asked, and
// returns how many.
func forgetQuestionsTx(tx *bolt.Tx, ch Channel, userID string) (int, error) {
	req := EraseRequest{Channel: ch, UserID: userID}
	b := tx.Bucket(bucketQuestions)
	var ks [][]byte // collected first: deleting under ForEach is not allowed
	err := b.ForEach(func(k, v []byte) error {
		if req.question(v) {
			ks = append(ks, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("questions of %s:%s: %w", ch, userID, err)
	}
	for _, k := range ks {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("delete a question of %s:%s: %w", ch, userID, err)
		}
	}
	return len(ks), nil
}

// RecordConsent stores in tx, a write transaction of the Router's database,
// that ch's user userID agreed to the current privacy notice at at, as
// pressing Agree does (without starting a registration), creating their
// record if they have none. For tools and end-to-end tests that start from
// officers who have agreed.
func RecordConsent(tx *bolt.Tx, ch Channel, userID string, at time.Time) error {
	if ch == "" || userID == "" {
		return fmt.Errorf("bot: record consent: channel %q, user %q", ch, userID)
	}
	if _, err := tx.CreateBucketIfNotExists(bucketOfficers); err != nil {
		return fmt.Errorf("bot: record consent: %w", err)
	}
	o, err := loadOfficer(tx, ch, userID)
	if err != nil {
		return fmt.Errorf("bot: record consent: %w", err)
	}
	if !o.consented() {
		o.Consented = at
	}
	o.Notice, o.NoticeShown = noticeVersion, noticeVersion
	if err := saveOfficer(tx, o); err != nil {
		return fmt.Errorf("bot: record consent: %w", err)
	}
	return nil
}
