package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// Re-applying erasures after a restore. A backup taken before an erasure
// still holds the officer's data; the ErasureRegister, kept beside the
// database and not in it, says what was erased. Reapply anonymises every
// ticket the register names, then fully erases every officer the register
// matches that the restored database still knows (their record, inbox
// entries or questions) from before their erasure, without recording
// again, and scrubs once at the end.
//
// An officer erased who came back and agreed to the notice again is a new
// relationship: when everything the database holds of them came after the
// newest record of their erasure, they are left alone.

// reasonReapplied is the reason a re-applied anonymisation records.
const reasonReapplied = "erasure re-applied after restore"

// ReapplyReport says what Reapply did.
type ReapplyReport struct {
	Officers int // officers erased again
	Tickets  int // tickets anonymised again (the register's, and those officers')
	Took     time.Duration
	Scrub    tickets.ScrubStats
}

// Reapply re-applies the register's erasures to this database (after a
// restore) and returns how many tickets it anonymised again; see
// ReapplyAll for the details.
func (e *Eraser) Reapply(ctx context.Context) (int, error) {
	r, err := e.ReapplyAll(ctx)
	return r.Tickets, err
}

// ReapplyAll re-applies the register's erasures to this database: the
// tickets of every record are anonymised (those already anonymised or not
// in this copy are skipped), then every officer the register matches
// among those the database knows from before their erasure is erased in
// full, without a new record; an erase request of theirs still stored
// (the backup was taken while it waited, or a crash cut its erasure short)
// is carried out so, confirmation included. The free pages are scrubbed
// at the end, and the database notes that it had the register applied
// (privacy_erase_meta.go). Running it again changes no data.
func (e *Eraser) ReapplyAll(ctx context.Context) (ReapplyReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reapplyAll(ctx)
}

