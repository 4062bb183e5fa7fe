package bot

import (
	"context"
	"math/rand/v2"
	"time"
)

// outboxStage is one step of delivering the message at the head of a
// chat's queue: dedupe → rate limit → send with retry → record. A stage
// that cannot finish yet sets d.notBefore; the pipeline stops there and the
// item is tried again, from the first stage, at that time, still at the head
// of its chat. A stage that finishes the item sets d.done. An error is an
// internal failure (bbolt): the item stays queued and is tried again after a
// backoff.
type outboxStage interface {
	exec(ctx context.Context, d *outDelivery) error
}

// outDelivery is one attempt at delivering one item, handed from stage to
// stage. The fields below "carried" survive from one attempt to the next
// (the dispatcher keeps them with the queued item); the rest are per
// attempt.
type outDelivery struct {
	seq  uint64
	item outItem
	ch   outChannel
	now  func() time.Time

	// carried
	attempts int    // failed sends so far
	tries    int    // failed records (or internal errors) so far
	sent     bool   // the Sender delivered it
	sentID   string // the channel's id of the delivered message
	failed   error  // the Sender refused it for good

	// per attempt
	skipSend  bool      // dedupe: it was sent (or refused) already; only record it
	slot      *Slot     // the rate limiter's slot of this send, until dated by its completion
	notBefore time.Time // try again then
	done      bool      // recorded (or found recorded): next item of the chat
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
	outboxBackoffBase = time.Second
	outboxBackoffCap  = time.Minute
)

// outboxBackoff returns the wait before attempt n+1 after n failures:
// exponential from outboxBackoffBase, capped at outboxBackoffCap, with
// "equal jitter" (between half and all of it) so that chats failing
// together do not retry together.
func outboxBackoff(n int) time.Duration {
	d := outboxBackoffCap
	if n < 16 {
		d = min(outboxBackoffBase<<max(n-1, 0), outboxBackoffCap)
	}
	return d/2 + rand.N(d/2+1)
}
