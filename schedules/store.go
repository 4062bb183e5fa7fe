package schedules

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// The buckets the schedules package owns.
var (
	bucketMeta      = []byte("schedules_reminder_meta")   // "last_tick" -> RFC 3339 time of the last completed tick
	bucketFollows   = []byte("schedules_follows")         // officer key 0x00 deadline -> "+" (follows) or "-" (stopped)
	bucketConfirmed = []byte("schedules_confirmed")       // deadline 0x00 occurrence 0x00 unit -> confirmation JSON
	bucketEvents    = []byte("schedules_deadline_events") // sequence -> Event JSON (confirmations, skipped reminders)
	bucketFanouts   = []byte("schedules_fanouts")         // deadline 0x00 occurrence 0x00 slot -> fanout JSON
	bucketFired     = []byte("schedules_fired")           // deadline 0x00 occurrence 0x00 slot 0x00 officer -> fired JSON
)

var allBuckets = [][]byte{bucketMeta, bucketFollows, bucketConfirmed, bucketEvents, bucketFanouts, bucketFired}

// CreateBuckets creates the package's buckets in tx (idempotent).
func CreateBuckets(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("schedules: create bucket %s: %w", b, err)
		}
	}
	return nil
}

// Officer is one person reminders can go to, as the Directory lists them.
type Officer struct {
	Channel outbox.Channel `json:"channel"`
	UserID  string         `json:"user_id"`
	// ChatID is where reminders go: the private chat with the officer
	// (on Telegram the same as the user id).
	ChatID   string `json:"chat_id"`
	Name     string `json:"name,omitempty"`
	Lang     string `json:"lang,omitempty"` // "vi" or "en"; "" is Vietnamese
	Province string `json:"province,omitempty"`
	Commune  string `json:"commune,omitempty"`
	// Audience is the audience whose deadlines the officer follows by
	// default: set for registered officers whose role has one (commune
	// officers: commune_pc; province officers: province_dost); "" for the
	// unregistered and other roles, who follow only what they chose.
	Audience Audience `json:"audience,omitempty"`
}

// Key identifies the officer: "channel:user".
func (o Officer) Key() string { return string(o.Channel) + ":" + o.UserID }

// Unit returns the reporting unit the officer belongs to (see Unit).
func (o Officer) Unit() Unit {
	switch {
	case o.Audience == AudienceCommune && o.Province != "" && o.Commune != "":
		return Unit{Kind: UnitCommune, Province: o.Province, Commune: o.Commune}
	case o.Audience == AudienceProvince && o.Province != "":
		return Unit{Kind: UnitProvince, Province: o.Province}
	}
	return Unit{Kind: UnitOfficer, Province: o.Province, Officer: o.Key()}
}

// Unit kinds.
const (
	UnitCommune  = "commune"  // a commune People's Committee: province and commune
	UnitProvince = "province" // a province Department of Science and Technology
	UnitOfficer  = "officer"  // an officer with no unit (unregistered, other roles): a unit of their own
)

// Unit is who reports: once any officer of a unit confirms an occurrence,
// none of its officers is reminded of it again.
type Unit struct {
	Kind     string `json:"kind"`
	Province string `json:"province,omitempty"`
	Commune  string `json:"commune,omitempty"`
	Officer  string `json:"officer,omitempty"` // UnitOfficer: the officer's key
}

// Key is the unit's stable identity, used in bbolt keys.
func (u Unit) Key() string {
	switch u.Kind {
	case UnitCommune:
		return "c:" + strings.ToLower(u.Province) + "/" + strings.ToLower(u.Commune)
	case UnitProvince:
		return "p:" + strings.ToLower(u.Province)
	}
	return "o:" + u.Officer
}

// Label renders the unit for people: "Xã A, Lào Cai", "Sở KH&CN Lào Cai",
// or the officer.
func (u Unit) Label(lang string) string {
	switch u.Kind {
	case UnitCommune:
		return u.Commune + ", " + u.Province
	case UnitProvince:
		if lang == "en" {
			return "DOST " + u.Province
		}
		return "Sở KH&CN " + u.Province
	}
	return u.Officer
}

// Event is a recorded happening of the reminders: a confirmation, or a
// reminder skipped at catch-up.
type Event struct {
	Type       string    `json:"type"` // "confirmed", "skipped"
	Deadline   string    `json:"deadline"`
	Occurrence string    `json:"occurrence"` // yyyymmdd
	Slot       string    `json:"slot,omitempty"`
	Unit       *Unit     `json:"unit,omitempty"`
	Who        string    `json:"who,omitempty"`
	At         time.Time `json:"at"`
	Note       string    `json:"note,omitempty"`
}

// Confirmation is one unit's "report submitted" for one occurrence.
type Confirmation struct {
	Unit Unit      `json:"unit"`
	Who  string    `json:"who"` // the officer's key
	At   time.Time `json:"at"`
}

func key(parts ...string) []byte { return []byte(strings.Join(parts, "\x00")) }

// Follow makes officer follow deadlineID (also one outside their
// audience). Errors are bbolt's.
func Follow(tx *bolt.Tx, officer Officer, deadlineID string) error {
	b, err := tx.CreateBucketIfNotExists(bucketFollows)
	if err != nil {
		return err
	}
	return b.Put(key(officer.Key(), deadlineID), []byte("+"))
}

