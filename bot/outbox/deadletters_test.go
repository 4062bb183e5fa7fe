package outbox_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Dead letters used to be kept for ever, and nobody could see them. They
// are now counted in a gauge, listed newest first, and pruned after
// DeadLetterRetention; refs after RefRetention.
func TestOutboxDeadLettersAreCountedListedAndPruned(t *testing.T) {
	m := outbox.NewTestMetrics()
	db := obTempDB(t)
	clk := newOBClock()
	done := newOBCounter(4)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1, Metrics: m,
		OnSent:   func(*bolt.Tx, outbox.Reply, string) error { done.add(); return nil },
		OnFailed: func(*bolt.Tx, outbox.Reply, error) error { done.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now, fail: func(r outbox.Reply, _ int) (bool, error) {
		if strings.HasPrefix(r.Text, "dead") {
			return false, errors.New("403 forbidden: bot was blocked by the user")
		}
		return false, nil
	}}
	o.Register(outbox.Telegram, s, outbox.Limits{})
	for i := range 3 {
		r := obReply(fmt.Sprint(i), fmt.Sprint("dead ", i))
		r.TicketID = fmt.Sprintf("HT-%06d", i)
		if err := o.Enqueue(r); err != nil {
			t.Fatal(err)
		}
	}
	card := obReply("9", "card")
	card.Ref = "triage:HT-000009"
	if err := o.Enqueue(card); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, done.done)

	gauge := func() string {
		var b strings.Builder
		m.WritePrometheus(&b)
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "supportbot_outbox_dead_letters ") {
				return strings.TrimPrefix(l, "supportbot_outbox_dead_letters ")
			}
		}
		return "missing"
	}
	if g := gauge(); g != "3" {
		t.Errorf("dead letters gauge = %s, want 3", g)
	}
	dead, err := o.DeadLetters(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 || dead[0].Reply.Text != "dead 2" || dead[1].Reply.Text != "dead 1" {
		t.Fatalf("DeadLetters(2) = %+v, want the newest two, newest first", dead)
	}
	d := dead[0]
	if d.Reply.Channel != outbox.Telegram || d.Reply.ChatID != "2" || d.Reply.TicketID != "HT-000002" ||
		!strings.Contains(d.Error, "blocked") || !d.Failed.Equal(obEpoch) {
		t.Errorf("dead letter %+v lacks its time, channel, chat, ticket or error", d)
	}

	// A fresh outbox over the same database counts them too.
	m2 := outbox.NewTestMetrics()
	if _, err := outbox.New(db, outbox.Options{Metrics: m2}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	m2.WritePrometheus(&b)
	if !strings.Contains(b.String(), "supportbot_outbox_dead_letters 3\n") {
		t.Errorf("a new outbox does not count the stored dead letters:\n%s", b.String())
	}

	if n, err := o.Prune(obEpoch.Add(outbox.DeadLetterRetention - time.Hour)); err != nil || n != 0 {
		t.Errorf("Prune within the retention = %d, %v; want 0", n, err)
	}
	if n, err := o.Prune(obEpoch.Add(outbox.DeadLetterRetention + time.Hour)); err != nil || n != 3 {
		t.Errorf("Prune after the retention = %d, %v; want 3", n, err)
	}
	if dead, _ := o.DeadLetters(0); len(dead) != 0 {
		t.Errorf("dead letters after Prune: %+v", dead)
	}
	if g := gauge(); g != "0" {
		t.Errorf("dead letters gauge = %s after Prune, want 0", g)
	}
	if id, _ := o.Ref(outbox.Telegram, "9", card.Ref); id == "" {
		t.Error("the ref was pruned with the dead letters; it is kept RefRetention")
	}
	if n, err := o.Prune(obEpoch.Add(outbox.RefRetention + time.Hour)); err != nil || n != 1 {
		t.Errorf("Prune after the refs' retention = %d, %v; want 1", n, err)
	}
	if id, _ := o.Ref(outbox.Telegram, "9", card.Ref); id != "" {
		t.Errorf("Ref = %q after its retention, want none", id)
	}
}

// Prune works through more entries than one of its transactions takes.
func TestOutboxPruneManyRefs(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	const n = 1234
	sent := newOBCounter(n)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 8,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(outbox.Telegram, &obSender{now: clk.Now}, outbox.Limits{})
	var rs []outbox.Reply
	for i := range n {
		r := obReply(fmt.Sprint(i%10), "x")
		r.Ref = fmt.Sprint("r", i)
		rs = append(rs, r)
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	if got, err := o.Prune(clk.Now().Add(outbox.RefRetention + time.Second)); err != nil || got != n {
		t.Errorf("Prune = %d, %v; want %d", got, err, n)
	}
}
