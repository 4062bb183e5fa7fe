package bot

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// Retention of the bookkeeping the core keeps per update, per answer and per
// sent message. The Router prunes older entries every
// RouterOptions.PruneEvery. What each holds of an officer, and for how
// long (Law 91/2025/QH15: no longer than its purpose needs):
//
//	inbox entry (bot_inbox)        the message as received: deleted in the transaction
//	                               that handles it. Kept only when it did not go well:
//	                               failed or set aside (bot_inbox_poison) for
//	                               FailedRetention, rejected (too long, invalid UTF-8)
//	                               for RejectedRetention, for operators to see why
//	dedupe key (bot_inbox_seen)    the channel and its update or event id, no content:
//	                               SeenRetention, past any redelivery
//	outbox item (bot_outbox)       the reply: deleted in the transaction that records
//	                               its delivery
//	dead letter (bot_outbox_dead)  a reply refused for good, with the reason:
//	                               outbox.DeadLetterRetention (30 days), for staff to
//	                               look into or retry
//	ref (bot_outbox_refs)          the id of a sent message, no content:
//	                               outbox.RefRetention (90 days) after its last use, so
//	                               that a card stays editable (an erasure edits it)
//	limit log (bot_outbox_limits)  send times per chat: ten minutes
//	question (bot_questions)       the question, for its feedback buttons:
//	                               QuestionRetention
//	link (bot_links, bot_sent)     chat and message ids, no content: LinkRetention,
//	                               longer while the ticket is open
//	announcement copy              chat id and state: AnnouncementRetention
//	ticket                         until erased, or anonymised RETENTION after it
//	                               closed (Eraser, EraserOptions.Retention)
//
// An erasure (privacy_erase.go) deletes all of an officer's at once,
// whatever its age.
const (
	// SeenRetention is how long the dedupe key of an inbox entry is kept,
	// counted from when it was stored. Telegram redelivers an unconfirmed
	// update for about 24 hours and Slack retries an event within minutes;
	// a week outlives both with room for a long outage. (Telegram also
	// picks update ids afresh after a week without updates, so a key kept
	// much longer could even drop a new update.)
	SeenRetention = 7 * 24 * time.Hour
	// QuestionRetention is how long the feedback buttons of an answer keep
	// working, counted from the question. A press after that gets a reply
	// saying the question is too old, offering /ticket.
	QuestionRetention = 30 * 24 * time.Hour
	// LinkRetention is how long a sent message stays linked to its ticket
	// at least. After that the link is dropped only once the ticket is
	// closed, cancelled, gone, or resolved longer than LinkRetention ago;
	// the links of an open ticket stay.
	LinkRetention = 90 * 24 * time.Hour
	// FailedRetention is how long a failed inbox entry is kept for
	// operators (Inbox.Failed), counted from its failure. Its officer was
	// answered with a ticket, which keeps the text; the entry only tells
	// operators what broke, and a month is ample to look.
	FailedRetention = 30 * 24 * time.Hour
	// RejectedRetention is how long an inbox entry refused as bad input
	// (too long, invalid UTF-8) is kept for operators (Inbox.Kept),
	// counted from when it arrived. The officer was told what to fix at
	// once; the entry only shows operators what was refused.
	RejectedRetention = 30 * 24 * time.Hour
	// DefaultPruneInterval is how often the Router prunes when
	// RouterOptions.PruneEvery is 0.
	DefaultPruneInterval = time.Hour
)

// pruneBatch bounds the keys one read transaction of the pruning examines,
// and so the keys one of its write transactions deletes.
const pruneBatch = 500

// bucketRetention holds the pruning's own state.
var bucketRetention = []byte("bot_retention") // "since" -> 8-byte big-endian unix nanoseconds

// keySince records the first pruning run. Entries written before stored
// times existed (dedupe keys and links without one, questions with a zero
// time) count as stored then, so they age from the upgrade on.
var keySince = []byte("since")

// pruneStats counts what one pruning run deleted.
type pruneStats struct{ seen, questions, links, failed, rejected, outbox, announcements int }