// Unfollow stops officer's reminders of deadlineID, also one their
// audience follows by default.
func Unfollow(tx *bolt.Tx, officer Officer, deadlineID string) error {
	b, err := tx.CreateBucketIfNotExists(bucketFollows)
	if err != nil {
		return err
	}
	return b.Put(key(officer.Key(), deadlineID), []byte("-"))
}

// Follows reports whether officer gets reminders of d: an explicit choice
// (Follow, Unfollow) wins over the default (the officer's audience).
func Follows(tx *bolt.Tx, officer Officer, d *Deadline) bool {
	if b := tx.Bucket(bucketFollows); b != nil {
		switch string(b.Get(key(officer.Key(), d.ID))) {
		case "+":
			return true
		case "-":
			return false
		}
	}
	return officer.Audience != "" && officer.Audience == d.Audience
}

// ConfirmTx records that unit has submitted the report of deadlineID for
// occurrence (a due date, see OccurrenceKey), said by who (an officer key)
// at at. The first confirmation of a unit stands; a later one returns
// first=false and changes nothing. Each first confirmation is also
// recorded as an Event. Errors are bbolt's.
func ConfirmTx(tx *bolt.Tx, deadlineID string, occurrence time.Time, unit Unit, who string, at time.Time) (first bool, err error) {
	b, err := tx.CreateBucketIfNotExists(bucketConfirmed)
	if err != nil {
		return false, err
	}
	k := key(deadlineID, OccurrenceKey(occurrence), unit.Key())
	if b.Get(k) != nil {
		return false, nil
	}
	v, _ := json.Marshal(Confirmation{Unit: unit, Who: who, At: at})
	if err := b.Put(k, v); err != nil {
		return false, err
	}
	u := unit
	return true, addEvent(tx, Event{Type: "confirmed", Deadline: deadlineID, Occurrence: OccurrenceKey(occurrence), Unit: &u, Who: who, At: at})
}

// ConfirmedTx returns unit's confirmation of the occurrence, or nil.
func ConfirmedTx(tx *bolt.Tx, deadlineID string, occurrence time.Time, unit Unit) *Confirmation {
	b := tx.Bucket(bucketConfirmed)
	if b == nil {
		return nil
	}
	v := b.Get(key(deadlineID, OccurrenceKey(occurrence), unit.Key()))
	if v == nil {
		return nil
	}
	var c Confirmation
	if json.Unmarshal(v, &c) != nil {
		return &Confirmation{Unit: unit}
	}
	return &c
}

// confirmations returns every confirmation of an occurrence by unit key.
func confirmations(tx *bolt.Tx, deadlineID string, occurrence time.Time) map[string]Confirmation {
	out := map[string]Confirmation{}
	b := tx.Bucket(bucketConfirmed)
	if b == nil {
		return out
	}
	prefix := key(deadlineID, OccurrenceKey(occurrence), "")
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
		var cf Confirmation
		if json.Unmarshal(v, &cf) == nil {
			out[string(k[len(prefix):])] = cf
		}
	}
	return out
}

func addEvent(tx *bolt.Tx, e Event) error {
	b, err := tx.CreateBucketIfNotExists(bucketEvents)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, _ := json.Marshal(e)
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return b.Put(k, v)
}

// Events returns the recorded events, oldest first (at most limit; 0 for
// all).
func Events(db *bolt.DB, limit int) ([]Event, error) {
	var out []Event
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			if limit > 0 && len(out) >= limit {
				return nil
			}
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// fanout is a reminder being delivered: one (deadline, occurrence, slot),
// where the slot is "7d" for the reminder seven days ahead, "now-N" for the
// N-th `remind` by an operator, or "after" for the ministry's list the day
// after. It is stored before the first recipient gets it and marked done
// after the last, so a fan-out cut short is resumed.
type fanout struct {
	Deadline   string    `json:"deadline"`
	Occurrence string    `json:"occurrence"` // yyyymmdd
	Slot       string    `json:"slot"`
	Late       bool      `json:"late,omitempty"`
	Created    time.Time `json:"created"`
	Done       bool      `json:"done,omitempty"`
	Sent       int       `json:"sent,omitempty"`
}

func (f fanout) key() []byte { return key(f.Deadline, f.Occurrence, f.Slot) }

// fired is the record of one reminder enqueued for one officer.
type fired struct {
	At   time.Time `json:"at"`
	Unit string    `json:"unit"`
}

func firedKey(f fanout, officer string) []byte {
	return key(f.Deadline, f.Occurrence, f.Slot, officer)
}

// lastTick returns the stored time of the last tick, or zero.
func lastTick(tx *bolt.Tx) time.Time {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, string(b.Get([]byte("last_tick"))))
	return t
}

func putLastTick(tx *bolt.Tx, t time.Time) error {
	b, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	return b.Put([]byte("last_tick"), []byte(t.UTC().Format(time.RFC3339Nano)))
}

// errStop is returned by a test hook to stop a fan-out between two
// transactions, as a kill -9 would.
var errStop = errors.New("schedules: stopped")
