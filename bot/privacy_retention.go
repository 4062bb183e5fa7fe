package bot

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// Retention of tickets: closed and cancelled tickets whose last change is
// older than EraserOptions.Retention (SUPPORTBOT_RETENTION, 24 months by
// default) are anonymised the way an erasure anonymises them, by the
// system, with the reason "retention", their triage cards edited to say
// so. Nothing is recorded in the ErasureRegister: a restored backup gets
// the same treatment at the next daily run, the rule being the same.

// retentionEvery is how often Run applies retention.
const retentionEvery = 24 * time.Hour

// reasonRetention is the reason an anonymisation by retention records.
const reasonRetention = "retention"

// keyPrivacyRetention records in bucketRetention when Run last applied
// retention, so that a restart does not apply it again the same day.
var keyPrivacyRetention = []byte("privacy_retention") // -> 8-byte big-endian unix nanoseconds

// ApplyRetention anonymises the closed and cancelled tickets last changed
// before before, in batches (each a transaction of at most
// EraserOptions.BatchSize tickets, with the edits of their Slack posts),
// then deletes the files they kept, erases their knowledge drafts'
// questions and scrubs the free pages. It returns how many tickets it
// anonymised; an error after some batches committed comes back with their
// count.
func (e *Eraser) ApplyRetention(ctx context.Context, before time.Time) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.finishLeftJobs()
	start := time.Now()
	var done batchResult
	for first := true; ; first = false {
		if !first {
			if err := pause(ctx); err != nil {
				return done.tickets, fmt.Errorf("bot: retention: %w", err)
			}
		}
		var ids []string
		err := e.st.View(func(tx *tickets.Tx) error {
			var err error
			ids, err = tx.ExpiredClosed(before, e.opts.BatchSize)
			return err
		})
		if err != nil {
			return done.tickets, fmt.Errorf("bot: retention: list expired tickets: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		b, err := e.anonymiseBatch(ids, systemActor, reasonRetention, ersCardExpired)
		if err != nil {
			return done.tickets, fmt.Errorf("bot: retention: %w", err)
		}
		done.add(b)
		if b.tickets == 0 {
			break // nothing listed could change: do not spin on it
		}
	}
	if done.tickets == 0 {
		// A run cut short before its scrub left the scrub owed.
		if owed, err := e.scrubOwed(); err != nil || owed == 0 {
			return 0, err
		}
		if _, err := e.scrub(ctx); err != nil {
			return 0, fmt.Errorf("bot: retention: %w", err)
		}
		return 0, nil
	}
	took := time.Since(start)
	files, drafts, ferr := e.eraseFiles(done.after)
	scrub, serr := e.scrub(ctx)
	e.log.Info("expired tickets anonymised", "tickets", done.tickets, "posts", done.posts, "files", files,
		"drafts", drafts, "took", took, "scrub_pages", scrub.Pages, "scrub_took", scrub.Took)
	if ferr != nil {
		return done.tickets, fmt.Errorf("bot: retention: anonymised, but: %w", ferr)
	}
	if serr != nil {
		return done.tickets, fmt.Errorf("bot: retention: anonymised, but: %w", serr)
	}
	return done.tickets, nil
}

// retentionIfDue applies retention when EraserOptions.Retention is set
// and it was last applied a day ago or more (or never).
func (e *Eraser) retentionIfDue(ctx context.Context) error {
	if e.opts.Retention <= 0 {
		return nil
	}
	now := e.now()
	var last time.Time
	err := e.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketRetention).Get(keyPrivacyRetention); len(v) == 8 {
			last = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: retention: %w", err)
	}
	if !last.IsZero() && now.Sub(last) < retentionEvery {
		return nil
	}
	if _, err := e.ApplyRetention(ctx, now.Add(-e.opts.Retention)); err != nil {
		return err
	}
	err = e.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRetention).Put(keyPrivacyRetention, stamp(now))
	})
	if err != nil {
		return fmt.Errorf("bot: retention: record the run: %w", err)
	}
	return nil
}
