package telegram_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// newFake starts a fake Bot API closed with the test.
func newFake(t *testing.T, opts faketg.Options) *faketg.Server {
	t.Helper()
	s := faketg.New(opts)
	t.Cleanup(s.Close)
	return s
}

// openDB opens a bbolt file in a temporary directory, closed with the test.
func openDB(t *testing.T, dir string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "supportbot.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func newInbox(t *testing.T, db *bolt.DB) *bot.Inbox {
	t.Helper()
	in, err := bot.NewInbox(db)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// waitCtx bounds a wait on the fake so that a broken test fails instead
// of hanging; it is a deadline, not a timing assertion.
func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// sleeps records the waits a Poller asks for and returns at once.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// pending returns how many messages wait in the inbox.
func pending(t *testing.T, in *bot.Inbox) int {
	t.Helper()
	n, err := in.Pending()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// stored reports whether the inbox already holds the Telegram update id:
// adding it again adds nothing (the inbox dedupes by source id).
func stored(t *testing.T, in *bot.Inbox, updateID string) bool {
	t.Helper()
	added, err := in.Add([]bot.Message{{Channel: bot.Telegram, SourceID: updateID, ChatID: "1", UserID: "1", Text: "probe"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return added == 0
}
