package outbox

import (
	"slices"
	"sync"
	"time"
)

// RateLimiter enforces one channel's Limits. Each limit is a sliding window
// ("at most n sends in any window w"): for the per-chat limit (n = 1) that
// is GCRA with no burst; for the group and global limits it is exact where
// a token bucket of n tokens would let up to 2n−1 messages through in one
// window and earn a 429.
//
// It is conservative by construction. The server counts a message when the
// request arrives, which we never see: we only know that it arrives after
// the send starts and before the send completes. So a send takes a Slot when
// it starts (Reserve), and the Slot is dated by when the send completes
// (Slot.Done), an upper bound of the server's arrival time; while in flight
// it counts as arriving at any time from now on. A new send may start only
// when at most n−1 earlier sends could arrive within w of it: the n-th most
// recent completion plus w (plus Margin). Hence, whatever the network's
// jitter, no window on the server ever holds more than n arrivals: the 31st
// send goes only a second after the 1st completed, and never while 30 are
// in flight.
//
// The clock is the caller's: every method takes a time, so tests drive it
// with a fake clock. A RateLimiter and its Slots are safe for concurrent
// use.
type RateLimiter struct {
	l Limits

	mu      sync.Mutex         // guards the fields below and every Slot's fields
	chats   map[string]*rlChat // per chat id; pruned once idle for longer than every window
	global  rlLog
	updates rlLog // KindUpdate over the channel, when Limits.UpdatesPerMinute is set
	calls   int   // Reserve calls since the last prune

	bulkLast time.Time // when the last bulk send started (ReserveBulk paces them)
}

// Slot is one send counted by a RateLimiter, from Reserve until Done.
type Slot struct {
	rl   *RateLimiter
	at   time.Time // when the send completed; valid once done
	done bool      // false: in flight, it may arrive at any time from now on
}

// Done dates the slot's send by t, when it completed (whether it succeeded
// or failed: a refused request may still have been counted). Until Done is
// called the slot holds its place in every window, so every Slot must be
// done. Later calls are ignored.
func (s *Slot) Done(t time.Time) {
	if s == nil {
		return
	}
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	if !s.done {
		s.at, s.done = t, true
	}
}

// rlChat is what the limiter remembers about one chat.
type rlChat struct {
	chat  rlLog // the last send (n = 1)
	group rlLog // the last PerGroupPerMinute sends, for group chats
}

// rlLog holds, for one limit of n sends, the n latest sends by completion
// (in-flight ones counting as latest), in no particular order.
type rlLog []*Slot

// next returns the earliest time at which one more send may start and keep
// at most n arrivals in any window w, given the log: the n-th latest
// completion plus w, an in-flight send counting as the latest of all. The
// log may hold more than n slots (the bulk lane asks for fewer than the
// log keeps). When n or more are in flight, at is only a lower bound (they
// complete at now or later). The caller holds the limiter's mu.
func (s rlLog) next(n int, w time.Duration, now time.Time) (at time.Time) {
	if n <= 0 || len(s) < n {
		return now
	}
	if len(s) == n { // the common case: the earliest done slot is the n-th latest
		first, ok := s.earliest()
		if !ok {
			return now.Add(w)
		}
		return rlLater(now, s[first].at.Add(w))
	}
	done := make([]time.Time, 0, len(s))
	for _, sl := range s {
		if sl.done {
			done = append(done, sl.at)
		}
	}
	k := n - (len(s) - len(done)) // in-flight slots are the latest of all
	if k <= 0 {
		return now.Add(w)
	}
	slices.SortFunc(done, func(a, b time.Time) int { return b.Compare(a) }) // latest first
	return rlLater(now, done[k-1].Add(w))
}

// earliest returns the index of the done slot with the earliest
// completion, and false if every slot is in flight. The caller holds the
// limiter's mu.
func (s rlLog) earliest() (int, bool) {
	first := -1
	for i, sl := range s {
		if sl.done && (first < 0 || sl.at.Before(s[first].at)) {
			first = i
		}
	}
	return first, first >= 0
}

