package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// corpusIndex is the shipped knowledge base in memory, built once per test
// binary (about a second).
var corpusIndex = sync.OnceValues(func() (*knowledge.Index, error) {
	entries, errs := knowledge.LoadDir(knowledge.DefaultCorpus())
	if len(errs) > 0 {
		return nil, &errs[0]
	}
	return knowledge.NewMemIndex(entries)
})

func kb(tb testing.TB) bot.Searcher {
	tb.Helper()
	ix, err := corpusIndex()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// noLimits lets the functional tests run without Telegram's one message
// per second per chat; the limit tests use bot.TelegramLimits().
var noLimits = bot.Limits{MaxLen: 4096}

// pipeline is the whole process as cmd wires it: one bbolt file, inbox,
// router, tickets, outbox with the Telegram sender, and the poller, all
// against the fake Bot API.
type pipeline struct {
	dir    string
	db     *bolt.DB
	in     *bot.Inbox
	st     *tickets.Store
	out    *bot.Outbox
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
	once   sync.Once
}

// parts says which actors run; sendTimeout bounds one Bot API request of
// the sender (default 10 s).
type parts struct {
	poller, router, outbox bool
	sendTimeout            time.Duration
}

var all = parts{poller: true, router: true, outbox: true}

func startPipeline(t *testing.T, fake *faketg.Server, dir string, limits bot.Limits, run parts) *pipeline {
	t.Helper()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline{dir: dir, db: db}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if p.in, err = bot.NewInbox(db); err != nil {
		t.Fatal(err)
	}
	if p.st, err = tickets.NewStore(db, tickets.Options{}); err != nil {
		t.Fatal(err)
	}
	var router *bot.Router
	p.out, err = bot.NewOutbox(db, bot.OutboxOptions{
		Logger:   logger,
		OnSent:   func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return router.OnFailed(tx, r, err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if router, err = bot.NewRouter(db, p.in, kb(t), p.st, p.out, bot.RouterOptions{Logger: logger}); err != nil {
		t.Fatal(err)
	}
	if run.sendTimeout == 0 {
		run.sendTimeout = 10 * time.Second
	}
	sender, err := telegram.NewSender(fake.Token(), fake.URL(), telegram.SenderOptions{Timeout: run.sendTimeout, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	p.out.Register(bot.Telegram, sender, limits)
	poller, err := telegram.NewPoller(fake.Token(), fake.URL(), p.in, telegram.PollerOptions{PollTimeout: 5 * time.Second, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	for _, a := range []struct {
		on  bool
		run func(context.Context) error
	}{{run.poller, poller.Run}, {run.router, router.Run}, {run.outbox, p.out.Run}} {
		if !a.on {
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := a.run(ctx); err != nil {
				p.mu.Lock()
				p.errs = append(p.errs, err)
				p.mu.Unlock()
				cancel() // the first to fail stops the rest
			}
		}()
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop cancels every part, waits for all of them and closes the database.
func (p *pipeline) stop(t *testing.T) {
	t.Helper()
	p.once.Do(func() {
		p.cancel()
		p.wg.Wait()
		if err := p.db.Close(); err != nil {
			t.Error(err)
		}
		if err := errors.Join(p.errs...); err != nil {
			t.Errorf("pipeline part failed: %v", err)
		}
	})
}

// waitSent waits until chat has received at least n messages and returns them.
func waitSent(t *testing.T, fake *faketg.Server, chat int64, n int) []faketg.Sent {
	t.Helper()
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.SentTo(chat)) >= n }); err != nil {
		t.Fatalf("chat %d got %d messages, want %d: %v\n%s", chat, len(fake.SentTo(chat)), n, err, dump(fake.SentTo(chat)))
	}
	return fake.SentTo(chat)
}

func dump(ms []faketg.Sent) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("  ▸ " + m.Plain() + "\n")
	}
	return b.String()
}

// button finds an inline button by its text in the messages.
func button(ms []faketg.Sent, prefix string) (msgID int, data string, ok bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Markup.InlineKeyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Text, prefix) {
					return ms[i].MessageID, b.CallbackData, true
				}
			}
		}
	}
	return 0, "", false
}

func ticketsOf(t *testing.T, st *tickets.Store, user int64) []*tickets.Ticket {
	t.Helper()
	ts, err := st.List(tickets.Filter{Channel: string(bot.Telegram), UserID: strconv.FormatInt(user, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestE2EQuestionAnsweredThenNotHelpfulOpensOneTicket(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 101

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

// reopenStore opens the stopped pipeline's database again to inspect it.
func reopenStore(t *testing.T, p *pipeline) (*tickets.Store, *bolt.DB) {
	t.Helper()
	db, err := tickets.OpenDB(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st, db
}

func TestE2EHelpfulButtonThanks(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 102
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
	startPipeline(t, fake, t.TempDir(), noLimits, all)
	const owner, other = 201, 202

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
	var ids []int64
	for _, c := range chats {
		ids = append(ids, fake.PushText(c, c, "/ticket Hỏi về hạn nộp báo cáo định kỳ"))
	}
	waitConfirmed(t, fake, ids...)
	p.stop(t)

	// 2. Router and outbox run, but Telegram hangs on every send (retries
	// included): the process stops with the three replies pending in the
	// outbox.
	for range 100 {
		fake.StallNext("sendMessage")
	}
	p = startPipeline(t, fake, dir, noLimits, parts{router: true, outbox: true, sendTimeout: time.Second})
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Calls("sendMessage")) >= len(chats) }); err != nil {
		t.Fatalf("the replies were never attempted: %v", err)
	}
	if n, _ := p.out.Depth(); n != len(chats) {
		t.Errorf("outbox depth %d before the restart, want %d", n, len(chats))
	}
	p.stop(t)
	if n := len(fake.Sent()); n != 0 {
		t.Fatalf("%d messages delivered before the restart, want 0", n)
	}
	fake.ClearFailures()

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
	startPipeline(t, fake, t.TempDir(), bot.TelegramLimits(), all)
	const officer = 501
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
	p := startPipeline(t, fake, t.TempDir(), bot.TelegramLimits(), all)
	chat := func(i int) int64 { return int64(700_000 + i) }
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
