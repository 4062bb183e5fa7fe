package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

func TestRateLimiter(t *testing.T) {
	type step struct {
		chat   string
		at     time.Duration // since the epoch
		ok     bool
		wantAt time.Duration // when refused: the earliest time it may go
	}
	telegram := bot.TelegramLimits()
	telegram.Margin = 0
	withMargin := bot.TelegramLimits()
	withMargin.Margin = 20 * time.Millisecond

	many := func(n int, chat func(i int) string, at func(i int) time.Duration) []step {
		s := make([]step, n)
		for i := range s {
			s[i] = step{chat: chat(i), at: at(i), ok: true}
		}
		return s
	}
	cases := []struct {
		name  string
		l     bot.Limits
		steps []step
	}{
		{"no limits", bot.Limits{}, many(100, func(int) string { return "1" }, func(int) time.Duration { return 0 })},
		{"one per second per chat", telegram, []step{
			{"1", 0, true, 0},
			{"1", 500 * time.Millisecond, false, time.Second},
			{"2", 500 * time.Millisecond, true, 0}, // another chat is not held back
			{"1", time.Second, true, 0},
			{"1", 1500 * time.Millisecond, false, 2 * time.Second},
		}},
		{"a refused send is not counted", telegram, []step{
			{"1", 0, true, 0},
			{"1", 100 * time.Millisecond, false, time.Second},
			{"1", 900 * time.Millisecond, false, time.Second},
			{"1", time.Second, true, 0},
		}},
		{"margin", withMargin, []step{
			{"1", 0, true, 0},
			{"1", time.Second, false, time.Second + 20*time.Millisecond},
			{"1", time.Second + 20*time.Millisecond, true, 0},
		}},
		{"twenty per minute per group", telegram, append(
			many(20, func(int) string { return "-100123" }, func(i int) time.Duration { return time.Duration(i) * time.Second }),
			step{"-100123", 20 * time.Second, false, time.Minute},
			step{"-100456", 20 * time.Second, true, 0}, // another group
			step{"-100123", time.Minute, true, 0},
			step{"-100123", time.Minute + time.Second, true, 0}, // the second of the window has aged out too
		)},
		{"a private chat is not a group", telegram,
			many(30, func(int) string { return "123" }, func(i int) time.Duration { return time.Duration(i) * time.Second })},
		{"thirty per second in all", telegram, append(
			many(30, func(i int) string { return fmt.Sprint(i) }, func(i int) time.Duration { return time.Duration(i) * 10 * time.Millisecond }),
			step{"x", 500 * time.Millisecond, false, time.Second},
			step{"x", time.Second, true, 0},
			step{"y", time.Second, false, time.Second + 10*time.Millisecond}, // the second send has not aged out yet
		)},
	}
	epoch := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rl := bot.NewRateLimiter(tc.l)
			for i, s := range tc.steps {
				now := epoch.Add(s.at)
				ok, at := rl.Allow(s.chat, now)
				if ok != s.ok {
					t.Fatalf("step %d: Allow(%s, +%s) = %v, want %v", i, s.chat, s.at, ok, s.ok)
				}
				want := now
				if !s.ok {
					want = epoch.Add(s.wantAt)
				}
				if !at.Equal(want) {
					t.Fatalf("step %d: Allow(%s, +%s) at = +%s, want +%s", i, s.chat, s.at, at.Sub(epoch), want.Sub(epoch))
				}
			}
		})
	}
}

// A long stream to one group through the limiter never puts more than 20
// messages in any minute, nor two in one second.
func TestRateLimiterGroupWindowHolds(t *testing.T) {
	rl := bot.NewRateLimiter(bot.TelegramLimits())
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var sent []time.Time
	for len(sent) < 100 {
		ok, at := rl.Allow("-42", now)
		if !ok {
			now = at
			continue
		}
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
