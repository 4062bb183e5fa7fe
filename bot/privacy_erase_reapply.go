package bot

import (
	"bytes"
	"context"
	"encoding/json"
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
// entries or questions), without recording again or confirming, and
// scrubs once at the end.

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
// among those the database knows is erased in full, without a new record
// or a confirmation; the free pages are scrubbed at the end. Running it
// on a database with nothing to re-apply changes nothing.
func (e *Eraser) ReapplyAll(ctx context.Context) (ReapplyReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var rep ReapplyReport
	start := time.Now()
	recs, err := e.reg.Records()
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
		if !e.reg.Matches(o.Channel, o.UserID) {
			continue
		}
		r, err := e.erase(ctx, EraseRequest{Channel: o.Channel, UserID: o.UserID, Why: reasonReapplied, By: systemActor}, eraseMode{})
		if err != nil {
			return rep, fmt.Errorf("bot: reapply erasures: %w", err)
		}
		rep.Officers++
		rep.Tickets += r.Tickets
	}
	rep.Took = time.Since(start)
	if rep.Tickets > 0 || rep.Officers > 0 {
		if rep.Scrub, err = tickets.ScrubFreePages(ctx, e.db); err != nil {
			return rep, fmt.Errorf("bot: reapply erasures: re-applied, but scrub free pages: %w", err)
		}
	}
	e.log.Info("erasures re-applied", "records", len(recs), "officers", rep.Officers, "tickets", rep.Tickets,
		"took", rep.Took, "scrub_pages", rep.Scrub.Pages)
	return rep, nil
}

// knownOfficer is an officer the database holds something of.
type knownOfficer struct {
	Channel Channel `json:"channel"`
	UserID  string  `json:"user_id"`
}

// knownOfficers returns the officers the database holds something of: a
// record (bot_officers), a question or an inbox entry; an officer who asked
// without registering has no record.
func (e *Eraser) knownOfficers() ([]knownOfficer, error) {
	seen := map[knownOfficer]bool{}
	var out []knownOfficer
	note := func(o knownOfficer) {
		if o.Channel != "" && o.UserID != "" && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	err := e.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketOfficers).ForEach(func(k, _ []byte) error {
			if ch, id, ok := bytes.Cut(k, []byte{0}); ok {
				note(knownOfficer{Channel(ch), string(id)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketQuestions).ForEach(func(_, v []byte) error {
			var o knownOfficer
			if json.Unmarshal(v, &o) == nil {
				note(o)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketInbox).ForEach(func(_, v []byte) error {
			var ent struct {
				Msg knownOfficer `json:"msg"`
			}
			if json.Unmarshal(v, &ent) == nil {
				note(ent.Msg)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list known officers: %w", err)
	}
	return out, nil
}
