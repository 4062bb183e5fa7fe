package tickets_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// The transition table as the team agreed it, written out independently of
// the package's own table.
var wantAllowed = map[tickets.State][]tickets.State{
	tickets.StateNew:       {tickets.StateClaimed, tickets.StateCancelled},
	tickets.StateClaimed:   {tickets.StateProgress, tickets.StateWaiting, tickets.StateResolved, tickets.StateCancelled},
	tickets.StateProgress:  {tickets.StateWaiting, tickets.StateResolved, tickets.StateCancelled},
	tickets.StateWaiting:   {tickets.StateProgress, tickets.StateResolved, tickets.StateCancelled},
	tickets.StateResolved:  {tickets.StateClosed, tickets.StateReopened},
	tickets.StateReopened:  {tickets.StateClaimed, tickets.StateCancelled},
	tickets.StateClosed:    nil,
	tickets.StateCancelled: nil,
}

// pathTo lists the transitions that bring a new ticket to a state.
var pathTo = map[tickets.State][]tickets.State{
	tickets.StateNew:       nil,
	tickets.StateClaimed:   {tickets.StateClaimed},
	tickets.StateProgress:  {tickets.StateClaimed, tickets.StateProgress},
	tickets.StateWaiting:   {tickets.StateClaimed, tickets.StateWaiting},
	tickets.StateResolved:  {tickets.StateClaimed, tickets.StateResolved},
	tickets.StateClosed:    {tickets.StateClaimed, tickets.StateResolved, tickets.StateClosed},
	tickets.StateReopened:  {tickets.StateClaimed, tickets.StateResolved, tickets.StateReopened},
	tickets.StateCancelled: {tickets.StateCancelled},
}

func TestTransitionTable(t *testing.T) {
	s, _ := openStore(t, tickets.Options{Now: newClock().Now})
	for _, from := range tickets.States {
		for _, to := range tickets.States {
			allowed := slices.Contains(wantAllowed[from], to)
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				tk := create(t, s, question("Thủ tục cấp lại giấy chứng nhận?"))
				for _, st := range pathTo[from] {
					tk = transition(t, s, tk.ID, st, staff)
				}
				if tk.State != from {
					t.Fatalf("setup reached %s, want %s", tk.State, from)
				}
				var got *tickets.Ticket
				err := s.Update(func(tx *tickets.Tx) error {
					var err error
					got, err = tx.Transition(tk.ID, to, staff, "note")
					return err
				})
				after, gerr := s.Get(tk.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				if allowed {
					if err != nil {
						t.Fatalf("Transition: %v, want success", err)
					}
					if got.State != to || after.State != to {
						t.Fatalf("state = %s (stored %s), want %s", got.State, after.State, to)
					}
					if after.Events != tk.Events+1 {
						t.Errorf("events = %d, want %d", after.Events, tk.Events+1)
					}
					return
				}
				var te *tickets.TransitionError
				if !errors.Is(err, tickets.ErrTransition) || !errors.As(err, &te) {
					t.Fatalf("err = %v, want a *TransitionError", err)
				}
				if !slices.Equal(te.Allowed, wantAllowed[from]) {
					t.Errorf("Allowed = %v, want %v", te.Allowed, wantAllowed[from])
				}
				for _, a := range wantAllowed[from] {
					if !strings.Contains(err.Error(), string(a)) {
						t.Errorf("message %q does not name allowed state %s", err, a)
					}
				}
				if after.State != from || after.Events != tk.Events || !after.Updated.Equal(tk.Updated) {
					t.Errorf("refused transition changed the ticket: %+v", after)
				}
			})
		}
	}
	mustVerify(t, s)
}

func TestClaimSetsAssigneeAndNeedsStaff(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Hỏi về đăng ký hợp đồng chuyển quyền"))
	err := s.Update(func(tx *tickets.Tx) error { _, err := tx.Claim(tk.ID, officer); return err })
	if ve := asValidation(t, err); ve.Field != "actor" {
		t.Errorf("field = %q, want actor", ve.Field)
	}
	var got *tickets.Ticket
	if err := s.Update(func(tx *tickets.Tx) (err error) { got, err = tx.Claim(tk.ID, staff); return }); err != nil {
		t.Fatal(err)
	}
	if got.State != tickets.StateClaimed || got.Assignee != staff.ID {
		t.Fatalf("after claim: state %s assignee %q", got.State, got.Assignee)
	}
	mine, err := s.List(tickets.Filter{Assignee: staff.ID, Open: true})
	if err != nil || len(mine) != 1 || mine[0].ID != tk.ID {
		t.Fatalf("List(assignee) = %v, %v", mine, err)
	}
}

func TestResolveAndReopenTrackResolvedAt(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := create(t, s, question("Câu hỏi"))
	transition(t, s, tk.ID, tickets.StateClaimed, staff)
	c.Advance(time.Hour)
	tk = transition(t, s, tk.ID, tickets.StateResolved, staff)
	if !tk.ResolvedAt.Equal(c.Now()) {
		t.Fatalf("ResolvedAt = %v, want %v", tk.ResolvedAt, c.Now())
	}
	tk = transition(t, s, tk.ID, tickets.StateReopened, officer)
	if !tk.ResolvedAt.IsZero() || !tk.Open() {
		t.Fatalf("reopened: ResolvedAt %v open %v", tk.ResolvedAt, tk.Open())
	}
}
