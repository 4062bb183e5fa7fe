package bot_test

import (
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
)

func drainedDB(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDrained(t *testing.T) {
	db := drainedDB(t)
	in, err := bot.NewInbox(db)
	if err != nil {
		t.Fatal(err)
	}
	o, err := outbox.New(db, outbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(bot.Console, outbox.SenderFunc(nil), outbox.Limits{})
	check := func(want bool) {
		t.Helper()
		got, err := bot.Drained(in, o)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("Drained = %v, want %v", got, want)
		}
	}
	check(true)
	if err := o.Enqueue(bot.Reply{Channel: bot.Console, ChatID: "c", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	check(false)

	db2 := drainedDB(t)
	in2, err := bot.NewInbox(db2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Drained(in2, o); err == nil {
		t.Fatal("Drained over two databases: no error")
	}
	if _, err := in2.Add([]bot.Message{{Channel: bot.Console, SourceID: "1", ChatID: "c", Text: "q", Received: time.Now()}}, nil); err != nil {
		t.Fatal(err)
	}
	o2, err := outbox.New(db2, outbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := bot.Drained(in2, o2)
	if err != nil || got {
		t.Fatalf("Drained with a pending inbox entry = %v, %v; want false", got, err)
	}

	// A reply for a channel with no Sender is parked, not waited for.
	db3 := drainedDB(t)
	in3, _ := bot.NewInbox(db3)
	o3, err := outbox.New(db3, outbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := o3.Enqueue(bot.Reply{Channel: bot.Slack, ChatID: "C1", Text: "parked"}); err != nil {
		t.Fatal(err)
	}
	if got, err := bot.Drained(in3, o3); err != nil || !got {
		t.Fatalf("Drained with only a parked reply = %v, %v; want true", got, err)
	}
}
