package outbox_test

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
)

func TestRateLimiter(t *testing.T) {
	type step struct {
		chat   string
		at     time.Duration // since the epoch
		ok     bool
		wantAt time.Duration // when refused: the earliest time it may go
		took   time.Duration // when allowed: the send completes this long after it starts (before the next step)
	}
	telegram := outbox.TelegramLikeLimits()
	telegram.Margin = 0
	withMargin := outbox.TelegramLikeLimits()
	withMargin.Margin = 20 * time.Millisecond

	many := func(n int, chat func(i int) string, at func(i int) time.Duration) []step {
		s := make([]step, n)
		for i := range s {
			s[i] = step{chat: chat(i), at: at(i), ok: true}
		}
		return s
	}
	slow := func(s []step, took time.Duration) []step {
		for i := range s {
			s[i].took = took
		}
		return s
	}
	cases := []struct {
		name  string
		l     outbox.Limits
		steps []step
	}{
		{"no limits", outbox.Limits{}, many(100, func(int) string { return "1" }, func(int) time.Duration { return 0 })},
		{"one per second per chat", telegram, []step{
			{"1", 0, true, 0, 0},
			{"1", 500 * time.Millisecond, false, time.Second, 0},
			{"2", 500 * time.Millisecond, true, 0, 0}, // another chat is not held back
			{"1", time.Second, true, 0, 0},
			{"1", 1500 * time.Millisecond, false, 2 * time.Second, 0},
		}},
		{"a refused send is not counted", telegram, []step{
			{"1", 0, true, 0, 0},
			{"1", 100 * time.Millisecond, false, time.Second, 0},
			{"1", 900 * time.Millisecond, false, time.Second, 0},
			{"1", time.Second, true, 0, 0},
		}},
		{"the window runs from the completion", telegram, []step{
			{"1", 0, true, 0, 300 * time.Millisecond},
			{"1", time.Second, false, 1300 * time.Millisecond, 0},
			{"1", 1300 * time.Millisecond, true, 0, 0},
		}},
		{"thirty per second, from the completions", telegram, append(
			slow(many(30, func(i int) string { return fmt.Sprint(i) }, func(i int) time.Duration { return time.Duration(i) * 10 * time.Millisecond }), 50*time.Millisecond),
			step{"x", time.Second, false, time.Second + 50*time.Millisecond, 0}, // the first completed at +50ms
			step{"x", time.Second + 50*time.Millisecond, true, 0, 0},
			step{"y", time.Second + 50*time.Millisecond, false, time.Second + 60*time.Millisecond, 0},
		)},
		{"margin", withMargin, []step{
			{"1", 0, true, 0, 0},
			{"1", time.Second, false, time.Second + 20*time.Millisecond, 0},
			{"1", time.Second + 20*time.Millisecond, true, 0, 0},
		}},
		{"twenty per minute per group", telegram, append(
			many(20, func(int) string { return "-100123" }, func(i int) time.Duration { return time.Duration(i) * time.Second }),
			step{"-100123", 20 * time.Second, false, time.Minute, 0},
			step{"-100456", 20 * time.Second, true, 0, 0}, // another group
			step{"-100123", time.Minute, true, 0, 0},
			step{"-100123", time.Minute + time.Second, true, 0, 0}, // the second of the window has aged out too
		)},
		{"a private chat is not a group", telegram,
			many(30, func(int) string { return "123" }, func(i int) time.Duration { return time.Duration(i) * time.Second })},
		{"thirty per second in all", telegram, append(
			many(30, func(i int) string { return fmt.Sprint(i) }, func(i int) time.Duration { return time.Duration(i) * 10 * time.Millisecond }),
			step{"x", 500 * time.Millisecond, false, time.Second, 0},
			step{"x", time.Second, true, 0, 0},
			step{"y", time.Second, false, time.Second + 10*time.Millisecond, 0}, // the second send has not aged out yet
		)},
	}
	epoch := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rl := outbox.NewRateLimiter(tc.l)
			for i, s := range tc.steps {
				now := epoch.Add(s.at)
				slot, at := rl.Reserve(s.chat, now)
				if ok := slot != nil; ok != s.ok {
					t.Fatalf("step %d: Reserve(%s, +%s) = %v, want %v", i, s.chat, s.at, ok, s.ok)
				}
				slot.Done(now.Add(s.took))
				want := now
				if !s.ok {
					want = epoch.Add(s.wantAt)
				}
				if !at.Equal(want) {
					t.Fatalf("step %d: Reserve(%s, +%s) at = +%s, want +%s", i, s.chat, s.at, at.Sub(epoch), want.Sub(epoch))
				}
			}
		})
	}
}

