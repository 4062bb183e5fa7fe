package outbox

import (
	"encoding/json"
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
// before now and the refs last used more than RefRetention before now, and
// returns how many entries it deleted. It takes bbolt's writer for a short
// transaction per 500 deletions. Call it periodically (the Router's pruning,
// every RouterOptions.PruneEvery, is the place: r.out.Prune(r.now())); it
// is safe while Run runs. An unreadable dead letter is kept.
func (o *Outbox) Prune(now time.Time) (int, error) {
	deadBefore := now.Add(-DeadLetterRetention)
	refsBefore := now.Add(-RefRetention)
	total := 0
	for _, p := range []struct {
		bucket []byte
		old    func(v []byte) bool
		dead   bool
	}{
		{outboxDead, func(v []byte) bool {
			var d DeadLetter
			return json.Unmarshal(v, &d) == nil && d.Failed.Before(deadBefore)
		}, true},
		{outboxRefs, func(v []byte) bool {
			rv, ok := parseRef(v)
			return ok && rv.at.Before(refsBefore)
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
func (o *Outbox) pruneBatch(bucket, after []byte, old func([]byte) bool) (int, []byte, error) {
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
			if old(v) {
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
