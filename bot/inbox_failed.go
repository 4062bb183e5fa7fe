package bot

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Failed entries are indexed apart from the inbox, so that operators can
// list and count them without reading every entry and the Router can prune
// them after FailedRetention.
var (
	// bucketInboxFailed indexes the failed entries: those whose handler
	// failed or panicked (their entry stays in bucketInbox, state
	// "failed") and those set aside as undecodable (their bytes are in
	// bucketInboxPoison).
	bucketInboxFailed = []byte("bot_inbox_failed") // seq -> when it failed (8-byte unix ns)
	// bucketInboxPoison holds the bytes of pending entries that could not
	// be decoded, taken out of the inbox so that they cannot stop the
	// Router again.
	bucketInboxPoison = []byte("bot_inbox_poison") // seq -> the entry's stored bytes
)

// failedPreview bounds FailedEntry.Preview, in characters.
const failedPreview = 80

// FailedEntry is an inbox entry whose handling failed, as Inbox.Failed
// shows it to operators. The officer was apologised to (with a ticket when
// one could be opened); nothing retries the entry. It is deleted
// FailedRetention after Failed.
type FailedEntry struct {
	Seq      uint64    `json:"seq"`
	Channel  Channel   `json:"channel,omitempty"`
	ChatID   string    `json:"chat_id,omitempty"`
	UserID   string    `json:"user_id,omitempty"`
	SourceID string    `json:"source_id,omitempty"`
	Received time.Time `json:"received,omitzero"` // when the channel received it; zero if it did not say
	Failed   time.Time `json:"failed"`            // when it failed or was set aside
	Err      string    `json:"err"`               // why: the handler's error, or why it could not be decoded
	// Preview is the start of the message's text (or of its button's
	// data), on one line, cut at failedPreview characters; for a poison
	// entry, the start of its stored bytes.
	Preview string `json:"preview"`
	// Poison says the stored entry could not be decoded: it was set aside
	// unhandled, and the officer was not told.
	Poison bool `json:"poison,omitempty"`
}

// Failed returns up to limit failed entries, newest first; limit <= 0
// returns them all.
func (in *Inbox) Failed(limit int) ([]FailedEntry, error) {
	var out []FailedEntry
	err := in.db.View(func(tx *bolt.Tx) error {
		entries, poison := tx.Bucket(bucketInbox), tx.Bucket(bucketInboxPoison)
		c := tx.Bucket(bucketInboxFailed).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			f := FailedEntry{Seq: binary.BigEndian.Uint64(k), Failed: unstamp(v)}
			raw := poison.Get(k)
			if raw == nil {
				raw = entries.Get(k)
			}
			if raw == nil {
				continue // cannot happen: the index and the entry go together
			}
			var e inboxEntry
			if err := json.Unmarshal(raw, &e); err != nil {
				f.Poison, f.Err = true, "undecodable: "+err.Error()
				f.Preview = shorten(strings.ToValidUTF8(string(raw), "\uFFFD"), failedPreview)
			} else {
				m := &e.Msg
				f.Channel, f.ChatID, f.UserID, f.SourceID, f.Received = m.Channel, m.ChatID, m.UserID, m.SourceID, m.Received
				f.Err = e.Err
				f.Preview = shorten(failureText(&e), failedPreview)
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bot: inbox failed: %w", err)
	}
	return out, nil
}

// FailedCount returns how many failed entries are kept.
func (in *Inbox) FailedCount() (int, error) {
	n := 0
	err := in.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketInboxFailed).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bot: inbox failed count: %w", err)
	}
	return n, nil
}

// failTx marks e failed inside tx, at at, and indexes it for Failed and
// for its retention.
func failTx(tx *bolt.Tx, e inboxEntry, cause string, at time.Time) error {
	if err := finishTx(tx, e, stateFailed, cause); err != nil {
		return err
	}
	return tx.Bucket(bucketInboxFailed).Put(seqKey(e.Seq), stamp(at))
}

// poisonEntry is a pending entry loadPending could not decode.
type poisonEntry struct {
	seq uint64
	err error
}

// setAside moves the undecodable pending entry seq out of the inbox into
// bucketInboxPoison, as failed at at. It does nothing when seq is no longer
// pending.
func (in *Inbox) setAside(seq uint64, at time.Time) error {
	err := in.db.Update(func(tx *bolt.Tx) error {
		k := seqKey(seq)
		if !isPendingTx(tx, seq) {
			return nil
		}
		if err := tx.Bucket(bucketInboxPending).Delete(k); err != nil {
			return err
		}
		return setAsideTx(tx, k, at)
	})
	if err != nil {
		return fmt.Errorf("bot: inbox set aside entry %d: %w", seq, err)
	}
	return nil
}

