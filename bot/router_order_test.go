package bot_test

import (
	"testing"

	"github.com/mostvn/supportbot/bot"
)

// Entries are ordered per channel, chat AND thread: a message in one Slack
// ticket thread does not wait for one in another thread of the same
// channel, while the messages of one thread keep their order.
func TestThreadsOfOneChatDoNotWaitOnEachOther(t *testing.T) {
	h := newHarness(t)
	inThread := func(thread, text string) bot.Message {
		m := h.msg("C1", text)
		m.ChatType, m.Thread = bot.ChatGroup, thread
		return m
	}
	a1 := inThread("1700000000.000100", "/hoi block! thủ tục")
	a2 := inThread("1700000000.000100", "/ticket sau câu chặn")
	b1 := inThread("1700000000.000200", "/ticket luồng khác")
	h.add(a1, a2, b1)

	// a1 is stuck in search; b1, in another thread, is answered anyway.
	r := h.next()
	if r.ReplyToID != b1.MessageID {
		t.Fatalf("first reply is for %q, want the other thread's %q: %q", r.ReplyToID, b1.MessageID, r.Text)
	}
	if text := h.ticket(ticketIDIn(t, r.Text)).Text; text != "luồng khác" {
		t.Fatalf("ticket text %q", text)
	}

	close(h.kb.gate)
	// Then the blocked thread, in order: a2 waited for a1.
	if r := h.next(); r.ReplyToID != a1.MessageID {
		t.Fatalf("second reply is for %q, want %q: %q", r.ReplyToID, a1.MessageID, r.Text)
	}
	if r := h.next(); r.ReplyToID != a2.MessageID {
		t.Fatalf("third reply is for %q, want %q: %q", r.ReplyToID, a2.MessageID, r.Text)
	}
}

// In a group the reply quotes the message it answers, whatever the channel
// called the group; in a private chat it does not.
func TestGroupRepliesQuoteTheMessage(t *testing.T) {
	cases := []struct {
		name, chatType string
		quoted         bool
	}{
		{"group", bot.ChatGroup, true},
		{"supergroup", "supergroup", true}, // stored by versions before ChatGroup
		{"private", bot.ChatPrivate, false},
		{"unknown", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			m := h.msg("-100", "/help")
			m.ChatType = c.chatType
			r := h.one(m)
			if got := r.ReplyToID == m.MessageID; got != c.quoted {
				t.Errorf("ReplyToID = %q, quoted = %v, want %v", r.ReplyToID, got, c.quoted)
			}
		})
	}
}
