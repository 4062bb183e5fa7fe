package outbox

import (
	"container/heap"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Run delivers queued messages until ctx is done, then waits for the sends
// in flight to end and be recorded, and returns nil. Whatever is not sent
// stays in bbolt for the next Run. It returns an error only if the outbox
// cannot be read at start, or ErrRunning if it is already running.
//
// One dispatcher goroutine (this one) owns the per-key queues and hands the
// head of each ready queue to a bounded pool of Options.Workers goroutines,
// which run the pipeline of stages. A queue has at most one item in flight,
// which keeps its order; a queue that must wait (rate limit, retry, a ref
// not yet recorded) goes back to a timer heap without holding a worker. At
// most Options.MaxLoaded items are held in memory; items of channels with
// no Sender are left in bbolt (parked) until the channel is registered.
func (o *Outbox) Run(ctx context.Context) error {
	if !o.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer o.running.Store(false)
	defer o.setParked(nil)

	d := &dispatcher{o: o, queues: make(map[string]*queue), inMem: make(map[uint64]struct{}),
		parked: make(map[Channel]*parkedChannel), warned: make(map[Channel]bool),
		waiters: make(map[string]map[*queue]struct{}), bad: make(map[uint64]bool), gates: make(map[gateKey]*gated),
		dropped: make(map[uint64]bool)}
	o.forgets.take() // forgotten while no Run held them: load cannot find them
	if err := d.load(); err != nil {
		return fmt.Errorf("outbox: load: %w", err)
	}
	if err := o.markRunning(true); err != nil {
		return fmt.Errorf("outbox: mark running: %w", err)
	}

	jobs := make(chan *outDelivery, o.workers)
	results := make(chan *outDelivery, o.workers) // at most workers results are ever outstanding
	var wg sync.WaitGroup
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for dl := range jobs {
				o.deliver(ctx, dl)
				results <- dl
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
		// Every send in flight is recorded: the next start need not
		// assume any (see seedLimiter).
		if err := o.markRunning(false); err != nil {
			o.log.Error("outbox: mark a clean stop", "err", err)
		}
	}()

	free := o.workers
	for {
		now := o.now()
		for free > 0 && ctx.Err() == nil {
			q := d.pop(now)
			if q == nil {
				break
			}
			if q.update {
				d.coalesce(q)
			}
			dl := q.items[0]
			ch, ok := o.channel(dl.item.Reply.Channel)
			if !ok { // cannot happen: channels are never unregistered
				q.notBefore = now.Add(backoffCap)
				d.push(q)
				continue
			}
			dl.ch = ch
			dl.skipSend, dl.notBefore, dl.waitRef, dl.done = false, time.Time{}, "", false
			dl.refEpoch = d.refEpoch
			dl.bulkSlot = q.bulk
			if q.bulk {
				d.bulkBusy++
			}
			q.busy = true
			free--
			jobs <- dl
		}
		// Wait for the next queue's time only if a worker could take it;
		// otherwise the next result wakes us anyway.
		var timer <-chan time.Time
		if at, ok := d.nextAt(free); ok {
			timer = o.after(at.Sub(now))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-o.wake:
			if err := d.load(); err != nil {
				o.log.Error("outbox: load new items", "err", err)
			}
		case <-o.forgot:
			d.purge(o.forgets.take())
		case <-o.registered:
			d.unpark()
			if err := d.load(); err != nil {
				o.log.Error("outbox: load items of a registered channel", "err", err)
			}
		case dl := <-results:
			free++
			if dl.bulkSlot {
				d.bulkBusy--
			}
			d.finish(dl)
		case <-timer:
		}
	}
}

// deliver runs the stages on one item, in a worker.
func (o *Outbox) deliver(ctx context.Context, d *outDelivery) {
	defer d.endSlot() // a slot taken but not sent with is freed, never leaked
	// Before dedupe reads the item: forgetStage reads it again if a Forget
	// commits meanwhile.
	d.forgetEpoch = o.forgets.currentEpoch()
	for _, s := range o.stages {
		if err := s.exec(ctx, d); err != nil {
			d.tries++
			d.notBefore = d.now().Add(backoff(d.tries))
			o.log.Error("outbox: delivery", "seq", d.seq, "err", err)
			return
		}
		if d.done || !d.notBefore.IsZero() {
			return
		}
	}
}

// dispatcher is the state of one Run; only its goroutine touches it.
type dispatcher struct {
	o      *Outbox
	queues map[string]*queue // order keys with loaded items
	ready  queueHeap         // interactive queues not in flight, by the time they may go
	bulk   queueHeap         // bulk queues (their head is Reply.Bulk) not in flight

	gates      map[gateKey]*gated // due queues held back by their channel's limits (gate.go)
	bulkBusy   int                // workers holding a bulk item (at most o.bulkWorkers)
	loadedBulk int                // bulk items held (at most o.bulkLoaded)

	// The last load's bulk items left in bbolt for lack of room: their
	// order keys, the first of them, and the highest sequence examined.
	skipped      map[string]bool
	firstSkipped uint64
	scanned      uint64
	bad          map[uint64]bool // unreadable items, logged once

	inMem  map[uint64]struct{} // every sequence loaded and not yet recorded (superseded ones too)
	loaded int                 // items held (outDeliveries in queues)
	cursor uint64              // the highest sequence looked at
	more   bool                // the last load stopped at MaxLoaded: items after cursor wait

	parked map[Channel]*parkedChannel // channels with no Sender whose items were skipped
	warned map[Channel]bool           // channels warned about in this Run

	waiters  map[string]map[*queue]struct{} // by refKey: queues whose head waits for that ref
	refEpoch uint64                         // refs recorded in this Run

	dropped map[uint64]bool // forgotten while in flight: dropped when the worker gives them back
}

// parkedChannel counts the items of a channel with no Sender that load
// skipped: n items, the lowest sequence first, the highest last.
type parkedChannel struct {
	n           int
	first, last uint64
}

// queue is one order key's items.
type queue struct {
	key       string
	update    bool           // a KindUpdate queue: pending items coalesce
	items     []*outDelivery // in sequence order; items[0] is the head
	busy      bool           // items[0] is in flight
	notBefore time.Time      // the head may not go before this
	index     int            // in its heap, or -1
	bulk      bool           // in the bulk heap (its head was Reply.Bulk when pushed)
	gate      *gated         // in this gate's heap instead (see gate.go), or nil
}

// push puts q in its lane's heap, by its head: bulk or interactive.
func (d *dispatcher) push(q *queue) {
	q.gate = nil
	q.bulk = q.items[0].item.Reply.Bulk
	if q.bulk {
		heap.Push(&d.bulk, q)
	} else {
		heap.Push(&d.ready, q)
	}
}

// fix restores q's heap after its notBefore changed; q is in a heap.
func (d *dispatcher) fix(q *queue) {
	if q.gate != nil {
		heap.Fix(&q.gate.h, q.index)
		return
	}
	if q.bulk {
		heap.Fix(&d.bulk, q.index)
	} else {
		heap.Fix(&d.ready, q.index)
	}
}

// load reads the items enqueued after the cursor, in sequence order (which
// is commit order: bbolt has one writer), onto their queues, until
// MaxLoaded items are held. Items of a channel with no Sender are skipped
// and counted as parked.
func (d *dispatcher) load() error {
	var items []*outDelivery
	cursor, more := d.cursor, false
	room := d.o.maxLoaded - d.loaded
	bulkRoom := d.o.bulkLoaded - d.loadedBulk
	// Bulk items left in bbolt for lack of room (see below): their keys
	// and the first of them. While the bulk lane has no room, what was
	// examined before cannot change, so the pass goes on from the last
	// item examined (a wake-up for one answer does not decode a backlog
	// of thousands again); otherwise it starts again at the cursor.
	from := d.cursor + 1
	skipped, firstSkipped, scanned := map[string]bool{}, uint64(0), uint64(0)
	if bulkRoom <= 0 && d.firstSkipped != 0 && d.scanned > d.cursor {
		from = d.scanned + 1
		skipped, firstSkipped, scanned = d.skipped, d.firstSkipped, d.scanned
	}
	parkedBefore := len(d.parked)
	counted := false
	err := d.o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxBucket)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			if _, ok := d.inMem[seq]; ok {
				cursor, scanned = seq, seq
				continue
			}
			if len(items) >= room {
				more = true
				break
			}
			scanned = seq
			var it outItem
			if err := json.Unmarshal(v, &it); err != nil {
				// One unreadable item must not stop every other
				// message: it stays in the bucket for an operator.
				if !d.bad[seq] {
					d.bad[seq] = true
					d.o.log.Error("outbox: unreadable item left in place", "seq", seq, "err", err)
				}
				cursor = seq
				continue
			}
			cursor = seq
			// A parked channel stays parked until unpark moves the
			// cursor back to its first item, even if it was registered
			// meanwhile: loading its newer items first would break
			// their order.
			_, parked := d.parked[it.Reply.Channel]
			if _, ok := d.o.channel(it.Reply.Channel); !ok || parked {
				counted = d.park(it.Reply.Channel, seq) || counted
				continue
			}
			it.Reply.Kind = kindOf(it.Reply) // an answer of the old format is told so to its Sender
			key := orderKey(seq, it.Reply)
			if skipped[key] || (it.Reply.Bulk && bulkRoom <= 0) {
				// The bulk lane's share of MaxLoaded is full: leave the
				// item (and its key's later ones, to keep their order)
				// for a later pass, and look on for interactive items.
				skipped[key] = true
				if firstSkipped == 0 {
					firstSkipped = seq
				}
				more = true
				continue
			}
			if it.Reply.Bulk {
				bulkRoom--
			}
			items = append(items, &outDelivery{seq: seq, key: key, item: it, now: d.o.now})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if firstSkipped != 0 {
		// The next full pass starts at the first item left behind; what
		// was loaded after it is skipped then as in memory.
		cursor = min(cursor, firstSkipped-1)
		more = true
	}
	d.skipped, d.firstSkipped, d.scanned = skipped, firstSkipped, scanned
	d.cursor, d.more = cursor, more
	for _, it := range items {
		q := d.queues[it.key]
		if q == nil {
			q = &queue{key: it.key, update: kindOf(it.item.Reply) == KindUpdate && it.item.Reply.Ref != "", index: -1}
			d.queues[it.key] = q
		}
		q.items = append(q.items, it)
		d.inMem[it.seq] = struct{}{}
		d.loaded++
		if it.item.Reply.Bulk {
			d.loadedBulk++
		}
		if !q.busy && q.index < 0 {
			d.push(q)
		}
	}
	if int64(d.loaded) > d.o.peakLoaded.Load() {
		d.o.peakLoaded.Store(int64(d.loaded))
	}
	if counted || len(d.parked) != parkedBefore {
		d.publishParked()
	}
	return nil
}