// A long stream to one group through the limiter never puts more than 20
// messages in any minute, nor two in one second.
func TestRateLimiterGroupWindowHolds(t *testing.T) {
	rl := outbox.NewRateLimiter(outbox.TelegramLikeLimits())
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var sent []time.Time
	for len(sent) < 100 {
		slot, at := rl.Reserve("-42", now)
		if slot == nil {
			now = at
			continue
		}
		slot.Done(now)
		sent = append(sent, now)
	}
	for i := range sent {
		if i >= 1 && sent[i].Sub(sent[i-1]) < time.Second {
			t.Fatalf("sends %d and %d are %s apart", i-1, i, sent[i].Sub(sent[i-1]))
		}
		if i >= 20 && sent[i].Sub(sent[i-20]) < time.Minute {
			t.Fatalf("21 sends within %s (sends %d..%d)", sent[i].Sub(sent[i-20]), i-20, i)
		}
	}
}

// rlEvent is a moment of the simulation in TestRateLimiterDelayedCompletions:
// a worker asks to send, or a send completes.
type rlEvent struct {
	at     time.Time
	worker int          // with no slot: this worker asks to send the next message
	slot   *outbox.Slot // this send completes
}

type rlEvents []rlEvent

func (h rlEvents) Len() int           { return len(h) }
func (h rlEvents) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h rlEvents) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rlEvents) Push(x any)        { *h = append(*h, x.(rlEvent)) }
func (h *rlEvents) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// With sends that reach the server at random times after they start and
// complete at random times after that (concurrent workers, out of order),
// no window on the server's clock ever holds more than a limit allows: not
// 31 arrivals in a second overall, not 21 in a minute to one group, not two
// in a second to one chat. The server counts as faketg does, with no
// tolerance: an arrival exactly one window after another is fine.
func TestRateLimiterDelayedCompletions(t *testing.T) {
	l := outbox.TelegramLikeLimits()
	l.Margin = 0 // the guarantee holds without any margin
	for _, tc := range []struct {
		name    string
		workers int
		chats   func(i int) string // the chat of message i
		arrive  time.Duration      // the request arrives up to this long after the send starts
		respond time.Duration      // and completes up to this long after it arrives
	}{
		{"broadcast, 8 workers", 8, func(i int) string { return fmt.Sprint(1_000_000 + i) }, 80 * time.Millisecond, 80 * time.Millisecond},
		{"broadcast, more workers than the limit", 64, func(i int) string { return fmt.Sprint(1_000_000 + i) }, 300 * time.Millisecond, 300 * time.Millisecond},
		{"groups and chats", 16, func(i int) string {
			if i%2 == 0 {
				return fmt.Sprint(-100 - i%6) // three groups
			}
			return fmt.Sprint(i % 7) // and seven private chats
		}, 200 * time.Millisecond, 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tc.workers)))
			rl := outbox.NewRateLimiter(l)
			epoch := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
			const msgs = 1500
			next := 0                            // the next message to send
			arrivals := map[string][]time.Time{} // chat -> server arrival times
			var all []time.Time
			var ev rlEvents
			for w := range tc.workers {
				heap.Push(&ev, rlEvent{at: epoch, worker: w})
			}
			for ev.Len() > 0 {
				e := heap.Pop(&ev).(rlEvent)
				if e.slot != nil {
					e.slot.Done(e.at)
					continue
				}
				if next >= msgs {
					continue
				}
				chat := tc.chats(next)
				slot, at := rl.Reserve(chat, e.at)
				if slot == nil {
					heap.Push(&ev, rlEvent{at: at, worker: e.worker})
					continue
				}
				next++
				arrive := e.at.Add(time.Duration(rng.Int64N(int64(tc.arrive) + 1)))
				done := arrive.Add(time.Duration(rng.Int64N(int64(tc.respond) + 1)))
				arrivals[chat] = append(arrivals[chat], arrive)
				all = append(all, arrive)
				heap.Push(&ev, rlEvent{at: done, worker: -1, slot: slot})
				heap.Push(&ev, rlEvent{at: done, worker: e.worker}) // the worker is free again
			}
			if next < msgs {
				t.Fatalf("only %d of %d messages sent", next, msgs)
			}
			window := func(what string, ts []time.Time, n int, w time.Duration) {
				slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
				for i := n; i < len(ts); i++ {
					if d := ts[i].Sub(ts[i-n]); d < w {
						t.Fatalf("%s: %d arrivals within %s (arrivals %d..%d)", what, n+1, d, i-n, i)
					}
				}
			}
			window("overall", all, l.GlobalPerSecond, time.Second)
			for chat, ts := range arrivals {
				window("chat "+chat, ts, 1, l.PerChat)
				if chat[0] == '-' {
					window("group "+chat, ts, l.PerGroupPerMinute, time.Minute)
				}
			}
			last := all[len(all)-1].Sub(epoch)
			t.Logf("%d messages, the last arrived at +%s", len(all), last.Round(time.Millisecond))
		})
	}
}
