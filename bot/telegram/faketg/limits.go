package faketg

import (
	"strconv"
	"time"
)

// Telegram's published limits for bots.
const (
	perChatInterval  = time.Second
	groupPerMinute   = 20
	globalPerSecond  = 30
	groupLimitWindow = time.Minute
)

// limiter remembers accepted sends to refuse those beyond the limits.
// It is guarded by Server.mu.
type limiter struct {
	last   map[int64]time.Time   // chat → last accepted send
	groups map[int64][]time.Time // group chat → accepted sends in the last minute
	global []time.Time           // accepted sends in the last second
}

func newLimiter() limiter {
	return limiter{last: map[int64]time.Time{}, groups: map[int64][]time.Time{}}
}

// Names of the limits, as RateLimitedBy counts them.
const (
	LimitChat   = "chat"   // 1 message per second per chat
	LimitGroup  = "group"  // 20 messages per minute per group
	LimitGlobal = "global" // 30 messages per second in all
)

// check returns 0 when a send to chat at now is allowed, else the
// retry_after in whole seconds (at least 1) Telegram would answer and the
// limit that would be broken (the one with the longest wait).
func (l *limiter) check(chat int64, now time.Time, tol time.Duration) (int, string) {
	wait, why := time.Duration(0), ""
	note := func(d time.Duration, limit string) {
		if d > wait {
			wait, why = d, limit
		}
	}
	if last, ok := l.last[chat]; ok {
		if gap := now.Sub(last); gap < perChatInterval-tol {
			note(perChatInterval-gap, LimitChat)
		}
	}
	if chat < 0 {
		recent := prune(l.groups[chat], now.Add(-groupLimitWindow+tol))
		l.groups[chat] = recent
		if len(recent) >= groupPerMinute {
			note(recent[len(recent)-groupPerMinute].Add(groupLimitWindow).Sub(now), LimitGroup)
		}
	}
	l.global = prune(l.global, now.Add(-time.Second+tol))
	if len(l.global) >= globalPerSecond {
		note(l.global[len(l.global)-globalPerSecond].Add(time.Second).Sub(now), LimitGlobal)
	}
	if wait <= 0 {
		return 0, ""
	}
	return max(1, int((wait+time.Second-1)/time.Second)), why
}

func (l *limiter) record(chat int64, now time.Time) {
	l.last[chat] = now
	if chat < 0 {
		l.groups[chat] = append(l.groups[chat], now)
	}
	l.global = append(l.global, now)
}

// prune drops the times not after since; ts is in ascending order.
func prune(ts []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(since) {
		i++
	}
	return ts[i:]
}

func itoa(n int) string { return strconv.Itoa(n) }
