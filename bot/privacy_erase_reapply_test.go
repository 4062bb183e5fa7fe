package bot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// A backup taken before an erasure, restored, is erased again from the
// register kept beside the database.
func TestReapplyErasesAnOfficerRestoredFromAnOlderCopy(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	backup := filepath.Join(t.TempDir(), "before.db")
	if err := h.store.Backup(backup); err != nil {
		t.Fatal(err)
	}
	regDir := t.TempDir()
	e := newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{})
	if _, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, Why: "officer request",
		By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + erasedID}}); err != nil {
		t.Fatal(err)
	}

	restored := t.TempDir()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, tickets.DBFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := tickets.OpenDB(restored)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := bot.NewOutbox(db, bot.OutboxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tracesInDB(t, db, erasedNeedles...); len(got) == 0 {
		t.Fatal("the restored copy holds nothing of the officer: the test proves nothing")
	}
	re := newEraser(t, db, st, out, regDir, bot.EraserOptions{})
	rep, err := re.ReapplyAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Officers != 1 || rep.Tickets != len(o.tickets) {
		t.Errorf("re-applied: %+v, want 1 officer and %d tickets", rep, len(o.tickets))
	}
	for _, id := range o.tickets {
		tk, err := st.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Anonymised.IsZero() || tk.UserID != "" {
			t.Errorf("restored ticket %s is not anonymised: %+v", id, tk)
		}
	}
	vr, err := st.Verify(context.Background())
	if err != nil || !vr.OK() {
		t.Errorf("verify: %v, %+v", err, vr)
	}
	if got := tracesInDB(t, db, erasedNeedles...); len(got) > 0 {
		t.Errorf("the restored database still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
	if got := tracesInFile(t, db.Path(), erasedNeedles...); len(got) > 0 {
		t.Errorf("the restored file still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}

	// Nothing is left to re-apply.
	if n, err := re.Reapply(context.Background()); err != nil || n != 0 {
		t.Errorf("second re-application: %d tickets, %v", n, err)
	}
}
