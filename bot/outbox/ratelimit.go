package outbox

import (
	"context"
	"time"
)

// rateLimitStage holds an item back until its channel's limits let it go
// (see RateLimiter). It does not sleep: it sets notBefore, so a worker is
// never tied up waiting and other chats go on. The slot it takes is in
// flight until the send completes (retryStage dates it then, and deliver
// at the latest); it counts even if the send then fails, which only errs on
// the safe side.
//
// KindAnswer (a button press's toast) and KindView (opening a modal) are
// not messages in the channels' sense and are never limited: the user is
// waiting on them, and a view's trigger expires in 3 s. A KindUpdate counts
// against Limits.UpdatesPerMinute over the whole channel when that is set,
// else as a message of its chat. A bulk reply (Reply.Bulk) may use only
// Limits.BulkPerSecond of the global rate (RateLimiter.ReserveBulk).
type rateLimitStage struct{}

func newRateLimitStage() *rateLimitStage { return &rateLimitStage{} }

func (rateLimitStage) exec(_ context.Context, d *outDelivery) error {
	if d.skipSend || d.ch.limiter == nil {
		return nil
	}
	r := d.item.Reply
	var (
		slot *Slot
		at   time.Time
	)
	switch kindOf(r) {
	case KindAnswer, KindView:
		return nil
	case KindUpdate:
		if d.ch.limits.UpdatesPerMinute > 0 {
			slot, at = d.ch.limiter.ReserveUpdate(d.now())
			break
		}
		slot, at = d.ch.limiter.Reserve(r.ChatID, d.now())
	default:
		// limitChat: an ephemeral message to a user outside any chat
		// counts against the user.
		if r.Bulk {
			slot, at = d.ch.limiter.ReserveBulk(limitChat(r), d.now())
			break
		}
		slot, at = d.ch.limiter.Reserve(limitChat(r), d.now())
	}
	if slot == nil {
		d.notBefore = at
		return nil
	}
	d.slot = slot
	return nil
}
