package telegram_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/tickets"
)

// syncBuffer is a log sink the outbox, router and sender write to at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An erasure's confirmation (a NoTrace reply) goes to the officer just
// erased: when it fails, first for a while and then for good, the logs must
// not keep their Telegram id, which the erasure removed everywhere else.
func TestNoTraceReplyFailureLogsNoChatID(t *testing.T) {
	const officer = 987654321
	const id = "987654321"
	fake := newFake(t, faketg.Options{})
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(st)})
	if err != nil {
		t.Fatal(err)
	}
	var router *bot.Router
	out, err := outbox.New(db, outbox.Options{
		Logger:   logger,
		OnSent:   func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return router.OnFailed(tx, r, err) },
		Batch:    bot.StoreBatch(st),
	})
	if err != nil {
		t.Fatal(err)
	}
	if router, err = bot.NewRouter(db, in, kb(t), st, out, bot.RouterOptions{Logger: logger}); err != nil {
		t.Fatal(err)
	}
	sender, err := telegram.NewSender(fake.Token(), fake.URL(), telegram.SenderOptions{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	out.Register(bot.Telegram, sender, noLimits)

	// The first try meets a 502 (retried), the next a blocked bot (for good).
	fake.FailNext("sendMessage", 502, 0)
	fake.Block(officer)
	if err := out.Enqueue(bot.Reply{Channel: bot.Telegram, ChatID: id, Text: "Đã xoá dữ liệu của bạn.", NoTrace: true}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- out.Run(ctx) }()
	// The router logs the final failure after its commit, when the fake
	// has no more changes to wake a wait: poll the logs.
	wctx := waitCtx(t)
	for err = wctx.Err(); err == nil; err = wctx.Err() {
		if s := logs.String(); strings.Contains(s, "will retry") && strings.Contains(s, "reply not delivered") {
			break
		}
		select {
		case <-wctx.Done():
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if rerr := <-done; rerr != nil {
		t.Errorf("outbox: %v", rerr)
	}
	got := logs.String()
	if err != nil {
		t.Fatalf("the retry and the final failure were not both logged: %v\n%s", err, got)
	}
	if strings.Contains(got, id) {
		t.Errorf("the logs name the erased officer's chat %s:\n%s", id, got)
	}
}
