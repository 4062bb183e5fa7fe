package tickets

import "strings"

// State is where a ticket is in its life.
type State string

// The states. new → claimed → in-progress ↔ waiting-on-officer → resolved →
// closed, plus reopened and cancelled; see allowed for the full table.
const (
	StateNew       State = "new"
	StateClaimed   State = "claimed"
	StateWaiting   State = "waiting-on-officer"
	StateProgress  State = "in-progress"
	StateResolved  State = "resolved"
	StateClosed    State = "closed"
	StateReopened  State = "reopened"
	StateCancelled State = "cancelled"
)

// States lists every state in life-cycle order.
var States = []State{StateNew, StateClaimed, StateProgress, StateWaiting, StateResolved, StateClosed, StateReopened, StateCancelled}

// OpenStates are the states in which a ticket still needs work and its SLA runs.
var OpenStates = []State{StateNew, StateClaimed, StateProgress, StateWaiting, StateReopened}

// allowed is the transition table. Claiming (→ claimed) needs a staff actor
// and sets the assignee. A resolved ticket can be reopened by the officer or
// staff; closed and cancelled are final.
var allowed = map[State][]State{
	StateNew:       {StateClaimed, StateCancelled},
	StateClaimed:   {StateProgress, StateWaiting, StateResolved, StateCancelled},
	StateProgress:  {StateWaiting, StateResolved, StateCancelled},
	StateWaiting:   {StateProgress, StateResolved, StateCancelled},
	StateResolved:  {StateClosed, StateReopened},
	StateReopened:  {StateClaimed, StateCancelled},
	StateClosed:    nil,
	StateCancelled: nil,
}

// Valid reports whether s is one of States.
func (s State) Valid() bool {
	_, ok := allowed[s]
	return ok
}

// Open reports whether a ticket in state s still needs work.
func (s State) Open() bool {
	for _, o := range OpenStates {
		if s == o {
			return true
		}
	}
	return false
}

// Next returns the states a ticket in state s may move to.
func (s State) Next() []State { return append([]State(nil), allowed[s]...) }

// CanMove reports whether from → to is allowed.
func CanMove(from, to State) bool {
	for _, n := range allowed[from] {
		if n == to {
			return true
		}
	}
	return false
}

// ParseState accepts a state name as listed in States ("waiting" and
// "progress" are accepted as short forms).
func ParseState(s string) (State, error) {
	switch st := State(s); {
	case st.Valid():
		return st, nil
	case s == "waiting":
		return StateWaiting, nil
	case s == "progress" || s == "in_progress":
		return StateProgress, nil
	}
	return "", &ValidationError{Field: "state", Problem: "\"" + s + "\" is unknown", Accepted: joinStates(States)}
}

// joinStates lists states as "new, claimed, …".
func joinStates(ss []State) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
