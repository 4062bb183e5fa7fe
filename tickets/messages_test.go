package tickets_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func TestUserMessage(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Câu hỏi"))
	_, _, tooLong := s.Create(question(strings.Repeat("a", tickets.MaxTextLen+1)))
	_, _, province := s.Create(tickets.NewTicket{Channel: "telegram", UserID: "1", Text: "x", Province: "Hà Tây"})
	transErr := s.Update(func(tx *tickets.Tx) error { _, err := tx.Transition(tk.ID, tickets.StateClosed, staff, ""); return err })
	_, notFound := s.Get("HT-000099")

	for _, tc := range []struct {
		name   string
		err    error
		vi, en string
	}{
		{"too long", tooLong, "tối đa 4096 ký tự", "at most 4096 characters"},
		{"province", province, "34 tỉnh, thành phố", "34 provinces"},
		{"transition", transErr, "Có thể chuyển sang: Đã tiếp nhận, Đã hủy", "It can move to: Claimed, Cancelled"},
		{"not found", notFound, "Không tìm thấy phiếu", "No ticket has that ID"},
		{"internal", errors.New("disk on fire"), "thử lại sau", "try again"},
	} {
		if got := tickets.UserMessage(tc.err, "vi"); !strings.Contains(got, tc.vi) {
			t.Errorf("%s vi: %q lacks %q", tc.name, got, tc.vi)
		}
		if got := tickets.UserMessage(tc.err, "en"); !strings.Contains(got, tc.en) {
			t.Errorf("%s en: %q lacks %q", tc.name, got, tc.en)
		}
		if strings.Contains(tickets.UserMessage(tc.err, "vi"), "disk on fire") {
			t.Errorf("%s: cause leaked to the user", tc.name)
		}
	}
}
