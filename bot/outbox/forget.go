package outbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Forget names what the outbox must forget about an officer whose data is
// erased.
type Forget struct {
	Channel Channel
	ChatID  string           // every pending item, dead letter, ref and limiter state of this chat
	Match   func(Reply) bool // and any other pending item or dead letter it matches (nil: none)
	// UserID, when set, also forgets what is addressed to this user of
	// Channel outside ChatID: ephemeral messages and views shown only to
	// them in other chats, and their limiter state (keyed "user:"+UserID).
	// On Telegram a private chat's id is the user's id, so ChatID alone
	// covers an officer there.
	UserID string
}

// Forget deletes in tx, a write transaction of the outbox's database, what
// f names, and returns how many stored entries it deleted:
//
//   - every queued item addressed to (f.Channel, f.ChatID), whatever its
//     kind, thread or lane, every item shown only to f.UserID, and every
//     item f.Match matches (Match is asked about every item but bulk ones:
//     announcements and reminder rounds belong to no ticket, and those
//     addressed to the chat go with it); with them, the items that can no
//     longer be sent without them: older pending updates of a forgotten
//     update's ref (they would have been superseded by it), and the
//     updates and thread replies waiting for the message of a forgotten
//     item's ref;
//   - the dead letters addressed there or matched;
//   - the refs recorded in that chat (bot_outbox_refs);
//   - the limit log's entries of that chat and of that user
//     (bot_outbox_limits); the channel's global entries name nobody and
//     stay.
//
// Nothing else the outbox stores is keyed by a chat: order keys, dedupe
// and coalescing live in memory only. Items queued in tx after Forget
// returns (the erasure's own confirmation to the chat) are kept and
// delivered, in order, after the forgotten ones are dropped. A pending
// update of a ref in another chat (a ticket's card in the triage channel)
// is deleted only if f.Match says so; an update queued later under the same
// ref supersedes the older ones anyway.
//
// Once tx commits, no forgotten item is sent: Run drops the copies it
// holds in memory, and a copy a worker is about to send is held back from
// Forget's call until tx commits (or for at most forgetPendingLimit, if tx
// never does). A send already under way when Forget is called completes,
// but is not recorded (no ref, no OnSent or OnFailed, no dead letter) and
// never retried. An unreadable item or dead letter is left for an
// operator. The depth and dead-letter gauges follow the deletions when tx
// commits.
//
// Forget does not wipe the freed pages (tickets.ScrubFreePages does). It
// must be called on the Outbox whose Run delivers the items, for the
// in-memory guarantees above. Errors: a transaction of another database or
// a read-only one, or bbolt's.
func (o *Outbox) Forget(tx *bolt.Tx, f Forget) (int, error) {
	if tx.DB() != o.db {
		return 0, errors.New("outbox: forget: a transaction of another database")
	}
	if !tx.Writable() {
		return 0, errors.New("outbox: forget: a read-only transaction")
	}
	if f.Channel == "" && (f.ChatID != "" || f.UserID != "") {
		return 0, errors.New("outbox: forget: a chat or user without a channel")
	}
	items, err := forgetQueued(tx, f)
	if err != nil {
		return 0, fmt.Errorf("outbox: forget queued items: %w", err)
	}
	dead, err := forgetDead(tx, f)
	if err != nil {
		return 0, fmt.Errorf("outbox: forget dead letters: %w", err)
	}
	refs, err := forgetRefs(tx, f)
	if err != nil {
		return 0, fmt.Errorf("outbox: forget refs: %w", err)
	}
	limits, err := forgetLimits(tx, f)
	if err != nil {
		return 0, fmt.Errorf("outbox: forget limit log: %w", err)
	}
	if len(items) > 0 {
		m := o.forgets.hold(items, o.now())
		tx.OnCommit(func() {
			o.depth.Add(-int64(len(items)))
			o.forgets.commit(m, o.running.Load())
			select {
			case o.forgot <- struct{}{}:
			default: // a notice is already pending; Run takes every forgotten item
			}
		})
	}
	if dead > 0 {
		tx.OnCommit(func() { o.dead.Add(-int64(dead)) })
	}
	return len(items) + dead + refs + limits, nil
}

