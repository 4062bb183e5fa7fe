package bot

import (
	"container/heap"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Run delivers queued messages until ctx is done, then waits for the sends
// in flight to end and be recorded, and returns nil. Whatever is not sent
// stays in bbolt for the next Run. It returns an error only if the outbox
// cannot be read at start, or ErrOutboxRunning if it is already running.
//
// One dispatcher goroutine (this one) owns the per-chat queues and hands
// the head of each ready chat to a bounded pool of OutboxOptions.Workers
// goroutines, which run the pipeline of stages. A chat has at most one
// item in flight, which keeps its order; a chat that must wait (rate limit,
// retry) goes back to a timer heap without holding a worker.
func (o *Outbox) Run(ctx context.Context) error {
	if !o.running.CompareAndSwap(false, true) {
		return ErrOutboxRunning
	}
	defer o.running.Store(false)

	d := &outDispatcher{o: o, chats: make(map[string]*outChat)}
	if err := d.load(); err != nil {
		return fmt.Errorf("outbox: load: %w", err)
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
	}()

	free := o.workers
	for {
		now := o.now()
		for free > 0 && d.ready.Len() > 0 && !d.ready[0].notBefore.After(now) && ctx.Err() == nil {
			c := heap.Pop(&d.ready).(*outChat)
			dl := c.queue[0]
			ch, ok := o.channel(dl.item.Reply.Channel)
			if !ok {
				// No sender registered (any more) for this channel:
				// keep the item, look again later.
				o.log.Error("outbox: no sender for a queued message", "channel", dl.item.Reply.Channel, "seq", dl.seq)
				c.notBefore = now.Add(outboxBackoffCap)
				heap.Push(&d.ready, c)
				continue
			}
			dl.ch = ch
			dl.skipSend, dl.notBefore, dl.done = false, time.Time{}, false
			c.busy = true
			free--
			jobs <- dl
		}
		// Wait for the next chat's time only if a worker could take it;
		// otherwise the next result wakes us anyway.
		var timer <-chan time.Time
		if free > 0 && d.ready.Len() > 0 {
			timer = o.after(d.ready[0].notBefore.Sub(now))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-o.wake:
			if err := d.load(); err != nil {
				o.log.Error("outbox: load new items", "err", err)
			}
		case dl := <-results:
			free++
			d.finish(dl)
		case <-timer:
		}
	}
}

// deliver runs the stages on one item, in a worker.
func (o *Outbox) deliver(ctx context.Context, d *outDelivery) {
	defer d.endSlot() // a slot taken but not sent with is freed, never leaked
	for _, s := range o.stages {
		if err := s.exec(ctx, d); err != nil {
			d.tries++
			d.notBefore = d.now().Add(outboxBackoff(d.tries))
			o.log.Error("outbox: delivery", "seq", d.seq, "err", err)
			return
		}
		if d.done || !d.notBefore.IsZero() {
			return
		}
	}
}

// outDispatcher is the state of one Run; only its goroutine touches it.
type outDispatcher struct {
	o       *Outbox
	chats   map[string]*outChat // chats with queued items
	ready   outChatHeap         // chats not in flight, by the time they may go
	lastSeq uint64              // the highest sequence loaded
}

// outChat is one chat's queue.
type outChat struct {
	key       string
	queue     []*outDelivery // in sequence order; queue[0] is the head
	busy      bool           // queue[0] is in flight
	notBefore time.Time      // the head may not go before this
	index     int            // in the heap, or -1
}

// load reads the items enqueued since the last load, in sequence order
// (which is commit order: bbolt has one writer), onto their chats' queues.
func (d *outDispatcher) load() error {
	var items []*outDelivery
	last := d.lastSeq
	err := d.o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxBucket)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(seqKey(d.lastSeq + 1)); k != nil; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			var it outItem
			if err := json.Unmarshal(v, &it); err != nil {
				// One unreadable item must not stop every other
				// message: it stays in the bucket for an operator.
				d.o.log.Error("outbox: unreadable item left in place", "seq", seq, "err", err)
				last = seq
				continue
			}
			items = append(items, &outDelivery{seq: seq, item: it, now: d.o.now})
			last = seq
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.lastSeq = last
	for _, it := range items {
		key := outChatKey(it.item.Reply)
		c := d.chats[key]
		if c == nil {
			c = &outChat{key: key, index: -1}
			d.chats[key] = c
		}
		c.queue = append(c.queue, it)
		if !c.busy && c.index < 0 {
			heap.Push(&d.ready, c)
		}
	}
	return nil
}

// finish takes a worker's result back into the queues.
func (d *outDispatcher) finish(dl *outDelivery) {
	c := d.chats[outChatKey(dl.item.Reply)]
	c.busy = false
	if dl.done {
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.notBefore = time.Time{}
	} else {
		c.notBefore = dl.notBefore
	}
	if len(c.queue) == 0 {
		delete(d.chats, c.key)
		return
	}
	heap.Push(&d.ready, c)
}

// outChatKey names the queue of a reply: its chat, or, for an answer to a
// button press without a chat, the press itself.
func outChatKey(r Reply) string {
	if r.ChatID == "" {
		return string(r.Channel) + "\x00cb\x00" + r.CallbackID
	}
	return string(r.Channel) + "\x00" + r.ChatID
}

// outChatHeap orders chats by when they may go, then by their head's
// sequence, so the oldest message goes first.
type outChatHeap []*outChat

func (h outChatHeap) Len() int { return len(h) }
func (h outChatHeap) Less(i, j int) bool {
	if !h[i].notBefore.Equal(h[j].notBefore) {
		return h[i].notBefore.Before(h[j].notBefore)
	}
	return h[i].queue[0].seq < h[j].queue[0].seq
}
func (h outChatHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *outChatHeap) Push(x any) {
	c := x.(*outChat)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *outChatHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = nil
	c.index = -1
	*h = old[:len(old)-1]
	return c
}