// pruneLoop prunes once at once, then every r.pruneEvery, until ctx is
// done. A failed run is logged and tried again at the next tick.
func (r *Router) pruneLoop(ctx context.Context) {
	tick := r.pruneTick
	if tick == nil {
		t := time.NewTicker(r.pruneEvery)
		defer t.Stop()
		tick = t.C
	}
	for {
		st, err := r.prune(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
		case err != nil:
			r.log.Error("pruning failed; trying again later", "err", err)
		case st != pruneStats{}:
			r.log.Info("pruned old entries", "dedupe_keys", st.seen, "questions", st.questions, "links", st.links, "failed_entries", st.failed, "rejected_entries", st.rejected, "dead_letters_and_refs", st.outbox, "announcements", st.announcements)
		}
		if r.onPruned != nil {
			r.onPruned(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// prune deletes the dedupe keys, questions, links and failed inbox entries
// past their retention, as of r.now. It walks each bucket in bounded read
// transactions and deletes in bounded write transactions, checking each key
// again there, so that neither kind of transaction is held long.
func (r *Router) prune(ctx context.Context) (pruneStats, error) {
	var st pruneStats
	now := r.now()
	since, err := r.retentionSince(now)
	if err != nil {
		return st, err
	}
	seenCut, questionCut, linkCut := now.Add(-SeenRetention), now.Add(-QuestionRetention), now.Add(-LinkRetention)
	failedCut := now.Add(-FailedRetention)

	st.seen, err = r.pruneBucket(ctx, bucketInboxSeen, func(_ *bolt.Tx, _, v []byte) (bool, error) {
		return !seenStored(v, since).After(seenCut), nil
	}, nil)
	if err != nil {
		return st, fmt.Errorf("bot: prune dedupe keys: %w", err)
	}

	st.questions, err = r.pruneBucket(ctx, bucketQuestions, func(_ *bolt.Tx, k, v []byte) (bool, error) {
		var q struct {
			At time.Time `json:"at"`
		}
		if err := json.Unmarshal(v, &q); err != nil {
			return false, fmt.Errorf("decode question %s: %w", k, err)
		}
		at := q.At
		if at.IsZero() {
			at = since
		}
		return !at.After(questionCut), nil
	}, nil)
	if err != nil {
		return st, fmt.Errorf("bot: prune questions: %w", err)
	}

	st.links, err = r.pruneBucket(ctx, bucketLinks, func(tx *bolt.Tx, _, v []byte) (bool, error) {
		id, at, ok := decodeLink(v)
		if !ok {
			at = since
		}
		if at.After(linkCut) {
			return false, nil
		}
		// Only old links get here, so the ticket is read rarely: once per
		// run for each old link of a ticket still open.
		tk, err := r.st.Tx(tx).Get(id)
		switch {
		case errors.Is(err, tickets.ErrNotFound), errors.Is(err, tickets.ErrInvalid):
			return true, nil // nothing to follow up any more
		case err != nil:
			return false, fmt.Errorf("ticket %s: %w", id, err)
		}
		switch tk.State {
		case tickets.StateClosed, tickets.StateCancelled:
			return true, nil
		case tickets.StateResolved:
			// An officer's reply reopens a resolved ticket, but one
			// resolved this long ago is not waiting for that; without
			// this, tickets nobody closes would keep their links forever.
			return !tk.ResolvedAt.IsZero() && !tk.ResolvedAt.After(linkCut), nil
		}
		return false, nil
	}, nil)
	if err != nil {
		return st, fmt.Errorf("bot: prune links: %w", err)
	}

	st.failed, err = r.pruneBucket(ctx, bucketInboxFailed, func(_ *bolt.Tx, _, v []byte) (bool, error) {
		return !unstamp(v).After(failedCut), nil
	}, dropFailedTx)
	if err != nil {
		return st, fmt.Errorf("bot: prune failed entries: %w", err)
	}

	rejectedCut := now.Add(-RejectedRetention)
	st.rejected, err = r.pruneBucket(ctx, bucketInbox, func(tx *bolt.Tx, k, v []byte) (bool, error) {
		var e struct {
			State entryState `json:"state"`
			Added time.Time  `json:"added"`
		}
		if len(k) != 8 || json.Unmarshal(v, &e) != nil || e.State != stateRejected || isPendingTx(tx, binary.BigEndian.Uint64(k)) {
			return false, nil // pending, failed (pruned above) or unreadable: not this rule's
		}
		at := e.Added
		if at.IsZero() {
			at = since
		}
		return !at.After(rejectedCut), nil
	}, nil)
	if err != nil {
		return st, fmt.Errorf("bot: prune rejected entries: %w", err)
	}

	// The bot's messages in groups (groups.go): a reply to one older than
	// LinkRetention is no longer taken as addressed to the bot.
	if _, err = r.pruneBucket(ctx, bucketBotSent, func(_ *bolt.Tx, _, v []byte) (bool, error) {
		return len(v) != 8 || !time.Unix(0, int64(binary.BigEndian.Uint64(v))).After(linkCut), nil
	}, nil); err != nil {
		return st, fmt.Errorf("bot: prune the bot's group messages: %w", err)
	}

	if st.announcements, err = r.pruneAnnouncements(ctx, now.Add(-AnnouncementRetention)); err != nil {
		return st, fmt.Errorf("bot: prune announcements: %w", err)
	}

	// The outbox's own bookkeeping (dead letters, the ids of sent
	// messages under their refs) ages on the same schedule.
	if st.outbox, err = r.out.Prune(now); err != nil {
		return st, fmt.Errorf("bot: prune outbox: %w", err)
	}
	return st, nil
}

// retentionSince returns the time of the first pruning run, recording now
// as that time on the first run.
func (r *Router) retentionSince(now time.Time) (time.Time, error) {
	var since time.Time
	err := r.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketRetention).Get(keySince); len(v) == 8 {
			since = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		}
		return nil
	})
	if err != nil || !since.IsZero() {
		return since, err
	}
	err = r.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketRetention)
		if err != nil {
			return err
		}
		if v := b.Get(keySince); len(v) == 8 {
			since = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
			return nil
		}
		since = now
		return b.Put(keySince, stamp(now))
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("bot: prune: first run: %w", err)
	}
	return since, nil
}

