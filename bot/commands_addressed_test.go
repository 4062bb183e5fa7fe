package bot_test

import (
	"sync"
	"testing"

	"github.com/mostvn/supportbot/bot"
)

// newAddressedHarness is the pipeline with a Router that knows its
// username (RouterOptions.BotUsername), counting how often each entry is
// handled. handled is safe to call once a later entry of the same chat has
// been answered: a chat's entries are handled one after the other.
func newAddressedHarness(t *testing.T, username string) (h *rtHarness, handled func(sourceID string) int) {
	t.Helper()
	h = newStoppedHarness(t)
	r, err := bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, bot.RouterOptions{
		Workers: 4, Now: h.now, Metrics: h.metrics, BotUsername: username,
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex // guards counts
		counts = map[string]int{}
	)
	bot.SetHandledHook(r, func(m bot.Message) {
		mu.Lock()
		defer mu.Unlock()
		counts[m.SourceID]++
	})
	h.router = r
	h.start()
	return h, func(id string) int {
		mu.Lock()
		defer mu.Unlock()
		return counts[id]
	}
}

// groupMsg is h.msg sent in a supergroup shared with other bots.
func groupMsg(h *rtHarness, user, text string) bot.Message {
	m := h.msg(user, text)
	m.ChatID, m.ChatType = "-100777", "supergroup"
	return m
}

func TestCommandsAddressedToAnotherBot(t *testing.T) {
	for _, c := range []struct {
		name     string
		username string // RouterOptions.BotUsername
		text     string
		answered bool   // we reply
		want     string // in the reply, when answered
		opens    bool   // a ticket is opened
	}{
		{"bare", "OurBot", "/help", true, "/ticket", false},
		{"ours", "OurBot", "/help@OurBot", true, "/ticket", false},
		{"ours, other case", "OurBot", "/help@ourbot", true, "/ticket", false},
		{"option with @", "@OurBot", "/help@OurBot", true, "/ticket", false},
		{"empty suffix", "OurBot", "/help@", true, "/ticket", false},
		{"other bot", "OurBot", "/help@OtherBot", false, "", false},
		{"other bot, prefix of ours", "OurBot", "/help@OurBo", false, "", false},
		{"ticket for other bot", "OurBot", "/ticket@otherbot máy in hỏng", false, "", false},
		{"ticket for us", "OurBot", "/ticket@OURBOT máy in hỏng", true, "HT-", true},
		{"ask for other bot", "OurBot", "/hoi@otherbot cấp lại văn bằng", false, "", false},
		{"unknown command for other bot", "OurBot", "/weather@otherbot", false, "", false},
		{"no username: any suffix", "", "/help@OtherBot", true, "/ticket", false},
		{"no username: ticket for any bot", "", "/ticket@otherbot máy in hỏng", true, "HT-", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, handled := newAddressedHarness(t, c.username)
			m := groupMsg(h, "42", c.text)
			h.add(m)
			if c.answered {
				r := h.next()
				if r.ReplyToID != m.MessageID {
					t.Fatalf("reply to %q, want to %q: %q", r.ReplyToID, m.MessageID, r.Text)
				}
				mustContain(t, r.Text, c.want)
			}
			// The chat's next command is answered next: anything m caused
			// would have come first.
			after := groupMsg(h, "42", "/help")
			h.add(after)
			r := h.next()
			if r.ReplyToID != after.MessageID {
				t.Fatalf("got a reply to %q before the one to %q: %q", r.ReplyToID, after.MessageID, r.Text)
			}
			if n := handled(m.SourceID); n != 1 {
				t.Errorf("%q handled %d times, want 1", c.text, n)
			}
			if n, err := h.inbox.Pending(); err != nil || n != 0 {
				t.Errorf("inbox pending = %d, %v; want 0", n, err)
			}
			if kept, err := h.inbox.Kept(); err != nil || len(kept) != 0 {
				t.Errorf("inbox kept = %v, %v; want none", kept, err)
			}
			if got := len(h.tickets()); got != map[bool]int{false: 0, true: 1}[c.opens] {
				t.Errorf("%d tickets, want opened=%v", got, c.opens)
			}
			if !c.answered {
				// A message for another bot costs no search: a failing
				// search must not turn it into our apology.
				if n := h.kb.calls.Load(); n != 0 {
					t.Errorf("%d searches for a message to another bot", n)
				}
			}
		})
	}
}

func TestCommandForOtherBotKeepsFocus(t *testing.T) {
	h, _ := newAddressedHarness(t, "OurBot")
	id := ticketIDIn(t, h.one(h.msg("7", "/ticket máy in hỏng")).Text)
	h.one(h.msg("7", "/phieu "+id)) // plain messages now go into id
	// A command for another bot is not ours to act on: it must not end
	// the focus, so the next plain message still goes into the ticket.
	h.add(h.msg("7", "/start@OtherBot"))
	r := h.one(h.msg("7", "thêm: giấy bị kẹt"))
	mustContain(t, r.Text, id)
	if n := len(h.tickets()); n != 1 {
		t.Errorf("%d tickets, want the one followed up", n)
	}
}
