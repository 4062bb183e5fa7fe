package bot_test

import (
	"strings"
	"testing"
)

// A message without a searchable word is not a failure: it gets a short
// "ask me about …" reply in the sender's language, and no ticket.
func TestNoWordsGetsAskMeReplyNotATicket(t *testing.T) {
	cases := []struct {
		name, text, lang string
		searched         bool // it reaches the index, which finds no word in it
		wants            []string
	}{
		{"question mark", "?", "", false, []string{"132", "133", "sở hữu trí tuệ", "bức xạ", "/help"}},
		{"emoji", "👍", "", false, []string{"132", "133", "/help"}},
		{"dots", "...", "vi", false, []string{"Nghị định", "/help"}},
		{"bangs in English", "!!!", "en", false, []string{"Decrees 132", "133", "intellectual property", "radiation safety", "X-ray", "/help"}},
		{"ask command with punctuation", "/hoi ?!", "", false, []string{"132", "/help"}},
		{"ask command in English", "/ask 🙂", "en-US", false, []string{"Decrees", "/help"}},
		{"index finds no word", "empty! câu", "", true, []string{"132", "133", "/help"}},
		{"index finds no word, English", "empty! question", "en", true, []string{"Decrees", "/help"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			m := h.msg("100", c.text)
			m.LangCode = c.lang
			r := h.one(m)
			mustContain(t, r.Text, c.wants...)
			mustNotContain(t, r.Text, "HT-", "Xin lỗi", "Sorry")
			if got := h.kb.calls.Load() != 0; got != c.searched {
				t.Errorf("searched = %v, want %v", got, c.searched)
			}
			if n := len(h.tickets()); n != 0 {
				t.Errorf("%d tickets opened", n)
			}
			if kept, err := h.inbox.Kept(); err != nil || len(kept) != 0 {
				t.Errorf("kept = %+v, %v", kept, err)
			}
			var b strings.Builder
			if err := h.metrics.WritePrometheus(&b); err != nil {
				t.Fatal(err)
			}
			mustNotContain(t, b.String(), "supportbot_updates_failed_total ")
			h.quiet("100")
		})
	}
}

// Text with a letter or a digit is still searched.
func TestWordsAreStillSearched(t *testing.T) {
	for _, text := range []string{"x?", "132", "phí?"} {
		h := newHarness(t)
		r := h.one(h.msg("100", text))
		ticketIDIn(t, r.Text) // the fake finds nothing: a ticket is opened
		if h.kb.calls.Load() != 1 {
			t.Errorf("%q was not searched", text)
		}
	}
}
