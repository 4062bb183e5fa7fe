package bot

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the inbox. Entries are keyed by an 8-byte big-endian sequence,
// so a cursor walks them in arrival order.
var (
	bucketInbox        = []byte("bot_inbox")         // seq -> inboxEntry JSON: pending, failed and rejected entries
	bucketInboxPending = []byte("bot_inbox_pending") // seq -> nothing: the entries still to handle
	// bucketInboxSeen holds a key for every entry added in the last
	// SeenRetention, for dedupe; the Router prunes older ones. Values
	// written before the stored time was recorded are the bare sequence.
	bucketInboxSeen = []byte("bot_inbox_seen") // channel 0x00 source id -> seq, then the time stored (8-byte unix ns)
)

// ErrInvalidMessage is returned (wrapped) by Inbox.Add for a message that
// cannot be stored: no channel or no source id to deduplicate it by.
var ErrInvalidMessage = errors.New("bot: invalid message")

// entryState is where an inbox entry is in its life.
type entryState string

const (
	statePending  entryState = "pending"  // waiting for the Router
	stateFailed   entryState = "failed"   // its handler failed or panicked; kept for operators (Inbox.Failed) for FailedRetention, never retried
	stateRejected entryState = "rejected" // bad input (too long, invalid UTF-8); the officer was told; kept for RejectedRetention
	// Handled entries are deleted from bucketInbox; their key stays in
	// bucketInboxSeen for SeenRetention so that a replayed update is still
	// recognised.
)

// inboxEntry is what the inbox stores for one message.
type inboxEntry struct {
	Seq   uint64     `json:"seq"`
	Msg   Message    `json:"msg"`
	State entryState `json:"state"`
	// RawText holds the text's bytes when they are not valid UTF-8:
	// encoding/json would replace them, and the officer's message must be
	// kept as it came.
	RawText []byte    `json:"raw_text,omitempty"`
	Added   time.Time `json:"added"`
	Err     string    `json:"err,omitempty"` // why it failed
}

// badUTF8 reports whether the message arrived with invalid UTF-8 text.
func (e *inboxEntry) badUTF8() bool { return e.RawText != nil || e.Msg.BadText }

// Inbox is the durable queue of inbound messages, in one bbolt file shared
// with the rest of the process. Channels add to it before acknowledging an
// update; one Router drains it. It is safe for concurrent use.
type Inbox struct {
	db     *bolt.DB
	update func(fn func(tx *bolt.Tx) error) error // Add's write transaction: db.Update or InboxOptions.Batch
	now    func() time.Time                       // when a dedupe key is stored, for its retention
	// notify wakes the Router after Add commits; buffered 1 so that Add
	// never blocks and wake-ups coalesce.
	notify chan struct{}
}

// InboxOptions configure an Inbox; the zero value works.
type InboxOptions struct {
	// Batch, when set, runs Add's transaction shared with other writers
	// of the same database and returns once it is committed: wire it to
	// the Router's group commit (StoreBatch), so that storing updates
	// (one webhook request, one poll) shares its fsync with the handling
	// of earlier ones instead of taking bbolt's single writer for a commit
	// of its own. It must honour the contract of tickets.Store.Batch (fn
	// may run more than once; its error comes back as is). Nil: each Add
	// commits alone.
	Batch func(fn func(tx *bolt.Tx) error) error
	// Now is the clock that dates dedupe keys; they are kept for
	// SeenRetention from then. Nil means time.Now. Use the Router's clock.
	Now func() time.Time
}

