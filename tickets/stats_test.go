package tickets_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

func TestStats(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	weekStart := c.Now().Add(-9 * time.Hour) // Monday 00:00

	// Answered last week: not this week's first response.
	c.Advance(-48 * time.Hour)
	old := create(t, s, question("cũ")).ID
	c.Advance(time.Hour)
	reply(t, s, old)
	c.Advance(47 * time.Hour)

	mk := func(topic, priority string) string {
		n := question("Câu hỏi")
		n.Topic, n.Priority = topic, priority
		return create(t, s, n).ID
	}
	a := mk("ip", "")                        // answered after 10 min
	b := mk("radio", "")                     // answered after 30 min
	u := mk("radio", tickets.PriorityUrgent) // never answered: breaches at 30 min
	d := mk("", "")                          // resolved
	c.Advance(10 * time.Minute)
	reply(t, s, a)
	c.Advance(20 * time.Minute)
	reply(t, s, b)
	transition(t, s, b, tickets.StateClaimed, staff)
	transition(t, s, d, tickets.StateClaimed, staff)
	transition(t, s, d, tickets.StateResolved, staff)
	c.Advance(time.Minute)

	var st tickets.Stats
	err := s.View(func(tx *tickets.Tx) error {
		var err error
		st, err = tx.Stats(c.Now(), weekStart)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Open != 4 || st.ByState[tickets.StateNew] != 3 || st.ByState[tickets.StateClaimed] != 1 {
		t.Errorf("open = %d by state %v, want 4: 3 new, 1 claimed", st.Open, st.ByState)
	}
	if st.ByTopic["ip"] != 2 || st.ByTopic["radio"] != 2 || st.ByTopic["other"] != 0 {
		t.Errorf("by topic = %v", st.ByTopic)
	}
	if st.Breached != 1 {
		t.Errorf("breached = %d, want 1 (%s)", st.Breached, u)
	}
	if st.FirstResponses != 2 || st.MedianFirstResponse != 20*time.Minute {
		t.Errorf("first responses = %d, median %v; want 2, 20m", st.FirstResponses, st.MedianFirstResponse)
	}
}

func TestSortByDue(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	n := create(t, s, question("thường")).ID // first response due 13:00
	c.Advance(time.Minute)
	nu := question("khẩn")
	nu.Priority = tickets.PriorityUrgent
	u := create(t, s, nu).ID // due 09:31
	done := create(t, s, question("xong")).ID
	transition(t, s, done, tickets.StateCancelled, staff)
	late := create(t, s, question("muộn")).ID // due 13:01
	c.Advance(time.Hour)                      // u breached

	all, err := s.List(tickets.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	tickets.SortByDue(all, c.Now())
	var got []string
	for _, tk := range all {
		got = append(got, tk.ID)
	}
	if want := []string{u, n, late, done}; !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func reply(t *testing.T, s *tickets.Store, id string) {
	t.Helper()
	addMessage(t, s, id, tickets.ConvMessage{From: staff, Text: "Trả lời"})
}

func TestStatsBreakdownInOrderWithoutZeros(t *testing.T) {
	s := tickets.Stats{
		ByState: map[tickets.State]int{tickets.StateNew: 2, tickets.StateClaimed: 0},
		ByTopic: map[string]int{"radiation": 1, tickets.TopicOther: 3, "ip": 0},
	}
	byState := s.OpenByState("en")
	if len(byState) != 1 || byState[0].N != 2 || byState[0].Label != tickets.StateLabel(tickets.StateNew, "en") {
		t.Errorf("by state = %+v", byState)
	}
	byTopic := s.OpenByTopic("vi")
	if len(byTopic) != 2 || byTopic[0].Label != tickets.TopicLabel("radiation", "vi") || byTopic[1].N != 3 {
		t.Errorf("by topic = %+v, want radiation then other, no zeros", byTopic)
	}
}
