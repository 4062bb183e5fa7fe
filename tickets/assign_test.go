package tickets_test

import (
	"errors"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func assign(s *tickets.Store, id string, to, by tickets.Actor) (tk *tickets.Ticket, err error) {
	err = s.Update(func(tx *tickets.Tx) error { tk, err = tx.AssignTo(id, to, by); return err })
	return tk, err
}

func TestAssignToRecordsWhoAssigned(t *testing.T) {
	s, _ := openStore(t, tickets.Options{Now: newClock().Now})
	id := create(t, s, question("Thủ tục cấp lại văn bằng")).ID

	// A new ticket assigned by Lan to Minh is claimed, by Lan's hand.
	tk, err := assign(s, id, staff2, staff)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateClaimed || tk.Assignee != staff2.ID {
		t.Fatalf("after assign: %s assigned to %q", tk.State, tk.Assignee)
	}
	// Handed back to Lan while in progress: the state stays.
	transition(t, s, id, tickets.StateProgress, staff2)
	if tk, err = assign(s, id, staff, staff2); err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateProgress || tk.Assignee != staff.ID {
		t.Fatalf("after reassign: %s assigned to %q", tk.State, tk.Assignee)
	}
	// Again to Lan: nothing to record.
	if _, err := assign(s, id, staff, staff); err != nil {
		t.Fatal(err)
	}

	evs, err := s.Events(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 4 {
		t.Fatalf("%d events, want created, claimed, in progress, reassigned: %+v", len(evs), evs)
	}
	if e := evs[1]; e.Kind != tickets.EventTransition || e.To != tickets.StateClaimed || e.Actor != staff || e.Note != "assigned to slack:U2 (Minh)" {
		t.Errorf("claim event = %+v", e)
	}
	if e := evs[3]; e.Kind != tickets.EventAssigned || e.Actor != staff2 || e.Note != "assigned to slack:U1 (Lan)" {
		t.Errorf("reassign event = %+v", e)
	}
	if got, _ := s.List(tickets.Filter{Assignee: staff.ID}); len(got) != 1 {
		t.Errorf("assignee index lists %d tickets for Lan", len(got))
	}
	if got, _ := s.List(tickets.Filter{Assignee: staff2.ID}); len(got) != 0 {
		t.Errorf("assignee index still lists %d tickets for Minh", len(got))
	}
	mustVerify(t, s)
}

func TestAssignToRefuses(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	id := create(t, s, question("Câu hỏi")).ID
	done := create(t, s, question("Câu hỏi khác")).ID
	transition(t, s, done, tickets.StateCancelled, staff)

	if _, err := assign(s, id, officer, staff); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("assign to an officer: %v", err)
	}
	if _, err := assign(s, id, staff, officer); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("assigned by an officer: %v", err)
	}
	if _, err := assign(s, done, staff, staff); !errors.Is(err, tickets.ErrTransition) {
		t.Errorf("assign a cancelled ticket: %v", err)
	}
	if _, err := assign(s, "HT-000099", staff, staff); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("assign a missing ticket: %v", err)
	}
	if tk, _ := s.Get(id); tk.State != tickets.StateNew || tk.Events != 1 {
		t.Errorf("a refused assignment changed %s: %s, %d events", id, tk.State, tk.Events)
	}
}
