package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// EraserOptions configure an Eraser.
type EraserOptions struct {
	DB       *bolt.DB
	Tickets  *tickets.Store
	Outbox   *Outbox
	Register *ErasureRegister
	DataDir  string // files the bot keeps (attachments, knowledge drafts) live under it
	Log      *slog.Logger
	Now      func() time.Time
}

// EraseRequest asks for one officer's personal data to be erased.
type EraseRequest struct {
	Channel Channel       `json:"channel"`
	UserID  string        `json:"user_id"`
	ChatID  string        `json:"chat_id,omitempty"` // the private chat to confirm in; "" = tell nobody
	Lang    string        `json:"lang,omitempty"`
	Why     string        `json:"why"` // "officer request", "operator request", …
	By      tickets.Actor `json:"by"`
}

// EraseReport says what one erasure did.
type EraseReport struct {
	Tickets int                // tickets anonymised
	Entries int                // other stored entries deleted
	Took    time.Duration      // until the last transaction committed
	Scrub   tickets.ScrubStats // the free-page scrub after it
}

// Eraser erases officers' personal data: STUB.
type Eraser struct{ opts EraserOptions }

// NewEraser returns an Eraser: STUB.
func NewEraser(opts EraserOptions) (*Eraser, error) { return &Eraser{opts: opts}, nil }

var errEraseNotYet = errors.New("bot: erasure not implemented yet")

// Erase erases req's officer now: STUB.
func (e *Eraser) Erase(ctx context.Context, req EraseRequest) (EraseReport, error) {
	return EraseReport{}, errEraseNotYet
}

// RequestErase stores req in tx for Eraser.Run to carry out: STUB.
func RequestErase(tx *bolt.Tx, req EraseRequest) error { return errEraseNotYet }

// Wake tells Run a request is waiting: STUB.
func (e *Eraser) Wake() {}

// Run carries out stored requests until ctx ends: STUB.
func (e *Eraser) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// ApplyRetention anonymises the closed tickets last changed before before: STUB.
func (e *Eraser) ApplyRetention(ctx context.Context, before time.Time) (int, error) {
	return 0, errEraseNotYet
}

// Reapply re-applies the register's erasures to this database (after a
// restore): STUB.
func (e *Eraser) Reapply(ctx context.Context) (int, error) { return 0, errEraseNotYet }
