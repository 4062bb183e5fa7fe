package outbox_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// obKillingSender sends through send until killAt messages were accepted;
// then it takes a consistent copy of db at copyTo (what a kill -9 leaves on
// disk), calls onKill (when not nil), closes killed and refuses every later
// send with a retry: the process goes on, but cut off from the server.
func obKillingSender(tb testing.TB, db *bolt.DB, copyTo string, killAt int64,
	send func(context.Context, outbox.Reply) (string, bool, error), onKill func()) (s outbox.SenderFunc, killed <-chan struct{}) {
	k := make(chan struct{})
	var once sync.Once
	var accepted atomic.Int64
	return outbox.SenderFunc(func(ctx context.Context, r outbox.Reply) (string, bool, error) {
		select {
		case <-k:
			return "", true, errors.New("killed")
		default:
		}
		id, retry, err := send(ctx, r)
		if err == nil && accepted.Add(1) == killAt {
			once.Do(func() {
				if err := db.View(func(tx *bolt.Tx) error { return tx.CopyFile(copyTo, 0o600) }); err != nil {
					tb.Error(err)
				}
				if onKill != nil {
					onKill()
				}
				close(k)
			})
		}
		return id, retry, err
	}), k
}
