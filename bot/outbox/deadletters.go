package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DeadLetter is a message the Sender refused for good (or whose ref did),
// kept for staff for DeadLetterRetention: when (Failed), where
// (Reply.Channel, Reply.ChatID), about which ticket (Reply.TicketID) and
// why (Error).
type DeadLetter struct {
	Seq      uint64    `json:"seq"`
	Reply    Reply     `json:"reply"`
	Enqueued time.Time `json:"enqueued"`
	Failed   time.Time `json:"failed"`
	Error    string    `json:"error"`
	Attempts int       `json:"attempts"`
}

// DeadLetters returns the newest limit dead letters, newest first (every
// one when limit <= 0).
func (o *Outbox) DeadLetters(limit int) ([]DeadLetter, error) {
	var out []DeadLetter
	err := o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxDead)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var d DeadLetter
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("dead letter %x: %w", k, err)
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: dead letters: %w", err)
	}
	return out, nil
}

// pruneBatch bounds the keys one write transaction of Prune deletes, so
// that pruning a long backlog does not hold bbolt's writer for long.
const pruneBatch = 500

// Prune deletes the dead letters that failed more than DeadLetterRetention
// before now, the refs last used more than RefRetention before now and the
// limit log's entries of chats not sent to for ten minutes, and
// returns how many entries it deleted. It takes bbolt's writer for a short
// transaction per 500 deletions. Call it periodically (the Router's pruning,
// every RouterOptions.PruneEvery, is the place: r.out.Prune(r.now())); it
// is safe while Run runs. An unreadable dead letter is kept.
func (o *Outbox) Prune(now time.Time) (int, error) {
	deadBefore := now.Add(-DeadLetterRetention)
	refsBefore := now.Add(-RefRetention)
	limitsBefore := now.Add(-limitRetention)
	total := 0
	for _, p := range []struct {
		bucket []byte
		old    func(tx *bolt.Tx, k, v []byte) bool
		dead   bool
	}{
		{outboxDead, func(_ *bolt.Tx, _, v []byte) bool {
			var d DeadLetter
			return json.Unmarshal(v, &d) == nil && d.Failed.Before(deadBefore)
		}, true},
		{outboxRefs, func(tx *bolt.Tx, k, v []byte) bool {
			rv, ok := parseRef(v)
			if !ok || !rv.at.Before(refsBefore) {
				return false
			}
			if o.keepRef != nil {
				if ch, chat, ref, ok := splitRefKey(k); ok && o.keepRef(tx, ch, chat, ref) {
					return false
				}
			}
			return true
		}, false},
		{outboxLimits, func(_ *bolt.Tx, _, v []byte) bool {
			ts := decodeTimes(v) // nil for the run marker: kept
			return len(ts) > 0 && ts[len(ts)-1].Before(limitsBefore)
		}, false},
	} {
		var after []byte // resume the scan after this key
		for {
			n, next, err := o.pruneBatch(p.bucket, after, p.old)
			total += n
			if p.dead {
				o.dead.Add(-int64(n))
			}
			if err != nil {
				return total, fmt.Errorf("outbox: prune %s: %w", p.bucket, err)
			}
			if next == nil {
				break
			}
			after = next
		}
	}
	return total, nil
}

