package tickets_test

import (
	"slices"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func TestListFilters(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	mk := func(province, topic, user string) string {
		n := question("Câu hỏi")
		n.Province, n.Topic, n.UserID = province, topic, user
		return create(t, s, n).ID
	}
	a := mk("Hà Nội", "ip", "1")
	b := mk("Hà Nội", "radio", "2")
	c := mk("Huế", "ip", "1")
	d := mk("Hà Nội", "ip", "3")
	transition(t, s, b, tickets.StateClaimed, staff)
	transition(t, s, d, tickets.StateClaimed, staff2)
	transition(t, s, d, tickets.StateResolved, staff2)
	transition(t, s, c, tickets.StateCancelled, officer)

	for _, tc := range []struct {
		name string
		f    tickets.Filter
		want []string
	}{
		{"all, newest first", tickets.Filter{}, []string{d, c, b, a}},
		{"open", tickets.Filter{Open: true}, []string{b, a}},
		{"province open", tickets.Filter{Province: "ha noi", Open: true}, []string{b, a}},
		{"province", tickets.Filter{Province: "Hà Nội"}, []string{d, b, a}},
		{"province and topic", tickets.Filter{Province: "Hà Nội", Topic: "ip"}, []string{d, a}},
		{"state", tickets.Filter{State: []tickets.State{tickets.StateResolved, tickets.StateCancelled}}, []string{d, c}},
		{"state and open", tickets.Filter{State: []tickets.State{tickets.StateResolved, tickets.StateNew}, Open: true}, []string{a}},
		{"assignee", tickets.Filter{Assignee: staff2.ID}, []string{d}},
		{"reporter", tickets.Filter{Channel: "telegram", UserID: "1"}, []string{c, a}},
		{"user only", tickets.Filter{UserID: "2"}, []string{b}},
		{"limit", tickets.Filter{Limit: 2}, []string{d, c}},
		{"nothing", tickets.Filter{Province: "Cà Mau"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.List(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("List(%+v) = %v, want %v", tc.f, ids(got), tc.want)
			}
		})
	}
	for _, f := range []tickets.Filter{{Province: "Atlantis"}, {Topic: "taxes"}, {State: []tickets.State{"done"}}} {
		if _, err := s.List(f); err == nil {
			t.Errorf("List(%+v) accepted", f)
		}
	}
	mustVerify(t, s)
}
