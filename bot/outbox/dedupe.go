package outbox

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// dedupeStage makes sure nothing is sent twice by this process: an item
// already delivered (or refused for good) whose record failed is only
// recorded again, never resent; an item no longer in the outbox (recorded
// already) is dropped from the queue.
//
// Across a crash it cannot help: see the crash window in the Outbox doc.
type dedupeStage struct{ db *bolt.DB }

func newDedupeStage(db *bolt.DB) *dedupeStage { return &dedupeStage{db: db} }

func (s *dedupeStage) exec(_ context.Context, d *outDelivery) error {
	if d.sent || d.failed != nil {
		d.skipSend = true
		return nil
	}
	var queued bool
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxBucket)
		queued = b != nil && b.Get(seqKey(d.seq)) != nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: dedupe %d: %w", d.seq, err)
	}
	if !queued {
		d.done = true
	}
	return nil
}
