package tickets

import (
	"errors"
	"time"
)

// Event kinds of the personal-data work.
const (
	EventAnonymised = "anonymised" // the ticket's personal data was erased (officer request, operator, retention)
	EventViewed     = "viewed"     // a staff member or operator saw the ticket's personal data
)

var errNotYet = errors.New("tickets: not implemented yet")

// Anonymise erases ticket id's personal data (see package doc, "Personal
// data"): STUB, being implemented.
func (t *Tx) Anonymise(id string, by Actor, reason string) (*Ticket, error) { return nil, errNotYet }

// RecordView appends an EventViewed by by to ticket id: STUB.
func (t *Tx) RecordView(id string, by Actor, what string) error { return errNotYet }

// RecordViews records a view of each of ids, in batches: STUB.
func (s *Store) RecordViews(ids []string, by Actor, what string) error { return errNotYet }

// ReporterTickets returns the IDs of every ticket (any state) reported by
// channel:userID, oldest first: STUB.
func (t *Tx) ReporterTickets(channel, userID string) ([]string, error) { return nil, errNotYet }

// ExpiredClosed returns up to max tickets in a final state, not yet
// anonymised, whose last change is before before: STUB.
func (t *Tx) ExpiredClosed(before time.Time, max int) ([]string, error) { return nil, errNotYet }