// pruneBatch deletes, in one transaction, up to pruneBatch old entries of
// bucket found after the key after (from the start when nil). It returns
// how many it deleted and the key to resume after, nil when it reached
// the end.
func (o *Outbox) pruneBatch(bucket, after []byte, old func(tx *bolt.Tx, k, v []byte) bool) (int, []byte, error) {
	var n int
	var last []byte
	err := o.db.Update(func(tx *bolt.Tx) error {
		n, last = 0, nil
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		var del [][]byte
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && string(k) == string(after) {
				k, v = c.Next()
			}
		}
		for ; k != nil; k, v = c.Next() {
			if len(del) == pruneBatch {
				last = del[len(del)-1] // resume after it: k is not looked at yet
				break
			}
			if old(tx, k, v) {
				del = append(del, append([]byte(nil), k...))
			}
		}
		for _, k := range del {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(del)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return n, last, nil
}

// ErrNoDeadLetter is returned (wrapped) by RetryDead and DropDead for a
// sequence that names no dead letter (never one, already retried, dropped
// or pruned).
var ErrNoDeadLetter = errors.New("outbox: no such dead letter")

// RetryDead queues dead letter seq again, as a new item at the end of the
// queue, and deletes the dead letter, in one transaction: an operator
// retries a message once its cause is fixed (the officer unblocked the
// bot, the chat exists again). The message keeps its text and target; a
// dead ref it left is cleared, so that updates and thread replies queued
// after the retry wait for it again instead of failing (those that failed
// with it stay dead letters, to retry each on its own). It returns the
// new item's sequence. A running Run picks the item up at once; without
// one it waits for the next Run. Errors: ErrNoDeadLetter, or bbolt's.
func (o *Outbox) RetryDead(seq uint64) (newSeq uint64, err error) {
	err = o.db.Update(func(tx *bolt.Tx) error {
		dead, q := tx.Bucket(outboxDead), tx.Bucket(outboxBucket)
		if dead == nil || q == nil {
			return fmt.Errorf("%w: %d", ErrNoDeadLetter, seq)
		}
		v := dead.Get(seqKey(seq))
		if v == nil {
			return fmt.Errorf("%w: %d", ErrNoDeadLetter, seq)
		}
		var d DeadLetter
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("dead letter %d: %w", seq, err)
		}
		r := d.Reply
		if r.Ref != "" && kindOf(r) != KindUpdate {
			if rv, ok := getRef(tx, r.Channel, r.ChatID, r.Ref); ok && rv.dead {
				if err := tx.Bucket(outboxRefs).Delete(refKey(r.Channel, r.ChatID, r.Ref)); err != nil {
					return err
				}
			}
		}
		if kindOf(r) == KindUpdate && r.Ref != "" {
			r.EditID = "" // resolved again from the ref when sent
		}
		n, err := q.NextSequence()
		if err != nil {
			return err
		}
		item, err := json.Marshal(outItem{Reply: r, Enqueued: o.now()})
		if err != nil {
			return err
		}
		if err := q.Put(seqKey(n), item); err != nil {
			return err
		}
		if err := dead.Delete(seqKey(seq)); err != nil {
			return err
		}
		newSeq = n
		tx.OnCommit(func() {
			o.depth.Add(1)
			o.dead.Add(-1)
			select {
			case o.wake <- struct{}{}:
			default:
			}
		})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: retry dead letter: %w", err)
	}
	return newSeq, nil
}

// DropDead deletes dead letter seq: an operator has dealt with it. Errors:
// ErrNoDeadLetter, or bbolt's.
func (o *Outbox) DropDead(seq uint64) error {
	err := o.db.Update(func(tx *bolt.Tx) error {
		dead := tx.Bucket(outboxDead)
		if dead == nil || dead.Get(seqKey(seq)) == nil {
			return fmt.Errorf("%w: %d", ErrNoDeadLetter, seq)
		}
		if err := dead.Delete(seqKey(seq)); err != nil {
			return err
		}
		tx.OnCommit(func() { o.dead.Add(-1) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: drop dead letter: %w", err)
	}
	return nil
}

// DeadLettersSince counts the dead letters that failed at or after t
// (`supportbot status` shows those of today).
func (o *Outbox) DeadLettersSince(t time.Time) (int, error) {
	n := 0
	err := o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxDead)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		// Newest last (keys are sequences, failures come in order, nearly):
		// walk back while they are recent enough, with a little slack for
		// records committed out of order.
		older := 0
		for k, v := c.Last(); k != nil && older < 64; k, v = c.Prev() {
			var d struct {
				Failed time.Time `json:"failed"`
			}
			if json.Unmarshal(v, &d) != nil {
				continue
			}
			if d.Failed.Before(t) {
				older++
				continue
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: dead letters since: %w", err)
	}
	return n, nil
}
