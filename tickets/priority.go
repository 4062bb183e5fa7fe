package tickets

import (
	"fmt"
	"time"
)

// EventPriority is the kind of the event SetPriority records.
const EventPriority = "priority"

// SetPriority changes the priority of ticket id (PriorityNormal or
// PriorityUrgent), as actor did it (staff escalating a ticket). The SLA
// targets follow: each pending due time becomes the earlier of the one it
// had and the new priority's target counted from now, so escalating never
// gives more time and never sets a due time in the past. Setting the
// priority a ticket already has changes nothing, records nothing and
// returns the ticket. Errors: ErrNotFound, ErrInvalid (an unknown
// priority, a bad actor), ErrTransition for a closed or cancelled ticket.
func (t *Tx) SetPriority(id, priority string, actor Actor) (*Ticket, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	p, err := checkPriority(priority)
	if err != nil {
		return nil, err
	}
	tk, err := t.Get(id)
	if err != nil {
		return nil, err
	}
	if tk.Priority == p {
		return tk, nil
	}
	return t.change(id, func(tk *Ticket, now time.Time) (Event, error) {
		if tk.State == StateClosed || tk.State == StateCancelled {
			return Event{}, &TransitionError{ID: tk.ID, From: tk.State, To: tk.State}
		}
		note := fmt.Sprintf("%s → %s", tk.Priority, p)
		tk.Priority = p
		target := t.s.sla.For(p)
		if tk.FirstResponseAt.IsZero() {
			tk.FirstResponseDue = earlier(tk.FirstResponseDue, now.Add(target.FirstResponse))
		}
		if tk.Open() {
			res := now.Add(target.Resolution)
			if t.s.cal != nil {
				res = t.s.cal.Add(now, target.Resolution).UTC()
			}
			tk.ResolutionDue = earlier(tk.ResolutionDue, res)
		}
		return Event{Actor: actor, Kind: EventPriority, Note: note}, nil
	})
}

// earlier returns the earlier of a and b, ignoring a zero a.
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}
