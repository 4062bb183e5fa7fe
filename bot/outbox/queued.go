package outbox

import (
	"bytes"
	"encoding/json"
	"errors"

	bolt "go.etcd.io/bbolt"
)

// Queued reports whether match matches an item waiting in the outbox's
// queue, as tx sees it. match is asked about every queued item but bulk
// ones (announcements and reminder rounds), in enqueue order, until it
// matches: what Forget's Match would be asked about, so that a caller can
// look before it forgets. An unreadable item is not asked about, as Forget
// leaves it. tx may be read-only; it must be of the outbox's database.
func (o *Outbox) Queued(tx *bolt.Tx, match func(Reply) bool) (bool, error) {
	if tx.DB() != o.db {
		return false, errors.New("outbox: queued: a transaction of another database")
	}
	b := tx.Bucket(outboxBucket)
	if b == nil || match == nil {
		return false, nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if bytes.Contains(v, bulkPattern) {
			continue
		}
		var it outItem
		if json.Unmarshal(v, &it) != nil {
			continue // unreadable: left for an operator, never delivered
		}
		if match(it.Reply) {
			return true, nil
		}
	}
	return false, nil
}
