package schedules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// ForgetOfficer deletes in tx what the schedules keep about officer, an
// officer key as Officer.Key makes it ("telegram:12345": channel, a colon,
// the user id), and returns how many stored entries it deleted or
// rewrote:
//
//   - the officer's follows and unfollows (schedules_follows, keyed by the
//     officer key);
//   - the fired records of reminders sent to them (schedules_fired, keyed
//     deadline, occurrence, slot, officer key); the fan-outs themselves
//     (schedules_fanouts) name no officer and stay;
//   - their confirmations (schedules_confirmed): one of the officer as a
//     unit of their own (an unregistered officer, another role: its key
//     names them) is deleted; a commune's or a province department's,
//     made by them, stays (the unit did report) without who made it;
//   - in the events (schedules_deadline_events) the officer's key, as who
//     confirmed or as a unit of their own: it is cleared, and the event
//     stays, so that the record of what was confirmed when is whole.
//
// Staff on the on-call rota are Slack users; an officer key of the Slack
// channel is also looked for there: the once-only notices naming the user
// (schedules_notices: their handover and evening DM) are deleted, and the
// user called by an SLA escalation (schedules_escalations) is cleared.
// A staff member erased within hours of their own handover may be
// notified of it again, as the rota file still names them: erasing staff
// also needs the rota changed. Telegram officers appear in neither.
//
// The schedules keep no name, chat id or text of an officer. Errors: a
// malformed officer key, a read-only transaction, or bbolt's.
func ForgetOfficer(tx *bolt.Tx, officer string) (int, error) {
	ch, user, ok := strings.Cut(officer, ":")
	if !ok || ch == "" || user == "" {
		return 0, fmt.Errorf("schedules: forget officer %q: want channel:userID", officer)
	}
	if !tx.Writable() {
		return 0, errors.New("schedules: forget officer: a read-only transaction")
	}
	total := 0
	for _, step := range []struct {
		what string
		fn   func(*bolt.Tx, string) (int, error)
	}{
		{"follows", forgetFollows},
		{"fired records", forgetFired},
		{"confirmations", forgetConfirmations},
		{"events", forgetEvents},
	} {
		n, err := step.fn(tx, officer)
		total += n
		if err != nil {
			return total, fmt.Errorf("schedules: forget %s of an officer: %w", step.what, err)
		}
	}
	if outbox.Channel(ch) == outbox.Slack {
		for _, step := range []struct {
			what string
			fn   func(*bolt.Tx, string) (int, error)
		}{
			{"notices", forgetNotices},
			{"escalations", forgetEscalations},
		} {
			n, err := step.fn(tx, user)
			total += n
			if err != nil {
				return total, fmt.Errorf("schedules: forget %s of a staff member: %w", step.what, err)
			}
		}
	}
	return total, nil
}

// forgetFollows deletes the officer's follows: keys officer 0x00 deadline.
func forgetFollows(tx *bolt.Tx, officer string) (int, error) {
	b := tx.Bucket(bucketFollows)
	if b == nil {
		return 0, nil
	}
	prefix := key(officer, "")
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	return len(doomed), deleteKeys(b, doomed)
}

// forgetFired deletes the fired records of reminders to the officer: keys
// deadline 0x00 occurrence 0x00 slot 0x00 officer.
func forgetFired(tx *bolt.Tx, officer string) (int, error) {
	b := tx.Bucket(bucketFired)
	if b == nil {
		return 0, nil
	}
	suffix := append([]byte{0}, officer...)
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if bytes.HasSuffix(k, suffix) && bytes.Count(k, []byte{0}) == 3 {
			doomed = append(doomed, bytes.Clone(k))
		}
	}
	return len(doomed), deleteKeys(b, doomed)
}

