package bot_test

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// A triage card points staff to similar resolved tickets by their ID, topic,
// date and the staff's answer, and never quotes the other officer's
// question: erasing that officer edits only their own ticket's posts, so a
// quote on this card would keep their words in Slack.
func TestSimilarTicketsOnACardQuoteNoOtherOfficer(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	a, _, _ := h.open("100", "Ai cấp giấy phép tiến hành công việc bức xạ tại xã Tân Phú của ông Nguyễn Văn Quokka?")
	h.resolveAs("U1", a, map[string]string{"answer": "Sở KH&CN cấp giấy phép."})
	resolved := h.ticket(a)
	topic := resolved.Topic
	if topic == "" {
		topic = tickets.TopicOther
	}
	_, c, _ := h.open("200", "Ai cấp giấy phép tiến hành công việc bức xạ?")

	mustContain(t, c.Text, "Phiếu tương tự đã giải quyết", "<b>"+a+"</b>",
		html.EscapeString(tickets.TopicLabel(topic, bot.LangVI)),
		resolved.ResolvedAt.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006"), "Sở KH&amp;CN cấp giấy phép.")
	for _, w := range []string{"Quokka", "Tân Phú", "Nguyễn Văn"} {
		if strings.Contains(c.Text, w) {
			t.Errorf("officer 200's card quotes officer 100's question (%q):\n%s", w, c.Text)
		}
	}
}
