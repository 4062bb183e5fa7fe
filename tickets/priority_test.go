package tickets_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

func setPriority(s *tickets.Store, id, p string, a tickets.Actor) (tk *tickets.Ticket, err error) {
	err = s.Update(func(tx *tickets.Tx) error { tk, err = tx.SetPriority(id, p, a); return err })
	return tk, err
}

func TestSetPriorityEscalatesAndTightensTheSLA(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := create(t, s, question("Hồ sơ cấp phép bức xạ bị trả lại"))
	c.Advance(time.Hour)
	up, err := setPriority(s, tk.ID, tickets.PriorityUrgent, staff)
	if err != nil {
		t.Fatal(err)
	}
	now := c.Now().UTC()
	if up.Priority != tickets.PriorityUrgent {
		t.Errorf("priority = %s", up.Priority)
	}
	if want := now.Add(30 * time.Minute); !up.FirstResponseDue.Equal(want) {
		t.Errorf("first response due %v, want %v (30 min from the escalation)", up.FirstResponseDue, want)
	}
	if want := now.Add(8 * time.Hour); !up.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v, want %v", up.ResolutionDue, want)
	}
	evs, err := s.Events(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Kind != tickets.EventPriority || last.Actor != staff || last.Note != "normal → urgent" {
		t.Errorf("last event = %+v", last)
	}

	// Again: nothing changes, nothing is recorded.
	if _, err := setPriority(s, tk.ID, tickets.PriorityUrgent, staff); err != nil {
		t.Fatal(err)
	}
	if evs2, _ := s.Events(tk.ID); len(evs2) != len(evs) {
		t.Errorf("a repeated escalation recorded %d events", len(evs2)-len(evs))
	}
	// Back to normal never gives more time than already promised.
	down, err := setPriority(s, tk.ID, tickets.PriorityNormal, staff)
	if err != nil {
		t.Fatal(err)
	}
	if !down.FirstResponseDue.Equal(up.FirstResponseDue) || !down.ResolutionDue.Equal(up.ResolutionDue) {
		t.Errorf("de-escalation moved the due times: %v %v", down.FirstResponseDue, down.ResolutionDue)
	}
	mustVerify(t, s)
}

func TestSetPriorityRefuses(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Câu hỏi"))
	if _, err := setPriority(s, tk.ID, "critical", staff); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("unknown priority: err = %v", err)
	}
	if _, err := setPriority(s, "HT-000099", tickets.PriorityUrgent, staff); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("missing ticket: err = %v", err)
	}
	transition(t, s, tk.ID, tickets.StateCancelled, staff)
	if _, err := setPriority(s, tk.ID, tickets.PriorityUrgent, staff); !errors.Is(err, tickets.ErrTransition) {
		t.Errorf("cancelled ticket: err = %v", err)
	}
}

func TestMessageAttachmentsAreKept(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Gửi kèm ảnh hồ sơ"))
	files := []tickets.Attachment{{Channel: "telegram", ID: "AgAD123", Name: "hoso.jpg", Mime: "image/jpeg", Size: 123456}}
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: officer, Text: "ảnh đây", Files: files})
	got, err := s.Get(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 1 || len(got.Messages[0].Files) != 1 || got.Messages[0].Files[0] != files[0] {
		t.Fatalf("messages = %+v", got.Messages)
	}
	mustVerify(t, s)

	err = s.Update(func(tx *tickets.Tx) error {
		_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: officer, Text: "x", Files: []tickets.Attachment{{Name: "nowhere"}}})
		return err
	})
	asValidation(t, err)
}
