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

// An erasure cut short after a batch committed (here: its context ends at
// the pause between two batches) leaves the knowledge draft of the
// anonymised ticket to rewrite; the next erasure, which skips that ticket,
// still rewrites it.
func TestEraseCutShortStillErasesTheDraft(t *testing.T) {
	kb := t.TempDir()
	h := newStaffHarness(t, bot.StaffOptions{KnowledgeDir: kb})
	id, _, _ := h.open("100", "Cơ quan nào cấp giấy phép kiwibanana?")
	h.resolveAs("U1", id, map[string]string{"answer": "Sở KH&CN cấp giấy phép.", "propose": "true"})
	h.want("the draft in the thread", inThread(id, "📚"))
	h.open("100", "/ticket Second question mangosteen")
	draft := filepath.Join(kb, "review", id+".md")

	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{BatchSize: 1})
	req := bot.EraseRequest{Channel: bot.Telegram, UserID: "100", Why: "officer request", By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:op"}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Erase(ctx, req); err == nil {
		t.Fatal("an erasure whose context ended finished")
	}
	if h.ticket(id).Anonymised.IsZero() {
		t.Fatalf("the first batch did not anonymise %s: the test does not cut the erasure where it means to", id)
	}
	if _, err := e.Erase(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(draft)
	if err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, string(b), "kiwibanana", "Cơ quan nào cấp")
	mustContain(t, string(b), "## Câu hỏi\n\n(Nội dung câu hỏi đã được xoá theo Luật 91/2025/QH15.)", "Sở KH&CN cấp giấy phép.")
	if got := tracesInFile(t, h.db.Path(), "kiwibanana", "mangosteen"); len(got) > 0 {
		t.Errorf("the file still holds the officer's words:\n%s", strings.Join(got, "\n"))
	}
}

// A retention run cut short after its batch committed owes the scrub of
// the pages it freed; the next run, finding nothing more to anonymise,
// scrubs them.
func TestRetentionCutShortIsScrubbedByTheNextRun(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	done := []tickets.State{tickets.StateClaimed, tickets.StateProgress, tickets.StateResolved, tickets.StateClosed}
	a, _, _ := h.open("100", "durianzebra question one")
	h.staff(a, done...)
	b, _, _ := h.open("200", "rambutanyak question two")
	h.staff(b, done...)
	h.advance(25 * month)
	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{Now: h.now, BatchSize: 2})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := e.ApplyRetention(ctx, h.now().Add(-24*month)); n != 2 || err == nil {
		t.Fatalf("cut short: %d, %v; want both tickets anonymised and the context's error", n, err)
	}
	if got := tracesInDB(t, h.db, "durianzebra", "rambutanyak"); len(got) > 0 {
		t.Fatalf("the database still holds the questions:\n%s", strings.Join(got, "\n"))
	}
	if n, err := e.ApplyRetention(context.Background(), h.now().Add(-24*month)); n != 0 || err != nil {
		t.Fatalf("next run: %d, %v", n, err)
	}
	if got := tracesInFile(t, h.db.Path(), "durianzebra", "rambutanyak"); len(got) > 0 {
		t.Errorf("the file still holds the questions after the next run:\n%s", strings.Join(got, "\n"))
	}
}
