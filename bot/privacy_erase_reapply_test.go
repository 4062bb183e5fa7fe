package bot_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// A backup taken before an erasure, restored, is erased again from the
// register kept beside the database.
func TestReapplyErasesAnOfficerRestoredFromAnOlderCopy(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	backup, regDir := backUpAndErase(t, h)

	db, st, out := openBotDB(t, restoreBackup(t, backup))
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

// An officer who came back after their erasure and agreed to the notice
// again is a new relationship: re-applying the register leaves it alone,
// while what predates the erasure stays erased.
func TestReapplyLeavesAnOfficerWhoCameBack(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	old, _, _ := h.open(erasedID, "quokkaform before the erasure")
	h.advance(time.Hour)
	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{Now: h.now})
	if _, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, Why: "officer request",
		By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + erasedID}}); err != nil {
		t.Fatal(err)
	}

	h.advance(24 * time.Hour)
	if err := h.db.Update(func(tx *bolt.Tx) error { return bot.RecordConsent(tx, bot.Telegram, erasedID, h.now()) }); err != nil {
		t.Fatal(err)
	}
	again, _, _ := h.open(erasedID, "kiwibanana after coming back")

	rep, err := e.ReapplyAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Officers != 0 || rep.Tickets != 0 {
		t.Errorf("re-applied %+v to an officer who agreed after the erasure", rep)
	}
	if tk := h.ticket(again); tk.UserID != erasedID || !tk.Anonymised.IsZero() {
		t.Errorf("the ticket opened after coming back: %+v", tk)
	}
	if !officerRecordStored(t, h.db, erasedID) {
		t.Error("the record made when the officer agreed again is gone")
	}
	if tk := h.ticket(old); tk.Anonymised.IsZero() || tk.UserID != "" {
		t.Errorf("the ticket from before the erasure: %+v", tk)
	}
}

// officerRecordStored reports whether the bot keeps a record of the
// Telegram user.
func officerRecordStored(t *testing.T, db *bolt.DB, user string) bool {
	t.Helper()
	found := false
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("bot_officers")); b != nil {
			found = b.Get([]byte("telegram\x00"+user)) != nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// A database file an operator put back by hand (a backup copied over it
// while the bot was stopped, not `supportbot restore`) is erased again when
// the Eraser starts: the database keeps how many erasures it has had
// applied, and the register holds more. A start with nothing new to apply
// re-applies nothing.
func TestRunReerasesADatabaseCopiedBackByHand(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	backup, regDir := backUpAndErase(t, h)

	// The bot starts again on its own file: nothing to re-apply.
	logs := &syncBuffer{}
	started(t, h.db, newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{Log: slog.New(slog.NewTextHandler(logs, nil))}))
	if strings.Contains(logs.String(), "re-applied") {
		t.Errorf("a start after an erasure re-applied it:\n%s", logs)
	}

	// The operator copies the backup over the file and starts the bot.
	db, st, out := openBotDB(t, restoreBackup(t, backup))
	if got := tracesInDB(t, db, erasedNeedles...); len(got) == 0 {
		t.Fatal("the copied file holds nothing of the officer: the test proves nothing")
	}
	logs = &syncBuffer{}
	started(t, db, newEraser(t, db, st, out, regDir, bot.EraserOptions{Log: slog.New(slog.NewTextHandler(logs, nil))}))
	for _, id := range o.tickets {
		if tk, err := st.Get(id); err != nil || tk.Anonymised.IsZero() || tk.UserID != "" {
			t.Errorf("ticket %s of the copied file: %+v, %v", id, tk, err)
		}
	}
	if got := tracesInDB(t, db, erasedNeedles...); len(got) > 0 {
		t.Errorf("the copied database still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
	if got := tracesInFile(t, db.Path(), erasedNeedles...); len(got) > 0 {
		t.Errorf("the copied file still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
	if !strings.Contains(logs.String(), "re-applied") {
		t.Errorf("the start does not log the re-application:\n%s", logs)
	}
	if got := logs.String(); strings.Contains(got, erasedID) || strings.Contains(got, "Erasmo") {
		t.Errorf("the log names the officer:\n%s", got)
	}

	// Started again, it has nothing more to apply.
	logs = &syncBuffer{}
	started(t, db, newEraser(t, db, st, out, regDir, bot.EraserOptions{Log: slog.New(slog.NewTextHandler(logs, nil))}))
	if strings.Contains(logs.String(), "re-applied") {
		t.Errorf("a second start re-applied again:\n%s", logs)
	}
}

// started runs e until its first pass is done (a stored request of a
// nobody, carried out after whatever Run does first), then stops it.
func started(t *testing.T, db *bolt.DB, e *bot.Eraser) {
	t.Helper()
	done := make(chan error, 10)
	bot.SetEraseHook(e, func(err error) { done <- err })
	if err := db.Update(func(tx *bolt.Tx) error {
		return bot.RequestErase(tx, bot.EraseRequest{Channel: bot.Telegram, UserID: "1", Why: "a marker"})
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := e.Run(ctx); err != nil {
			t.Errorf("eraser run: %v", err)
		}
	})
	<-done
	cancel()
	wg.Wait()
}

// An erasure a crash cut short after recording it (its request still
// stored) is finished when the Eraser starts again, as the request asked:
// the officer is told, and the register keeps the one record.
func TestRunFinishesAnErasureCutShortAfterItsRecord(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	req := bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, ChatID: erasedID, Lang: "en", Why: "officer request",
		By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + erasedID}}
	if err := h.db.Update(func(tx *bolt.Tx) error { return bot.RequestErase(tx, req) }); err != nil {
		t.Fatal(err)
	}
	regDir := t.TempDir()
	if err := openRegister(t, regDir).Record(bot.Telegram, erasedID, o.tickets, "officer request", time.Now()); err != nil {
		t.Fatal(err)
	}

	e := newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{})
	started(t, h.db, e)
	conf := h.want("the confirmation", func(r rtSent) bool { return toOfficer(erasedID)(r) && strings.Contains(r.Text, "anonymised") })
	mustContain(t, conf.Text, "Support tickets kept anonymised: 3")
	if n, err := e.Pending(); err != nil || n != 0 {
		t.Errorf("pending requests: %d, %v", n, err)
	}
	if recs := registerRecords(t, regDir); len(recs) != 1 {
		t.Errorf("the register holds %d records, want the one erasure", len(recs))
	}
	if err := e.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := tracesInDB(t, h.db, erasedNeedles...); len(got) > 0 {
		t.Errorf("the database still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
	if got := tracesInFile(t, h.db.Path(), erasedNeedles...); len(got) > 0 {
		t.Errorf("the database file still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
}
