package outbox_test

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// A ref KeepRef claims outlives its retention; the others are pruned, and
// KeepRef is told the ref's channel, chat and name.
func TestOutboxPruneKeepsRefsKeepRefClaims(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(2)
	type asked struct {
		ch        outbox.Channel
		chat, ref string
	}
	var seen []asked
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil },
		KeepRef: func(tx *bolt.Tx, ch outbox.Channel, chat, ref string) bool {
			seen = append(seen, asked{ch, chat, ref})
			return ref == "triage:HT-000001"
		}})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(outbox.Telegram, &obSender{now: clk.Now}, outbox.Limits{})
	keep, drop := obReply("C1", "card"), obReply("C1", "other")
	keep.Ref, drop.Ref = "triage:HT-000001", "home:U1"
	if err := o.Enqueue(keep, drop); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	if n, err := o.Prune(clk.Now().Add(outbox.RefRetention + time.Second)); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1 (only the ref KeepRef does not claim)", n, err)
	}
	if id, _ := o.Ref(outbox.Telegram, "C1", keep.Ref); id == "" {
		t.Error("the ref KeepRef claims was pruned")
	}
	if id, _ := o.Ref(outbox.Telegram, "C1", drop.Ref); id != "" {
		t.Error("a ref KeepRef does not claim outlived its retention")
	}
	if len(seen) != 2 || seen[0].ch != outbox.Telegram || seen[0].chat != "C1" {
		t.Errorf("KeepRef was asked %+v", seen)
	}
}
