package outbox

import (
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// How Forget reaches the copies Run holds in memory. Forget deletes items
// in the caller's transaction, which commits later, or never; meanwhile a
// worker may have read the item (dedupe) before the deletion and be about
// to send it. So:
//
//   - from Forget's call until its transaction commits, the forgotten
//     items are held back (forgetStage, right before the send): a worker
//     reaching one lets it wait forgetHoldWait, holding no worker;
//   - when it commits (tx.OnCommit), the hold ends, the guard's epoch
//     advances and the dispatcher is told which items went: it drops those
//     it holds, and marks the one in flight, if any, to be dropped when it
//     comes back (dispatcher.purge);
//   - an attempt that began before an epoch's advance looks in bbolt once
//     more before sending (its dedupe read may predate the commit).
//
// bbolt tells nobody of a rollback: a hold whose transaction never
// commits lapses after forgetPendingLimit, and its items go out as usual.

// forgetHoldWait is how long an item held back by a Forget not yet
// committed waits before it looks again.
const forgetHoldWait = 50 * time.Millisecond

// forgetPendingLimit is how long a Forget's hold lasts without a commit:
// far longer than any erasure's transaction.
const forgetPendingLimit = time.Minute

// forgetGuard is the outbox's memory of the Forgets not committed yet and
// of the items forgotten since Run last looked.
type forgetGuard struct {
	mu      sync.Mutex           // guards the fields below
	pending map[*forgetMark]bool // Forgets whose transaction has not committed
	epoch   uint64               // Forget commits so far
	gone    []forgotten          // items forgotten by committed Forgets, for Run to drop
	goneSet map[uint64]struct{}  // the sequences of gone
	now     func() time.Time     // the outbox's clock
}

// forgetMark is one Forget not committed yet: the items it deleted.
type forgetMark struct {
	items []forgotten
	seqs  map[uint64]bool
	at    time.Time
}

func newForgetGuard(now func() time.Time) *forgetGuard {
	return &forgetGuard{pending: map[*forgetMark]bool{}, goneSet: map[uint64]struct{}{}, now: now}
}

// hold holds items back until commit is called with the mark it returns.
func (g *forgetGuard) hold(items []forgotten, now time.Time) *forgetMark {
	m := &forgetMark{items: items, seqs: make(map[uint64]bool, len(items)), at: now}
	for _, it := range items {
		m.seqs[it.seq] = true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for old := range g.pending { // never committed: rolled back
		if now.Sub(old.at) >= forgetPendingLimit {
			delete(g.pending, old)
		}
	}
	g.pending[m] = true
	return m
}

// commit ends m's hold once its transaction committed, and hands its items
// to Run (if running: otherwise nothing holds them in memory).
func (g *forgetGuard) commit(m *forgetMark, running bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.pending, m)
	g.epoch++
	if !running {
		return
	}
	for _, it := range m.items {
		if _, ok := g.goneSet[it.seq]; !ok {
			g.goneSet[it.seq] = struct{}{}
			g.gone = append(g.gone, it)
		}
	}
}

// take returns the items forgotten since the last call (sequence →
// channel), and forgets them.
func (g *forgetGuard) take() map[uint64]Channel {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[uint64]Channel, len(g.gone))
	for _, it := range g.gone {
		out[it.seq] = it.ch
	}
	g.gone, g.goneSet = nil, map[uint64]struct{}{}
	return out
}

func (g *forgetGuard) currentEpoch() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.epoch
}

// check says whether seq may be sent now: held (a Forget of it has not
// committed yet), or the epoch an attempt that began at epoch from must
// look in bbolt again under (changed true).
func (g *forgetGuard) check(seq, from uint64) (held, changed bool, epoch uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	for m := range g.pending {
		if now.Sub(m.at) >= forgetPendingLimit {
			delete(g.pending, m) // never committed: rolled back
			continue
		}
		if m.seqs[seq] {
			return true, false, g.epoch
		}
	}
	return false, g.epoch != from, g.epoch
}

// forgetStage is the last look before a send: an item a Forget deleted is
// not sent (see forgetGuard). It runs after the rate limit, right before
// retryStage sends.
type forgetStage struct {
	db *bolt.DB
	g  *forgetGuard
}

func newForgetStage(db *bolt.DB, g *forgetGuard) *forgetStage { return &forgetStage{db: db, g: g} }

func (s *forgetStage) exec(_ context.Context, d *outDelivery) error {
	if d.skipSend {
		return nil // nothing to send; record finds it gone if it is
	}
	for {
		held, changed, epoch := s.g.check(d.seq, d.forgetEpoch)
		if held {
			d.notBefore = d.now().Add(forgetHoldWait)
			return nil
		}
		if !changed {
			return nil
		}
		// A Forget committed since this attempt read the item: read
		// again, under the new epoch.
		d.forgetEpoch = epoch
		var queued bool
		err := s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(outboxBucket)
			queued = b != nil && b.Get(seqKey(d.seq)) != nil
			return nil
		})
		if err != nil {
			return fmt.Errorf("outbox: look for %d again: %w", d.seq, err)
		}
		if !queued {
			d.done = true
			return nil
		}
	}
}

// purge drops the items forgotten (by committed Forgets) from the
// dispatcher's queues. An item in flight is dropped when its worker gives
// it back (finish). Forgotten items of parked channels come off their
// count.
func (d *dispatcher) purge(gone map[uint64]Channel) {
	if len(gone) == 0 {
		return
	}
	for key, q := range d.queues {
		head := q.items[0]
		kept := q.items[:0] // filtered in place
		changed := false
		for i, it := range q.items {
			if _, ok := gone[it.seq]; !ok {
				kept = append(kept, it)
				continue
			}
			if i == 0 && q.busy {
				d.dropped[it.seq] = true // its worker has it: dropped when it comes back
				kept = append(kept, it)
				continue
			}
			changed = true
			delete(d.inMem, it.seq)
			for _, s := range it.supersedes {
				delete(d.inMem, s)
			}
			d.loaded--
			if it.item.Reply.Bulk {
				d.loadedBulk--
			}
		}
		if !changed {
			continue
		}
		headGone := len(kept) == 0 || kept[0] != head
		clear(q.items[len(kept):])
		q.items = kept
		if q.busy {
			continue // finish pushes it back
		}
		d.unheap(q)
		if len(q.items) == 0 {
			delete(d.queues, key)
			continue
		}
		if headGone {
			q.notBefore = time.Time{} // the wait was the forgotten head's
		}
		d.push(q)
	}
	d.purgeParked(gone)
}

// purgeParked takes forgotten items off the counts of parked channels.
func (d *dispatcher) purgeParked(gone map[uint64]Channel) {
	changed := false
	for seq, ch := range gone {
		// A parked channel's items between its first and last were
		// counted; later ones were not looked at yet.
		if p := d.parked[ch]; p != nil && seq >= p.first && seq <= p.last && p.n > 0 {
			p.n--
			changed = true
		}
	}
	if changed {
		d.publishParked()
	}
}

// unheap takes q out of whichever heap holds it, if any.
func (d *dispatcher) unheap(q *queue) {
	if q.index < 0 {
		return
	}
	switch {
	case q.gate != nil:
		heap.Remove(&q.gate.h, q.index)
		q.gate = nil
	case q.bulk:
		heap.Remove(&d.bulk, q.index)
	default:
		heap.Remove(&d.ready, q.index)
	}
}

// seqOf decodes a queue key.
func seqOf(k []byte) uint64 { return binary.BigEndian.Uint64(k) }
