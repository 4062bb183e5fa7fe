package bot

import (
	"errors"
	"time"
)

// ErasureRecord is one erasure as the register keeps it: never the
// officer's id, only a keyed hash of it.
type ErasureRecord struct {
	At      time.Time `json:"at"`
	Officer string    `json:"officer"` // keyed hash of channel:user id
	Tickets []string  `json:"tickets"`
	Why     string    `json:"why"`
}

// ErasureRegister is the append-only list of erasures, kept beside (not
// in) the database so that a restored backup can have them re-applied.
type ErasureRegister struct{ dir string }

// OpenErasureRegister opens (creating) the register under dir: STUB.
func OpenErasureRegister(dir string) (*ErasureRegister, error) { return &ErasureRegister{dir: dir}, nil }

// Record appends (fsynced) one erasure: STUB.
func (r *ErasureRegister) Record(ch Channel, userID string, tickets []string, why string, at time.Time) error {
	return errors.New("bot: erasure register not implemented yet")
}

// Matches reports whether ch:userID was erased: STUB.
func (r *ErasureRegister) Matches(ch Channel, userID string) bool { return false }

// Records returns every erasure, oldest first: STUB.
func (r *ErasureRegister) Records() ([]ErasureRecord, error) { return nil, nil }

// Latest returns the time of the newest erasure, zero when none: STUB.
func (r *ErasureRegister) Latest() time.Time { return time.Time{} }
