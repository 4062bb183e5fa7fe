package schedules

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FiredRetention is how long after its occurrence the records of a
// reminder fan-out are kept: one per recipient, and the fan-out itself.
// They make each reminder go once; nothing sends for an occurrence this
// old (catch-up skips passed occurrences, `remind` takes the current one),
// so past it they only grow the file: 10,000 officers make about 400,000 a
// year.
const FiredRetention = 60 * 24 * time.Hour

// pruneBatch bounds the keys one write transaction deletes.
const pruneBatch = 1000

// Prune deletes the fired records and the finished fan-outs of
// occurrences more than FiredRetention before now, in bounded write
// transactions, and returns how many it deleted. A fan-out not finished
// is kept with its records, whatever its age. Errors are bbolt's.
func (r *Reminders) Prune(now time.Time) (int, error) {
	r.mu.Lock() // no fan-out writes records meanwhile
	defer r.mu.Unlock()
	cut := now.Add(-FiredRetention)
	old := func(k []byte) bool {
		parts := bytes.Split(k, []byte{0})
		if len(parts) < 2 {
			return false
		}
		occ, err := ParseOccurrence(string(parts[1]))
		return err == nil && occ.Before(cut)
	}
	open := map[string]bool{} // deadline\x00occurrence\x00slot of unfinished fan-outs
	err := r.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFanouts).ForEach(func(k, v []byte) error {
			var f fanout
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("fan-out %q: %w", k, err)
			}
			if !f.Done {
				open[string(k)] = true
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("schedules: prune: %w", err)
	}
	total := 0
	for _, b := range [][]byte{bucketFired, bucketFanouts} {
		var from []byte // where the next transaction resumes the walk
		for done := false; !done; {
			n := 0
			err := r.db.Update(func(tx *bolt.Tx) error {
				n, done = 0, true
				bk := tx.Bucket(b)
				c := bk.Cursor()
				k, _ := c.First()
				if from != nil {
					k, _ = c.Seek(from)
				}
				// Keys are collected, then deleted: deleting under a
				// cursor may skip keys.
				var doomed [][]byte
				for ; k != nil; k, _ = c.Next() {
					if len(doomed) == pruneBatch {
						from, done = bytes.Clone(k), false
						break
					}
					parts := bytes.SplitN(k, []byte{0}, 4)
					if len(parts) < 3 || open[string(bytes.Join(parts[:3], []byte{0}))] || !old(k) {
						continue
					}
					doomed = append(doomed, bytes.Clone(k))
				}
				for _, k := range doomed {
					if err := bk.Delete(k); err != nil {
						return err
					}
				}
				n = len(doomed)
				return nil
			})
			if err != nil {
				return total, fmt.Errorf("schedules: prune: %w", err)
			}
			total += n
		}
	}
	return total, nil
}

// registerPrune adds the daily pruning job to e.
func (r *Reminders) registerPrune(e *Engine) error {
	return e.Add("reminders-prune", "30 3 * * *", func(_ context.Context, now time.Time) error {
		n, err := r.Prune(now)
		if n > 0 {
			r.log.Info("pruned old reminder records", "deleted", n)
		}
		return err
	})
}
