package outbox_test

// Tests of the limits across a restart: the limit log seeds the new
// process's rate limiter.

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// obSwitchClock is the clock of the fake Bot API across two processes,
// each with its own simulated clock: it reads whichever is current.
type obSwitchClock struct{ cur atomic.Pointer[obClock] }

func (c *obSwitchClock) Now() time.Time { return c.cur.Load().Now() }

// obQueueRound enqueues one message to each of chats chats.
func obQueueRound(t *testing.T, o *outbox.Outbox, chats, round int) {
	t.Helper()
	var rs []outbox.Reply
	for c := range chats {
		rs = append(rs, obReply(fmt.Sprint(100000+c), fmt.Sprintf("answer %d", round)))
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
}

// After a restart the rate limiter used to start empty: the new process
// wrote at once to the chats the old one had just written to, and past
// the 30 a second the old one had just used, and earned 429s. The limit
// log now carries the completion times over, so the limits hold as if the
// process had never stopped.
func TestOutboxLimitsHoldAcrossCleanRestart(t *testing.T) {
	const chats = 40
	path := filepath.Join(t.TempDir(), "outbox.db")
	clk := newOBClock()
	fake := newOBTelegramFake(clk.Now, 1)

	life := func(round int) {
		db := obOpenDB(t, path)
		defer db.Close()
		sent := newOBCounter(chats)
		o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
			OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		o.Register(outbox.Telegram, fake, outbox.TelegramLikeLimits())
		obQueueRound(t, o, chats, round)
		obRun(t, o, sent.done)
	}
	life(0)
	life(1) // a new process at once, on the same file
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.refused != 0 {
		t.Errorf("%d sends refused with 429 after a restart, want 0", fake.refused)
	}
	for c := range chats {
		if got := fake.texts[fmt.Sprint(100000+c)]; len(got) != 2 {
			t.Errorf("chat %d got %v", c, got)
		}
	}
}

// A kill -9 leaves on disk the state of the last commit: the sends in
// flight are not recorded, yet the server may have counted them. The new
// process sends them again (the crash window) and must not earn a 429 for
// it: the chats with messages queued wait one window, once.
func TestOutboxLimitsHoldAcrossKill(t *testing.T) {
	const chats, rounds, killAt = 40, 2, 45
	dir := t.TempDir()
	var sc obSwitchClock
	clk1 := newOBClock()
	sc.cur.Store(clk1)
	fake := newOBTelegramFake(sc.Now, 1)

	// First process: killed when the fake has accepted killAt messages.
	// The kill is a consistent copy of the file taken right then (what a
	// killed process leaves on disk); the process goes on, but cut off
	// from the fake.
	db1 := obOpenDB(t, filepath.Join(dir, "first.db"))
	defer db1.Close()
	o1, err := outbox.New(db1, outbox.Options{Now: clk1.Now, After: clk1.After, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var killTime time.Time
	s1, killed := obKillingSender(t, db1, filepath.Join(dir, "second.db"), killAt, fake.Send, func() { killTime = clk1.Now() })
	o1.Register(outbox.Telegram, s1, outbox.TelegramLikeLimits())
	for r := range rounds {
		obQueueRound(t, o1, chats, r)
	}
	obRun(t, o1, killed)

	// Second process, on the file as the kill left it, from the kill's
	// instant on.
	clk2 := &obClock{t: killTime}
	sc.cur.Store(clk2)
	db2 := obOpenDB(t, filepath.Join(dir, "second.db"))
	defer db2.Close()
	left := newOBCounter(1)
	var n atomic.Int64
	o2, err := outbox.New(db2, outbox.Options{Now: clk2.Now, After: clk2.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error {
			if n.Add(1) == chats*rounds-killAt+1 { // the rest, and the one in flight again
				left.add()
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := o2.Depth(); d != chats*rounds-killAt+1 {
		t.Fatalf("Depth after the kill = %d, want %d (one send in flight)", d, chats*rounds-killAt+1)
	}
	o2.Register(outbox.Telegram, fake, outbox.TelegramLikeLimits())
	obRun(t, o2, left.done)

	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.refused != 0 {
		t.Errorf("%d sends refused with 429 after the kill, want 0", fake.refused)
	}
	extra := 0
	for c := range chats {
		got := fake.texts[fmt.Sprint(100000+c)]
		if len(got) < rounds {
			t.Errorf("chat %d got %v", c, got)
		}
		extra += len(got) - rounds
	}
	if extra != 1 {
		t.Errorf("%d messages sent twice, want 1 (the send in flight at the kill)", extra)
	}
}