// park counts a skipped item of a channel with no Sender, once per
// sequence, and warns once per channel per Run. It reports whether the
// count changed.
func (d *dispatcher) park(ch Channel, seq uint64) bool {
	p := d.parked[ch]
	if p == nil {
		p = &parkedChannel{first: seq}
		d.parked[ch] = p
	}
	if !d.warned[ch] {
		d.warned[ch] = true
		d.o.log.Warn("outbox: messages wait for a channel with no sender; they are sent once it is registered",
			"channel", ch, "seq", seq)
	}
	if seq <= p.last { // counted at an earlier pass (a rescan)
		return false
	}
	p.n++
	p.last = seq
	return true
}

// unpark moves the cursor back to the first skipped item of every parked
// channel that now has a Sender, so that load delivers them, in order.
func (d *dispatcher) unpark() {
	changed := false
	for ch, p := range d.parked {
		if _, ok := d.o.channel(ch); !ok {
			continue
		}
		delete(d.parked, ch)
		changed = true
		d.cursor = min(d.cursor, p.first-1)
		d.firstSkipped = 0 // the next load is a full pass
		d.o.log.Info("outbox: channel registered; delivering the messages that waited for it", "channel", ch, "waiting", p.n)
	}
	if changed {
		d.publishParked()
	}
}

