package bot_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

// fakeRota answers /support oncall with who asked, in which language and
// at what time.
type fakeRota struct{}

func (fakeRota) OnCallText(now time.Time, lang string) string {
	return "<b>on call</b> " + lang + " " + now.UTC().Format(time.RFC3339)
}

var (
	_ bot.OnCallRota = fakeRota{}
	_ bot.OnCallRota = (*schedules.Rota)(nil) // what cmd wires
)

// TestStaffOnCallFunc: the rota's person at the moment of the escalation
// is mentioned, not the fixed OnCall.
func TestStaffOnCallFunc(t *testing.T) {
	var asked time.Time
	h := newStaffHarness(t, bot.StaffOptions{OnCall: stOnCall, OnCallFunc: func(now time.Time) string {
		asked = now
		return "UROTA"
	}})
	id, _, _ := h.open("100", "Sự cố bức xạ khẩn cấp")
	h.add(h.pressCard("U1", bot.RoleStaff, "escalate", id))
	p := h.want("the escalation in the thread", inThread(id, "nâng phiếu lên mức khẩn"))
	if !slices.Equal(p.Mentions, []string{"UROTA"}) {
		t.Errorf("mentions = %v, want the rota's person", p.Mentions)
	}
	if upd := h.want("the card update", card(id, outbox.KindUpdate)); !slices.Equal(upd.Mentions, []string{"UROTA"}) {
		t.Errorf("card mentions = %v", upd.Mentions)
	}
	if !asked.Equal(h.now()) {
		t.Errorf("OnCallFunc asked at %s, want the turn's time %s", asked, h.now())
	}
}

func TestSupportOnCall(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{Rota: fakeRota{}, Lang: bot.LangEN})
	want := "<b>on call</b> en " + h.now().UTC().Format(time.RFC3339)
	for _, args := range []string{"oncall", "truc", "Trực"} {
		if got := h.private(h.support("U1", bot.RoleStaff, args)).Text; got != want {
			t.Errorf("/support %s = %q, want %q", args, got, want)
		}
	}
	mustContain(t, h.private(h.support("G1", bot.RoleGuest, "oncall")).Text, "Only")

	h = newStaffHarness(t, bot.StaffOptions{})
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "truc")).Text, "/support truc")
}
