package outbox

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// EnqueueTx queues replies inside the caller's write transaction: they are
// sent only if tx commits, and Run hears of them when it does.
//
// Each reply must carry what its kind needs, else the whole call fails with
// ErrInvalidReply (wrapped) and nothing is queued: a Channel always;
// KindAnswer a CallbackID; KindView a View, and a TriggerID unless the
// View is a home tab; KindEphemeral a UserID; KindUpdate a ChatID and a Ref
// or an EditID; KindMessage a ChatID. Whether a Sender is registered for
// the channel does not matter: replies for a channel that is switched off
// wait for it (see the package doc).
//
// A message or ephemeral text too long for its channel (Limits.Split)
// becomes several items, in order; the buttons, keyboard and fields go on
// the last part, the reply-to, the ref and the button-press id on the
// first, and every part keeps the thread and the ticket. Errors:
// ErrInvalidReply, or bbolt's.
func (o *Outbox) EnqueueTx(tx *bolt.Tx, rs ...Reply) error {
	b := tx.Bucket(outboxBucket)
	if b == nil {
		return fmt.Errorf("outbox: bucket %q missing", outboxBucket)
	}
	now := o.now()
	added := 0
	for _, r := range rs {
		if err := validate(r); err != nil {
			return err
		}
		items := []outItem{{Reply: r, Enqueued: now}}
		if splittable(r) {
			if c, ok := o.channel(r.Channel); !ok {
				items[0].Unsplit = true
			} else if c.limits.Split != nil {
				parts := splitReply(r, c.limits.Split)
				items = items[:0]
				for _, p := range parts {
					items = append(items, outItem{Reply: p, Enqueued: now})
				}
			}
		}
		for _, it := range items {
			seq, err := b.NextSequence()
			if err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			v, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			if err := b.Put(seqKey(seq), v); err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			added++
		}
	}
	if added > 0 {
		tx.OnCommit(func() {
			o.depth.Add(int64(added))
			select {
			case o.wake <- struct{}{}:
			default: // a wake-up is already pending; it will see these too
			}
		})
	}
	return nil
}

// Enqueue queues replies in a transaction of its own. See EnqueueTx.
func (o *Outbox) Enqueue(rs ...Reply) error {
	return o.db.Update(func(tx *bolt.Tx) error { return o.EnqueueTx(tx, rs...) })
}

// kindOf returns r's kind. Items queued before kinds existed answered a
// button press by carrying a CallbackID and no chat: they are answers.
func kindOf(r Reply) Kind {
	if r.Kind == KindMessage && r.ChatID == "" && r.CallbackID != "" {
		return KindAnswer
	}
	return r.Kind
}

// validate checks that r carries what its kind needs (see EnqueueTx).
func validate(r Reply) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %s (channel %q, chat %q, kind %q)", ErrInvalidReply, why, r.Channel, r.ChatID, r.Kind)
	}
	if r.Channel == "" {
		return bad("no channel")
	}
	switch kindOf(r) {
	case KindAnswer:
		if r.CallbackID == "" {
			return bad("an answer without a button press")
		}
	case KindView:
		if r.View == nil {
			return bad("a view without a view")
		}
		if r.TriggerID == "" && !r.View.Home {
			return bad("a view without a trigger")
		}
	case KindEphemeral:
		if r.UserID == "" {
			return bad("an ephemeral message without a user")
		}
	case KindUpdate:
		if r.ChatID == "" {
			return bad("an update without a chat")
		}
		if r.Ref == "" && r.EditID == "" {
			return bad("an update without a ref or a message id")
		}
	case KindMessage:
		if r.ChatID == "" {
			return bad("no chat")
		}
	default:
		return bad("unknown kind")
	}
	return nil
}

// splittable reports whether r's text may be cut into several messages:
// new messages may, edits, toasts and views may not.
func splittable(r Reply) bool {
	k := kindOf(r)
	return k == KindMessage || k == KindEphemeral
}

// splitReply cuts r's text with split. The first part keeps what refers to
// r as a whole from the start (the reply-to, the button press, the ref, so
// that a later update edits the first part and a thread hangs under it);
// the last part carries the buttons, keyboard and fields; every part keeps
// the chat, thread, user, kind, ticket and name.
func splitReply(r Reply, split func(string) []string) []Reply {
	texts := split(r.Text)
	if len(texts) <= 1 {
		return []Reply{r}
	}
	parts := make([]Reply, len(texts))
	for i, t := range texts {
		p := Reply{Channel: r.Channel, ChatID: r.ChatID, Thread: r.Thread, ThreadRef: r.ThreadRef,
			Kind: r.Kind, UserID: r.UserID, Text: t, TicketID: r.TicketID, Name: r.Name, Bulk: r.Bulk}
		if i == 0 {
			p.ReplyToID, p.CallbackID, p.Ref = r.ReplyToID, r.CallbackID, r.Ref
		}
		if i == len(texts)-1 {
			p.Buttons, p.Keyboard, p.RemoveKB, p.Fields, p.Files = r.Buttons, r.Keyboard, r.RemoveKB, r.Fields, r.Files
		}
		parts[i] = p
	}
	return parts
}
