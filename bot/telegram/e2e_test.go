package telegram_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func TestE2EQuestionAnsweredThenNotHelpfulOpensOneTicket(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 101
	p.agreed(t, officer)

	fake.PushText(officer, officer, "khai báo thiết bị X-quang")
	sent := waitSent(t, fake, officer, 1)
	answer := sent[0]
	if answer.ParseMode != "HTML" {
		t.Errorf("answer sent in parse mode %q, want HTML", answer.ParseMode)
	}
	if !strings.Contains(answer.Plain(), "1915/QĐ-BKHCN") || !strings.Contains(answer.Text, "<a href=") {
		t.Errorf("answer lacks its citation or source link:\n%s", answer.Text)
	}
	msgID, yes, okYes := button(sent, "✅ Đã rõ")
	_, no, okNo := button(sent, "❌ Chưa rõ, chuyển cán bộ hỗ trợ")
	if !okYes || !okNo {
		t.Fatalf("answer lacks the two buttons; markup %s", answer.RawMarkup)
	}
	if yes == no {
		t.Fatalf("both buttons carry %q", yes)
	}

	_, cb := fake.PushCallback(officer, officer, msgID, no)
	sent = waitSent(t, fake, officer, 2)
	if !strings.Contains(sent[1].Plain(), "HT-000001") {
		t.Errorf("after ❌ the officer read %q, want the ticket number HT-000001", sent[1].Plain())
	}
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Answers()) == 1 }); err != nil {
		t.Fatalf("button press never answered: %v", err)
	}
	if a := fake.Answers()[0]; a.CallbackID != cb || a.Text == "" {
		t.Errorf("answer %+v, want a toast for %q", a, cb)
	}

	// A second tap on the same button must not open a second ticket.
	fake.PushCallback(officer, officer, msgID, no)
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Answers()) == 2 }); err != nil {
		t.Fatalf("second press never answered: %v", err)
	}
	p.stop(t)
	st, db := reopenStore(t, p)
	defer db.Close()
	ts := ticketsOf(t, st, officer)
	if len(ts) != 1 {
		t.Fatalf("officer has %d tickets after two taps on ❌, want 1", len(ts))
	}
	if ts[0].Text != "khai báo thiết bị X-quang" || len(ts[0].Hits) == 0 {
		t.Errorf("ticket %+v does not hold the question and what was shown", ts[0])
	}
}

func TestE2EHelpfulButtonThanks(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 102
	p.agreed(t, officer)
	fake.PushText(officer, officer, "báo cáo an toàn bức xạ hằng năm")
	sent := waitSent(t, fake, officer, 1)
	msgID, yes, ok := button(sent, "✅")
	if !ok {
		t.Fatalf("no ✅ button on %s", sent[0].RawMarkup)
	}
	fake.PushCallback(officer, officer, msgID, yes)
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Answers()) == 1 }); err != nil {
		t.Fatalf("✅ never answered: %v", err)
	}
	p.stop(t)
	st, db := reopenStore(t, p)
	defer db.Close()
	if ts := ticketsOf(t, st, officer); len(ts) != 0 {
		t.Errorf("✅ opened %d tickets, want none", len(ts))
	}
}

func TestE2ETicketCommandAndPrivacy(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const owner, other = 201, 202
	p.agreed(t, owner)

	fake.PushText(owner, owner, "/ticket Cần hướng dẫn hồ sơ cấp giấy phép vô tuyến điện nghiệp dư")
	if got := waitSent(t, fake, owner, 1)[0].Plain(); !strings.Contains(got, "HT-000001") {
		t.Fatalf("/ticket answered %q, want the number HT-000001", got)
	}

	fake.PushText(other, other, "/phieu HT-000001")
	refusal := waitSent(t, fake, other, 1)[0].Plain()
	if !strings.Contains(refusal, "HT-000001") || strings.Contains(refusal, "vô tuyến điện") {
		t.Errorf("someone else's /phieu HT-000001 answered %q: must refuse without showing the ticket", refusal)
	}

	fake.PushText(owner, owner, "/phieu HT-000001")
	if got := waitSent(t, fake, owner, 2)[1].Plain(); !strings.Contains(got, "vô tuyến điện nghiệp dư") {
		t.Errorf("the owner's /phieu HT-000001 answered %q, want the ticket's status and text", got)
	}
}

