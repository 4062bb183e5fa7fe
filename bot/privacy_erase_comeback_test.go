package bot_test

import (
	"context"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// An officer who writes again right after their erasure is a new contact:
// the erasure's follow-up drops at most its own unsent confirmation, never
// the replies queued for the chat since.
func TestEraseFollowUpKeepsRepliesToAnOfficerWhoCameBack(t *testing.T) {
	db, st, out := openBotDB(t, t.TempDir()) // the outbox is not running: nothing leaves
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEraser(t, db, st, out, "", bot.EraserOptions{Now: clock, ConfirmWait: time.Minute})

	const officer = "7301234"
	if err := st.Update(func(tx *tickets.Tx) error {
		if err := bot.RecordConsent(tx.Bolt(), bot.Telegram, officer, clock()); err != nil {
			return err
		}
		_, _, err := tx.Create(tickets.NewTicket{Channel: "telegram", UserID: officer, ChatID: officer, Text: "Hỏi về tem kiểm định"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: officer, ChatID: officer,
		Lang: "vi", Why: "officer request", By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + officer}}); err != nil {
		t.Fatal(err)
	}
	// The officer writes again and is owed a reply; the confirmation was
	// never sent and its time runs out.
	comeback := bot.Reply{Channel: bot.Telegram, ChatID: officer, Text: "Chào bạn, đây là lần liên hệ mới."}
	if err := out.Enqueue(comeback); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}

	var queued []string
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := out.Forget(tx, outbox.Forget{Match: func(r bot.Reply) bool {
			if r.ChatID == officer {
				queued = append(queued, r.Text)
			}
			return false // only looking
		}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(queued) != 1 || queued[0] != comeback.Text {
		t.Errorf("queued for the officer after the follow-up: %q; want only the reply to their new message", queued)
	}
}
