package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
)

// home builds the App Home opening of user.
func (h *rtHarness) home(user string, role bot.Role) bot.Message {
	m := h.support(user, role, "")
	m.Command, m.ChatID, m.ChatType, m.TriggerID = bot.CommandHome, "D"+user, bot.ChatPrivate, ""
	return m
}

func TestAppHomeShowsMineQueueAndBreaches(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	urgent, normal, laoCai, resolved := supportQueue(h)

	r := h.private(h.home("U1", bot.RoleStaff))
	v := r.View
	if r.Kind != outbox.KindView || v == nil || !v.Home || r.UserID != "U1" || r.Channel != bot.Slack {
		t.Fatalf("home = %+v", r.Reply)
	}
	if v.Title == "" {
		t.Error("the home page has no title")
	}
	want := []struct {
		head string
		ids  []string
	}{
		{"Cập nhật lúc 17:00 02/03/2026", nil},
		{"<b>Phiếu bạn đang xử lý</b> (1)", []string{laoCai}},
		{"<b>Hàng đợi theo hạn SLA</b> (3 phiếu đang mở)", []string{urgent, normal, laoCai}},
		{"<b>Quá hạn SLA</b> (1)", []string{urgent}},
	}
	if len(v.Sections) != len(want) {
		t.Fatalf("%d sections, want %d: %+v", len(v.Sections), len(want), v.Sections)
	}
	for i, w := range want {
		s := v.Sections[i].Text
		if !strings.HasPrefix(s, w.head) {
			t.Errorf("section %d starts %q, want %q", i, s, w.head)
		}
		if got := idsIn(s); !slices.Equal(got, w.ids) {
			t.Errorf("section %d lists %v, want %v:\n%s", i, got, w.ids, s)
		}
		mustNotContain(t, s, resolved)
	}

	// Minh holds nothing; the queue is the same for everyone.
	v = h.private(h.home("U2", bot.RoleStaff)).View
	mustContain(t, v.Sections[1].Text, "Bạn chưa nhận phiếu nào.")
	if got := idsIn(v.Sections[2].Text); !slices.Equal(got, []string{urgent, normal, laoCai}) {
		t.Errorf("Minh's queue = %v", got)
	}
}

func TestAppHomeOfAGuestShowsNoTickets(t *testing.T) {
	h := newSupportHarness(t, bot.LangEN)
	supportQueue(h)
	v := h.private(h.home("G1", bot.RoleGuest)).View
	if v == nil || !v.Home || len(v.Sections) != 1 {
		t.Fatalf("guest home = %+v", v)
	}
	mustContain(t, v.Sections[0].Text, "not on the ministry's support staff list")
	if ids := idsIn(v.Sections[0].Text); len(ids) != 0 {
		t.Errorf("a guest sees %v", ids)
	}
}

func TestAppHomeWhenAllIsQuiet(t *testing.T) {
	h := newSupportHarness(t, bot.LangEN)
	v := h.private(h.home("U1", bot.RoleStaff)).View
	if len(v.Sections) != 4 {
		t.Fatalf("%d sections", len(v.Sections))
	}
	mustContain(t, v.Sections[1].Text, "You have no tickets.")
	mustContain(t, v.Sections[2].Text, "No open tickets.")
	mustContain(t, v.Sections[3].Text, "No ticket is past its SLA.")
}
