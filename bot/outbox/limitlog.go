package outbox

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The limit log: what a RateLimiter needs to go on where the last process
// stopped, kept in bot_outbox_limits and written in the transaction that
// records each delivery (no write of its own):
//
//	"c\x00" channel "\x00" chat  the completion times of the chat's latest
//	                             sends: one, or a group's last
//	                             PerGroupPerMinute
//	"g\x00" channel              the channel's last GlobalPerSecond sends
//	"u\x00" channel              its last UpdatesPerMinute edits, when set
//	"run"                        present while a Run runs: found at New, the
//	                             last process was killed (see unclean)
//
// Times are 8-byte big-endian unix nanoseconds, oldest first. Register
// seeds the channel's new limiter from it; Prune deletes the entries of
// chats not written to for limitRetention.
var outboxLimits = []byte("bot_outbox_limits")

// runKey marks a Run in progress.
var runKey = []byte("run")

// limitRetention is how long a chat's send times are kept: far longer than
// any window (a group's minute).
const limitRetention = 10 * time.Minute

func limitChatKey(ch Channel, chat string) []byte {
	return append(append(append([]byte("c\x00"), ch...), 0), chat...)
}
func limitGlobalKey(ch Channel) []byte  { return append([]byte("g\x00"), ch...) }
func limitUpdatesKey(ch Channel) []byte { return append([]byte("u\x00"), ch...) }

// limitChat is the chat whose limits a reply counts against: its chat, or
// its user for an ephemeral message outside any chat.
func limitChat(r Reply) string {
	if r.ChatID == "" {
		return "user:" + r.UserID
	}
	return r.ChatID
}

// decodeTimes parses a stored list of times; nil if malformed.
func decodeTimes(v []byte) []time.Time {
	if len(v) == 0 || len(v)%8 != 0 {
		return nil
	}
	ts := make([]time.Time, 0, len(v)/8)
	for i := 0; i < len(v); i += 8 {
		ts = append(ts, time.Unix(0, int64(binary.BigEndian.Uint64(v[i:i+8]))))
	}
	return ts
}

// appendTimes puts key's stored times followed by ts, keeping the newest
// keep, in b.
func appendTimes(b *bolt.Bucket, key []byte, keep int, ts []time.Time) error {
	if keep <= 0 || len(ts) == 0 {
		return nil
	}
	all := append(decodeTimes(b.Get(key)), sortedTimes(ts)...)
	if len(all) > keep {
		all = all[len(all)-keep:]
	}
	v := make([]byte, 0, 8*len(all))
	for _, t := range all {
		v = binary.BigEndian.AppendUint64(v, uint64(t.UnixNano()))
	}
	return b.Put(key, v)
}

// recordSends writes, in the record transaction, the completion times ts
// of the sends that delivered r, against the limits l of its channel, as
// the rate limit stage counted them.
func recordSends(tx *bolt.Tx, l Limits, r Reply, ts []time.Time) error {
	if len(ts) == 0 {
		return nil
	}
	b := tx.Bucket(outboxLimits)
	if b == nil {
		return fmt.Errorf("outbox: bucket %q missing", outboxLimits)
	}
	switch {
	case r.NoTrace:
		// Its chat is not written (see Reply.NoTrace).
	case kindOf(r) == KindUpdate && l.UpdatesPerMinute > 0:
		if err := appendTimes(b, limitUpdatesKey(r.Channel), l.UpdatesPerMinute, ts); err != nil {
			return err
		}
	default:
		chat := limitChat(r)
		keep := 0
		if l.PerChat > 0 {
			keep = 1
		}
		if l.PerGroupPerMinute > 0 && l.IsGroup != nil && l.IsGroup(chat) {
			keep = max(keep, l.PerGroupPerMinute)
		}
		if err := appendTimes(b, limitChatKey(r.Channel, chat), keep, ts); err != nil {
			return err
		}
	}
	return appendTimes(b, limitGlobalKey(r.Channel), l.GlobalPerSecond, ts)
}

// seedLimiter gives rl what the limit log holds for ch, as of now. If the
// last process was killed (unclean), the sends it had in flight were never
// recorded, yet the server may have counted them just before now: every
// chat with a message still queued on ch is counted as sent at now, and
// the channel as having sent min(workers, queued order keys) at now. That
// delays those chats by one window after a restart, once, instead of
// earning them a 429.
func (o *Outbox) seedLimiter(ch Channel, rl *RateLimiter, unclean bool, now time.Time) error {
	old := now.Add(-limitRetention)
	return o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxLimits)
		if b == nil {
			return nil
		}
		prefix := limitChatKey(ch, "")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			ts := decodeTimes(v)
			if len(ts) == 0 || ts[len(ts)-1].Before(old) {
				continue
			}
			rl.SeedChat(string(k[len(prefix):]), ts...)
		}
		rl.SeedGlobal(decodeTimes(b.Get(limitGlobalKey(ch)))...)
		rl.SeedUpdates(decodeTimes(b.Get(limitUpdatesKey(ch)))...)
		if !unclean {
			return nil
		}
		q := tx.Bucket(outboxBucket)
		if q == nil {
			return nil
		}
		chats := map[string]bool{}
		keys := map[string]bool{}
		updates := 0
		qc := q.Cursor()
		for k, v := qc.First(); k != nil; k, v = qc.Next() {
			var it outItem
			if json.Unmarshal(v, &it) != nil || it.Reply.Channel != ch {
				continue
			}
			r := it.Reply
			key := orderKey(binary.BigEndian.Uint64(k), r)
			if keys[key] {
				continue // only the head of a key can have been in flight
			}
			keys[key] = true
			switch kindOf(r) {
			case KindAnswer, KindView:
				continue
			case KindUpdate:
				if rl.l.UpdatesPerMinute > 0 {
					updates++
					continue
				}
			}
			chats[limitChat(r)] = true
		}
		inflight := min(o.workers, len(chats)+updates)
		for chat := range chats {
			rl.SeedChat(chat, now)
		}
		for range inflight {
			rl.SeedGlobal(now)
		}
		for range min(o.workers, updates) {
			rl.SeedUpdates(now)
		}
		if len(chats)+updates > 0 {
			o.log.Info("outbox: the last run was killed; chats with queued messages wait one window, in case their send was in flight",
				"channel", ch, "chats", len(chats), "assumed_in_flight", inflight)
		}
		return nil
	})
}

// markRunning records that a Run is in progress (true) or has ended
// cleanly, with every send in flight recorded (false).
func (o *Outbox) markRunning(running bool) error {
	return o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxLimits)
		if b == nil {
			return fmt.Errorf("outbox: bucket %q missing", outboxLimits)
		}
		if running {
			return b.Put(runKey, []byte{1})
		}
		return b.Delete(runKey)
	})
}
