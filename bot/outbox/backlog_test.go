package outbox_test

// Tests of what Run holds: a bounded part of a long backlog, and nothing
// of the channels with no Sender.

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Run used to load the whole backlog into memory. It now holds at most
// MaxLoaded items and loads the rest as items finish, in order per chat.
func TestOutboxRunHoldsAtMostMaxLoaded(t *testing.T) {
	const total, chats, maxLoaded = 5000, 7, 100
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(total)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 4, MaxLoaded: maxLoaded,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Telegram, s, outbox.Limits{})
	var rs []outbox.Reply
	for i := range total {
		rs = append(rs, obReply(fmt.Sprint(i%chats), fmt.Sprintf("msg %04d", i/chats)))
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)

	got := s.delivered()
	n := 0
	for chat, texts := range got {
		n += len(texts)
		for i, text := range texts {
			if want := fmt.Sprintf("msg %04d", i); text != want {
				t.Errorf("chat %s message %d = %q, want %q (order broken)", chat, i, text, want)
				break
			}
		}
	}
	if n != total {
		t.Errorf("delivered %d, want %d", n, total)
	}
	if peak := outbox.PeakLoaded(o); peak > maxLoaded || peak == 0 {
		t.Errorf("Run held up to %d items, want at most %d", peak, maxLoaded)
	}
	if d, _ := o.Depth(); d != 0 {
		t.Errorf("Depth = %d, want 0", d)
	}
}

// obLogCounter counts log records by message.
type obLogCounter struct {
	mu sync.Mutex // guards n
	n  map[string]int
}

func (h *obLogCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *obLogCounter) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = make(map[string]int)
	}
	h.n[r.Message]++
	return nil
}
func (h *obLogCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *obLogCounter) WithGroup(string) slog.Handler      { return h }
func (h *obLogCounter) count(prefix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for msg, c := range h.n {
		if strings.HasPrefix(msg, prefix) {
			n += c
		}
	}
	return n
}

// A reply for a channel with no Sender (Slack switched off) used to fail
// the enqueue, and so the whole update's transaction; items already
// queued for it were retried every minute, with an error each time, for
// ever. Now it is queued, parked without spinning, counted, warned about
// once, and delivered once the channel is registered, while Run runs.
func TestOutboxParksChannelsWithoutSender(t *testing.T) {
	m := outbox.NewTestMetrics()
	logs := &obLogCounter{}
	db := obTempDB(t)
	clk := newOBClock()
	sentc := make(chan outbox.Reply, 100)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 2, Metrics: m, Logger: slog.New(logs),
		OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error { sentc <- r; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	tgs := &obSender{now: clk.Now}
	o.Register(outbox.Telegram, tgs, outbox.Limits{})

	long := "Một. Hai. Ba."
	sl := outbox.Slack
	err = db.Update(func(tx *bolt.Tx) error {
		return o.EnqueueTx(tx,
			outbox.Reply{Channel: sl, ChatID: "C1", Text: "s1"},
			outbox.Reply{Channel: sl, ChatID: "C1", Text: long},
			outbox.Reply{Channel: sl, ChatID: "C2", Text: "s3"},
			obReply("1", "telegram"))
	})
	if err != nil {
		t.Fatalf("EnqueueTx with a reply for an unregistered channel = %v, want nil", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- o.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	wait := func(n int) []string {
		t.Helper()
		var got []string
		for range n {
			select {
			case r := <-sentc:
				got = append(got, r.Text)
			case <-time.After(20 * time.Second): // a hang guard
				t.Fatalf("only %v delivered", got)
			}
		}
		return got
	}
	if got := wait(1); got[0] != "telegram" {
		t.Fatalf("delivered %v, want the telegram reply", got)
	}
	if p := o.Parked(); p[sl] != 3 {
		t.Errorf("Parked = %v, want 3 for slack", p)
	}
	var b strings.Builder
	m.WritePrometheus(&b)
	if !strings.Contains(b.String(), `supportbot_outbox_parked{channel="slack"} 3`) {
		t.Errorf("metrics lack the parked gauge:\n%s", b.String())
	}

	if err := o.Enqueue(outbox.Reply{Channel: sl, ChatID: "C1", Text: "s4"}); err != nil {
		t.Fatal(err)
	}
	ss := &obSender{now: clk.Now}
	o.Register(sl, ss, outbox.Limits{Split: obSplitSentences(1)})
	wait(4)

	var c1 []string
	for _, c := range ss.Calls() {
		if !c.At.Equal(obEpoch) {
			t.Errorf("%q sent at +%s: parked items must not wait on timers", c.Reply.Text, c.At.Sub(obEpoch))
		}
		if c.Reply.ChatID == "C1" {
			c1 = append(c1, c.Reply.Text)
		}
	}
	if want := "s1|Một. |Hai. |Ba.|s4"; strings.Join(c1, "|") != want {
		t.Errorf("C1 got %q, want %q: in order, the long text cut at send time", strings.Join(c1, "|"), want)
	}
	if n := logs.count("outbox: messages wait for a channel with no sender"); n != 1 {
		t.Errorf("%d warnings about the parked channel, want 1", n)
	}
	if n := logs.count("outbox: no sender"); n != 0 {
		t.Errorf("%d errors about the parked channel, want none", n)
	}
	if p := o.Parked(); len(p) != 0 {
		t.Errorf("Parked = %v after Register, want none", p)
	}
}
