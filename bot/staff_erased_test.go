package bot_test

import (
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// Staff replying in the thread of a ticket whose officer was erased are
// told that nothing reaches the officer, instead of believing it did.
func TestStaffReplyOnAnErasedTicketIsRefusedAndSaysWhy(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, c, _ := h.open("100", "Hỏi về hồ sơ cấp phép")
	if err := h.store.Update(func(tx *tickets.Tx) error {
		_, err := tx.Anonymise(id, tickets.Actor{Kind: tickets.ActorSystem, ID: "eraser"}, "officer request")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := h.ticket(id)

	h.add(h.inThreadMsg("U1", bot.RoleStaff, c.ID, "Chào anh, hồ sơ nộp tại Sở"))
	r := h.want("the notice to the staff member", ephemeralTo("U1"))
	mustContain(t, r.Text, id, "Dữ liệu cá nhân", "đã được xoá", "không được gửi")
	h.none("a relay to the officer", toOfficer("100"))
	if after := h.ticket(id); after.Events != before.Events || len(after.Messages) != len(before.Messages) {
		t.Errorf("the reply was kept on the erased ticket: %d→%d events", before.Events, after.Events)
	}
}