// addressed reports whether r goes to what f names: its chat, or its user.
func (f Forget) addressed(r Reply) bool {
	if r.Channel != f.Channel || f.Channel == "" {
		return false
	}
	if f.ChatID != "" && r.ChatID == f.ChatID {
		return true
	}
	return f.UserID != "" && r.UserID == f.UserID
}

func (f Forget) forgets(r Reply) bool {
	return f.addressed(r) || (f.Match != nil && f.Match(r))
}

// A scan of the stored items decodes only those Forget may delete: the
// JSON of one addressed to the chat holds `"chat_id":"<chat>"` (or the
// user's `"user_id"`), and Match is not asked about bulk replies. Such a
// pattern found in the raw bytes is a key, never a string's content, where
// every quote is escaped. An erasure thus costs little during a broadcast
// of thousands.
var bulkPattern = []byte(`"bulk":true`)

// jsonField returns the pattern `"name":<value as JSON>`.
func jsonField(name, value string) []byte {
	v, _ := json.Marshal(value) // a string always marshals
	return append([]byte(`"`+name+`":`), v...)
}

// scanFilter tells which stored items (queued, or dead letters, which
// hold their Reply) may be forgotten, without decoding them.
type scanFilter struct {
	needles [][]byte
	match   bool
}

func newScanFilter(f Forget) scanFilter {
	sf := scanFilter{match: f.Match != nil}
	if f.Channel != "" && f.ChatID != "" {
		sf.needles = append(sf.needles, jsonField("chat_id", f.ChatID))
	}
	if f.Channel != "" && f.UserID != "" {
		sf.needles = append(sf.needles, jsonField("user_id", f.UserID))
	}
	return sf
}

func (sf scanFilter) may(v []byte) bool {
	for _, n := range sf.needles {
		if bytes.Contains(v, n) {
			return true
		}
	}
	return sf.match && !bytes.Contains(v, bulkPattern)
}

// forgotten is a queued item Forget deleted.
type forgotten struct {
	seq uint64
	ch  Channel
}

// queuedItem is an item read by forgetQueued.
type queuedItem struct {
	key []byte
	seq uint64
	r   Reply
}

// forgetQueued deletes the queued items f names and those that depend on
// them (see Forget), and returns them.
func forgetQueued(tx *bolt.Tx, f Forget) ([]forgotten, error) {
	b := tx.Bucket(outboxBucket)
	if b == nil {
		return nil, nil
	}
	sf := newScanFilter(f)
	del := map[uint64]queuedItem{}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if !sf.may(v) {
			continue
		}
		var it outItem
		if json.Unmarshal(v, &it) != nil {
			continue // unreadable: left for an operator, never delivered
		}
		if f.forgets(it.Reply) {
			del[seqOf(k)] = queuedItem{key: bytes.Clone(k), seq: seqOf(k), r: it.Reply}
		}
	}
	if len(del) == 0 {
		return nil, nil
	}
	if err := cascade(tx, b, del); err != nil {
		return nil, err
	}
	out := make([]forgotten, 0, len(del))
	for _, q := range del {
		if err := b.Delete(q.key); err != nil {
			return nil, err
		}
		out = append(out, forgotten{seq: q.seq, ch: q.r.Channel})
	}
	return out, nil
}

