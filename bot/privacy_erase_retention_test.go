package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

const month = 30 * 24 * time.Hour

// retentionSetting opens three tickets: one closed and one left open 25
// months ago, one closed just now.
func retentionSetting(t *testing.T) (h *stHarness, oldClosed, oldOpen, newClosed string) {
	t.Helper()
	h = newStaffHarness(t, bot.StaffOptions{})
	done := []tickets.State{tickets.StateClaimed, tickets.StateProgress, tickets.StateResolved, tickets.StateClosed}
	oldClosed, _, _ = h.open("100", "Câu hỏi cũ đã xong về văn bằng")
	h.staff(oldClosed, done...)
	oldOpen, _, _ = h.open("200", "Câu hỏi cũ còn mở về văn bằng")
	h.advance(25 * month)
	newClosed, _, _ = h.open("300", "Câu hỏi mới đã xong về văn bằng")
	h.staff(newClosed, done...)
	return h, oldClosed, oldOpen, newClosed
}

func TestApplyRetentionAnonymisesOnlyOldClosedTickets(t *testing.T) {
	h, oldClosed, oldOpen, newClosed := retentionSetting(t)
	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{Now: h.now})
	n, err := e.ApplyRetention(context.Background(), h.now().Add(-24*month))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("anonymised %d tickets, want 1", n)
	}
	if tk := h.ticket(oldClosed); tk.Anonymised.IsZero() || tk.UserID != "" || tk.Text != "" || tk.State != tickets.StateClosed {
		t.Errorf("the old closed ticket: %+v", tk)
	}
	for _, id := range []string{oldOpen, newClosed} {
		if tk := h.ticket(id); !tk.Anonymised.IsZero() || tk.UserID == "" || tk.Text == "" {
			t.Errorf("ticket %s was touched: %+v", id, tk)
		}
	}
	evs, err := h.store.Events(oldClosed)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Kind != tickets.EventAnonymised || last.Actor.Kind != tickets.ActorSystem {
		t.Errorf("last event %+v, want an anonymisation by the system", last)
	}
	c := h.want("the card of the expired ticket", card(oldClosed, outbox.KindUpdate))
	mustContain(t, c.Text, "hết thời hạn lưu trữ")
	mustNotContain(t, c.Text, "văn bằng", "Cán bộ 100")
	h.none("a card of another ticket erased", func(r rtSent) bool {
		return r.Kind == outbox.KindUpdate && strings.Contains(r.Text, "xoá") && !strings.Contains(r.Ref, oldClosed)
	})
	vr, err := h.store.Verify(context.Background())
	if err != nil || !vr.OK() {
		t.Errorf("verify: %v, %+v", err, vr)
	}

	// Nothing is left to do a second time.
	if n, err := e.ApplyRetention(context.Background(), h.now().Add(-24*month)); err != nil || n != 0 {
		t.Errorf("second run: %d, %v", n, err)
	}
}

func TestRunAppliesRetentionWhenSet(t *testing.T) {
	h, oldClosed, _, _ := retentionSetting(t)
	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{Now: h.now, Retention: 24 * month})
	runEraser(t, e)
	mustContain(t, h.want("the card of the expired ticket", card(oldClosed, outbox.KindUpdate)).Text, "hết thời hạn lưu trữ")
	if tk := h.ticket(oldClosed); tk.Anonymised.IsZero() {
		t.Errorf("the old closed ticket is not anonymised")
	}
}

// A message refused as bad input keeps the officer's words only for
// operators to see what was refused, RejectedRetention long.
func TestRejectedEntriesArePrunedAfterTheirRetention(t *testing.T) {
	h := newStoppedHarness(t)
	prunes := make(chan time.Time)
	pruned := make(chan error, 10)
	bot.SetPruneHooks(h.router, prunes, func(err error) { pruned <- err })
	h.start()
	if err := <-pruned; err != nil { // the run at start
		t.Fatal(err)
	}
	long := h.msg("100", strings.Repeat("quá dài ", 1000))
	long.Received = h.now()
	h.one(long) // told it is too long
	kept := func() int {
		ks, err := h.inbox.Kept()
		if err != nil {
			t.Fatal(err)
		}
		return len(ks)
	}
	if kept() != 1 {
		t.Fatalf("kept entries: %d, want the rejected one", kept())
	}
	h.advance(bot.RejectedRetention - time.Hour)
	prunes <- h.now()
	if err := <-pruned; err != nil {
		t.Fatal(err)
	}
	if kept() != 1 {
		t.Fatalf("pruned before its time")
	}
	h.advance(time.Hour)
	prunes <- h.now()
	if err := <-pruned; err != nil {
		t.Fatal(err)
	}
	if kept() != 0 {
		t.Errorf("the rejected entry outlived RejectedRetention")
	}
}
