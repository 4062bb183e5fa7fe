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

// check returns 0 when a send to chat at now is allowed, else the
// retry_after in whole seconds (at least 1) Telegram would answer.
func (l *limiter) check(chat int64, now time.Time, tol time.Duration) int {
	wait := time.Duration(0)
	if last, ok := l.last[chat]; ok {
		if gap := now.Sub(last); gap < perChatInterval-tol {
			wait = max(wait, perChatInterval-gap)
		}
	}
	if chat < 0 {
		recent := prune(l.groups[chat], now.Add(-groupLimitWindow+tol))
		l.groups[chat] = recent
		if len(recent) >= groupPerMinute {
			wait = max(wait, recent[len(recent)-groupPerMinute].Add(groupLimitWindow).Sub(now))
		}
	}
	l.global = prune(l.global, now.Add(-time.Second+tol))
	if len(l.global) >= globalPerSecond {
		wait = max(wait, l.global[len(l.global)-globalPerSecond].Add(time.Second).Sub(now))
	}
	if wait <= 0 {
		return 0
	}
	return max(1, int((wait+time.Second-1)/time.Second))
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