// add records the in-flight slot sl, keeping the n latest: when the log is
// full it replaces the earliest done slot, which next found to have left
// the window. The caller holds the limiter's mu.
func (s *rlLog) add(n int, sl *Slot) {
	if n <= 0 {
		return
	}
	if len(*s) < n {
		*s = append(*s, sl)
		return
	}
	if i, ok := s.earliest(); ok {
		(*s)[i] = sl
	}
}

// last returns the latest completion in the log, and false if a send is in
// flight. The caller holds the limiter's mu.
func (s rlLog) last() (time.Time, bool) {
	var t time.Time
	for _, sl := range s {
		if !sl.done {
			return time.Time{}, false
		}
		t = rlLater(t, sl.at)
	}
	return t, true
}

// rlPruneEvery is how many Reserve calls pass between two sweeps of idle chats.
const rlPruneEvery = 4096

// NewRateLimiter returns a limiter for l.
func NewRateLimiter(l Limits) *RateLimiter {
	return &RateLimiter{l: l, chats: make(map[string]*rlChat)}
}

// Reserve reports whether a message to chatID may start at now. If it may,
// it returns the send's Slot: the caller sends the message, then calls
// Slot.Done with the time the send completed (or, if it does not send after
// all, with now). If not, slot is nil and at is the earliest time at which
// it may be asked again; nothing is counted. With no limit to keep the slot
// is still returned, and Done is cheap.
func (rl *RateLimiter) Reserve(chatID string, now time.Time) (slot *Slot, at time.Time) {
	return rl.reserve(chatID, now, false)
}

// ReserveBulk is Reserve for a bulk message (Reply.Bulk: an announcement, a
// reminder): it keeps the chat's and group's limits as Reserve does, but
// of GlobalPerSecond it may use only BulkPerSecond (GlobalPerSecond −
// ReservedPerSecond, at least one), so that ReservedPerSecond sends of
// every second stay free for officers' answers however long the
// broadcast. Bulk sends are also paced, one every (1 s + Margin) /
// BulkPerSecond at most, instead of starting together whenever the window
// opens: a broadcast then has about one send in flight at any instant (a
// kill -9 sends again only that one), and the global window frees a slot
// every few tens of milliseconds, never a second away, for an answer that
// arrives meanwhile.
func (rl *RateLimiter) ReserveBulk(chatID string, now time.Time) (slot *Slot, at time.Time) {
	return rl.reserve(chatID, now, true)
}

// BulkPerSecond is how many sends a second the bulk lane of l may use:
// GlobalPerSecond less ReservedPerSecond, at least one (0: no global limit).
func (l Limits) BulkPerSecond() int {
	if l.GlobalPerSecond <= 0 {
		return 0
	}
	return max(1, l.GlobalPerSecond-max(l.ReservedPerSecond, 0))
}

func (rl *RateLimiter) reserve(chatID string, now time.Time, bulk bool) (slot *Slot, at time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()

	l := rl.l
	group := l.PerGroupPerMinute > 0 && l.IsGroup != nil && l.IsGroup(chatID)
	cs := rl.chats[chatID]

	at = rl.channelAtLocked(bulk, now)
	if cs != nil && l.PerChat > 0 {
		at = rlLater(at, cs.chat.next(1, l.PerChat+l.Margin, now))
	}
	if cs != nil && group {
		at = rlLater(at, cs.group.next(l.PerGroupPerMinute, time.Minute+l.Margin, now))
	}
	if at.After(now) {
		return nil, at
	}

	slot = &Slot{rl: rl}
	rl.addChatLocked(chatID, cs, group, slot)
	rl.global.add(l.GlobalPerSecond, slot)
	if bulk {
		rl.bulkLast = now
	}

	if rl.calls++; rl.calls >= rlPruneEvery {
		rl.calls = 0
		rl.prune(now)
	}
	return slot, now
}

// addChatLocked counts slot against chatID's own limits (cs is its entry,
// nil if none yet). The caller holds rl.mu.
func (rl *RateLimiter) addChatLocked(chatID string, cs *rlChat, group bool, slot *Slot) {
	l := rl.l
	if l.PerChat <= 0 && !group {
		return
	}
	if cs == nil {
		cs = &rlChat{}
		rl.chats[chatID] = cs
	}
	if l.PerChat > 0 {
		cs.chat.add(1, slot)
	}
	if group {
		cs.group.add(l.PerGroupPerMinute, slot)
	}
}

