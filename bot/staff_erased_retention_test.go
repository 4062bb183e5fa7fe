package bot_test

import (
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// A ticket anonymised because its retention period ended, then taken up
// again by staff, refuses their reply with a text that is true for it too:
// it does not claim the officer asked to be erased.
func TestStaffReplyOnARetentionErasedTicketSaysEitherCause(t *testing.T) {
	for _, c := range []struct {
		lang  string
		wants []string
		not   string
	}{
		{bot.LangVI, []string{"Dữ liệu cá nhân", "theo yêu cầu của cán bộ hoặc khi hết thời hạn lưu trữ", "không được gửi"}, "đã xoá dữ liệu cá nhân của mình"},
		{bot.LangEN, []string{"personal data", "at the officer's request or at the end of its retention period", "neither sent nor kept"}, "has erased their"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			h := newStaffHarness(t, bot.StaffOptions{Lang: c.lang})
			id, card, _ := h.open("100", "Hỏi về hồ sơ cấp phép")
			h.resolveAs("U1", id, map[string]string{"answer": "Nộp tại Sở KH&CN."})
			if err := h.store.Update(func(tx *tickets.Tx) error {
				_, err := tx.Anonymise(id, tickets.Actor{Kind: tickets.ActorSystem, ID: "eraser"}, "retention")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			h.add(h.inThreadMsg("U2", bot.RoleStaff, card.ID, "Bổ sung: cần thêm bản sao"))
			r := h.want("the notice to the staff member", ephemeralTo("U2"))
			mustContain(t, r.Text, append([]string{id}, c.wants...)...)
			if strings.Contains(r.Text, c.not) {
				t.Errorf("the notice says the officer erased their data:\n%s", r.Text)
			}
			h.none("a relay to the officer", toOfficer("100"))
		})
	}
}
