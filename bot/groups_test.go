package bot_test

import (
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
)

// afterward checks that nothing was answered to m: the chat's next
// command is answered next, and m was handled exactly once.
func afterward(t *testing.T, h *rtHarness, handled func(string) int, m bot.Message) {
	t.Helper()
	after := groupMsg(h, m.UserID, "/help")
	h.add(after)
	if r := h.next(); r.ReplyToID != after.MessageID {
		t.Fatalf("a reply to %q came before the one to %q: %q", r.ReplyToID, after.MessageID, r.Text)
	}
	if n := handled(m.SourceID); n != 1 {
		t.Errorf("handled %d times, want 1", n)
	}
}

func TestGroupAnswersOnlyWhatIsAddressedToTheBot(t *testing.T) {
	for _, c := range []struct {
		name     string
		text     string
		answered bool
		opens    bool
	}{
		{"chit-chat", "chào mọi người", false, false},
		{"question to colleagues", "ai biết thủ tục cấp lại văn bằng không?", false, false},
		{"thanks to a colleague", "cảm ơn anh", false, false},
		{"mention", "@OurBot thủ tục cấp lại văn bằng?", true, true},
		{"mention, other case", "thủ tục cấp lại văn bằng @ourbot", true, true},
		{"mention of a longer name", "@OurBotHelper thủ tục cấp lại", false, false},
		{"command", "/help", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, handled := newAddressedHarness(t, "OurBot")
			m := groupMsg(h, "42", c.text)
			h.add(m)
			if c.answered {
				r := h.next()
				if r.ReplyToID != m.MessageID {
					t.Fatalf("reply to %q, want %q", r.ReplyToID, m.MessageID)
				}
				mustNotContain(t, r.Text, "@OurBot", "@ourbot")
			}
			afterward(t, h, handled, m)
			if got := len(h.tickets()); got != map[bool]int{false: 0, true: 1}[c.opens] {
				t.Errorf("%d tickets, want opened=%v", got, c.opens)
			}
			if !c.answered && h.kb.calls.Load() != 0 {
				t.Errorf("%d searches for a message to colleagues", h.kb.calls.Load())
			}
		})
	}
}

func TestGroupReplyToTheBotIsAnswered(t *testing.T) {
	h, handled := newAddressedHarness(t, "OurBot")
	help := h.one(groupMsg(h, "42", "/help"))
	// A reply to a colleague's message is not for the bot.
	chat := groupMsg(h, "43", "đồng ý")
	chat.ReplyToID = "u1"
	h.add(chat)
	afterward(t, h, handled, chat)
	// A reply to the bot's message (not about a ticket) is.
	m := groupMsg(h, "43", "cảm ơn")
	m.ReplyToID = help.ID
	r := h.one(m)
	if r.ReplyToID != m.MessageID {
		t.Fatalf("reply to %q, want %q: %q", r.ReplyToID, m.MessageID, r.Text)
	}
}

func TestGroupTicketListGoesToThePrivateChat(t *testing.T) {
	h, _ := newAddressedHarness(t, "OurBot")
	opened := h.one(h.msg("42", "/ticket máy chủ cổng dịch vụ công bị lỗi mật khẩu riêng"))
	id := ticketIDIn(t, opened.Text)
	for _, cmd := range []string{"/phieu", "/phieu " + id} {
		m := groupMsg(h, "42", cmd)
		rs := h.say(m, 2)
		var group, private *rtSent
		for i := range rs {
			switch rs[i].ChatID {
			case m.ChatID:
				group = &rs[i]
			case "42":
				private = &rs[i]
			}
		}
		if group == nil || private == nil {
			t.Fatalf("%s: replies to %q and %q, want the group and the private chat", cmd, rs[0].ChatID, rs[1].ChatID)
		}
		mustNotContain(t, group.Text, id, "mật khẩu")
		mustContain(t, group.Text, "riêng")
		mustContain(t, private.Text, id, "mật khẩu")
		if private.ReplyToID != "" {
			t.Errorf("%s: the private reply quotes %q, a group message", cmd, private.ReplyToID)
		}
	}
}

func TestEditedMessageIsAcknowledged(t *testing.T) {
	h := newHarness(t)
	m := h.msg("42", "thủ tục cấp lại văn bằng, sửa lại")
	m.Command = bot.CommandEdited
	r := h.one(m)
	mustContain(t, r.Text, "bản đầu tiên")
	if n := len(h.tickets()); n != 0 {
		t.Errorf("an edit opened %d tickets", n)
	}
	h.quiet("42")
}

func TestDamagedTextIsRefused(t *testing.T) {
	h := newHarness(t)
	m := h.msg("42", "thủ tục c\uFFFDp lại")
	m.BadText = true
	r := h.one(m)
	if !strings.Contains(r.Text, "không hợp lệ") {
		t.Fatalf("reply %q, want the invalid-characters text", r.Text)
	}
	if n := len(h.tickets()); n != 0 {
		t.Errorf("damaged text opened %d tickets", n)
	}
}

// TestGroupRegistrationGoesOn: /start in a group asks questions whose
// answers are not addressed to the bot; they are still taken.
func TestGroupRegistrationGoesOn(t *testing.T) {
	h, _ := newAddressedHarness(t, "OurBot")
	h.one(groupMsg(h, "42", "/start"))
	r := h.one(groupMsg(h, "42", "Lào Cai"))
	mustContain(t, r.Text, "Lào Cai")
}
