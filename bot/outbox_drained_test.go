package bot_test

import (
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

func TestDrained(t *testing.T) {
	db := obTempDB(t)
	in, err := bot.NewInbox(db)
	if err != nil {
		t.Fatal(err)
	}
	o, err := bot.NewOutbox(db, bot.OutboxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(bot.Console, bot.SenderFunc(nil), bot.Limits{})
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

	db2 := obTempDB(t)
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
	o2, err := bot.NewOutbox(db2, bot.OutboxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := bot.Drained(in2, o2)
	if err != nil || got {
		t.Fatalf("Drained with a pending inbox entry = %v, %v; want false", got, err)
	}
}
