package bot

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Drained reports whether nothing waits in in or in o, read in one
// transaction: every message stored in in before the call has been handled
// and every reply that caused has been through its Sender (sent, or kept as
// a dead letter). Replies parked for a channel with no registered Sender do
// not count: they wait for that channel, not for o. Unlike Depth, which is
// raised in a hook just after an enqueue commits, it never lags a commit
// that a reader can already see. in and o must share one database.
func Drained(in *Inbox, o *outbox.Outbox) (bool, error) {
	empty := false
	err := in.db.View(func(tx *bolt.Tx) error {
		if p, _ := tx.Bucket(bucketInboxPending).Cursor().First(); p != nil {
			return nil
		}
		idle, err := o.IdleTx(tx)
		empty = idle
		return err
	})
	if err != nil {
		return false, fmt.Errorf("bot: drained: %w", err)
	}
	return empty, nil
}
