package bot_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mostvn/supportbot/bot"
)

// newEraseHarness is newPrivacyHarness whose Router wakes an Eraser on the
// same database; the Eraser does not run until the test starts it (run).
func newEraseHarness(t *testing.T) (h *rtHarness, e *bot.Eraser, run func()) {
	t.Helper()
	h = newStoppedHarness(t)
	h.unconsented = true
	reg, err := bot.OpenErasureRegister(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err = bot.NewEraser(bot.EraserOptions{DB: h.db, Tickets: h.store, Outbox: h.outbox, Register: reg, Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	if h.router, err = bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, bot.RouterOptions{
		Workers: 4, Now: h.now, Metrics: h.metrics, Eraser: e,
	}); err != nil {
		t.Fatal(err)
	}
	h.start()
	run = func() {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := e.Run(ctx); err != nil {
				t.Errorf("eraser: %v", err)
			}
		})
		t.Cleanup(func() { cancel(); wg.Wait() })
	}
	return h, e, run
}

func pending(t *testing.T, e *bot.Eraser) int {
	t.Helper()
	n, err := e.Pending()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeleteMyDataAsksCancelsAndStoresOneRequest(t *testing.T) {
	h, e, _ := newEraseHarness(t)
	registered(h, pdUser, false)
	id := ticketIDIn(t, h.one(h.msg(pdUser, "/ticket hồ sơ cấp phép bức xạ")).Text)

	ask := h.one(h.msg(pdUser, "/xoadulieu"))
	mustContain(t, ask.Text, "Xoá dữ liệu của bạn?", "Hồ sơ của bạn", "mọi tin nhắn", "Phiếu hỗ trợ của bạn được giữ lại", "ẩn danh",
		"Slack", "Không thể hoàn tác", "bản sao lưu")
	if got := buttonData(ask.Reply); !slices.Equal(got, []string{"pd:erase", "pd:keep"}) {
		t.Fatalf("buttons = %q", got)
	}
	if b := ask.Buttons[0]; b[0].Text != "Xoá dữ liệu của tôi" || b[0].Style != "danger" || b[1].Text != "Huỷ" {
		t.Errorf("buttons = %+v", b)
	}

	// Cancel erases nothing.
	keep := h.say(h.press(pdUser, "pd:keep"), 2)
	mustContain(t, keep[1].Text, "Đã huỷ", "không bị xoá")
	if n := pending(t, e); n != 0 {
		t.Errorf("%d erase requests after Cancel", n)
	}
	if !officerStored(t, h, pdUser) || h.ticket(id).UserID != pdUser {
		t.Error("Cancel erased something")
	}

	// Confirm stores the request, in the same turn as the reply.
	yes := h.say(h.press(pdUser, "pd:erase"), 1)
	if yes[0].CallbackID == "" {
		t.Errorf("the press was not answered: %+v", yes[0].Reply)
	}
	mustContain(t, yes[0].Text, "Đang xoá")
	if n := pending(t, e); n != 1 {
		t.Fatalf("%d erase requests after Confirm, want 1", n)
	}
	// While it waits, neither the button nor the command asks again.
	mustContain(t, h.say(h.press(pdUser, "pd:erase"), 2)[1].Text, "đang được xoá")
	mustContain(t, h.one(h.msg(pdUser, "/xoadulieu")).Text, "đang được xoá")
	if n := pending(t, e); n != 1 {
		t.Errorf("%d erase requests after a second Confirm, want 1", n)
	}
}

func TestDeleteMyDataInEnglish(t *testing.T) {
	h, e, _ := newEraseHarness(t)
	registered(h, pdUser, true)
	ask := h.one(enMsg(h, pdUser, "/deletemydata"))
	mustContain(t, ask.Text, "Delete your data?", "Your profile", "cannot be undone", "backup")
	mustNotContain(t, ask.Text, "support ticket") // an officer without tickets is not told "0 tickets are kept"
	if b := ask.Buttons[0]; b[0].Text != "Delete my data" || b[1].Text != "Cancel" {
		t.Errorf("buttons = %+v", b)
	}
	mustContain(t, h.say(enPress(h, pdUser, "pd:keep"), 2)[1].Text, "Cancelled")
	mustContain(t, h.say(enPress(h, pdUser, "pd:erase"), 1)[0].Text, "Deleting")
	if n := pending(t, e); n != 1 {
		t.Errorf("%d erase requests, want 1", n)
	}
}

// TestDeleteMyDataErasesAndAnOldButtonDoesNothing needs the Eraser and
// what it calls (tickets.Tx.Anonymise, schedules.ForgetOfficer, …).
func TestDeleteMyDataErasesAndAnOldButtonDoesNothing(t *testing.T) {
	h, e, run := newEraseHarness(t)
	registered(h, pdUser, false)
	id := ticketIDIn(t, h.one(h.msg(pdUser, "/ticket hồ sơ cấp phép bức xạ")).Text)
	h.one(h.msg(pdUser, "/xoadulieu"))
	mustContain(t, h.say(h.press(pdUser, "pd:erase"), 1)[0].Text, "Đang xoá")

	run()
	done := h.next()
	if done.ChatID != pdUser || !strings.Contains(done.Text, "Đã xoá dữ liệu của bạn; 1 phiếu hỗ trợ") {
		t.Fatalf("after the erasure: %+v", done.Reply)
	}
	if officerStored(t, h, pdUser) {
		t.Error("the officer record survived the erasure")
	}
	if tk := h.ticket(id); tk.UserID != "" || tk.Anonymised.IsZero() {
		t.Errorf("ticket %s after the erasure: %+v", id, tk)
	}

	// The old confirmation erases nothing more, and says so.
	old := h.say(h.press(pdUser, "pd:erase"), 2)
	mustContain(t, old[1].Text, "Không có gì để xoá")
	if n := pending(t, e); n != 0 {
		t.Errorf("an old button stored %d requests", n)
	}
	mustContain(t, h.one(h.msg(pdUser, "/dulieu")).Text, "Tôi không lưu thông tin nào về bạn.")
}

// An officer who had no ticket is told their data was deleted, without a
// count of tickets kept.
func TestDeleteMyDataWithoutTicketsSaysNoTicketCount(t *testing.T) {
	for _, en := range []bool{false, true} {
		h, _, run := newEraseHarness(t)
		registered(h, pdUser, en)
		press := h.press
		if en {
			press = func(u, s string) bot.Message { return enPress(h, u, s) }
		}
		h.one(h.msg(pdUser, "/xoadulieu"))
		h.say(press(pdUser, "pd:erase"), 1)
		run()
		done := h.next()
		want := "Đã xoá dữ liệu của bạn. Nếu bạn nhắn tin lại"
		if en {
			want = "Your data has been deleted. If you write to me again"
		}
		if done.ChatID != pdUser || !strings.Contains(done.Text, want) || strings.Contains(done.Text, "0") {
			t.Errorf("en=%v: after the erasure: %q, want %q and no count", en, done.Text, want)
		}
	}
}

// Declining deletes the questions the officer asked, so that /xoadulieu's
// "nothing is stored" and /dulieu agree, and both are true.
func TestDeclineDeletesTheQuestionsAndDeleteMyDataAgreesWithMyData(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	registered(h, pdUser, false)
	h.kb.set("cấp lại", rtAnswer())
	h.one(h.msg(pdUser, "Ai cấp lại văn bằng bảo hộ kiwiquestion?"))
	if got := storedAbout(t, h.db, "kiwiquestion", "bot_questions"); len(got) == 0 {
		t.Fatal("the answered question was not stored: the test does not test what it means to")
	}
	no := h.say(h.press(pdUser, "pd:no"), 2)
	mustContain(t, no[1].Text, "các câu hỏi bạn đã gửi")
	if got := storedAbout(t, h.db, "kiwiquestion", "bot_questions"); len(got) > 0 {
		t.Errorf("the question survived the decline: %v", got)
	}
	mustContain(t, h.one(h.msg(pdUser, "/xoadulieu")).Text, "Tôi không lưu thông tin nào về bạn.")
	md := h.one(h.msg(pdUser, "/dulieu"))
	mustContain(t, md.Text, "Tôi không lưu thông tin nào về bạn.")
	if len(md.Files) != 0 {
		t.Errorf("/dulieu exported %d files about an officer it holds nothing of", len(md.Files))
	}
}
