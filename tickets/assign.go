package tickets

import (
	"fmt"
	"time"
)

// EventAssigned records a change of assignee that is not also a change of
// state: a claimed or in-progress ticket handed to another staff member.
const EventAssigned = "assigned"

// AssignTo makes the staff member to the assignee of ticket id, on the word
// of by (the staff member who assigned it; it may be to). The event's actor
// is by; its note names to. A new or reopened ticket is claimed (a
// transition event); a claimed, in-progress or waiting ticket changes hands
// and keeps its state (an EventAssigned event). Assigning a ticket to its
// assignee changes nothing and records nothing.
//
// Errors: a *ValidationError when to or by is not a staff actor, a
// *TransitionError when the ticket is resolved, closed or cancelled,
// ErrNotFound for an unknown ID.
func (t *Tx) AssignTo(id string, to, by Actor) (*Ticket, error) {
	for _, a := range []struct {
		field string
		actor Actor
	}{{"assignee", to}, {"actor", by}} {
		if err := checkActor(a.actor); err != nil {
			return nil, err
		}
		if a.actor.Kind != ActorStaff {
			return nil, &ValidationError{Field: a.field, Problem: fmt.Sprintf("%s %q cannot be assigned tickets or assign them", a.actor.Kind, a.actor.ID), Accepted: "a staff member"}
		}
	}
	cur, err := t.Get(id)
	if err != nil {
		return nil, err
	}
	if cur.Assignee == to.ID && cur.State != StateNew && cur.State != StateReopened {
		return cur, nil
	}
	note := "assigned to " + to.ID
	if to.Name != "" {
		note += " (" + to.Name + ")"
	}
	return t.change(id, func(tk *Ticket, _ time.Time) (Event, error) {
		from := tk.State
		switch from {
		case StateNew, StateReopened:
			tk.State, tk.Assignee = StateClaimed, to.ID
			return Event{Actor: by, Kind: EventTransition, From: from, To: StateClaimed, Note: note}, nil
		case StateClaimed, StateProgress, StateWaiting:
			tk.Assignee = to.ID
			return Event{Actor: by, Kind: EventAssigned, Note: note}, nil
		}
		return Event{}, &TransitionError{ID: tk.ID, From: from, To: StateClaimed, Allowed: from.Next()}
	})
}