func TestE2ERegistrationOnKeyboard(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 301

	fake.PushText(officer, officer, "/start")
	sent := waitSent(t, fake, officer, 1)
	msgID, agree, ok := button(sent, "Đồng ý") // the privacy notice comes first
	if !ok {
		t.Fatalf("/start offered no Agree button: %s", sent[0].RawMarkup)
	}
	fake.PushCallback(officer, officer, msgID, agree)
	sent = waitSent(t, fake, officer, 2)
	kbd := sent[len(sent)-1].Markup
	n := 0
	for _, row := range kbd.Keyboard {
		n += len(row)
	}
	if n != 34 || !kbd.OneTimeKeyboard {
		t.Fatalf("/start offered %d provinces (one-time %v), want the 34 on a one-time keyboard", n, kbd.OneTimeKeyboard)
	}
	province := kbd.Keyboard[0][0].Text

	fake.PushText(officer, officer, province)
	sent = waitSent(t, fake, officer, len(sent)+1)
	if m := sent[len(sent)-1]; !m.Markup.RemoveKeyboard || !strings.Contains(m.Plain(), province) {
		t.Errorf("after the province the bot said %q (remove keyboard %v)", m.Plain(), m.Markup.RemoveKeyboard)
	}

	fake.PushText(officer, officer, "Xã Tân Phú")
	sent = waitSent(t, fake, officer, len(sent)+1)
	roles := sent[len(sent)-1].Markup.Keyboard
	if len(roles) == 0 {
		t.Fatalf("no role keyboard; the bot said %q", sent[len(sent)-1].Plain())
	}

	fake.PushText(officer, officer, roles[0][0].Text)
	sent = waitSent(t, fake, officer, len(sent)+1)
	done := sent[len(sent)-1]
	if !strings.Contains(done.Plain(), province) || !strings.Contains(done.Plain(), "Xã Tân Phú") || !done.Markup.RemoveKeyboard {
		t.Errorf("registration ended with %q, want province and commune confirmed and the keyboard removed", done.Plain())
	}
}

func TestE2ERestartWithPendingInboxAndOutbox(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	dir := t.TempDir()
	chats := []int64{401, 402, 403}

	// 1. Only the poller runs: the updates are stored and confirmed, and
	// the process stops with all of them pending in the inbox.
	p := startPipeline(t, fake, dir, noLimits, parts{poller: true})
	p.agreed(t, append(chats, 404)...)
	var ids []int64
	for _, c := range chats {
		ids = append(ids, fake.PushText(c, c, "/ticket Hỏi về hạn nộp báo cáo định kỳ"))
	}
	waitConfirmed(t, fake, ids...)
	p.stop(t)
	p = startPipeline(t, fake, dir, noLimits, parts{})
	if n := pending(t, p.in); n != len(chats) {
		t.Fatalf("inbox holds %d updates after polling, want %d", n, len(chats))
	}
	p.stop(t)

	// 2. Router and outbox run, but Telegram hangs on every send (retries
	// included): the process stops with the three replies pending in the
	// outbox.
	for range 100 {
		fake.StallNext("sendMessage")
	}
	p = startPipeline(t, fake, dir, noLimits, parts{router: true, outbox: true, sendTimeout: time.Second})
	attempted := func() bool {
		seen := map[string]bool{}
		for _, c := range fake.Calls("sendMessage") {
			seen[c.Fields["chat_id"]] = true
		}
		return len(seen) == len(chats)
	}
	if err := fake.Wait(waitCtx(t), attempted); err != nil {
		t.Fatalf("the replies were never attempted: %v", err)
	}
	p.stop(t)
	if n := len(fake.Sent()); n != 0 {
		t.Fatalf("%d messages delivered before the restart, want 0", n)
	}
	fake.ClearFailures()
	p = startPipeline(t, fake, dir, noLimits, parts{}) // nothing runs: look at the queues
	if n, _ := p.out.Depth(); n != len(chats) {
		t.Errorf("outbox holds %d replies before the restart, want %d", n, len(chats))
	}
	if n := pending(t, p.in); n != 0 {
		t.Errorf("inbox holds %d updates before the restart, want 0", n)
	}
	p.stop(t)

	// 3. Restart with everything: each officer gets exactly one reply with
	// exactly one ticket; a new question is handled too.
	p = startPipeline(t, fake, dir, noLimits, all)
	fake.PushText(404, 404, "/ticket Câu hỏi mới sau khi khởi động lại")
	for _, c := range append(chats, 404) {
		waitSent(t, fake, c, 1)
	}
	out := p.out
	p.stop(t)
	if n, _ := out.Depth(); n != 0 {
		t.Errorf("outbox depth %d after delivery, want 0", n)
	}
	st, db := reopenStore(t, p)
	defer db.Close()
	numbers := map[string]bool{}
	for _, c := range append(chats, 404) {
		got := fake.SentTo(c)
		if len(got) != 1 {
			t.Errorf("chat %d got %d messages, want exactly 1:\n%s", c, len(got), dump(got))
		}
		ts := ticketsOf(t, st, c)
		if len(ts) != 1 {
			t.Errorf("chat %d has %d tickets, want 1", c, len(ts))
			continue
		}
		numbers[ts[0].ID] = true
		if len(got) == 1 && !strings.Contains(got[0].Plain(), ts[0].ID) {
			t.Errorf("chat %d was told %q, not its ticket %s", c, got[0].Plain(), ts[0].ID)
		}
	}
	if len(numbers) != 4 {
		t.Errorf("ticket numbers %v, want 4 distinct", numbers)
	}
}

