package tickets

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"
)

// Event kinds of the personal-data work.
const (
	EventAnonymised = "anonymised" // the ticket's personal data was erased (officer request, operator, retention)
	EventViewed     = "viewed"     // a staff member or operator saw the ticket's personal data
)

// fieldAnonymisedTicket names the *ValidationError refusing an officer's
// change to an anonymised ticket (UserMessage words it for them).
const fieldAnonymisedTicket = "anonymised ticket"

// Anonymise erases the personal data of ticket id (see the package doc,
// "Personal data") on the word of by, for reason (a short phrase from a
// fixed vocabulary, e.g. "officer request", "retention": it stays readable
// in the log). The record loses the reporter's identity and every word of
// the conversation; kinds, times, states, the assignee and the SLA stay. An
// EventAnonymised extends the chain as any change does, and the ticket's
// key is deleted in the same transaction, so the sealed fields of its
// events can no longer be read. The state does not change: an open ticket
// stays open for staff to close. A ticket already anonymised is returned
// as it is and nothing is written.
//
// The erased values are gone from the live data once the transaction
// commits, but bbolt leaves them in the freed pages of the file until
// ScrubFreePages overwrites those.
//
// Errors: ErrNotFound; ErrInvalid for a malformed ID, actor or reason.
func (t *Tx) Anonymise(id string, by Actor, reason string) (*Ticket, error) {
	if err := checkActor(by); err != nil {
		return nil, err
	}
	if err := checkField("reason", reason, true); err != nil {
		return nil, err
	}
	cur, err := t.Get(id)
	if err != nil {
		return nil, err
	}
	if !cur.Anonymised.IsZero() {
		return cur, nil
	}
	tk, err := t.change(id, func(tk *Ticket, now time.Time) (Event, error) {
		anonymiseRecord(tk, now)
		return Event{Actor: by, Kind: EventAnonymised, Note: reason}, nil
	})
	if err != nil {
		return nil, err
	}
	seq, _ := ParseID(tk.ID)
	if err := deleteKey(t.tx, seq); err != nil {
		return nil, err
	}
	return tk, nil
}

// anonymiseRecord clears tk's personal fields. It builds new slices rather
// than editing the old ones, which the caller's copy of the ticket shares.
func anonymiseRecord(tk *Ticket, now time.Time) {
	tk.ChatID, tk.UserID, tk.UserName, tk.Commune, tk.Text = "", "", "", "", ""
	if tk.Messages != nil {
		msgs := make([]ConvMessage, len(tk.Messages))
		for i, m := range tk.Messages {
			from := m.From
			if from.Kind == ActorOfficer {
				from = Actor{Kind: ActorOfficer}
			}
			msgs[i] = ConvMessage{At: m.At, From: from, Internal: m.Internal, Direction: m.Direction}
		}
		tk.Messages = msgs
	}
	if tk.DeliveryFailures != nil {
		fs := make([]DeliveryFailure, len(tk.DeliveryFailures))
		for i, f := range tk.DeliveryFailures {
			fs[i] = DeliveryFailure{At: f.At}
		}
		tk.DeliveryFailures = fs
	}
	tk.Anonymised = now
}

// RecordView appends an EventViewed to ticket id: by saw its personal data
// through what ("slack show", "cli tickets show", "export"; a short phrase
// kept readable in the log). A view is not a change: Updated and the SLA
// stay as they were. On an anonymised ticket there is nothing personal left
// to see, and nothing is recorded. Errors: ErrNotFound; ErrInvalid for a
// malformed ID, actor or what.
func (t *Tx) RecordView(id string, by Actor, what string) error {
	if err := checkActor(by); err != nil {
		return err
	}
	if err := checkField("what", what, true); err != nil {
		return err
	}
	cur, err := t.Get(id)
	if err != nil {
		return err
	}
	if !cur.Anonymised.IsZero() {
		return nil
	}
	_, err = t.change(id, func(*Ticket, time.Time) (Event, error) {
		return Event{Actor: by, Kind: EventViewed, Note: what}, nil
	})
	return err
}

// viewBatch bounds the tickets one RecordViews transaction touches, so an
// export of the whole store does not hold the writer for long.
const viewBatch = 500

// RecordViews records by's view (see Tx.RecordView) of each of ids, at most
// viewBatch tickets per transaction. On an error the batches before the
// failing one stay recorded; the failing one is rolled back.
func (s *Store) RecordViews(ids []string, by Actor, what string) error {
	for start := 0; start < len(ids); start += viewBatch {
		batch := ids[start:min(start+viewBatch, len(ids))]
		err := s.Update(func(tx *Tx) error {
			for _, id := range batch {
				if err := tx.RecordView(id, by, what); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("tickets: record views: %w", err)
		}
	}
	return nil
}

// ReporterTickets returns the IDs of every ticket (any state) reported by
// channel:userID, oldest first, from one scan of the reporter index.
// Anonymised tickets are no longer indexed under their reporter and are not
// returned. Errors: ErrInvalid for an empty channel or user ID.
func (t *Tx) ReporterTickets(channel, userID string) ([]string, error) {
	if err := checkField("channel", channel, true); err != nil {
		return nil, err
	}
	if err := checkField("user id", userID, true); err != nil {
		return nil, err
	}
	b, err := t.bucket(idxReporter.bucket)
	if err != nil {
		return nil, err
	}
	// Keys are reporter NUL state NUL be64(seq): the reporter and its NUL
	// select every state at once.
	prefix := append([]byte(channel+":"+userID), 0)
	var seqs []uint64
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) < len(prefix)+9 || k[len(k)-9] != 0 {
			continue
		}
		seqs = append(seqs, binary.BigEndian.Uint64(k[len(k)-8:]))
	}
	slices.Sort(seqs)
	out := make([]string, len(seqs))
	for i, seq := range seqs {
		out[i] = FormatID(seq)
	}
	return out, nil
}

// ExpiredClosed returns up to limit tickets, oldest change first, that are
// closed or cancelled, not anonymised, and last changed before before: the
// tickets that retention anonymises. It walks the state index of those two
// states and reads only the head of each record (anonymised records are
// told by their first byte). limit <= 0 returns none.
func (t *Tx) ExpiredClosed(before time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	var seqs []uint64
	for _, st := range []State{StateClosed, StateCancelled} {
		var err error
		if seqs, err = t.scan(idxState, "", st, seqs); err != nil {
			return nil, err
		}
	}
	tb, err := t.bucket(bucketTickets)
	if err != nil {
		return nil, err
	}
	type expired struct {
		seq     uint64
		updated time.Time
	}
	var found []expired
	for _, seq := range seqs {
		v := tb.Get(be64(seq))
		if v == nil {
			continue // a stale index entry; Verify reports it
		}
		updated, anonymised, err := recordHead(v)
		if err != nil {
			return nil, fmt.Errorf("tickets: decode %s: %w", FormatID(seq), err)
		}
		if !anonymised && updated.Before(before) {
			found = append(found, expired{seq, updated})
		}
	}
	slices.SortFunc(found, func(a, b expired) int {
		return cmp.Or(a.updated.Compare(b.updated), cmp.Compare(a.seq, b.seq))
	})
	found = found[:min(limit, len(found))]
	out := make([]string, 0, len(found))
	for _, e := range found {
		out = append(out, FormatID(e.seq))
	}
	return out, nil
}
