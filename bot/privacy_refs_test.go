package bot_test

import (
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// The refs of a ticket's Slack posts outlive the outbox's retention while
// the ticket holds personal data, and no longer once it is anonymised, so
// that an erasure can always edit what the bot posted.
func TestTicketRefsAreKeptUntilTheTicketIsAnonymised(t *testing.T) {
	db, st := openTicketStore(t, t.TempDir())
	var id string
	if err := st.Update(func(tx *tickets.Tx) error {
		tk, _, err := tx.Create(tickets.NewTicket{Channel: "telegram", UserID: "42", ChatID: "42", Text: "Hỏi về đo lường"})
		id = tk.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	keep := bot.KeepTicketRefs(st)
	ask := func(ref string) (kept bool) {
		db.View(func(tx *bolt.Tx) error { kept = keep(tx, bot.Slack, "C0TRIAGE", ref); return nil })
		return kept
	}
	for _, ref := range []string{"triage:" + id, "said:" + id + ":q", "said:" + id + ":3"} {
		if !ask(ref) {
			t.Errorf("ref %q of a ticket holding personal data is not kept", ref)
		}
	}
	for _, ref := range []string{"home:U1", "triage:HT-999999", "said:nonsense"} {
		if ask(ref) {
			t.Errorf("ref %q is kept: it names no live ticket", ref)
		}
	}
	if err := st.Update(func(tx *tickets.Tx) error {
		_, err := tx.Anonymise(id, tickets.Actor{Kind: tickets.ActorSystem, ID: "test"}, "retention")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ask("triage:" + id) {
		t.Error("the card's ref is still kept after the ticket was anonymised")
	}
}