func TestE2ESendsSurvive429And502(t *testing.T) {
	fake := newFake(t, faketg.Options{EnforceLimits: true})
	p := startPipeline(t, fake, t.TempDir(), telegram.APILimits(), all)
	const officer = 501
	p.agreed(t, officer)
	fake.FailNext("sendMessage", 429, 1)
	fake.FailNext("sendMessage", 502, 0)
	fake.PushText(officer, officer, "/ticket Cần hỗ trợ khai báo X-quang")
	fake.PushText(officer, officer, "/help")
	sent := waitSent(t, fake, officer, 2)
	if !strings.Contains(sent[0].Plain(), "HT-000001") || !strings.Contains(sent[1].Plain(), "/ticket") {
		t.Errorf("messages out of order or wrong:\n%s", dump(sent))
	}
	if got := fake.RateLimited(); got != 1 {
		t.Errorf("fake answered %d 429s, want only the injected one (the outbox must keep the limits)", got)
	}
}

func TestE2EBlockedOfficerRecordedOnTicket(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 601
	p.agreed(t, officer)
	fake.Block(officer)
	fake.PushText(officer, officer, "/ticket Hồ sơ chuyển giao công nghệ")
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Calls("sendMessage")) == 1 }); err != nil {
		t.Fatalf("reply never attempted: %v", err)
	}
	p.stop(t) // the send in flight is recorded before Run returns
	st, db := reopenStore(t, p)
	defer db.Close()
	ts := ticketsOf(t, st, officer)
	if len(ts) != 1 {
		t.Fatalf("%d tickets, want 1", len(ts))
	}
	if len(ts[0].DeliveryFailures) != 1 {
		t.Fatalf("ticket %s has %d delivery failures, want the 403 recorded for staff", ts[0].ID, len(ts[0].DeliveryFailures))
	}
	if f := ts[0].DeliveryFailures[0]; !strings.Contains(strings.ToLower(f.Reason), "blocked") {
		t.Errorf("delivery failure %+v does not say the bot was blocked", f)
	}
	if len(fake.Calls("sendMessage")) != 1 {
		t.Errorf("a permanent failure was retried: %d sendMessage calls", len(fake.Calls("sendMessage")))
	}
}

// TestE2EBurstUnderTelegramLimits is issue 4's burst: 200 questions from 50
// officers against a fake that enforces Telegram's limits. Every officer
// gets every answer, in order, and the fake refuses at most one send in
// twenty. It takes about 7 s (4 messages per chat at 1 per second, 200 at
// 30 per second).
func TestE2EBurstUnderTelegramLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("7 s under Telegram's limits")
	}
	const officers, each = 50, 4
	fake := newFake(t, faketg.Options{EnforceLimits: true})
	p := startPipeline(t, fake, t.TempDir(), telegram.APILimits(), all)
	chat := func(i int) int64 { return int64(700_000 + i) }
	for i := range officers {
		p.agreed(t, chat(i))
	}
	for round := 1; round <= each; round++ {
		for i := range officers {
			fake.PushText(chat(i), chat(i), "/ticket Câu hỏi số "+strconv.Itoa(round)+" của cán bộ "+strconv.Itoa(i))
		}
	}
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Sent()) >= officers*each }); err != nil {
		t.Fatalf("%d of %d answers delivered: %v", len(fake.Sent()), officers*each, err)
	}
	p.stop(t)

	st, db := reopenStore(t, p)
	defer db.Close()
	for i := range officers {
		got := fake.SentTo(chat(i))
		if len(got) != each {
			t.Errorf("officer %d got %d answers, want %d", i, len(got), each)
			continue
		}
		for round, m := range got {
			id := m.Plain()[strings.Index(m.Plain(), "HT-"):][:9]
			tk, err := st.Get(id)
			if err != nil {
				t.Fatalf("answer %q names %s: %v", m.Plain(), id, err)
			}
			if want := "Câu hỏi số " + strconv.Itoa(round+1) + " "; !strings.Contains(tk.Text, want) {
				t.Errorf("officer %d's answer %d is about %q: out of order", i, round+1, tk.Text)
			}
		}
	}
	sends, refused := len(fake.Calls("sendMessage")), fake.RateLimited()
	t.Logf("%d sendMessage calls, %d answered 429 %v", sends, refused, fake.RateLimitedBy())
	if refused*20 > sends {
		t.Errorf("%d of %d sends refused with 429, want at most one in twenty", refused, sends)
	}
}
