package bot_test

import (
	"testing"

	"github.com/mostvn/supportbot/bot"
)

// /support deadlines shows, for the current (or a given) occurrence, the
// units that have and have not reported it as submitted, by province,
// only to the asker, in the staff's language.
func TestSupportDeadlinesPendingByProvince(t *testing.T) {
	h, _ := newDeadlinesHarness(t, bot.LangVI)
	h.register("200", "Lào Cai", "tỉnh", "2")
	h.register("201", "Huế", "tỉnh", "2")
	h.register("202", "Huế", "tỉnh", "2")
	h.register("100", "Huế", "Phường Thuận Hóa", "1")
	// Huế's department reports the February report (due 25/02) submitted.
	h.pressed("201", "dl:ok:t-province:20260225")

	// The clock is 02/03/2026: the current occurrence is 25/02 (nearer
	// than 25/03).
	r := h.private(h.support("U1", bot.RoleStaff, "deadlines t-province"))
	mustContain(t, r.Text, "Báo cáo tỉnh", "hạn 25/02/2026", "đã nộp 1 đơn vị, chưa nộp 1 đơn vị",
		"<b>Huế</b>: chưa nộp 0; đã nộp 1 (Sở KH&amp;CN Huế)", "<b>Lào Cai</b>: chưa nộp 1 (Sở KH&amp;CN Lào Cai); đã nộp 0")
	mustNotContain(t, r.Text, "Phường Thuận Hóa")
	if r.Channel != bot.Slack || r.UserID != "U1" {
		t.Errorf("reply to %s/%s, want ephemeral to U1", r.Channel, r.UserID)
	}

	// A given date; without an id, the deadline due nearest to today and
	// the other ids.
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "han t-province 25/03/2026")).Text, "hạn 25/03/2026", "chưa nộp 2 đơn vị")
	r = h.private(h.support("U1", bot.RoleStaff, "deadlines"))
	mustContain(t, r.Text, "hạn 25/02/2026", "Các hạn khác", "<code>t-commune</code> (20/12/2025)", "<code>t-once</code> (15/12/2026)")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "deadlines t-commune")).Text, "Phường Thuận Hóa, Huế", "chưa nộp 1")

	// Mistakes are answered.
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "deadlines nope")).Text, "Không có hạn báo cáo mã “nope”", "<code>t-province</code>")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "deadlines t-province 26/03/2026")).Text, "không phải kỳ hạn")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "deadlines t-province hôm qua")).Text, "Không hiểu ngày")
	mustContain(t, h.private(h.support("G1", bot.RoleGuest, "deadlines")).Text, "Chỉ cán bộ hỗ trợ")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "help")).Text, "/support han")
}

func TestSupportDeadlinesEnglish(t *testing.T) {
	h, _ := newDeadlinesHarness(t, bot.LangEN)
	h.register("200", "Lào Cai", "tỉnh", "2")
	r := h.private(h.support("U1", bot.RoleStaff, "deadlines t-province"))
	mustContain(t, r.Text, "Province report", "(due 25/02/2026)", "0 units submitted, 1 pending", "<b>Lào Cai</b>: 1 pending (DOST Lào Cai)")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "help")).Text, "/support deadlines")
}
