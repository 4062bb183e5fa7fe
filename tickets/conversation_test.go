package tickets_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

func TestConversationFirstResponseAndInternalNotes(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := create(t, s, question("Hồ sơ cấp lại văn bằng nộp ở đâu?"))
	transition(t, s, tk.ID, tickets.StateClaimed, staff)

	c.Advance(10 * time.Minute)
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: "Ghi chú: hỏi phòng SHTT", Internal: true})
	tk, _ = s.Get(tk.ID)
	if !tk.FirstResponseAt.IsZero() {
		t.Fatal("an internal note counted as the first response")
	}
	c.Advance(5 * time.Minute)
	tk = addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: "Anh nộp tại Sở KH&CN."})
	if !tk.FirstResponseAt.Equal(c.Now()) {
		t.Fatalf("FirstResponseAt = %v, want %v", tk.FirstResponseAt, c.Now())
	}
	c.Advance(time.Minute)
	tk = addMessage(t, s, tk.ID, tickets.ConvMessage{From: officer, Text: "Cảm ơn"})
	if last := tk.Messages[len(tk.Messages)-1]; last.Direction != tickets.DirIn {
		t.Errorf("officer message direction %q, want in", last.Direction)
	}
	var texts []string
	for _, m := range tk.PublicMessages() {
		texts = append(texts, m.Text)
	}
	if want := []string{"Anh nộp tại Sở KH&CN.", "Cảm ơn"}; !slices.Equal(texts, want) {
		t.Fatalf("officer sees %q, want %q", texts, want)
	}
	err := s.Update(func(tx *tickets.Tx) error {
		_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: officer, Text: "x", Internal: true})
		return err
	})
	asValidation(t, err)
	mustVerify(t, s)
}

func TestDeliveryFailureIsVisibleToStaff(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Câu hỏi"))
	if err := s.Update(func(tx *tickets.Tx) error {
		return tx.RecordDeliveryFailure(tk.ID, "telegram: 403 bot blocked by user")
	}); err != nil {
		t.Fatal(err)
	}
	tk, _ = s.Get(tk.ID)
	if len(tk.DeliveryFailures) != 1 || tk.DeliveryFailures[0].Reason != "telegram: 403 bot blocked by user" {
		t.Fatalf("DeliveryFailures = %+v", tk.DeliveryFailures)
	}
	evs, err := s.Events(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Kind != tickets.EventDeliveryFailure || last.Note != "telegram: 403 bot blocked by user" {
		t.Fatalf("last event = %+v", last)
	}
}
