package outbox

import (
	"context"
	"math/rand/v2"
	"time"
)

// stage is one step of delivering the item at the head of an order key's
// queue: dedupe → resolve refs → rate limit → forgotten? → send with retry
// → record. A
// stage that cannot finish yet sets d.notBefore; the pipeline stops there
// and the item is tried again, from the first stage, at that time, still at
// the head of its queue. A stage that finishes the item sets d.done. An
// error is an internal failure (bbolt): the item stays queued and is tried
// again after a backoff.
type stage interface {
	exec(ctx context.Context, d *outDelivery) error
}

// outDelivery is one attempt at delivering one item, handed from stage to
// stage. The fields below "carried" survive from one attempt to the next
// (the dispatcher keeps them with the queued item); the rest are per
// attempt.
type outDelivery struct {
	seq  uint64
	key  string // the order key (orderKey)
	item outItem
	ch   outChannel
	now  func() time.Time

	// carried
	attempts   int         // failed sends so far
	tries      int         // failed records (or internal errors) so far
	sent       bool        // the Sender delivered it (every part of it)
	sentID     string      // the channel's id of the delivered message (of its first part)
	failed     error       // the Sender refused it for good, or its ref is dead
	parts      []Reply     // an Unsplit item cut at send time; nil: send item.Reply
	part       int         // parts sent so far
	refWaits   int         // looks for a ref not yet recorded
	refSince   time.Time   // the first of them
	supersedes []uint64    // older updates of the same ref, deleted when this one is recorded
	sentAt     []time.Time // completions of the rate-limited sends that delivered it (the limit log)

	// per attempt
	skipSend  bool      // dedupe: it was sent (or refused) already; only record it
	slot      *Slot     // the rate limiter's slot of this send, until dated by its completion
	notBefore time.Time // try again then
	waitRef   string    // resolve: the refKey not recorded yet; Run wakes the item when it is
	refEpoch  uint64    // Run's count of recorded refs when the attempt started
	done      bool      // recorded (or found recorded): next item of the queue
	bulkSlot  bool      // dispatched on one of the bulk lane's workers
	// forgetEpoch is the Forget commits seen when the attempt began (or
	// last looked): forgetStage reads the item again if more committed.
	forgetEpoch uint64
}

// endSlot dates the rate limiter's slot of this attempt, if any, by now:
// the send completed, or never started.
func (d *outDelivery) endSlot() {
	if d.slot != nil {
		d.slot.Done(d.now())
		d.slot = nil
	}
}

// Backoff of retried sends (5xx, network) and of failed records.
const (
	backoffBase = time.Second
	backoffCap  = time.Minute
)

// backoff returns the wait before attempt n+1 after n failures:
// exponential from backoffBase, capped at backoffCap, with
// "equal jitter" (between half and all of it) so that chats failing
// together do not retry together.
func backoff(n int) time.Duration {
	d := backoffCap
	if n < 16 {
		d = min(backoffBase<<max(n-1, 0), backoffCap)
	}
	return d/2 + rand.N(d/2+1)
}