func (d *dispatcher) publishParked() {
	p := make(map[Channel]int, len(d.parked))
	for ch, pc := range d.parked {
		p[ch] = pc.n
	}
	d.o.setParked(p)
}

// coalesce keeps, of the pending updates of one ref, only the newest: the
// older ones (all but a head already being worked on, which must be
// recorded) go with it as superseded, and are deleted when it is recorded.
func (d *dispatcher) coalesce(q *queue) {
	start := 0
	if h := q.items[0]; h.sent || h.failed != nil || h.part > 0 {
		start = 1
	}
	if len(q.items)-start < 2 {
		return
	}
	last := q.items[len(q.items)-1]
	for _, x := range q.items[start : len(q.items)-1] {
		last.supersedes = append(last.supersedes, x.seq)
		last.supersedes = append(last.supersedes, x.supersedes...)
		d.loaded--
		if x.item.Reply.Bulk {
			d.loadedBulk--
		}
	}
	q.items = append(q.items[:start], last)
}

// finish takes a worker's result back into the queues.
func (d *dispatcher) finish(dl *outDelivery) {
	if d.dropped[dl.seq] {
		delete(d.dropped, dl.seq)
		dl.done = true // forgotten (Forget) while in flight; it is gone from bbolt
	}
	q := d.queues[dl.key]
	q.busy = false
	if dl.done {
		q.items[0] = nil
		q.items = q.items[1:]
		q.notBefore = time.Time{}
		delete(d.inMem, dl.seq)
		for _, s := range dl.supersedes {
			delete(d.inMem, s)
		}
		d.loaded--
		if dl.item.Reply.Bulk {
			d.loadedBulk--
		}
	} else {
		q.notBefore = dl.notBefore
	}
	if len(q.items) == 0 {
		delete(d.queues, q.key)
	} else {
		d.push(q)
	}
	if !dl.done && dl.waitRef != "" && dl.refEpoch != d.refEpoch && q.index >= 0 {
		// A ref was recorded while this one looked: it may be the one.
		q.notBefore = time.Time{}
		d.fix(q)
	} else if !dl.done && dl.waitRef != "" {
		w := d.waiters[dl.waitRef]
		if w == nil {
			w = make(map[*queue]struct{})
			d.waiters[dl.waitRef] = w
		}
		w[q] = struct{}{}
	}
	if r := dl.item.Reply; dl.done && r.Ref != "" && kindOf(r) != KindUpdate {
		d.wakeWaiters(string(refKey(r.Channel, r.ChatID, r.Ref)))
	}
	if dl.done && d.more && (d.loaded <= d.o.maxLoaded/2 || (dl.item.Reply.Bulk && d.loadedBulk <= d.o.bulkLoaded/2)) {
		if err := d.load(); err != nil {
			d.o.log.Error("outbox: load more items", "err", err)
		}
	}
}

