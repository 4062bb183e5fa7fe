package bot_test

import (
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// Every staff view of one ticket's personal data is an event on the
// ticket: who, and through what.
func TestStaffViewsOfPersonalDataAreRecorded(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, _, _ := h.open("100", "Hỏi về hồ sơ cấp phép")

	show := h.staffMsg("U1", bot.RoleStaff)
	show.Command, show.Text = "/support", "show "+id
	h.add(show)
	mustContain(t, h.want("the ticket shown", ephemeralTo("U1")).Text, "Hỏi về hồ sơ cấp phép")
	wantViewed(t, h, id, "slack:U1", "slack show")

	h.add(h.pressCard("U2", bot.RoleStaff, "reply", id))
	h.want("the reply form", func(r rtSent) bool { return r.View != nil && r.UserID == "U2" })
	wantViewed(t, h, id, "slack:U2", "slack reply form")

	h.add(h.pressCard("U1", bot.RoleStaff, "resolve", id))
	h.want("the resolve form", func(r rtSent) bool { return r.View != nil && r.UserID == "U1" })
	wantViewed(t, h, id, "slack:U1", "slack resolve form")

	// A list shows no one's personal data: nothing is recorded.
	before := len(events(t, h, id))
	list := h.staffMsg("U1", bot.RoleStaff)
	list.Command, list.Text = "/support", "tickets"
	h.add(list)
	h.want("the list", ephemeralTo("U1"))
	if n := len(events(t, h, id)); n != before {
		t.Errorf("the list added %d events", n-before)
	}
}

func events(t *testing.T, h *stHarness, id string) []tickets.Event {
	t.Helper()
	evs, err := h.store.Events(id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func wantViewed(t *testing.T, h *stHarness, id, who, what string) {
	t.Helper()
	ev := h.lastEvent(id)
	if ev.Kind != tickets.EventViewed || ev.Actor.ID != who || ev.Note != what {
		t.Errorf("last event of %s: %s by %q (%q), want %s by %q (%q)", id, ev.Kind, ev.Actor.ID, ev.Note, tickets.EventViewed, who, what)
	}
}
