package outbox_test

// Tests of the bulk lane: announcements and reminders never starve
// officers' answers.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// The bulk lane uses at most 25 of Telegram's 30 sends a second, paced
// one every 1/25 s, and leaves the rest to interactive replies.
func TestRateLimiterBulkLeavesTheReserve(t *testing.T) {
	l := outbox.TelegramLikeLimits()
	l.Margin = 0
	l.ReservedPerSecond = 5
	rl := outbox.NewRateLimiter(l)
	epoch := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	now := epoch
	for i := range 25 {
		slot, at := rl.ReserveBulk(fmt.Sprint("b", i), now)
		if slot == nil {
			t.Fatalf("bulk send %d at +%s refused until +%s, want one every 40ms", i+1, now.Sub(epoch), at.Sub(epoch))
		}
		slot.Done(now)
		if slot, at := rl.ReserveBulk("next", now); slot != nil || !at.Equal(now.Add(40*time.Millisecond)) {
			t.Fatalf("bulk send right after bulk send %d: slot %v at +%s, want paced to +%s", i+1, slot != nil, at.Sub(epoch), now.Add(40*time.Millisecond).Sub(epoch))
		}
		now = now.Add(10 * time.Millisecond) // faster than the pace: the 26th is held by the window
		if i < 24 {
			now = now.Add(30 * time.Millisecond)
		}
	}
	if slot, at := rl.ReserveBulk("b25", now); slot != nil || !at.Equal(epoch.Add(time.Second)) {
		t.Fatalf("the 26th bulk send within a second: slot %v at +%s, want refused until +1s", slot != nil, at.Sub(epoch))
	}
	// The other five of the second are the answers': they go now, while
	// bulk waits for the window.
	for i := range 4 {
		at := now.Add(time.Duration(i) * (time.Second / 120))
		slot, _ := rl.Reserve(fmt.Sprint("i", i), at)
		if slot == nil {
			t.Fatalf("interactive send %d at +%s refused: the reserve is not kept", i+1, at.Sub(epoch))
		}
		slot.Done(at)
		if slot, _ := rl.ReserveBulk("b25", at); slot != nil {
			t.Fatalf("a bulk send at +%s, within a second of 25 others", at.Sub(epoch))
		}
	}
	if got := l.BulkPerSecond(); got != 25 {
		t.Errorf("BulkPerSecond = %d, want 25", got)
	}
}