// wakeWaiters makes the queues waiting for the ref key ready at once: it
// has just been recorded (sent, or dead).
func (d *dispatcher) wakeWaiters(key string) {
	d.refEpoch++
	for q := range d.waiters[key] {
		if d.queues[q.key] == q && q.index >= 0 {
			q.notBefore = time.Time{}
			d.fix(q)
		}
	}
	delete(d.waiters, key)
}

// orderKey names the queue of an item (see "Kinds and order keys" in the
// package doc): items of one key are delivered one after another, in
// order; different keys do not wait for each other.
func orderKey(seq uint64, r Reply) string {
	ch := string(r.Channel) + "\x00"
	switch kindOf(r) {
	case KindAnswer:
		return ch + "\x00cb\x00" + r.CallbackID
	case KindView:
		return ch + "\x00view\x00" + strconv.FormatUint(seq, 10)
	case KindUpdate:
		if r.Ref != "" {
			return ch + r.ChatID + "\x00upd:" + r.Ref
		}
		return ch + r.ChatID + "\x00edit:" + r.EditID
	}
	chat := r.ChatID
	if chat == "" {
		chat = "\x00user:" + r.UserID
	}
	thread := r.Thread
	if r.ThreadRef != "" {
		thread = "ref:" + r.ThreadRef
	}
	return ch + chat + "\x00" + thread
}

// queueHeap orders queues by when they may go, then by their head's
// sequence, so the oldest message goes first.
type queueHeap []*queue

func (h queueHeap) Len() int { return len(h) }
func (h queueHeap) Less(i, j int) bool {
	if !h[i].notBefore.Equal(h[j].notBefore) {
		return h[i].notBefore.Before(h[j].notBefore)
	}
	return h[i].items[0].seq < h[j].items[0].seq
}
func (h queueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *queueHeap) Push(x any) {
	c := x.(*queue)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *queueHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = nil
	c.index = -1
	*h = old[:len(old)-1]
	return c
}
