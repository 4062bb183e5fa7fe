package tickets

import (
	"fmt"
	"strings"
	"time"
)

// systemActor records changes the store makes on behalf of the process.
var systemActor = Actor{Kind: ActorSystem, ID: "supportbot"}

// change loads ticket id, lets apply mutate a copy and commits it with the
// event apply returns. Nothing is written when apply fails.
func (t *Tx) change(id string, apply func(tk *Ticket, now time.Time) (Event, error)) (*Ticket, error) {
	seq, err := ParseID(id)
	if err != nil {
		return nil, err
	}
	tk, err := t.load(seq)
	if err != nil {
		return nil, err
	}
	// old keeps the index keys to remove. commit reads only its string
	// fields (state, text and the indexed values), which apply replaces
	// rather than edits, so a shallow copy is enough.
	old := *tk
	now := t.stamp()
	ev, err := apply(tk, now)
	if err != nil {
		return nil, err
	}
	if !old.Anonymised.IsZero() && ev.Actor.Kind == ActorOfficer {
		// The reporter's data is erased: an officer's words or name would
		// bring it back. Staff and the system may still work the ticket.
		return nil, &ValidationError{Field: fieldAnonymisedTicket, Problem: fmt.Sprintf("%s is anonymised (its reporter's data was erased)", old.ID),
			Accepted: "changes by staff or the system"}
	}
	ev.At = now
	if err := t.commit(seq, &old, tk, ev); err != nil {
		return nil, err
	}
	return tk, nil
}

// Transition moves ticket id to state to. A move the table does not allow
// returns a *TransitionError (errors.Is ErrTransition) naming the allowed
// targets, and nothing changes. Moving to StateClaimed needs a staff actor and
// makes them the assignee; StateResolved sets ResolvedAt; StateReopened
// clears it.
func (t *Tx) Transition(id string, to State, actor Actor, note string) (*Ticket, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if err := checkText("note", note, false); err != nil {
		return nil, err
	}
	if !to.Valid() {
		_, err := ParseState(string(to))
		return nil, err
	}
	return t.change(id, func(tk *Ticket, now time.Time) (Event, error) {
		from := tk.State
		if !CanMove(from, to) {
			return Event{}, &TransitionError{ID: tk.ID, From: from, To: to, Allowed: from.Next()}
		}
		switch to {
		case StateClaimed:
			if actor.Kind != ActorStaff {
				return Event{}, &ValidationError{Field: "actor", Problem: fmt.Sprintf("%s %q cannot claim a ticket", actor.Kind, actor.ID), Accepted: "a staff member"}
			}
			tk.Assignee = actor.ID
		case StateResolved:
			tk.ResolvedAt = now
		case StateReopened:
			tk.ResolvedAt = time.Time{}
		}
		tk.State = to
		return Event{Actor: actor, Kind: EventTransition, From: from, To: to, Note: note}, nil
	})
}

// Claim moves a new or reopened ticket to claimed and makes actor (staff)
// its assignee.
func (t *Tx) Claim(id string, actor Actor) (*Ticket, error) {
	return t.Transition(id, StateClaimed, actor, "")
}

// AddMessage appends m to the conversation of ticket id. m.At is set to the
// store's clock. An empty Direction means DirIn for an officer and DirOut
// otherwise. Internal notes (staff or system only) never reach the officer.
// The first public reply by staff sets FirstResponseAt. The caller decides
// any state change (e.g. waiting-on-officer → in-progress on an answer).
// An officer's message on an anonymised ticket is refused with a
// *ValidationError (errors.Is ErrInvalid), as is any officer's change to it.
func (t *Tx) AddMessage(id string, m ConvMessage) (*Ticket, error) {
	if err := checkActor(m.From); err != nil {
		return nil, err
	}
	if err := checkText("message", m.Text, true); err != nil {
		return nil, err
	}
	if err := checkField("message id", m.MessageID, false); err != nil {
		return nil, err
	}
	if err := checkAttachments(m.Files); err != nil {
		return nil, err
	}
	if m.Direction == "" {
		m.Direction = DirOut
		if m.From.Kind == ActorOfficer {
			m.Direction = DirIn
		}
	}
	switch {
	case m.Direction != DirIn && m.Direction != DirOut:
		return nil, &ValidationError{Field: "direction", Problem: fmt.Sprintf("%q is unknown", m.Direction), Accepted: "in, out"}
	case m.Internal && m.From.Kind == ActorOfficer:
		return nil, &ValidationError{Field: "internal", Problem: "is set on an officer's message", Accepted: "internal notes from staff or system"}
	}
	return t.change(id, func(tk *Ticket, now time.Time) (Event, error) {
		m.At = now
		tk.Messages = append(tk.Messages, m)
		note := "officer message"
		switch {
		case m.Internal:
			note = "internal note"
		case m.Direction == DirOut:
			note = "public reply"
			if m.From.Kind == ActorStaff && tk.FirstResponseAt.IsZero() {
				tk.FirstResponseAt = now
				note = "first response"
			}
		}
		return Event{Actor: m.From, Kind: EventMessage, Note: note}, nil
	})
}

// SetLocality sets the ticket's province (any form NormalizeProvince
// accepts; "" = unknown) and commune, e.g. once the officer has said where
// they work.
func (t *Tx) SetLocality(id, province, commune string) error {
	p, err := checkProvince(province)
	if err != nil {
		return err
	}
	if err := checkField("commune", commune, false); err != nil {
		return err
	}
	commune = strings.TrimSpace(commune)
	_, err = t.change(id, func(tk *Ticket, _ time.Time) (Event, error) {
		note := fmt.Sprintf("%q/%q → %q/%q", tk.Province, tk.Commune, p, commune)
		tk.Province, tk.Commune = p, commune
		return Event{Actor: systemActor, Kind: EventLocality, Note: note}, nil
	})
	return err
}

// RecordDeliveryFailure records that a reply on ticket id could not be
// delivered for good (e.g. "telegram: 403 bot blocked by user"), so staff see
// it. It is an event and an entry in DeliveryFailures.
func (t *Tx) RecordDeliveryFailure(id string, reason string) error {
	if err := checkText("reason", reason, true); err != nil {
		return err
	}
	_, err := t.change(id, func(tk *Ticket, now time.Time) (Event, error) {
		tk.DeliveryFailures = append(tk.DeliveryFailures, DeliveryFailure{At: now, Reason: reason})
		return Event{Actor: systemActor, Kind: EventDeliveryFailure, Note: reason}, nil
	})
	return err
}