// bulkRun queues a backlog of bulk replies (marked as such, or not, as
// before the lane existed) and one officer's answer: right after the
// backlog, before Run starts (at 0), or when the at-th bulk message is
// sent. It returns how long, on the simulated clock, the answer waited,
// how many bulk messages went in the meantime, and the send times of the
// bulk messages sent until then: it stops once the answer is sent.
func bulkRun(t *testing.T, backlog, at int, bulk bool) (wait time.Duration, between int, fake *obTelegramFake, bulkTimes []time.Time) {
	t.Helper()
	db := obTempDB(t)
	clk := newOBClock()
	fake = newOBTelegramFake(clk.Now, 1)
	answer := make(chan struct{})
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // guards the variables below
	var enqueued, answered time.Time
	n, atAnswer := 0, 0
	l := outbox.TelegramLikeLimits()
	l.ReservedPerSecond = 5
	o.Register(outbox.Telegram, outbox.SenderFunc(func(ctx context.Context, r outbox.Reply) (string, bool, error) {
		id, retry, err := fake.Send(ctx, r)
		if err != nil {
			return id, retry, err
		}
		mu.Lock()
		defer mu.Unlock()
		if r.ChatID == "officer" {
			answered, atAnswer = clk.Now(), n
			close(answer)
			return id, retry, err
		}
		bulkTimes = append(bulkTimes, clk.Now())
		if n++; n == at {
			enqueued = clk.Now()
			if err := o.Enqueue(obReply("officer", "answer")); err != nil {
				t.Error(err)
			}
		}
		return id, retry, err
	}), l)
	rs := make([]outbox.Reply, backlog)
	for i := range rs {
		rs[i] = outbox.Reply{Channel: outbox.Telegram, ChatID: fmt.Sprint(200000 + i), Text: "Bảo trì cổng dịch vụ công tối nay", Bulk: bulk}
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	if at == 0 {
		enqueued = clk.Now()
		if err := o.Enqueue(obReply("officer", "answer")); err != nil {
			t.Fatal(err)
		}
	}
	obRun(t, o, answer)
	mu.Lock()
	defer mu.Unlock()
	return answered.Sub(enqueued), atAnswer - at, fake, bulkTimes
}

// With 2,000 announcements queued, an officer's answer enqueued afterwards
// goes within a second: the bulk lane leaves 5 of Telegram's 30 sends a
// second and a quarter of the workers to interactive replies, bulk items
// take at most three quarters of what Run holds in memory, and a ready
// answer goes before any announcement. Unmarked, the same backlog made
// the answer wait 30 s, behind every announcement queued before it.
func TestOutboxBulkNeverStarvesAnswers(t *testing.T) {
	const backlog = 2000
	for _, tc := range []struct {
		name string
		at   int // the answer is enqueued when this many bulk messages are sent (0: before Run)
	}{
		{"answer queued behind the whole backlog", 0},
		{"answer queued while the broadcast runs", 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wait, between, fake, bulkTimes := bulkRun(t, backlog, tc.at, true)
			// The simulated clock jumps to a timer's deadline as soon as
			// the dispatcher sets one, also when an enqueue wakes it
			// first: a wait up to one window (1 s and the margin) may be
			// that artefact. What it cannot fake is how many
			// announcements went first: at most a second's worth.
			if wait > time.Second+outbox.TelegramLikeLimits().Margin {
				t.Errorf("the answer waited %s behind %d bulk messages, want about 1s at most", wait, backlog)
			}
			if between > 25 {
				t.Errorf("%d bulk messages went before the answer, want at most a second's worth (25)", between)
			}
			fake.mu.Lock()
			refused := fake.refused
			fake.mu.Unlock()
			if refused != 0 {
				t.Errorf("%d sends refused with 429", refused)
			}
			// The bulk lane never uses more than 25 of a second's 30 sends.
			for i := 25; i < len(bulkTimes); i++ {
				if d := bulkTimes[i].Sub(bulkTimes[i-25]); d < time.Second {
					t.Fatalf("26 bulk sends within %s (sends %d..%d)", d, i-25, i)
				}
			}
			if len(bulkTimes) < 2 {
				t.Logf("the answer waited %s (simulated), %d bulk messages went meanwhile", wait, between)
				return
			}
			elapsed := bulkTimes[len(bulkTimes)-1].Sub(bulkTimes[0])
			t.Logf("the answer waited %s (simulated), %d bulk messages went meanwhile; %d bulk messages took %s (%.1f/s)",
				wait, between, len(bulkTimes), elapsed.Round(time.Millisecond), float64(len(bulkTimes)-1)/elapsed.Seconds())
		})
	}
	t.Run("unmarked, as before the lane", func(t *testing.T) {
		wait, between, _, _ := bulkRun(t, backlog, 300, false)
		t.Logf("the answer waited %s behind %d unmarked messages, %d went before it", wait, backlog, between)
	})
}

// A bulk backlog far larger than MaxLoaded, mixed with answers to the same
// chats and to others, some enqueued while Run runs: everything is
// delivered once, in order per chat, and Run never holds more than
// MaxLoaded items.
func TestOutboxBulkBacklogDeliversEverythingInOrder(t *testing.T) {
	const maxLoaded, chats = 100, 7
	db := obTempDB(t)
	clk := newOBClock()
	total := 0
	var rs []outbox.Reply
	n := map[string]int{}
	add := func(chat string, bulk bool) {
		rs = append(rs, outbox.Reply{Channel: outbox.Telegram, ChatID: chat, Text: fmt.Sprintf("msg %04d", n[chat]), Bulk: bulk})
		n[chat]++
		total++
	}
	for i := range 1200 {
		add(fmt.Sprint(i%chats), i%5 != 0) // four bulk, one answer
		if i%40 == 0 {
			add("officer", false)
		}
	}
	late := rs[len(rs)-200:]
	rs = rs[:len(rs)-200]
	sent := newOBCounter(total)
	var once sync.Once
	var o *outbox.Outbox
	var err error
	o, err = outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 4, MaxLoaded: maxLoaded,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error {
			if sent.add() == 300 {
				once.Do(func() {
					go func() { // the rest arrives while the backlog drains
						if err := o.Enqueue(late...); err != nil {
							t.Error(err)
						}
					}()
				})
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Telegram, s, outbox.Limits{})
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	got := 0
	for chat, texts := range s.delivered() {
		got += len(texts)
		for i, text := range texts {
			if want := fmt.Sprintf("msg %04d", i); text != want {
				t.Fatalf("chat %s message %d = %q, want %q (order broken)", chat, i, text, want)
			}
		}
	}
	if got != total {
		t.Errorf("delivered %d, want %d", got, total)
	}
	if peak := outbox.PeakLoaded(o); peak > maxLoaded {
		t.Errorf("Run held up to %d items, want at most %d", peak, maxLoaded)
	}
}
