package bot

import (
	"strings"
	"sync"
	"time"
)

// Limits are one channel's sending limits. A zero field means "no limit of
// that kind", so Limits{} (the console) sends as fast as the sender can.
type Limits struct {
	PerChat           time.Duration // at least this long between two messages to one chat (Telegram: 1s)
	PerGroupPerMinute int           // at most this many messages per minute to one group chat (Telegram: 20)
	GlobalPerSecond   int           // at most this many messages per second over the whole channel (Telegram: 30)
	MaxLen            int           // longer texts are split with SplitHTML (UTF-16 code units; Telegram: 4096)

	// Margin is added to every window above. The outbox decides when a
	// message may go; the server counts when the request arrives, a few
	// milliseconds later and not always by the same amount. Without a margin
	// two messages spaced exactly one window apart by us can arrive closer
	// than that and be refused.
	Margin time.Duration
}

// Telegram's published limits (core.telegram.org/bots/faq, "broadcasting"),
// and the margin we keep below them.
const (
	telegramPerChat         = time.Second
	telegramGroupPerMinute  = 20
	telegramGlobalPerSecond = 30
	telegramMaxLen          = 4096
	telegramMargin          = 20 * time.Millisecond
)

// TelegramLimits returns the limits of the Telegram Bot API: about one
// message per second per chat, 20 per minute per group, 30 per second in
// total, 4,096 characters per message; with a 20 ms margin (a 3,000-chat
// broadcast then takes about 102 s instead of the theoretical 100 s).
func TelegramLimits() Limits {
	return Limits{
		PerChat:           telegramPerChat,
		PerGroupPerMinute: telegramGroupPerMinute,
		GlobalPerSecond:   telegramGlobalPerSecond,
		MaxLen:            telegramMaxLen,
		Margin:            telegramMargin,
	}
}

// isGroupChat reports whether a chat id names a group: Telegram gives groups,
// supergroups and channels negative ids. Ids of other channels (Slack's
// "C0123") are never groups in this sense.
func isGroupChat(chatID string) bool { return strings.HasPrefix(chatID, "-") }

// RateLimiter enforces one channel's Limits. Each limit is a sliding window
// of the last n send times ("at most n in any window w"): for the per-chat
// limit (n = 1) that is exactly GCRA with no burst; for the group and
// global limits it is exact where a token bucket of n tokens would let up to
// 2n−1 messages through in one window and earn a 429.
//
// The clock is the caller's: every method takes now, so tests drive it with
// a fake clock. A RateLimiter is safe for concurrent use.
type RateLimiter struct {
	l Limits

	mu     sync.Mutex         // guards the fields below
	chats  map[string]*rlChat // per chat id; pruned once idle for longer than every window
	global rlLog
	calls  int // Allow calls since the last prune
}

// rlChat is what the limiter remembers about one chat.
type rlChat struct {
	chat  rlLog // the last send (n = 1)
	group rlLog // the last PerGroupPerMinute sends, for group chats
}

// rlLog holds the most recent send times, oldest first, at most n of them.
type rlLog []time.Time

// next returns the earliest time at which one more send keeps at most n
// sends in any window w, given the log.
func (s rlLog) next(n int, w time.Duration, now time.Time) time.Time {
	if n <= 0 || len(s) < n {
		return now
	}
	at := s[len(s)-n].Add(w)
	if at.Before(now) {
		return now
	}
	return at
}

// add records a send at now, keeping the last n.
func (s *rlLog) add(n int, now time.Time) {
	if n <= 0 {
		return
	}
	*s = append(*s, now)
	if len(*s) > n {
		*s = append((*s)[:0], (*s)[len(*s)-n:]...)
	}
}

// rlPruneEvery is how many Allow calls pass between two sweeps of idle chats.
const rlPruneEvery = 4096

// NewRateLimiter returns a limiter for l.
func NewRateLimiter(l Limits) *RateLimiter {
	return &RateLimiter{l: l, chats: make(map[string]*rlChat)}
}

// Allow reports whether a message to chatID may be sent at now. If it may,
// the send is counted (the caller must then send it, or waste the slot).
// If not, at is the earliest time at which it may; nothing is counted.
func (rl *RateLimiter) Allow(chatID string, now time.Time) (ok bool, at time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()

	l := rl.l
	group := l.PerGroupPerMinute > 0 && isGroupChat(chatID)
	cs := rl.chats[chatID]

	at = now
	if l.GlobalPerSecond > 0 {
		at = rlLater(at, rl.global.next(l.GlobalPerSecond, time.Second+l.Margin, now))
	}
	if cs != nil && l.PerChat > 0 {
		at = rlLater(at, cs.chat.next(1, l.PerChat+l.Margin, now))
	}
	if cs != nil && group {
		at = rlLater(at, cs.group.next(l.PerGroupPerMinute, time.Minute+l.Margin, now))
	}
	if at.After(now) {
		return false, at
	}

	if l.PerChat > 0 || group {
		if cs == nil {
			cs = &rlChat{}
			rl.chats[chatID] = cs
		}
		if l.PerChat > 0 {
			cs.chat.add(1, now)
		}
		if group {
			cs.group.add(l.PerGroupPerMinute, now)
		}
	}
	rl.global.add(l.GlobalPerSecond, now)

	if rl.calls++; rl.calls >= rlPruneEvery {
		rl.calls = 0
		rl.prune(now)
	}
	return true, now
}

// prune forgets chats whose last send is older than every window, so a
// long-running process does not remember every chat it ever wrote to.
// The caller holds rl.mu.
func (rl *RateLimiter) prune(now time.Time) {
	keep := rl.l.PerChat + rl.l.Margin
	if rl.l.PerGroupPerMinute > 0 {
		keep = max(keep, time.Minute+rl.l.Margin)
	}
	for id, cs := range rl.chats {
		last := time.Time{}
		if n := len(cs.chat); n > 0 {
			last = cs.chat[n-1]
		}
		if n := len(cs.group); n > 0 {
			last = rlLater(last, cs.group[n-1])
		}
		if now.Sub(last) > keep {
			delete(rl.chats, id)
		}
	}
}

func rlLater(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
