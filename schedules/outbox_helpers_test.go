package schedules_test

import (
	"encoding/binary"
	"encoding/json"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// storeReplies stands in for the outbox's EnqueueTx: it stores each reply
// in bucket in the caller's transaction, so that a rolled-back enqueue
// leaves nothing.
func storeReplies(tx *bolt.Tx, bucket []byte, rs ...outbox.Reply) error {
	b, err := tx.CreateBucketIfNotExists(bucket)
	if err != nil {
		return err
	}
	for _, r := range rs {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		k := make([]byte, 8)
		binary.BigEndian.PutUint64(k, seq)
		if err := b.Put(k, v); err != nil {
			return err
		}
	}
	return nil
}

// storedReplies returns every reply storeReplies put in bucket, in order.
func storedReplies(t *testing.T, db *bolt.DB, bucket []byte) []outbox.Reply {
	t.Helper()
	var out []outbox.Reply
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var r outbox.Reply
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
