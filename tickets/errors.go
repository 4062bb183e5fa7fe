package tickets

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package that a caller may
// branch on wraps one of them; check with errors.Is.
var (
	// ErrNotFound: no ticket has the given ID.
	ErrNotFound = errors.New("tickets: not found")
	// ErrInvalid: input was refused (see *ValidationError for the field and what is accepted).
	ErrInvalid = errors.New("tickets: invalid input")
	// ErrTransition: the state change is not allowed from the ticket's state (see *TransitionError).
	ErrTransition = errors.New("tickets: transition not allowed")
	// ErrLocked: the data directory is held by another process (see *LockedError).
	ErrLocked = errors.New("tickets: data directory in use")
	// ErrSchemaTooNew: the data file was written by a newer supportbot.
	ErrSchemaTooNew = errors.New("tickets: data file schema is newer than this program")
	// ErrNotPromotable: only resolved or closed tickets can be promoted to a knowledge draft.
	ErrNotPromotable = errors.New("tickets: ticket cannot be promoted")
	// ErrBadBackup: the file given to Restore is not a usable supportbot database.
	ErrBadBackup = errors.New("tickets: not a valid backup")
	// ErrCorrupt: the database file is damaged (a page header or a length
	// overwritten): restore it from a backup; CheckFile (supportbot check)
	// names the damaged buckets. See *CorruptError.
	ErrCorrupt = errors.New("tickets: database file damaged")
)

// ValidationError names the field that was refused, why, and what is accepted.
// errors.Is(err, ErrInvalid) is true.
type ValidationError struct {
	Field    string // e.g. "text", "province"
	Problem  string // e.g. "is 5000 characters long"
	Accepted string // e.g. "at most 4096 characters"
}

func (e *ValidationError) Error() string {
	msg := "tickets: " + e.Field + " " + e.Problem
	if e.Accepted != "" {
		msg += "; accepted: " + e.Accepted
	}
	return msg
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// TransitionError says which state change was refused and which targets are
// allowed from the current state. errors.Is(err, ErrTransition) is true.
type TransitionError struct {
	ID      string
	From    State
	To      State
	Allowed []State // empty when the ticket is in a final state
}

func (e *TransitionError) Error() string {
	allowed := "none (" + string(e.From) + " is final)"
	if len(e.Allowed) > 0 {
		allowed = joinStates(e.Allowed)
	}
	return fmt.Sprintf("tickets: %s: cannot move from %s to %s; allowed from %s: %s",
		e.ID, e.From, e.To, e.From, allowed)
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// LockedError is returned by OpenDB and Restore when another process holds the
// data directory. errors.Is(err, ErrLocked) is true.
type LockedError struct {
	Dir string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("data directory %s is in use by another supportbot process", e.Dir)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

func notFound(id string) error {
	return fmt.Errorf("ticket %s: %w", id, ErrNotFound)
}
