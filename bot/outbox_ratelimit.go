package bot

import "context"

// rateLimitStage holds an item back until its channel's limits let it go
// (see RateLimiter). It does not sleep: it sets notBefore, so a worker is
// never tied up waiting and other chats go on. The slot it takes is in
// flight until the send completes (retryStage dates it then, and deliver
// at the latest); it counts even if the send then fails, which only errs on
// the safe side.
//
// A reply that only answers a button press (no chat) is not a message in
// Telegram's sense and is not limited.
type rateLimitStage struct{}

func newRateLimitStage() *rateLimitStage { return &rateLimitStage{} }

func (rateLimitStage) exec(_ context.Context, d *outDelivery) error {
	if d.skipSend || d.item.Reply.ChatID == "" || d.ch.limiter == nil {
		return nil
	}
	slot, at := d.ch.limiter.Reserve(d.item.Reply.ChatID, d.now())
	if slot == nil {
		d.notBefore = at
		return nil
	}
	d.slot = slot
	return nil
}
