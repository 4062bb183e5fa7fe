package outbox

import (
	"container/heap"
	"time"
)

// The dispatcher's channel gates. A queue whose head is due may still be
// held back by limits of its whole channel (the global window, the bulk
// lane's share and pace), which hold every other queue of
// that channel (and lane) back too. Handing each of them to a worker only
// to be refused by the rate limiter would cost, for every send, a worker
// round trip per waiting chat: thousands a second during a broadcast. So
// the dispatcher asks the channel's limiter first (RateLimiter.ChannelAt):
// while the channel is closed, its due queues wait in a gate, ordered by
// their head's sequence, and only when it opens does the oldest go to a
// worker, which still reserves its slot through the rate limit stage (the
// gate is an optimisation, not the limit).

// gateKey names a gate: a channel and a lane.
type gateKey struct {
	ch   Channel
	bulk bool
}

// gated is one gate: the time the channel may open and the due queues
// waiting for it.
type gated struct {
	key gateKey
	at  time.Time
	h   gateHeap
}

// gateHeap orders the queues of a gate by their head's sequence alone:
// they are all due, and the oldest message goes first, as when every
// queue refused by a closed window waited for the same instant. (Ordering
// them by when each became due instead serves a chat's second message
// before another chat's first and leaves a tail of chats with several
// messages still to go, each a second apart.)
type gateHeap struct{ queueHeap }

func (h gateHeap) Less(i, j int) bool {
	return h.queueHeap[i].items[0].seq < h.queueHeap[j].items[0].seq
}

// gateOf returns the gate a queue's head goes through, or nil for a head
// the channel-wide limits do not apply to (toasts, views, edits under
// their own per-minute limit).
func (d *dispatcher) gateOf(q *queue) (gateKey, *RateLimiter, bool) {
	dl := q.items[0]
	r := dl.item.Reply
	switch kindOf(r) {
	case KindAnswer, KindView:
		return gateKey{}, nil, false
	}
	if dl.sent || dl.failed != nil {
		return gateKey{}, nil, false // only to be recorded: no send
	}
	ch, ok := d.o.channel(r.Channel)
	if !ok || ch.limiter == nil || ch.limits.GlobalPerSecond <= 0 {
		return gateKey{}, nil, false
	}
	if kindOf(r) == KindUpdate && ch.limits.UpdatesPerMinute > 0 {
		return gateKey{}, nil, false
	}
	return gateKey{ch: r.Channel, bulk: r.Bulk}, ch.limiter, true
}

// hold moves q, due but blocked by its channel until at, into its gate.
func (d *dispatcher) hold(k gateKey, q *queue, at time.Time) {
	g := d.gates[k]
	if g == nil {
		g = &gated{key: k}
		d.gates[k] = g
	}
	g.at = at
	q.gate = g
	heap.Push(&g.h, q)
}

// pop returns the queue whose head goes next at now, or nil: an
// interactive one that may go, else a bulk one if a bulk worker is free.
// Interactive replies go first when both wait; within a lane, the oldest
// head first among the queues that may go.
func (d *dispatcher) pop(now time.Time) *queue {
	if q := d.popLane(&d.ready, false, now); q != nil {
		return q
	}
	if d.bulkBusy < d.o.bulkWorkers {
		return d.popLane(&d.bulk, true, now)
	}
	return nil
}

func (d *dispatcher) popLane(h *queueHeap, bulk bool, now time.Time) *queue {
	for {
		// The candidates: the lane's due head, and the oldest queue of
		// every open gate of the lane.
		var best *queue
		var bestGate *gated
		if h.Len() > 0 && !(*h)[0].notBefore.After(now) {
			best = (*h)[0]
		}
		for k, g := range d.gates {
			if k.bulk != bulk || g.h.Len() == 0 || g.at.After(now) {
				continue
			}
			if c := g.h.queueHeap[0]; best == nil || c.items[0].seq < best.items[0].seq {
				best, bestGate = c, g
			}
		}
		if best == nil {
			return nil
		}
		if bestGate != nil {
			heap.Pop(&bestGate.h)
		} else {
			heap.Pop(h)
		}
		best.gate = nil
		k, rl, ok := d.gateOf(best)
		if !ok {
			return best
		}
		at := rl.ChannelAt(bulk, now)
		if !at.After(now) {
			return best
		}
		d.hold(k, best, at) // closed: wait with the others of the channel
	}
}

// nextAt returns when the next queue may go that a free worker (free of
// them) could take; false if none.
func (d *dispatcher) nextAt(free int) (time.Time, bool) {
	if free <= 0 {
		return time.Time{}, false
	}
	var at time.Time
	ok := false
	consider := func(t time.Time) {
		if !ok || t.Before(at) {
			at, ok = t, true
		}
	}
	bulkFree := d.bulkBusy < d.o.bulkWorkers
	if d.ready.Len() > 0 {
		consider(d.ready[0].notBefore)
	}
	if bulkFree && d.bulk.Len() > 0 {
		consider(d.bulk[0].notBefore)
	}
	for k, g := range d.gates {
		if g.h.Len() > 0 && (!k.bulk || bulkFree) {
			consider(g.at)
		}
	}
	return at, ok
}