// pruneBucket deletes the keys of bucket name for which expired says so. It
// reads pruneBatch keys per read transaction, collecting the expired ones,
// then deletes those in one write transaction after asking expired again
// (the value may have changed in between); it never deletes while a cursor
// walks. drop, when not nil, deletes in the same write transaction what
// else the key stood for. It returns how many keys it deleted; ctx stops it
// between batches. expired and drop must not keep k or v.
func (r *Router) pruneBucket(ctx context.Context, name []byte, expired func(tx *bolt.Tx, k, v []byte) (bool, error), drop func(tx *bolt.Tx, k []byte) error) (int, error) {
	var after []byte // the last key examined; nil before the first batch
	deleted := 0
	for {
		if err := ctx.Err(); err != nil {
			return deleted, err
		}
		var (
			keys [][]byte
			last []byte
			more bool
		)
		err := r.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(name).Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for n := 0; k != nil; k, v = c.Next() {
				if n == pruneBatch {
					more = true
					break
				}
				n++
				last = k
				if v == nil {
					continue // a nested bucket: not ours
				}
				ok, err := expired(tx, k, v)
				if err != nil {
					return err
				}
				if ok {
					keys = append(keys, bytes.Clone(k))
				}
			}
			last = bytes.Clone(last)
			return nil
		})
		if err != nil {
			return deleted, err
		}
		if len(keys) > 0 {
			n := 0
			err = r.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(name)
				for _, k := range keys {
					v := b.Get(k)
					if v == nil {
						continue
					}
					ok, err := expired(tx, k, v)
					if err != nil {
						return err
					}
					if !ok {
						continue
					}
					if drop != nil {
						if err := drop(tx, k); err != nil {
							return fmt.Errorf("key %x: %w", k, err)
						}
					}
					if err := b.Delete(k); err != nil {
						return err
					}
					n++
				}
				return nil
			})
			if err != nil {
				return deleted, err
			}
			deleted += n
		}
		if !more {
			return deleted, nil
		}
		after = last
	}
}

// stamp encodes t as 8 bytes of big-endian unix nanoseconds.
func stamp(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano()))
	return b[:]
}

// seenValue is a dedupe key's value: the entry's sequence, then when it was
// stored.
func seenValue(seq uint64, at time.Time) []byte {
	return append(seqKey(seq), stamp(at)...)
}

// seenStored returns when a dedupe key was stored; since for one written
// before the time was recorded (its value is the bare 8-byte sequence).
func seenStored(v []byte, since time.Time) time.Time {
	if len(v) < 16 {
		return since
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v[8:16])))
}

// linkValue is a link's value: the ticket id, a zero byte, then when the
// link was made. Ticket ids never hold a zero byte.
func linkValue(ticketID string, at time.Time) []byte {
	v := append([]byte(ticketID), 0)
	return append(v, stamp(at)...)
}

// decodeLink splits a link's value. ok is false for one written before the
// time was recorded (the bare ticket id); id is right either way.
func decodeLink(v []byte) (id string, at time.Time, ok bool) {
	i := bytes.IndexByte(v, 0)
	if i < 0 || len(v)-i-1 != 8 {
		return string(v), time.Time{}, false
	}
	return string(v[:i]), time.Unix(0, int64(binary.BigEndian.Uint64(v[i+1:]))), true
}
