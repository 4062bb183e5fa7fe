package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// recordTries is how many times a failing OnSent/OnFailed callback is
// tried before the item is recorded without it.
const recordTries = 5

// recordStage ends an item in ONE bbolt transaction: it deletes it, records
// its Ref (the sent id, or a dead ref), writes the completion times of its
// sends to the limit log (limitlog.go), deletes the older updates it
// supersedes, and calls OnSent with the sent message's id, or, for a
// message the Sender refused for good, keeps it in the dead-letter bucket
// and calls OnFailed. It runs right after the send to keep the crash window
// small. If the transaction fails the item stays queued and marked as sent
// (dedupe then skips the send) and the record is tried again after a
// backoff.
//
// Records of sends finishing together share one transaction and one fsync
// (a group commit: Options.Batch, the Router's, when set, else a
// tickets.GroupCommit of its own): the worker waits until its record is
// committed, so a queue's next item still goes only after this one is
// recorded. A record function may therefore run more than once (a shared
// transaction is rolled back and each record run alone when one of them
// fails); it is idempotent: it deletes the item only if it is still
// queued, and calls the callback only then, in the transaction that
// deletes it.
type recordStage struct {
	batch    func(fn func(*bolt.Tx) error) error // the group commit
	onSent   func(tx *bolt.Tx, r Reply, sentID string) error
	onFailed func(tx *bolt.Tx, r Reply, err error) error
	metrics  Metrics
	log      *slog.Logger
	depth    *atomic.Int64 // items queued
	dead     *atomic.Int64 // dead letters kept
}

// newRecordStage records through batch, or through a group commit of its
// own over db (tickets.NewGroupCommit) when batch is nil.
func newRecordStage(batch func(func(*bolt.Tx) error) error, db *bolt.DB,
	onSent func(*bolt.Tx, Reply, string) error, onFailed func(*bolt.Tx, Reply, error) error,
	m Metrics, log *slog.Logger, depth, dead *atomic.Int64) *recordStage {
	if batch == nil {
		batch = tickets.NewGroupCommit(db).Do
	}
	if m == nil {
		m = noMetrics{}
	}
	return &recordStage{batch: batch, onSent: onSent, onFailed: onFailed, metrics: m, log: log, depth: depth, dead: dead}
}

func (s *recordStage) exec(_ context.Context, d *outDelivery) error {
	if !d.sent && d.failed == nil {
		return nil
	}
	r := d.item.Reply
	update := kindOf(r) == KindUpdate
	withCallback := d.tries < recordTries
	key := seqKey(d.seq)
	now := d.now()
	var dead []byte // the dead letter, made once so that every run writes the same
	if d.failed != nil && !r.NoTrace {
		v, err := json.Marshal(DeadLetter{Seq: d.seq, Reply: r, Enqueued: d.item.Enqueued,
			Failed: now, Error: d.failed.Error(), Attempts: d.attempts + 1})
		if err != nil {
			return fmt.Errorf("outbox: dead letter %d: %w", d.seq, err)
		}
		dead = v
	}
	var deleted bool
	var superseded int
	err := s.batch(func(tx *bolt.Tx) error {
		deleted, superseded = false, 0 // fn may run again after a rollback
		b := tx.Bucket(outboxBucket)
		if b == nil || b.Get(key) == nil {
			return nil // recorded already: no second callback
		}
		if err := b.Delete(key); err != nil {
			return err
		}
		deleted = true
		for _, seq := range d.supersedes {
			k := seqKey(seq)
			if b.Get(k) == nil {
				continue
			}
			if err := b.Delete(k); err != nil {
				return err
			}
			superseded++
		}
		if err := s.recordRef(tx, d, update, now); err != nil {
			return err
		}
		if err := recordSends(tx, d.ch.limits, r, d.sentAt); err != nil {
			return err
		}
		if d.failed != nil {
			if dead != nil {
				if err := tx.Bucket(outboxDead).Put(key, dead); err != nil {
					return err
				}
			}
			if withCallback && s.onFailed != nil {
				return s.onFailed(tx, r, d.failed)
			}
			return nil
		}
		if withCallback && s.onSent != nil {
			return s.onSent(tx, r, d.sentID)
		}
		return nil
	})
	if err != nil {
		d.tries++
		d.notBefore = now.Add(backoff(d.tries))
		s.log.Error("outbox: record failed; the message will not be sent again, only recorded",
			"channel", r.Channel, "chat", r.ChatID, "seq", d.seq, "try", d.tries, "err", err)
		return nil
	}
	d.done = true
	if !deleted {
		return nil
	}
	s.depth.Add(-int64(1 + superseded))
	for range superseded {
		s.metrics.Inc("supportbot_outbox_superseded_total", "channel", string(r.Channel))
	}
	if !withCallback {
		s.log.Error("outbox: recorded without its callback after repeated failures",
			"channel", r.Channel, "chat", r.ChatID, "seq", d.seq, "ticket", r.TicketID,
			"tries", d.tries)
	}
	if d.failed != nil && r.NoTrace {
		s.log.Warn("outbox: message refused for good; not kept (no trace)",
			"channel", r.Channel, "seq", d.seq, "err", d.failed)
		return nil
	}
	if d.failed != nil {
		s.dead.Add(1)
		s.log.Warn("outbox: message refused for good, kept as a dead letter",
			"channel", r.Channel, "chat", r.ChatID, "seq", d.seq, "ticket", r.TicketID, "err", d.failed)
		return nil
	}
	s.metrics.Inc("supportbot_messages_out_total", "channel", string(r.Channel))
	return nil
}

// recordRef writes the Ref of a finished item in tx: the sent id, or, for a
// message that failed for good, a dead ref that fails its dependants. An
// update refreshes the time of the ref it edited (keeping its id), and
// leaves it alone if it failed: the message is still there.
func (s *recordStage) recordRef(tx *bolt.Tx, d *outDelivery, update bool, now time.Time) error {
	r := d.item.Reply
	if r.Ref == "" || r.NoTrace {
		return nil
	}
	if update {
		old, ok := getRef(tx, r.Channel, r.ChatID, r.Ref)
		if d.failed != nil || !ok || old.dead {
			return nil
		}
		return putRef(tx, r.Channel, r.ChatID, r.Ref, refValue{at: now, id: old.id})
	}
	if d.failed != nil {
		return putRef(tx, r.Channel, r.ChatID, r.Ref, refValue{at: now, dead: true})
	}
	return putRef(tx, r.Channel, r.ChatID, r.Ref, refValue{at: now, id: d.sentID})
}