// cascade adds to del the items that cannot be sent once del's are gone:
// an older pending update of the ref of a forgotten update (coalescing
// would have sent the forgotten one in its place), and the updates and
// thread replies waiting for a forgotten message whose ref was never
// recorded (they would wait RefWaitLimit for it, then fail). Both are in
// the chat of a forgotten item with a Ref, so only those chats are read.
func cascade(tx *bolt.Tx, b *bolt.Bucket, del map[uint64]queuedItem) error {
	var needles [][]byte
	seen := map[string]bool{}
	for _, q := range del {
		if q.r.Ref != "" && !seen[q.r.ChatID] {
			seen[q.r.ChatID] = true
			needles = append(needles, jsonField("chat_id", q.r.ChatID))
		}
	}
	if len(needles) == 0 {
		return nil
	}
	var cands []queuedItem // the other items of those chats, in sequence order
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if _, ok := del[seqOf(k)]; ok || !slices.ContainsFunc(needles, func(n []byte) bool { return bytes.Contains(v, n) }) {
			continue
		}
		var it outItem
		if json.Unmarshal(v, &it) != nil {
			continue
		}
		cands = append(cands, queuedItem{key: bytes.Clone(k), seq: seqOf(k), r: it.Reply})
	}
	for changed := true; changed; {
		changed = false
		newest := map[string]uint64{} // ref key of a forgotten update → its highest sequence
		orphans := map[string]bool{}  // ref key of a forgotten message not yet sent
		for _, q := range del {
			if q.r.Ref == "" {
				continue
			}
			k := string(refKey(q.r.Channel, q.r.ChatID, q.r.Ref))
			if kindOf(q.r) == KindUpdate {
				newest[k] = max(newest[k], q.seq)
			} else if _, ok := getRef(tx, q.r.Channel, q.r.ChatID, q.r.Ref); !ok {
				orphans[k] = true
			}
		}
		for _, q := range cands {
			if _, ok := del[q.seq]; ok {
				continue
			}
			r := q.r
			gone := false
			if kindOf(r) == KindUpdate && r.Ref != "" {
				k := string(refKey(r.Channel, r.ChatID, r.Ref))
				gone = q.seq < newest[k] || orphans[k]
			}
			if r.ThreadRef != "" && orphans[string(refKey(r.Channel, r.ChatID, r.ThreadRef))] {
				gone = true
			}
			if gone {
				del[q.seq], changed = q, true
			}
		}
	}
	return nil
}

// forgetDead deletes the dead letters f names and returns how many.
func forgetDead(tx *bolt.Tx, f Forget) (int, error) {
	b := tx.Bucket(outboxDead)
	if b == nil {
		return 0, nil
	}
	sf := newScanFilter(f)
	var doomed [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if !sf.may(v) {
			continue
		}
		var d DeadLetter
		if json.Unmarshal(v, &d) != nil {
			continue // unreadable: kept, as Prune keeps it
		}
		if f.forgets(d.Reply) {
			doomed = append(doomed, bytes.Clone(k))
		}
	}
	return len(doomed), deleteKeys(b, doomed)
}

// forgetRefs deletes the refs of f's chat and returns how many.
func forgetRefs(tx *bolt.Tx, f Forget) (int, error) {
	b := tx.Bucket(outboxRefs)
	if b == nil || f.ChatID == "" {
		return 0, nil
	}
	prefix := refKey(f.Channel, f.ChatID, "")
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	return len(doomed), deleteKeys(b, doomed)
}

// forgetLimits deletes the limit log's entries of f's chat and user and
// returns how many.
func forgetLimits(tx *bolt.Tx, f Forget) (int, error) {
	b := tx.Bucket(outboxLimits)
	if b == nil {
		return 0, nil
	}
	var doomed [][]byte
	if f.ChatID != "" {
		doomed = append(doomed, limitChatKey(f.Channel, f.ChatID))
	}
	if f.UserID != "" {
		doomed = append(doomed, limitChatKey(f.Channel, limitChat(Reply{UserID: f.UserID})))
	}
	n := 0
	for _, k := range doomed {
		if b.Get(k) == nil {
			continue
		}
		if err := b.Delete(k); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// deleteKeys deletes keys from b (collected first: deleting under a cursor
// may skip keys).
func deleteKeys(b *bolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