// reapplyAll is ReapplyAll; e.mu is held.
func (e *Eraser) reapplyAll(ctx context.Context) (ReapplyReport, error) {
	var rep ReapplyReport
	start := time.Now()
	e.finishLeftJobs()
	owed, err := e.scrubOwed()
	if err != nil {
		return rep, fmt.Errorf("bot: reapply erasures: %w", err)
	}
	recs, err := e.reg.Records()
	if err != nil {
		return rep, fmt.Errorf("bot: reapply erasures: %w", err)
	}
	done, err := e.applied()
	if err != nil {
		return rep, fmt.Errorf("bot: reapply erasures: %w", err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Tickets...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var after afterCommit
	for i := 0; i < len(ids); i += e.opts.BatchSize {
		if i > 0 {
			if err := pause(ctx); err != nil {
				return rep, fmt.Errorf("bot: reapply erasures: %w", err)
			}
		}
		b, err := e.anonymiseBatch(ids[i:min(i+e.opts.BatchSize, len(ids))], systemActor, reasonReapplied, ersCardErased)
		if err != nil {
			return rep, fmt.Errorf("bot: reapply erasures: %w", err)
		}
		rep.Tickets += b.tickets
		after.add(b.after)
	}
	if _, _, err := e.eraseFiles(after); err != nil {
		e.log.Warn("re-applied erasures, but files or drafts were left", "err", err)
	}
	known, err := e.knownOfficers()
	if err != nil {
		return rep, fmt.Errorf("bot: reapply erasures: %w", err)
	}
	for _, o := range known {
		rec, ok := e.reg.Erased(o.Channel, o.UserID)
		if !ok {
			continue
		}
		if o.since.After(rec.At) {
			old, err := e.ticketsBefore(o, rec.At)
			if err != nil {
				return rep, fmt.Errorf("bot: reapply erasures: %w", err)
			}
			if !old {
				continue // came back after the erasure: a new relationship
			}
		}
		req := EraseRequest{Channel: o.Channel, UserID: o.UserID, Why: reasonReapplied, By: systemActor}
		mode := eraseMode{}
		if key, stored, ok, err := e.storedRequest(o); err != nil {
			return rep, fmt.Errorf("bot: reapply erasures: %w", err)
		} else if ok {
			req, mode = stored, eraseMode{confirm: true, reqKey: key, told: len(rec.Tickets)}
		}
		r, err := e.erase(ctx, req, mode)
		if errors.Is(err, ErrNothingToErase) {
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("bot: reapply erasures: %w", err)
		}
		rep.Officers++
		rep.Tickets += r.Tickets
	}
	rep.Took = time.Since(start)
	// A database behind the register is scrubbed even when no data was
	// left: the erasure whose scrub a crash cut short left its free pages.
	if rep.Tickets > 0 || rep.Officers > 0 || done < uint64(len(recs)) || owed > 0 {
		if rep.Scrub, err = e.scrub(ctx); err != nil {
			return rep, fmt.Errorf("bot: reapply erasures: re-applied, but: %w", err)
		}
	}
	if err := e.markApplied(len(recs), false); err != nil {
		return rep, fmt.Errorf("bot: reapply erasures: %w", err)
	}
	e.log.Info("erasures re-applied", "records", len(recs), "officers", rep.Officers, "tickets", rep.Tickets,
		"took", rep.Took, "scrub_pages", rep.Scrub.Pages)
	return rep, nil
}

// ticketsBefore reports whether o has a ticket not anonymised that was
// opened at or before at: data from before an erasure.
func (e *Eraser) ticketsBefore(o knownOfficer, at time.Time) (bool, error) {
	old := false
	err := e.st.View(func(tx *tickets.Tx) error {
		ids, err := tx.ReporterTickets(string(o.Channel), o.UserID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			tk, err := tx.Get(id)
			if err != nil {
				return fmt.Errorf("ticket %s: %w", id, err)
			}
			if tk.Anonymised.IsZero() && !tk.Created.After(at) {
				old = true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("tickets of a known officer: %w", err)
	}
	return old, nil
}

// storedRequest returns the oldest stored erase request of o, if any.
func (e *Eraser) storedRequest(o knownOfficer) (key []byte, req EraseRequest, ok bool, err error) {
	err = e.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEraseRequests).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var r EraseRequest
			if json.Unmarshal(v, &r) == nil && r.check() == nil && r.Channel == o.Channel && r.UserID == o.UserID {
				key, req, ok = bytes.Clone(k), r, true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, EraseRequest{}, false, fmt.Errorf("stored erase requests: %w", err)
	}
	return key, req, ok, nil
}

// knownOfficer is an officer the database holds something of.
type knownOfficer struct {
	Channel Channel `json:"channel"`
	UserID  string  `json:"user_id"`
	// since is the earliest time the database has of them: when their
	// record says they agreed or registered, when they asked a question,
	// when a message of theirs came in. Zero when none is known.
	since time.Time
}

// knownOfficers returns the officers the database holds something of: a
// record (bot_officers), a question or an inbox entry; an officer who asked
// without registering has no record.
func (e *Eraser) knownOfficers() ([]knownOfficer, error) {
	type who struct {
		ch Channel
		id string
	}
	index := map[who]int{}
	var out []knownOfficer
	note := func(ch Channel, id string, times ...time.Time) {
		if ch == "" || id == "" {
			return
		}
		i, ok := index[who{ch, id}]
		if !ok {
			i = len(out)
			index[who{ch, id}] = i
			out = append(out, knownOfficer{Channel: ch, UserID: id})
		}
		for _, t := range times {
			if !t.IsZero() && (out[i].since.IsZero() || t.Before(out[i].since)) {
				out[i].since = t
			}
		}
	}
	err := e.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketOfficers).ForEach(func(k, v []byte) error {
			ch, id, ok := bytes.Cut(k, []byte{0})
			if !ok {
				return nil
			}
			var o officer
			_ = json.Unmarshal(v, &o) // unreadable: known, from no known time
			note(Channel(ch), string(id), o.Consented, o.Registered)
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketQuestions).ForEach(func(_, v []byte) error {
			var q askedQuestion
			if json.Unmarshal(v, &q) == nil {
				note(q.Channel, q.UserID, q.At)
			}
			return nil
		})
		if err != nil {
			return err
		}
		in := tx.Bucket(bucketInbox)
		if in == nil {
			return nil // a data directory only the command line has used
		}
		return in.ForEach(func(_, v []byte) error {
			var ent struct {
				Msg   knownOfficer `json:"msg"`
				Added time.Time    `json:"added"`
			}
			if json.Unmarshal(v, &ent) == nil {
				note(ent.Msg.Channel, ent.Msg.UserID, ent.Added)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list known officers: %w", err)
	}
	return out, nil
}
