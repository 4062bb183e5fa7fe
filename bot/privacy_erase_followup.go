package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// The follow-up of a confirmed erasure. The confirmation to the officer is
// queued after the outbox forgot their chat, so until it is sent the file
// holds the chat id (in the outbox item); its delivery records nothing of
// the chat (Reply.NoTrace), but the freed item stays in the file's free
// pages. The follow-up, stored in the final transaction, waits until the
// confirmation has left the outbox (or ConfirmWait has passed: an unsent
// confirmation is then dropped), deletes itself and scrubs the free pages:
// then no byte of the id is left. It does not forget the chat again: what
// is queued for it by then is owed to the officer, who wrote again (a new
// start, under the notice like a first contact). The deleting transaction
// also notes a scrub owed, cleared once the scrub is done, so that a stop
// between the two (a scrub cut short) is made up for by the next pass,
// Settle, or the next Run. A follow-up a stopped process left is finished
// by the next Run.

// bucketEraseFollowUps holds the follow-ups not yet finished. It holds the
// chat id for as long as the confirmation does.
var bucketEraseFollowUps = []byte("bot_erase_followups") // seq -> followUpRecord JSON

// followUpPoll is how often a waiting follow-up looks at the outbox.
const followUpPoll = time.Second

// followUpRecord is one follow-up as stored.
type followUpRecord struct {
	Channel Channel   `json:"channel"`
	Chat    string    `json:"chat"`
	Until   time.Time `json:"until"` // finish then even if the confirmation was not sent
}

// putFollowUp stores the follow-up of a confirmation to chat on ch.
func (e *Eraser) putFollowUp(tx *bolt.Tx, ch Channel, chat string) error {
	b := tx.Bucket(bucketEraseFollowUps)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("store the follow-up: %w", err)
	}
	v, err := json.Marshal(followUpRecord{Channel: ch, Chat: chat, Until: e.now().Add(e.opts.ConfirmWait)})
	if err != nil {
		return fmt.Errorf("store the follow-up: %w", err)
	}
	return b.Put(seqKey(seq), v)
}

func (e *Eraser) wakeFollowUp() {
	select {
	case e.followUp <- struct{}{}:
	default:
	}
}

// followUpLoop finishes follow-ups until ctx ends: whenever one is stored,
// and every followUpPoll while some wait.
func (e *Eraser) followUpLoop(ctx context.Context) {
	for {
		left, err := e.followUps(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Error("the follow-up of an erasure failed; trying again", "err", err)
		}
		var (
			poll <-chan time.Time
			t    *time.Timer
		)
		if left > 0 || err != nil {
			t = time.NewTimer(followUpPoll)
			poll = t.C
		}
		select {
		case <-ctx.Done():
		case <-e.followUp:
		case <-poll:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// Settle finishes every stored follow-up, waiting for their confirmations
// to leave the outbox (at most ConfirmWait each): for a process that
// erases without Run (the command line), and for tests. The outbox must
// run meanwhile, or each follow-up waits its full ConfirmWait. It returns
// ctx's error if ctx ends first.
func (e *Eraser) Settle(ctx context.Context) error {
	for {
		left, err := e.followUps(ctx)
		if err != nil {
			return err
		}
		if left == 0 {
			return nil
		}
		t := time.NewTimer(followUpPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// followUps finishes the follow-ups that are due, each in a transaction of
// its own, scrubs once if any was (or a scrub is owed: one that a stop cut
// short), and returns how many still wait.
func (e *Eraser) followUps(ctx context.Context) (left int, err error) {
	var keys [][]byte
	err = e.db.View(func(tx *bolt.Tx) error {
		keys = nil
		return tx.Bucket(bucketEraseFollowUps).ForEach(func(k, _ []byte) error {
			keys = append(keys, append([]byte(nil), k...))
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("bot: erase follow-ups: %w", err)
	}
	done := 0
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return len(keys) - done, err
		}
		finished, err := e.finishFollowUp(k)
		if err != nil {
			return len(keys) - done, err
		}
		if finished {
			done++
		}
	}
	owed, err := e.scrubOwed()
	if err != nil {
		return len(keys) - done, fmt.Errorf("bot: erase follow-up: %w", err)
	}
	if done > 0 || owed > 0 {
		st, err := tickets.ScrubFreePages(ctx, e.db)
		if err != nil {
			return len(keys) - done, fmt.Errorf("bot: erase follow-up: scrub free pages: %w", err)
		}
		if err := e.scrubPaid(owed); err != nil {
			return len(keys) - done, fmt.Errorf("bot: erase follow-up: %w", err)
		}
		if done > 0 {
			e.log.Info("erasure confirmed and its chat forgotten", "scrub_pages", st.Pages, "scrub_took", st.Took)
		} else {
			e.log.Info("free pages scrubbed after an erasure's follow-up whose scrub was cut short", "scrub_pages", st.Pages, "scrub_took", st.Took)
		}
	}
	return len(keys) - done, nil
}

// confirmation matches the confirmation of follow-up f among the outbox's
// replies (the erasures' confirmations are its only NoTrace items).
func (f followUpRecord) confirmation(r Reply) bool {
	return r.NoTrace && r.Channel == f.Channel && r.ChatID == f.Chat
}

// finishFollowUp finishes follow-up k once its confirmation has left the
// outbox (the erasures' confirmations are its only NoTrace items), or its
// time is up: in one transaction, so that nothing queued in between is
// missed.
func (e *Eraser) finishFollowUp(k []byte) (finished bool, err error) {
	// Polled every second while the confirmation waits: a read
	// transaction says whether there is anything to do, so that the wait
	// costs no write (and no fsync) and decodes no bulk item (Queued).
	wait := false
	err = e.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketEraseFollowUps).Get(k)
		var f followUpRecord
		if v == nil || json.Unmarshal(v, &f) != nil {
			return nil
		}
		if !e.now().Before(f.Until) {
			return nil
		}
		var err error
		wait, err = e.out.Queued(tx, f.confirmation)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("bot: erase follow-up %x: %w", k, err)
	}
	if wait {
		return false, nil
	}
	err = e.db.Update(func(tx *bolt.Tx) error {
		finished = false
		b := tx.Bucket(bucketEraseFollowUps)
		v := b.Get(k)
		if v == nil {
			return nil
		}
		var f followUpRecord
		if err := json.Unmarshal(v, &f); err != nil {
			// Nothing to wait for that can be known: drop it.
			finished = true
			return b.Delete(k)
		}
		held, err := e.out.Queued(tx, f.confirmation)
		if err != nil {
			return fmt.Errorf("look at the outbox: %w", err)
		}
		if held && e.now().Before(f.Until) {
			return nil
		}
		if held {
			// Time is up: the confirmation is dropped. Nothing else of the
			// chat is touched: what is queued for it now is owed to the
			// officer since they wrote again, and the confirmation, being
			// NoTrace, left no ref, limiter entry or dead letter behind.
			_, err := e.out.Forget(tx, outbox.Forget{Match: f.confirmation})
			if err != nil {
				return fmt.Errorf("drop the confirmation: %w", err)
			}
		}
		finished = true
		if err := oweScrub(tx); err != nil {
			return err
		}
		return b.Delete(k)
	})
	if err != nil {
		return false, fmt.Errorf("bot: erase follow-up %x: %w", k, err)
	}
	return finished, nil
}
