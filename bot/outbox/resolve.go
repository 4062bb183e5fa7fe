package outbox

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RefWaitLimit is how long an item waits, within one Run, for the message
// its Ref (update) or ThreadRef names to be recorded before it becomes a
// dead letter with ErrRefUnknown: far longer than any parent takes to be
// sent, even through an outage of its channel (a parent retried for a day
// is still a parent), so that only a ref that will never come ends an item.
const RefWaitLimit = 24 * time.Hour

// Backoff of an item waiting for its ref. Run wakes it as soon as the ref
// is recorded (by this process, the only writer of refs), so this is only
// a fallback: short at first, since the parent is usually being sent right
// now.
const (
	refWaitBase = 100 * time.Millisecond
	refWaitCap  = 10 * time.Second
)

// resolveStage fills what an item names by ref before it is sent: a
// KindUpdate's EditID from its Ref, a ThreadRef's Thread, both from the
// refs recorded for the item's channel and chat. If the ref is not recorded
// yet the item waits (waitRef, and notBefore as a fallback: a short
// backoff that holds no worker and is no failure); if the referenced message became a dead letter the item
// fails with ErrRefDead, and after RefWaitLimit with ErrRefUnknown.
type resolveStage struct{ db *bolt.DB }

func newResolveStage(db *bolt.DB) *resolveStage { return &resolveStage{db: db} }

func (s *resolveStage) exec(_ context.Context, d *outDelivery) error {
	r := &d.item.Reply
	needEdit := kindOf(*r) == KindUpdate && r.EditID == "" && r.Ref != ""
	needThread := r.ThreadRef != "" && r.Thread == ""
	if d.skipSend || (!needEdit && !needThread) {
		return nil
	}
	var edit, thread refValue
	var haveEdit, haveThread bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if needEdit {
			edit, haveEdit = getRef(tx, r.Channel, r.ChatID, r.Ref)
		}
		if needThread {
			thread, haveThread = getRef(tx, r.Channel, r.ChatID, r.ThreadRef)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: resolve refs of %d: %w", d.seq, err)
	}
	switch {
	case needEdit && haveEdit && edit.dead:
		d.failed, d.skipSend = fmt.Errorf("%w: ref %q", ErrRefDead, r.Ref), true
		return nil
	case needThread && haveThread && thread.dead:
		d.failed, d.skipSend = fmt.Errorf("%w: thread ref %q", ErrRefDead, r.ThreadRef), true
		return nil
	}
	if haveEdit {
		r.EditID = edit.id
	}
	if haveThread {
		r.Thread = thread.id
	}
	if (needEdit && !haveEdit) || (needThread && !haveThread) {
		now := d.now()
		if d.refWaits == 0 {
			d.refSince = now
		}
		if now.Sub(d.refSince) >= RefWaitLimit {
			d.failed, d.skipSend = fmt.Errorf("%w: ref %q, thread ref %q, waited %s", ErrRefUnknown, r.Ref, r.ThreadRef, RefWaitLimit), true
			return nil
		}
		d.refWaits++
		d.notBefore = now.Add(min(refWaitBase<<min(d.refWaits-1, 16), refWaitCap))
		if needEdit && !haveEdit {
			d.waitRef = string(refKey(r.Channel, r.ChatID, r.Ref))
		} else {
			d.waitRef = string(refKey(r.Channel, r.ChatID, r.ThreadRef))
		}
	}
	return nil
}
