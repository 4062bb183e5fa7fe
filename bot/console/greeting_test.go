package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/console"
	"github.com/mostvn/supportbot/tickets"
)

// The console used to open on a blank screen. It now greets in the
// operator's language: what it is, two questions to try, /help, and how to
// quit; and /quit ends it like Ctrl+D, without sending "/quit" to the bot.
func TestConsoleGreetsAndQuits(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		wants []string
	}{
		{"vi", []string{"trợ lý hỗ trợ cán bộ", "Thử hỏi", "Nghị định 133", "/help", "Ctrl+D", "/quit"}},
		{"en", []string{"support assistant", "Try:", "Decree 133", "/help", "Ctrl+D", "/quit"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			g := console.Greeting(tc.lang)
			if n := strings.Count(g, "  • "); n != 2 {
				t.Errorf("greeting has %d example questions, want 2:\n%s", n, g)
			}
			db, err := tickets.OpenDB(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			inbox, err := bot.NewInbox(db)
			if err != nil {
				t.Fatal(err)
			}
			scr := &screen{wrote: make(chan struct{}, 1)}
			c := console.New(scr, console.Options{Greet: g})
			if err := c.Read(context.Background(), strings.NewReader("/quit\nnot read\n"), inbox); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wants {
				if !strings.Contains(scr.String(), w) {
					t.Errorf("greeting lacks %q:\n%s", w, scr.String())
				}
			}
			if n, err := inbox.Pending(); err != nil || n != 0 {
				t.Errorf("inbox holds %d messages after /quit, want 0 (%v)", n, err)
			}
		})
	}
	// Without Greet (a pipe), nothing is printed before the answers.
	scr := &screen{wrote: make(chan struct{}, 1)}
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inbox, _ := bot.NewInbox(db)
	if err := console.New(scr, console.Options{}).Read(context.Background(), strings.NewReader(""), inbox); err != nil {
		t.Fatal(err)
	}
	if scr.String() != "" {
		t.Errorf("piped console printed %q", scr.String())
	}
}
