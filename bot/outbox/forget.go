package outbox

import (
	"errors"

	bolt "go.etcd.io/bbolt"
)

// Forget names what the outbox must forget about an officer whose data is
// erased.
type Forget struct {
	Channel Channel
	ChatID  string           // every pending item, dead letter, ref and limiter state of this chat
	Match   func(Reply) bool // and any other pending item or dead letter it matches (nil: none)
}

// Forget deletes in tx what f names: STUB.
func (o *Outbox) Forget(tx *bolt.Tx, f Forget) (int, error) {
	return 0, errors.New("outbox: forget not implemented yet")
}
