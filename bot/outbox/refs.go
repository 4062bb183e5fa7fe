package outbox

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A ref names a sent message for later (Reply.Ref): bot_outbox_refs maps
// (channel, chat, ref) to the channel's id of the message, written in the
// transaction that records its delivery. An item that became a dead letter
// leaves a dead ref, so that its dependants fail rather than wait.

// refValue is a stored ref: when it was last written, whether the message
// became a dead letter, and its sent id.
type refValue struct {
	at   time.Time
	dead bool
	id   string
}

// splitRefKey parses a refKey.
func splitRefKey(k []byte) (ch Channel, chat, ref string, ok bool) {
	parts := strings.SplitN(string(k), "\x00", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return Channel(parts[0]), parts[1], parts[2], true
}

// refKey is the key of a ref: channel, chat and ref joined by NULs.
func refKey(ch Channel, chat, ref string) []byte {
	k := make([]byte, 0, len(ch)+len(chat)+len(ref)+2)
	k = append(k, ch...)
	k = append(k, 0)
	k = append(k, chat...)
	k = append(k, 0)
	return append(k, ref...)
}

// encode returns the stored form: 8 bytes of big-endian unix nanoseconds,
// one byte 1 if dead else 0, then the id.
func (v refValue) encode() []byte {
	b := make([]byte, 0, 9+len(v.id))
	b = binary.BigEndian.AppendUint64(b, uint64(v.at.UnixNano()))
	if v.dead {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return append(b, v.id...)
}

// parseRef decodes a stored ref, copying the id out; false if malformed.
func parseRef(b []byte) (refValue, bool) {
	if len(b) < 9 {
		return refValue{}, false
	}
	return refValue{
		at:   time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))),
		dead: b[8] == 1,
		id:   string(b[9:]),
	}, true
}

// getRef reads a ref in tx; false if there is none.
func getRef(tx *bolt.Tx, ch Channel, chat, ref string) (refValue, bool) {
	b := tx.Bucket(outboxRefs)
	if b == nil {
		return refValue{}, false
	}
	return parseRef(b.Get(refKey(ch, chat, ref)))
}

// putRef writes a ref in tx.
func putRef(tx *bolt.Tx, ch Channel, chat, ref string, v refValue) error {
	b := tx.Bucket(outboxRefs)
	if b == nil {
		return fmt.Errorf("outbox: bucket %q missing", outboxRefs)
	}
	return b.Put(refKey(ch, chat, ref), v.encode())
}

// RefTx returns the channel's id of the message sent under ref to chat on
// ch, as tx sees it: "" if none was delivered yet (or it became a dead
// letter, or its ref was pruned). The Router reads a ticket thread's ts
// with it.
func (o *Outbox) RefTx(tx *bolt.Tx, ch Channel, chat, ref string) string {
	v, ok := getRef(tx, ch, chat, ref)
	if !ok || v.dead {
		return ""
	}
	return v.id
}

// Ref is RefTx in a read transaction of its own; it returns bbolt's error,
// wrapped, if it cannot read.
func (o *Outbox) Ref(ch Channel, chat, ref string) (string, error) {
	var id string
	err := o.db.View(func(tx *bolt.Tx) error {
		id = o.RefTx(tx, ch, chat, ref)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("outbox: ref %q: %w", ref, err)
	}
	return id, nil
}