// forgetConfirmations deletes the officer's own confirmations and clears
// who made a unit's. It runs inside the erasure's write transaction over
// every confirmation ever made (tens of thousands a year), so only those
// whose bytes hold the officer's key are decoded.
func forgetConfirmations(tx *bolt.Tx, officer string) (int, error) {
	b := tx.Bucket(bucketConfirmed)
	if b == nil {
		return 0, nil
	}
	own := append([]byte{0}, Unit{Kind: UnitOfficer, Officer: officer}.Key()...)
	// A confirmation that names someone else (neither its unit nor who is
	// the officer) is not decoded; one that cannot be is left, and
	// ConfirmedTx reads it as confirmed by nobody.
	return editEntries(b, []byte(officer), func(k []byte) bool { return bytes.HasSuffix(k, own) },
		func(cf *Confirmation) edit {
			switch {
			case cf.Unit.Kind == UnitOfficer && cf.Unit.Officer == officer:
				return dropEntry // a unit key of another form
			case cf.Who != officer:
				return keepEntry
			}
			cf.Who = ""
			return rewriteEntry
		})
}

// forgetEvents clears the officer's key from the events that hold it.
func forgetEvents(tx *bolt.Tx, officer string) (int, error) {
	b := tx.Bucket(bucketEvents)
	if b == nil {
		return 0, nil
	}
	// Cheap: most events name someone else, or nobody, and are not decoded.
	return editEntries(b, []byte(officer), nil, func(e *Event) edit {
		changed := false
		if e.Who == officer {
			e.Who, changed = "", true
		}
		if e.Unit != nil && e.Unit.Kind == UnitOfficer && e.Unit.Officer == officer {
			u := *e.Unit
			u.Officer = ""
			e.Unit, changed = &u, true
		}
		if !changed {
			return keepEntry
		}
		return rewriteEntry
	})
}

// forgetNotices deletes the rota notices naming user: keys
// "handover|<from>|<user>" and "dm|<from>|<user>".
func forgetNotices(tx *bolt.Tx, user string) (int, error) {
	b := tx.Bucket(noticesBucket)
	if b == nil {
		return 0, nil
	}
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		parts := strings.Split(string(k), "|")
		if len(parts) == 3 && (parts[0] == "handover" || parts[0] == "dm") && parts[2] == user {
			doomed = append(doomed, bytes.Clone(k))
		}
	}
	return len(doomed), deleteKeys(b, doomed)
}

// forgetEscalations clears user as the person an escalation called; the
// escalation stays (it keeps the ticket from being escalated again).
func forgetEscalations(tx *bolt.Tx, user string) (int, error) {
	b := tx.Bucket(escalationsBucket)
	if b == nil {
		return 0, nil
	}
	return editEntries(b, []byte(user), nil, func(e *Escalation) edit {
		if e.User != user {
			return keepEntry
		}
		e.User = ""
		return rewriteEntry
	})
}

// edit is what editEntries does with an entry.
type edit int

const (
	keepEntry    edit = iota // kept as it is
	dropEntry                // deleted
	rewriteEntry             // written back as edited
)

// editEntries deletes the entries of b whose key dropKey (if not nil)
// names, then decodes as a T each other entry whose value holds needle and
// asks fn what to do with it; an entry that holds no needle, or cannot be
// decoded, is left. The changes are made after the scan (changing under a
// cursor may skip keys). It returns how many entries it deleted or
// rewrote.
func editEntries[T any](b *bolt.Bucket, needle []byte, dropKey func(k []byte) bool, fn func(*T) edit) (int, error) {
	var doomed [][]byte
	type entry struct{ k, v []byte }
	var rewrites []entry
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if dropKey != nil && dropKey(k) {
			doomed = append(doomed, bytes.Clone(k))
			continue
		}
		if !bytes.Contains(v, needle) {
			continue
		}
		var x T
		if json.Unmarshal(v, &x) != nil {
			continue
		}
		switch fn(&x) {
		case dropEntry:
			doomed = append(doomed, bytes.Clone(k))
		case rewriteEntry:
			nv, err := json.Marshal(&x)
			if err != nil {
				return 0, err
			}
			rewrites = append(rewrites, entry{bytes.Clone(k), nv})
		}
	}
	if err := deleteKeys(b, doomed); err != nil {
		return 0, err
	}
	for _, e := range rewrites {
		if err := b.Put(e.k, e.v); err != nil {
			return 0, err
		}
	}
	return len(doomed) + len(rewrites), nil
}

// deleteKeys deletes keys from b (collected first: deleting under a cursor
// may skip keys).
func deleteKeys(b *bolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