// setAsideTx moves the stored bytes of entry k to bucketInboxPoison and
// indexes it as failed at at.
func setAsideTx(tx *bolt.Tx, k []byte, at time.Time) error {
	entries := tx.Bucket(bucketInbox)
	if raw := entries.Get(k); raw != nil {
		// Copied: raw lives in a page this transaction may rewrite.
		if err := tx.Bucket(bucketInboxPoison).Put(k, bytes.Clone(raw)); err != nil {
			return err
		}
		if err := entries.Delete(k); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketInboxFailed).Put(k, stamp(at))
}

// dropFailedTx deletes what a failed entry k left: its entry or its bytes.
// Used by the pruning, which then deletes the index key.
func dropFailedTx(tx *bolt.Tx, k []byte) error {
	if tx.Bucket(bucketInboxPending).Get(k) != nil {
		return nil // cannot happen; what still waits is never deleted
	}
	if err := tx.Bucket(bucketInboxPoison).Delete(k); err != nil {
		return err
	}
	return tx.Bucket(bucketInbox).Delete(k)
}

// indexFailedTx builds bucketInboxFailed for a database written before it
// existed: failed entries are indexed as failed at now, so they age from
// the upgrade; kept entries that cannot be decoded are set aside. It runs
// once, when NewInbox creates the bucket.
func indexFailedTx(tx *bolt.Tx, now time.Time) error {
	entries := tx.Bucket(bucketInbox)
	var failed, poison [][]byte
	err := entries.ForEach(func(k, v []byte) error {
		if tx.Bucket(bucketInboxPending).Get(k) != nil {
			return nil // the Router's to handle, or to set aside
		}
		var e struct {
			State entryState `json:"state"`
		}
		switch err := json.Unmarshal(v, &e); {
		case err != nil:
			poison = append(poison, bytes.Clone(k))
		case e.State == stateFailed:
			failed = append(failed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range failed {
		if err := tx.Bucket(bucketInboxFailed).Put(k, stamp(now)); err != nil {
			return err
		}
	}
	for _, k := range poison {
		if err := setAsideTx(tx, k, now); err != nil {
			return err
		}
	}
	return nil
}

// unstamp decodes stamp's encoding; zero for anything else.
func unstamp(v []byte) time.Time {
	if len(v) != 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v)))
}

// ErrNoFailedEntry is returned (wrapped) by RetryFailed for a sequence that
// names no failed entry (never one, retried already, or pruned).
var ErrNoFailedEntry = errors.New("bot: no such failed inbox entry")

// RetryFailed puts failed entry seq back in the inbox, as a new pending
// entry after every other, and forgets the failure, in one transaction:
// an operator retries a message once the cause of its failure is fixed.
// The Router handles it again as if it had just arrived (the officer,
// who was apologised to when it failed, then gets the answer too). It
// returns the new entry's sequence. An entry set aside as undecodable
// (FailedEntry.Poison) cannot be retried: its error wraps
// ErrInvalidMessage. Errors: ErrNoFailedEntry, ErrInvalidMessage, or
// bbolt's.
func (in *Inbox) RetryFailed(seq uint64) (newSeq uint64, err error) {
	err = in.db.Update(func(tx *bolt.Tx) error {
		k := seqKey(seq)
		failed, entries := tx.Bucket(bucketInboxFailed), tx.Bucket(bucketInbox)
		if failed.Get(k) == nil {
			return fmt.Errorf("%w: %d", ErrNoFailedEntry, seq)
		}
		if tx.Bucket(bucketInboxPoison).Get(k) != nil {
			return fmt.Errorf("%w: entry %d could not be decoded and cannot be retried", ErrInvalidMessage, seq)
		}
		raw := entries.Get(k)
		if raw == nil {
			return fmt.Errorf("%w: %d", ErrNoFailedEntry, seq)
		}
		var e inboxEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("%w: entry %d: %v", ErrInvalidMessage, seq, err)
		}
		n, err := entries.NextSequence()
		if err != nil {
			return err
		}
		e.Seq, e.State, e.Err = n, statePending, ""
		v, err := json.Marshal(&e)
		if err != nil {
			return fmt.Errorf("encode entry %d: %w", n, err)
		}
		nk := seqKey(n)
		if err := entries.Put(nk, v); err != nil {
			return err
		}
		if err := tx.Bucket(bucketInboxPending).Put(nk, nil); err != nil {
			return err
		}
		if err := entries.Delete(k); err != nil {
			return err
		}
		if err := failed.Delete(k); err != nil {
			return err
		}
		// The dedupe key now names the new entry, and is kept from now.
		if err := tx.Bucket(bucketInboxSeen).Put(sourceKey(e.Msg.Channel, e.Msg.SourceID), seenValue(n, in.now())); err != nil {
			return err
		}
		newSeq = n
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bot: inbox retry failed entry: %w", err)
	}
	select {
	case in.notify <- struct{}{}:
	default:
	}
	return newSeq, nil
}
