package bot

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// A follow-up whose confirmation still waits in the outbox is looked at
// every second: the look writes nothing to the file (no transaction to
// commit and fsync behind the Router's), and the follow-up finishes once
// the confirmation has gone, or its time is up.
func TestFollowUpWaitingWritesNothing(t *testing.T) {
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := NewOutbox(db, OutboxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := OpenErasureRegister(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e, err := NewEraser(EraserOptions{DB: db, Tickets: st, Outbox: out, Register: reg, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Enqueue(Reply{Channel: Telegram, ChatID: "7", Text: "someone else's answer"}); err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := out.EnqueueTx(tx, Reply{Channel: Telegram, ChatID: "42", Text: "done", NoTrace: true}); err != nil {
			return err
		}
		return e.putFollowUp(tx, Telegram, "42")
	})
	if err != nil {
		t.Fatal(err)
	}
	writes := func() int64 { s := db.Stats(); return s.TxStats.GetWrite() }
	before := writes()
	for range 3 {
		if fin, err := e.finishFollowUp(seqKey(1)); fin || err != nil {
			t.Fatalf("finished = %v, %v while the confirmation waits", fin, err)
		}
	}
	if w := writes() - before; w != 0 {
		t.Errorf("waiting for the confirmation wrote %d pages", w)
	}

	now = now.Add(DefaultConfirmWait + time.Second)
	if fin, err := e.finishFollowUp(seqKey(1)); !fin || err != nil {
		t.Fatalf("finished = %v, %v once the time is up", fin, err)
	}
	if n, _ := out.Depth(); n != 1 {
		t.Errorf("outbox depth %d after the unsent confirmation was dropped, want the other chat's answer only", n)
	}
}
