package outbox_test

import (
	"errors"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Dead letters could only be looked at: an operator who fixed the cause
// (the officer unblocked the bot) could not send the message again, nor
// clear one dealt with. RetryDead queues it again; DropDead deletes it.
func TestOutboxRetryAndDropDeadLetters(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	var blocked atomic.Bool
	blocked.Store(true)
	s := &obSender{now: clk.Now, fail: func(r outbox.Reply, _ int) (bool, error) {
		if blocked.Load() {
			return false, errors.New("403 forbidden: bot was blocked by the user")
		}
		return false, nil
	}}
	first := newOBCounter(2)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnFailed: func(*bolt.Tx, outbox.Reply, error) error { first.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(outbox.Telegram, s, outbox.Limits{})
	card := obReply("7", "card")
	card.Ref = "card:HT-000007"
	if err := o.Enqueue(card, obReply("8", "other")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, first.done)
	dead, err := o.DeadLetters(0)
	if err != nil || len(dead) != 2 {
		t.Fatalf("dead letters %v, %v; want 2", dead, err)
	}
	if n, err := o.DeadLettersSince(obEpoch); err != nil || n != 2 {
		t.Fatalf("DeadLettersSince = %d, %v; want 2", n, err)
	}

	// The officer unblocked the bot: the card is retried, the other dropped.
	blocked.Store(false)
	var cardSeq, otherSeq uint64
	for _, d := range dead {
		if d.Reply.ChatID == "7" {
			cardSeq = d.Seq
		} else {
			otherSeq = d.Seq
		}
	}
	if _, err := o.RetryDead(cardSeq); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RetryDead(cardSeq); !errors.Is(err, outbox.ErrNoDeadLetter) {
		t.Fatalf("second RetryDead: %v, want ErrNoDeadLetter", err)
	}
	if err := o.DropDead(otherSeq); err != nil {
		t.Fatal(err)
	}
	if err := o.DropDead(otherSeq); !errors.Is(err, outbox.ErrNoDeadLetter) {
		t.Fatalf("second DropDead: %v, want ErrNoDeadLetter", err)
	}
	if n, _ := o.Depth(); n != 1 {
		t.Fatalf("depth %d after retry, want 1", n)
	}
	// An update of the card queued now waits for the retried card rather
	// than failing on its old dead ref.
	upd := outbox.Reply{Channel: outbox.Telegram, ChatID: "7", Kind: outbox.KindUpdate, Ref: card.Ref, Text: "card v2"}
	if err := o.Enqueue(upd); err != nil {
		t.Fatal(err)
	}
	sent := newOBCounter(2)
	o2, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil },
		OnFailed: func(_ *bolt.Tx, r outbox.Reply, err error) error {
			t.Errorf("%q failed again: %v", r.Text, err)
			sent.add()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	o2.Register(outbox.Telegram, s, outbox.Limits{})
	obRun(t, o2, sent.done)
	if got := s.delivered()["7"]; len(got) != 2 || got[0] != "card" || got[1] != "card v2" {
		t.Fatalf("chat 7 got %q, want the card then its update", got)
	}
	if dead, _ := o2.DeadLetters(0); len(dead) != 0 {
		t.Fatalf("dead letters left: %+v", dead)
	}
}
