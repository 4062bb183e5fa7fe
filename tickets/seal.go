package tickets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// bucketKeys holds each ticket's sealing key: be64(seq) → 32 random bytes.
// Anonymise deletes a ticket's key, which leaves its events' sealed fields
// unreadable while their stored bytes, and so the hash chain, stay as they
// were.
var bucketKeys = []byte("ticket_keys")

const (
	keySize = 32 // AES-256
	// sealPrefix starts a sealed field: "sealed:" base64url(nonce ‖ ciphertext).
	sealPrefix = "sealed:"
)

var sealEncoding = base64.RawURLEncoding

// ticketKey returns ticket seq's key, a copy, or nil when it has none. With
// create, a missing key is made and stored: a new ticket, a ticket written
// before keys existed, or an anonymised one that changes again.
func (t *Tx) ticketKey(seq uint64, create bool) ([]byte, error) {
	b := t.tx.Bucket(bucketKeys)
	if b == nil && !create {
		return nil, nil // a file from before keys, opened read-only: no ticket has one
	}
	if b == nil {
		return nil, fmt.Errorf("tickets: bucket %s missing (database not initialised by NewStore)", bucketKeys)
	}
	if k := b.Get(be64(seq)); k != nil {
		if len(k) != keySize {
			return nil, fmt.Errorf("tickets: key of %s is %d bytes, want %d", FormatID(seq), len(k), keySize)
		}
		return append([]byte(nil), k...), nil
	}
	if !create {
		return nil, nil
	}
	k := make([]byte, keySize)
	rand.Read(k) // never fails (crypto/rand panics rather than return an error)
	if err := b.Put(be64(seq), k); err != nil {
		return nil, fmt.Errorf("tickets: store key of %s: %w", FormatID(seq), err)
	}
	return k, nil
}

// deleteKey forgets ticket seq's key.
func deleteKey(tx *bolt.Tx, seq uint64) error {
	b := tx.Bucket(bucketKeys)
	if b == nil {
		return nil
	}
	if err := b.Delete(be64(seq)); err != nil {
		return fmt.Errorf("tickets: delete key of %s: %w", FormatID(seq), err)
	}
	return nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if key == nil {
		return nil, nil
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("tickets: key: %w", err)
	}
	return cipher.NewGCM(blk)
}

// The sealed fields of an event. Each is bound to its ticket, event number
// and field (the additional data), so a sealed value copied to another
// place does not open there.
const (
	fieldActorID   = "actor.id"
	fieldActorName = "actor.name"
	fieldNote      = "note"
)

func sealAAD(ticket string, seq int, field string) []byte {
	return []byte(ticket + "\x00" + strconv.Itoa(seq) + "\x00" + field)
}

// clearNote reports whether events of kind keep their Note readable: the
// note of an erasure or a view is from a fixed vocabulary ("officer
// request", "slack show"), and the audit trail must still say why and what
// after the key is gone.
func clearNote(kind string) bool { return kind == EventAnonymised || kind == EventViewed }

// seal returns ev with its personal fields sealed under aead: an officer
// actor's ID and Name, and the Note except where clearNote. Empty fields
// stay empty. ev.Ticket and ev.Seq must be set.
func seal(aead cipher.AEAD, ev Event) Event {
	one := func(field, s string) string {
		if s == "" {
			return ""
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(s)+aead.Overhead())
		rand.Read(nonce)
		out := aead.Seal(nonce, nonce, []byte(s), sealAAD(ev.Ticket, ev.Seq, field))
		return sealPrefix + sealEncoding.EncodeToString(out)
	}
	if ev.Actor.Kind == ActorOfficer {
		ev.Actor.ID = one(fieldActorID, ev.Actor.ID)
		ev.Actor.Name = one(fieldActorName, ev.Actor.Name)
	}
	if !clearNote(ev.Kind) {
		ev.Note = one(fieldNote, ev.Note)
	}
	return ev
}

// unseal returns ev as stored with its sealed fields opened. A field that
// cannot be opened (aead nil: the key was erased; or a key made after the
// erasure) comes back empty and sets Erased. Fields stored in clear (events
// written before sealing existed) come back as they are.
func unseal(aead cipher.AEAD, ev Event) Event {
	one := func(field, s string) string {
		rest, ok := strings.CutPrefix(s, sealPrefix)
		if !ok {
			return s
		}
		raw, err := sealEncoding.DecodeString(rest)
		if err != nil {
			return s // not ours: text that happens to start like a sealed value
		}
		if aead != nil && len(raw) >= aead.NonceSize() {
			n := aead.NonceSize()
			if pt, err := aead.Open(nil, raw[:n], raw[n:], sealAAD(ev.Ticket, ev.Seq, field)); err == nil {
				return string(pt)
			}
		}
		ev.Erased = true
		return ""
	}
	ev.Actor.ID = one(fieldActorID, ev.Actor.ID)
	ev.Actor.Name = one(fieldActorName, ev.Actor.Name)
	ev.Note = one(fieldNote, ev.Note)
	return ev
}
