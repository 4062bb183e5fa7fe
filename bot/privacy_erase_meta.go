package bot

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// How many of the register's erasures this database has had applied. The
// register lives beside the database; `supportbot restore` re-applies it
// to the backup it puts in place, but a file an operator copies back by
// hand while the bot is stopped bypasses that. So the database itself
// keeps a count, and Run re-applies the register (ReapplyAll) before
// anything else whenever the register holds more records than the count:
// the copied-back file, an erasure cut short by a crash between its record
// and its scrub, a database older than the count.
//
// The count is written once the erasure's data is gone and its free pages
// scrubbed (after Erase's scrub, at the end of ReapplyAll), so that a crash
// anywhere before leaves it behind and the next start finishes the work.
// The transaction that writes it frees only pages of bucket names and of
// this bucket: nothing personal.

var (
	bucketEraseMeta = []byte("bot_erase_meta") // keyApplied, keyScrubOwed -> 8-byte big-endian count
	keyApplied      = []byte("applied")
	// keyScrubOwed counts the finished follow-ups (privacy_erase_followup.go)
	// since the last scrub that completed; absent when none.
	keyScrubOwed = []byte("scrub_owed")
)

// metaCount reads one of bucketEraseMeta's counts in tx; 0 when absent.
func metaCount(tx *bolt.Tx, key []byte) uint64 {
	b := tx.Bucket(bucketEraseMeta)
	if b == nil { // no Eraser ever ran on this file
		return 0
	}
	if v := b.Get(key); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// oweScrub notes in tx, which deletes personal data, that the free pages
// must be scrubbed after it commits.
func oweScrub(tx *bolt.Tx) error {
	n := metaCount(tx, keyScrubOwed) + 1
	b, err := tx.CreateBucketIfNotExists(bucketEraseMeta) // the Router's decline may come first
	if err != nil {
		return err
	}
	return b.Put(keyScrubOwed, binary.BigEndian.AppendUint64(nil, n))
}

// scrub scrubs the free pages and clears the scrub owed before it.
func (e *Eraser) scrub(ctx context.Context) (tickets.ScrubStats, error) {
	owed, err := e.scrubOwed()
	if err != nil {
		return tickets.ScrubStats{}, err
	}
	st, err := tickets.ScrubFreePages(ctx, e.db)
	if err != nil {
		return st, fmt.Errorf("scrub free pages: %w", err)
	}
	return st, e.scrubPaid(owed)
}

// scrubOwed returns the count of deletions whose scrub is owed.
func (e *Eraser) scrubOwed() (uint64, error) {
	var n uint64
	err := e.db.View(func(tx *bolt.Tx) error {
		n = metaCount(tx, keyScrubOwed)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read the scrub owed: %w", err)
	}
	return n, nil
}

// scrubPaid clears the scrub owed after a scrub that began when it was n:
// a deletion noted since (a larger count) still waits for its own.
func (e *Eraser) scrubPaid(n uint64) error {
	if n == 0 {
		return nil
	}
	err := e.db.Update(func(tx *bolt.Tx) error {
		if metaCount(tx, keyScrubOwed) != n {
			return nil
		}
		return tx.Bucket(bucketEraseMeta).Delete(keyScrubOwed)
	})
	if err != nil {
		return fmt.Errorf("clear the scrub owed: %w", err)
	}
	return nil
}

// applied returns the count of register records this database had applied.
func (e *Eraser) applied() (uint64, error) {
	var n uint64
	err := e.db.View(func(tx *bolt.Tx) error {
		n = metaCount(tx, keyApplied)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read the count of applied erasures: %w", err)
	}
	return n, nil
}

// markApplied records that the register's first n records are applied.
// With ifNext, only when the count was n-1: an erasure that applies its
// own record does not vouch for earlier ones left unapplied (a file copied
// back by hand, then an erasure from the command line), which Run's start
// must still re-apply.
func (e *Eraser) markApplied(n int, ifNext bool) error {
	err := e.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEraseMeta)
		prev := metaCount(tx, keyApplied)
		if prev == uint64(n) || ifNext && prev+1 < uint64(n) {
			return nil
		}
		return b.Put(keyApplied, binary.BigEndian.AppendUint64(nil, uint64(n)))
	})
	if err != nil {
		return fmt.Errorf("record the count of applied erasures: %w", err)
	}
	return nil
}

// ReapplyIfDue re-applies the register (ReapplyAll) when it holds
// erasures this database has not had applied (see the file comment), and
// reports whether it did. Run calls it before anything else, and on each
// pass while it fails; a process may call it before it starts handling
// messages, so that none is handled against erased data.
func (e *Eraser) ReapplyIfDue(ctx context.Context) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	done, err := e.applied()
	if err != nil {
		return false, fmt.Errorf("bot: reapply erasures: %w", err)
	}
	recorded := e.reg.Len()
	if done >= uint64(recorded) {
		return false, nil
	}
	e.log.Warn("this database has not had every recorded erasure applied (a file put back by hand, or an erasure cut short); re-applying them",
		"applied", done, "recorded", recorded)
	_, err = e.reapplyAll(ctx)
	return true, err
}

// reapplyIfDue is ReapplyIfDue for Run, which logs a failure and tries
// again on its next pass.
func (e *Eraser) reapplyIfDue(ctx context.Context) {
	if _, err := e.ReapplyIfDue(ctx); err != nil && ctx.Err() == nil {
		e.log.Error("re-applying erasures failed; trying again in a minute", "err", err)
	}
}