// NewInbox creates the inbox's buckets in db if needed. opts is optional
// (at most one; more is an error).
func NewInbox(db *bolt.DB, opts ...InboxOptions) (*Inbox, error) {
	if db == nil {
		return nil, errors.New("bot: NewInbox: nil db")
	}
	if len(opts) > 1 {
		return nil, fmt.Errorf("bot: NewInbox: %d options, want at most one", len(opts))
	}
	var o InboxOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	err := db.Update(func(tx *bolt.Tx) error {
		indexed := tx.Bucket(bucketInboxFailed) != nil
		for _, b := range [][]byte{bucketInbox, bucketInboxPending, bucketInboxSeen, bucketInboxFailed, bucketInboxPoison} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		if !indexed {
			if err := indexFailedTx(tx, now()); err != nil {
				return fmt.Errorf("index failed entries: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bot: inbox: %w", err)
	}
	in := &Inbox{db: db, update: o.Batch, now: now, notify: make(chan struct{}, 1)}
	if in.update == nil {
		in.update = db.Update
	}
	return in, nil
}

// Add stores msgs in ONE bbolt transaction, fsynced on commit, and runs
// also (when not nil) in the same transaction: a Telegram poller saves its
// next offset there, so that an update is either stored and confirmed or
// neither. Messages already seen (same Channel and SourceID, whether still
// pending or handled within SeenRetention) are skipped; added counts the new ones. A message
// without Channel or SourceID fails the whole call with ErrInvalidMessage and
// nothing is stored. Message.Received is set from the caller's value; when
// zero it stays zero. With InboxOptions.Batch the transaction is shared
// with other writers; also must then be idempotent, as it may run again.
func (in *Inbox) Add(msgs []Message, also func(tx *bolt.Tx) error) (added int, err error) {
	for i := range msgs {
		if msgs[i].Channel == "" || msgs[i].SourceID == "" {
			return 0, fmt.Errorf("bot: inbox add message %d (channel %q, source %q): %w",
				i, msgs[i].Channel, msgs[i].SourceID, ErrInvalidMessage)
		}
	}
	err = in.update(func(tx *bolt.Tx) error {
		added = 0 // fn may run again after a shared transaction's rollback
		now := in.now()
		entries := tx.Bucket(bucketInbox)
		pending := tx.Bucket(bucketInboxPending)
		seen := tx.Bucket(bucketInboxSeen)
		for _, m := range msgs {
			key := sourceKey(m.Channel, m.SourceID)
			if seen.Get(key) != nil {
				continue
			}
			seq, err := entries.NextSequence()
			if err != nil {
				return err
			}
			e := inboxEntry{Seq: seq, Msg: m, State: statePending, Added: m.Received}
			if !utf8.ValidString(m.Text) {
				e.RawText = []byte(m.Text)
			}
			v, err := json.Marshal(&e)
			if err != nil {
				return fmt.Errorf("encode message %s: %w", key, err)
			}
			k := seqKey(seq)
			if err := entries.Put(k, v); err != nil {
				return err
			}
			if err := pending.Put(k, nil); err != nil {
				return err
			}
			if err := seen.Put(key, seenValue(seq, now)); err != nil {
				return err
			}
			added++
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bot: inbox add: %w", err)
	}
	if added > 0 {
		select {
		case in.notify <- struct{}{}:
		default:
		}
	}
	return added, nil
}

// Pending returns how many entries wait for the Router.
func (in *Inbox) Pending() (int, error) {
	n := 0
	err := in.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketInboxPending).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bot: inbox pending: %w", err)
	}
	return n, nil
}

// KeptEntry is an inbox entry kept after handling because it did not go
// well: its handler failed or panicked ("failed"), or its input was refused
// ("rejected": too long, invalid UTF-8). Raw holds the text's original bytes
// when they were not valid UTF-8 (Message.Text then has them replaced).
type KeptEntry struct {
	Message Message `json:"message"`
	State   string  `json:"state"`
	Err     string  `json:"err,omitempty"`
	Raw     []byte  `json:"raw,omitempty"`
}

// Kept returns the failed and rejected entries, oldest first, for
// operators. Entries that cannot be decoded are left out: Failed lists
// them once the Router has set them aside.
func (in *Inbox) Kept() ([]KeptEntry, error) {
	var out []KeptEntry
	err := in.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInbox).ForEach(func(k, v []byte) error {
			var e inboxEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return nil
			}
			if e.State == stateFailed || e.State == stateRejected {
				out = append(out, KeptEntry{Message: e.Msg, State: string(e.State), Err: e.Err, Raw: e.RawText})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bot: inbox kept: %w", err)
	}
	return out, nil
}

// loadPending reads up to max pending entries with a sequence above after,
// in order. Entries it cannot decode come back apart, in poison, for the
// Router to set aside: one bad entry must not stop the others, nor the
// Router at every start. An error means the inbox could not be read.
func (in *Inbox) loadPending(after uint64, max int) (out []inboxEntry, poison []poisonEntry, err error) {
	err = in.db.View(func(tx *bolt.Tx) error {
		entries := tx.Bucket(bucketInbox)
		c := tx.Bucket(bucketInboxPending).Cursor()
		for k, _ := c.Seek(seqKey(after + 1)); k != nil && len(out) < max; k, _ = c.Next() {
			v := entries.Get(k)
			if v == nil {
				continue // cannot happen: pending and entries change together
			}
			var e inboxEntry
			if err := json.Unmarshal(v, &e); err != nil {
				poison = append(poison, poisonEntry{seq: binary.BigEndian.Uint64(k), err: err})
				continue
			}
			e.Seq = binary.BigEndian.Uint64(k) // the key is the truth: finishing the entry deletes it
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("bot: inbox load: %w", err)
	}
	return out, poison, nil
}

// isPendingTx reports whether entry seq still waits to be handled.
func isPendingTx(tx *bolt.Tx, seq uint64) bool {
	return tx.Bucket(bucketInboxPending).Get(seqKey(seq)) != nil
}

// finishTx records the outcome of entry e inside tx: handled entries are
// deleted (their dedupe key stays), failed and rejected ones are kept with
// their state. Failed entries go through failTx, which also indexes them.
func finishTx(tx *bolt.Tx, e inboxEntry, state entryState, cause string) error {
	k := seqKey(e.Seq)
	if err := tx.Bucket(bucketInboxPending).Delete(k); err != nil {
		return err
	}
	entries := tx.Bucket(bucketInbox)
	if state == "" {
		return entries.Delete(k)
	}
	e.State, e.Err = state, cause
	v, err := json.Marshal(&e)
	if err != nil {
		return fmt.Errorf("encode entry %d: %w", e.Seq, err)
	}
	return entries.Put(k, v)
}

func sourceKey(ch Channel, sourceID string) []byte {
	return []byte(string(ch) + "\x00" + sourceID)
}

// seqKey is the 8-byte big-endian key of a sequence, for the inbox and
// the outbox: a cursor then walks the keys in sequence order.
func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}
