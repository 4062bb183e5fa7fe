package bot_test

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// Failed inbox entries could only be listed. RetryFailed puts one back in
// the inbox, after the others, and forgets its failure; an undecodable one
// is refused, an unknown one named.
func TestRetryFailedEntry(t *testing.T) {
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("bot_inbox"))
		if err != nil {
			return err
		}
		for seq, v := range map[uint64]string{
			1: `{"seq":1,"msg":{"channel":"telegram","source_id":"9","chat_id":"100","user_id":"100","text":"cũ"},"state":"failed","err":"boom"}`,
			3: `{"seq":3, broken`,
		} {
			var k [8]byte
			binary.BigEndian.PutUint64(k[:], seq)
			if err := b.Put(k[:], []byte(v)); err != nil {
				return err
			}
		}
		return b.SetSequence(3)
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := bot.NewInbox(db, bot.InboxOptions{Now: func() time.Time { return rtEpoch }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.RetryFailed(99); !errors.Is(err, bot.ErrNoFailedEntry) {
		t.Errorf("RetryFailed(99): %v, want ErrNoFailedEntry", err)
	}
	if _, err := in.RetryFailed(3); !errors.Is(err, bot.ErrInvalidMessage) {
		t.Errorf("RetryFailed(poison): %v, want ErrInvalidMessage", err)
	}
	seq, err := in.RetryFailed(1)
	if err != nil {
		t.Fatal(err)
	}
	if seq <= 3 {
		t.Errorf("retried as %d, want a sequence after every other", seq)
	}
	if n, err := in.Pending(); err != nil || n != 1 {
		t.Errorf("pending = %d, %v; want 1", n, err)
	}
	all, err := in.Failed(0)
	if err != nil || len(all) != 1 || all[0].Seq != 3 {
		t.Errorf("failed = %+v, %v; want only the poison entry", all, err)
	}
	if _, err := in.RetryFailed(1); !errors.Is(err, bot.ErrNoFailedEntry) {
		t.Errorf("second RetryFailed(1): %v, want ErrNoFailedEntry", err)
	}
	// A channel delivering the same update again is still deduplicated.
	if n, err := in.Add([]bot.Message{{Channel: bot.Telegram, SourceID: "9", ChatID: "100", Text: "cũ"}}, nil); err != nil || n != 0 {
		t.Errorf("re-delivered update added %d, %v; want 0", n, err)
	}
}
