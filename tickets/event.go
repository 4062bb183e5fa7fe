package tickets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Event kinds.
const (
	EventCreated         = "created"
	EventTransition      = "transition"
	EventMessage         = "message"
	EventLocality        = "locality"
	EventDeliveryFailure = "delivery_failure"
	EventPromoted        = "promoted"
)

// Event is one entry of a ticket's append-only log: who did what, when.
//
// Record is the SHA-256 of the ticket's JSON encoding after this change;
// Prev is the Hash of the ticket's previous event ("" for the first);
// Hash is the SHA-256 of the event with Hash empty. Verify recomputes them.
// The hashes cover the event as stored, personal fields sealed (seal.go),
// so Verify needs no key and erasing a key changes no hash.
type Event struct {
	Ticket string    `json:"ticket"`
	Seq    int       `json:"seq"` // 1, 2, 3, … per ticket
	At     time.Time `json:"at"`
	Actor  Actor     `json:"actor"`
	Kind   string    `json:"kind"`
	From   State     `json:"from,omitempty"`
	To     State     `json:"to,omitempty"`
	Note   string    `json:"note,omitempty"`
	Record string    `json:"record"`
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`

	// Erased is set by Tx.Events on an event whose sealed fields (an officer
	// actor's ID and Name, the Note) can no longer be opened because the
	// ticket was anonymised: they come back empty. It is not stored or hashed.
	Erased bool `json:"-"`
}

// computeHash returns the hex SHA-256 of e with its Hash field empty. JSON
// of a struct is deterministic (field order, UTC times), so the stored event
// re-encodes to the same bytes.
func (e Event) computeHash() string {
	e.Hash = ""
	b, err := json.Marshal(e)
	if err != nil { // cannot happen: every field is a plain value
		panic("tickets: encode event: " + err.Error())
	}
	return sum(b)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