// SeedChat counts sends to chatID that completed at the times given (in
// any order), as if they had gone through Reserve and Done: the outbox
// seeds a new limiter with the sends an earlier process recorded, so that
// its limits hold across a restart. Times older than every window are
// harmless.
func (rl *RateLimiter) SeedChat(chatID string, completed ...time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	l := rl.l
	group := l.PerGroupPerMinute > 0 && l.IsGroup != nil && l.IsGroup(chatID)
	for _, t := range sortedTimes(completed) {
		rl.addChatLocked(chatID, rl.chats[chatID], group, &Slot{rl: rl, at: t, done: true})
	}
}

// SeedGlobal counts sends over the whole channel that completed at the
// times given (see SeedChat).
func (rl *RateLimiter) SeedGlobal(completed ...time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	for _, t := range sortedTimes(completed) {
		rl.global.add(rl.l.GlobalPerSecond, &Slot{rl: rl, at: t, done: true})
	}
}

// SeedUpdates counts edits under Limits.UpdatesPerMinute that completed at
// the times given (see SeedChat).
func (rl *RateLimiter) SeedUpdates(completed ...time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	for _, t := range sortedTimes(completed) {
		rl.updates.add(rl.l.UpdatesPerMinute, &Slot{rl: rl, at: t, done: true})
	}
}

// sortedTimes returns ts sorted, oldest first: rlLog.add keeps the latest
// only if they come in order.
func sortedTimes(ts []time.Time) []time.Time {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// ChannelAt returns the earliest time at which the limits of the whole
// channel (the global window and, for bulk, the bulk lane's share and
// pace) let one more message start, whatever its
// chat. Nothing is reserved; Reserve and ReserveBulk may still refuse a
// send at that time for its chat's sake.
func (rl *RateLimiter) ChannelAt(bulk bool, now time.Time) time.Time {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return rl.channelAtLocked(bulk, now)
}

func (rl *RateLimiter) channelAtLocked(bulk bool, now time.Time) time.Time {
	l := rl.l
	at := now
	if l.GlobalPerSecond <= 0 {
		return at
	}
	n := l.GlobalPerSecond
	if bulk {
		n = l.BulkPerSecond()
		if !rl.bulkLast.IsZero() {
			at = rlLater(at, rl.bulkLast.Add((time.Second+l.Margin)/time.Duration(n)))
		}
	}
	return rlLater(at, rl.global.next(n, time.Second+l.Margin, now))
}

// ReserveUpdate is Reserve for an edit of a sent message on a channel
// whose edits have a limit of their own (Limits.UpdatesPerMinute, Slack's
// chat.update): it counts against that window over the whole channel and
// against GlobalPerSecond, not against any chat's limits. With
// UpdatesPerMinute 0 it limits only by GlobalPerSecond.
func (rl *RateLimiter) ReserveUpdate(now time.Time) (slot *Slot, at time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	l := rl.l
	at = now
	if l.GlobalPerSecond > 0 {
		at = rlLater(at, rl.global.next(l.GlobalPerSecond, time.Second+l.Margin, now))
	}
	if l.UpdatesPerMinute > 0 {
		at = rlLater(at, rl.updates.next(l.UpdatesPerMinute, time.Minute+l.Margin, now))
	}
	if at.After(now) {
		return nil, at
	}
	slot = &Slot{rl: rl}
	rl.global.add(l.GlobalPerSecond, slot)
	rl.updates.add(l.UpdatesPerMinute, slot)
	return slot, now
}

// prune forgets chats whose last send completed longer ago than every
// window, so a long-running process does not remember every chat it ever
// wrote to. A chat with a send in flight is kept. The caller holds rl.mu.
func (rl *RateLimiter) prune(now time.Time) {
	keep := rl.l.PerChat + rl.l.Margin
	if rl.l.PerGroupPerMinute > 0 {
		keep = max(keep, time.Minute+rl.l.Margin)
	}
	for id, cs := range rl.chats {
		c, ok1 := cs.chat.last()
		g, ok2 := cs.group.last()
		if ok1 && ok2 && now.Sub(rlLater(c, g)) > keep {
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
