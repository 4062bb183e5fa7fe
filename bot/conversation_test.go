package bot_test

import (
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

func TestAnswerCarriesCitationRelatedAndBothButtons(t *testing.T) {
	h := newHarness(t)
	h.kb.set("cấp lại", rtAnswer())
	r := h.one(h.msg("100", "Ai cấp lại văn bằng bảo hộ?"))

	mustContain(t, r.Text,
		"<b>Cấp lại văn bằng bảo hộ &lt;SHTT&gt; &amp; phó bản</b>", // title, escaped
		"<b>cấp lại</b>",                    // the highlighted words, bold
		"Nghị định 133/2025/NĐ-CP, Điều 36", // document and article
		"01/07/2025",                        // effective date
		`<a href="https://example.gov.vn/nd133">Nguồn</a>`,
		"Thủ tục đăng ký hợp đồng chuyển quyền", "Phí đăng ký văn bằng", // two related entries
	)
	mustNotContain(t, r.Text, "Không được hiển thị", "javascript:", "<mark>", "<SHTT>")
	data := buttonData(r.Reply)
	if len(data) != 2 || !strings.HasPrefix(data[0], "fb:ok:") || !strings.HasPrefix(data[1], "fb:no:") {
		t.Fatalf("buttons = %q, want fb:ok:… then fb:no:…", data)
	}
	for _, d := range data {
		if len(d) > 64 {
			t.Errorf("callback data %q is over Telegram's 64 bytes", d)
		}
	}
	if got := r.Buttons[0][0].Text + "|" + r.Buttons[1][0].Text; got != "✅ Đã rõ|❌ Chưa rõ, chuyển cán bộ hỗ trợ" {
		t.Errorf("button labels = %q", got)
	}
	if n := len(h.tickets()); n != 0 {
		t.Errorf("an answer opened %d tickets", n)
	}

	// "Helpful" gets a thank-you toast and opens nothing.
	ok := h.one(h.press("100", data[0]))
	if ok.CallbackID == "" || !strings.Contains(ok.Text, "Cảm ơn") {
		t.Errorf("helpful press answered with %+v", ok.Reply)
	}
	if n := len(h.tickets()); n != 0 {
		t.Errorf("helpful opened %d tickets", n)
	}
}

func TestNotHelpfulOpensExactlyOneTicketWithWhatWasShown(t *testing.T) {
	h := newHarness(t)
	h.kb.set("cấp lại", rtAnswer())
	r := h.one(h.msg("100", "Ai cấp lại văn bằng bảo hộ?"))
	no := buttonData(r.Reply)[1]

	first := h.say(h.press("100", no), 2) // the toast, then the ticket number
	if first[0].CallbackID == "" {
		t.Errorf("the press was not answered first: %+v", first[0].Reply)
	}
	id := ticketIDIn(t, first[1].Text)
	second := h.say(h.press("100", no), 2)
	if got := ticketIDIn(t, second[1].Text); got != id {
		t.Errorf("second press names %s, first %s", got, id)
	}
	ts := h.tickets()
	if len(ts) != 1 {
		t.Fatalf("%d tickets after two presses, want 1", len(ts))
	}
	tk := ts[0]
	if tk.Text != "Ai cấp lại văn bằng bảo hộ?" || tk.UserID != "100" || tk.Topic != "ip" {
		t.Errorf("ticket = text %q user %q topic %q", tk.Text, tk.UserID, tk.Topic)
	}
	if len(tk.Hits) != 3 || tk.Hits[0].ID != "nd133-ip-cap-lai" {
		t.Errorf("ticket hits = %+v, want the three shown", tk.Hits)
	}
	if first[1].TicketID != id {
		t.Errorf("the ticket reply is not tied to %s: %+v", id, first[1].Reply)
	}
}

func TestNoneOpensTicketAtOnceAndSaysItsNumber(t *testing.T) {
	h := newHarness(t)
	r := h.one(h.msg("100", "Câu hỏi không có trong cơ sở tri thức <b>"))
	id := ticketIDIn(t, r.Text)
	mustContain(t, r.Text, "chưa tìm thấy")
	if len(r.Buttons) != 0 {
		t.Errorf("none offers buttons %v", r.Buttons)
	}
	tk := h.ticket(id)
	if tk.Text != "Câu hỏi không có trong cơ sở tri thức <b>" || tk.State != tickets.StateNew {
		t.Errorf("ticket %s = %q in %s", id, tk.Text, tk.State)
	}
	h.quiet("100")
}

func TestSuggestSaysNotSureAndOffersTicketFirst(t *testing.T) {
	h := newHarness(t)
	h.kb.set("bức xạ", knowledge.Result{Verdict: knowledge.VerdictSuggest, Hits: rtHits[:2]})
	r := h.one(h.msg("100", "giấy phép bức xạ cho phòng khám?"))
	mustContain(t, r.Text, "chưa chắc chắn", "Cấp lại văn bằng bảo hộ", "Điều 36")
	mustNotContain(t, r.Text, "phó bản</b>\nUBND") // no passage presented as the answer
	data := buttonData(r.Reply)
	if len(data) == 0 || !strings.HasPrefix(data[0], "fb:no:") {
		t.Fatalf("first button = %q, want the ticket", data)
	}
	if n := len(h.tickets()); n != 0 {
		t.Errorf("suggest opened %d tickets before the officer asked", n)
	}
	second := h.say(h.press("100", data[0]), 2)
	ticketIDIn(t, second[1].Text)
}

func TestTicketCommandOpensAtOnce(t *testing.T) {
	h := newHarness(t)
	r := h.one(h.msg("100", "/ticket@supportbot_bot Cần hướng dẫn hồ sơ vô tuyến điện nghiệp dư"))
	id := ticketIDIn(t, r.Text)
	if id != "HT-000001" {
		t.Errorf("first ticket is %s", id)
	}
	if tk := h.ticket(id); tk.Text != "Cần hướng dẫn hồ sơ vô tuyến điện nghiệp dư" || tk.UserName != "Cán bộ 100" {
		t.Errorf("ticket = %+v", tk)
	}
	usage := h.one(h.msg("100", "/ticket"))
	mustContain(t, usage.Text, "/ticket ")
	if n := len(h.tickets()); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	if h.kb.calls.Load() != 0 {
		t.Errorf("/ticket searched the knowledge base")
	}
}

func TestRegistration(t *testing.T) {
	h := newStoppedHarness(t)
	h.unconsented = true // first contact: the privacy notice comes first
	h.start()
	notice := h.one(h.msg("100", "/start"))
	mustContain(t, notice.Text, "Xin chào Cán bộ 100", "91/2025/QH15")
	greet := h.say(h.press("100", "pd:yes"), 2)[1]
	mustContain(t, greet.Text, "tỉnh/thành phố")
	n := 0
	for _, row := range greet.Keyboard {
		n += len(row)
	}
	if n != 34 {
		t.Fatalf("province keyboard has %d keys, want 34", n)
	}
	bad := h.one(h.msg("100", "Hà Tây"))
	mustContain(t, bad.Text, "Hà Tây")
	if len(bad.Keyboard) == 0 {
		t.Error("a wrong province does not show the keyboard again")
	}
	commune := h.one(h.msg("100", "ha noi"))
	mustContain(t, commune.Text, "<b>Hà Nội</b>", "xã/phường")
	if !commune.RemoveKB {
		t.Error("the province keyboard stays after the choice")
	}
	role := h.one(h.msg("100", "Phường Ba Đình"))
	if len(role.Keyboard) != 3 {
		t.Fatalf("role keyboard = %v", role.Keyboard)
	}
	done := h.one(h.msg("100", "can bo cap xa"))
	mustContain(t, done.Text, "Phường Ba Đình, Hà Nội (Cán bộ cấp xã)")

	// The locality goes onto the officer's tickets.
	id := ticketIDIn(t, h.one(h.msg("100", "/ticket cần hỗ trợ")).Text)
	if tk := h.ticket(id); tk.Province != "Hà Nội" || tk.Commune != "Phường Ba Đình" {
		t.Errorf("ticket locality = %q / %q", tk.Province, tk.Commune)
	}
	// /start again greets a registered officer without asking again.
	again := h.one(h.msg("100", "/start"))
	mustContain(t, again.Text, "Phường Ba Đình")
	if len(again.Keyboard) != 0 {
		t.Error("/start asks a registered officer to register again")
	}
}

func TestCancelRegistrationKeepsTheOldProfile(t *testing.T) {
	h := newHarness(t)
	for _, s := range []string{"/start", "Huế", "Phường Thuận Hóa", "1"} {
		h.one(h.msg("100", s))
	}
	h.one(h.msg("100", "/dangky"))
	h.one(h.msg("100", "Cà Mau"))
	c := h.one(h.msg("100", "/huy"))
	mustContain(t, c.Text, "Đã huỷ")
	if !c.RemoveKB {
		t.Error("cancel leaves the keyboard")
	}
	mustContain(t, h.one(h.msg("100", "/start")).Text, "Phường Thuận Hóa, Huế")
}

func TestOwnTicketsOnly(t *testing.T) {
	h := newHarness(t)
	id := ticketIDIn(t, h.one(h.msg("100", "/ticket phiếu của người 100")).Text)

	other := h.one(h.msg("200", "/phieu "+id))
	mustContain(t, other.Text, id)
	mustNotContain(t, other.Text, "phiếu của người 100", "mới")
	missing := h.one(h.msg("200", "/phieu HT-000999"))
	if strings.ReplaceAll(missing.Text, "HT-000999", id) != other.Text {
		t.Errorf("someone else's ticket is refused differently from a missing one:\n%q\n%q", other.Text, missing.Text)
	}
	mustContain(t, h.one(h.msg("200", "/mytickets")).Text, "chưa có phiếu")

	own := h.one(h.msg("100", "/phieu "+strings.ToLower(strings.Replace(id, "00000", "", 1))))
	mustContain(t, own.Text, id, "phiếu của người 100", "mới")
	list := h.one(h.msg("100", "/phieu"))
	mustContain(t, list.Text, id, "phiếu của người 100")
	bad := h.one(h.msg("100", "/phieu abc"))
	mustContain(t, bad.Text, "abc", "HT-000042")
}

func TestReplyGoesIntoTheTicket(t *testing.T) {
	h := newHarness(t)
	opened := h.one(h.msg("100", "/ticket máy X-quang cần kiểm định"))
	id := ticketIDIn(t, opened.Text)

	reply := h.msg("100", "Thêm: máy đặt tại trạm y tế xã")
	reply.ReplyToID = opened.ID
	added := h.one(reply)
	mustContain(t, added.Text, "Đã thêm vào phiếu", id)
	tk := h.ticket(id)
	if len(tk.Messages) != 1 || tk.Messages[0].Text != "Thêm: máy đặt tại trạm y tế xã" || tk.Messages[0].Direction != tickets.DirIn {
		t.Fatalf("ticket conversation = %+v", tk.Messages)
	}
	if h.kb.calls.Load() != 0 {
		t.Error("a reply into a ticket was searched as a question")
	}

	// Someone else replying to that message does not write into the ticket.
	foreign := h.msg("200", "tôi cũng hỏi")
	foreign.ChatID = "100"
	foreign.ReplyToID = opened.ID
	h.one(foreign)
	if n := len(h.ticket(id).Messages); n != 1 {
		t.Errorf("another user's reply joined the ticket (%d messages)", n)
	}
}

func TestMessageAfterShowingATicketGoesIntoIt(t *testing.T) {
	h := newHarness(t)
	id := ticketIDIn(t, h.one(h.msg("100", "/ticket hỏi về đo lường")).Text)
	show := h.one(h.msg("100", "/phieu "+id))
	mustContain(t, show.Text, "/huy")
	mustContain(t, h.one(h.msg("100", "bổ sung số liệu")).Text, id)
	if got := h.ticket(id).Messages; len(got) != 1 {
		t.Fatalf("messages = %+v", got)
	}
	// After /huy, free text is a question again (here: none, a new ticket).
	h.one(h.msg("100", "/huy"))
	r := h.one(h.msg("100", "câu hỏi mới"))
	if ticketIDIn(t, r.Text) == id {
		t.Error("free text after /huy still went into the ticket")
	}
}

func TestThanksDoesNotReopenAResolvedTicket(t *testing.T) {
	h := newHarness(t)
	opened := h.one(h.msg("100", "/ticket cần hỗ trợ thủ tục"))
	id := ticketIDIn(t, opened.Text)
	h.staff(id, tickets.StateClaimed, tickets.StateResolved)

	for _, thanks := range []string{"Cảm ơn!", "cam on", "Thanks"} {
		m := h.msg("100", thanks)
		m.ReplyToID = opened.ID
		mustContain(t, h.one(m).Text, "Rất vui")
	}
	if tk := h.ticket(id); tk.State != tickets.StateResolved || len(tk.Messages) != 0 {
		t.Fatalf("after thanks: %s with %d messages", tk.State, len(tk.Messages))
	}
	m := h.msg("100", "Vẫn chưa làm được")
	m.ReplyToID = opened.ID
	mustContain(t, h.one(m).Text, "mở lại", id)
	if tk := h.ticket(id); tk.State != tickets.StateReopened || len(tk.Messages) != 1 {
		t.Errorf("after a real message: %s with %d messages", tk.State, len(tk.Messages))
	}
}

func TestClosedTicketIsNotWrittenInto(t *testing.T) {
	h := newHarness(t)
	opened := h.one(h.msg("100", "/ticket cần hỗ trợ"))
	id := ticketIDIn(t, opened.Text)
	h.staff(id, tickets.StateClaimed, tickets.StateResolved, tickets.StateClosed)
	m := h.msg("100", "còn một câu")
	m.ReplyToID = opened.ID
	mustContain(t, h.one(m).Text, "đã đóng", id)
	if tk := h.ticket(id); tk.State != tickets.StateClosed || len(tk.Messages) != 0 {
		t.Errorf("closed ticket changed: %s, %d messages", tk.State, len(tk.Messages))
	}
}

func TestLanguage(t *testing.T) {
	h := newHarness(t)
	en := h.msg("100", "/help")
	en.LangCode = "en-US"
	mustContain(t, h.one(en).Text, "/mytickets", "How can I help")
	ru := h.msg("200", "/help")
	ru.LangCode = "ru"
	mustContain(t, h.one(ru).Text, "Tôi có thể giúp gì") // unknown client language: Vietnamese

	set := h.msg("100", "/lang vi")
	set.LangCode = "en"
	mustContain(t, h.one(set).Text, "tiếng Việt")
	after := h.msg("100", "/help")
	after.LangCode = "en"
	mustContain(t, h.one(after).Text, "Tôi có thể giúp gì") // the officer's choice beats the client's

	ask := h.one(h.msg("100", "/lang"))
	data := buttonData(ask.Reply)
	if len(data) != 2 {
		t.Fatalf("/lang buttons = %q", data)
	}
	pressed := h.say(h.press("100", "lang:en"), 2)
	mustContain(t, pressed[1].Text, "English")
	mustContain(t, h.one(h.msg("100", "/nosuch")).Text, "There is no command /nosuch", "/help")
}

func TestUnknownCommand(t *testing.T) {
	h := newHarness(t)
	r := h.one(h.msg("100", "/xyz@bot abc"))
	mustContain(t, r.Text, "Không có lệnh /xyz", "/help")
	mustNotContain(t, r.Text, "@bot")
}

func TestReplayedUpdateDoesNothing(t *testing.T) {
	h := newHarness(t)
	m := h.msg("100", "/ticket lần đầu")
	h.one(m)
	for range 2 { // the same update again, e.g. after a crash before the offset was saved
		n, err := h.inbox.Add([]bot.Message{m}, nil)
		if err != nil || n != 0 {
			t.Fatalf("replay added %d, %v", n, err)
		}
	}
	h.quiet("100")
	if n := len(h.tickets()); n != 1 {
		t.Errorf("%d tickets after a replay, want 1", n)
	}

	// Two copies in one batch count once.
	q := h.msg("100", "/ticket lần hai")
	n, err := h.inbox.Add([]bot.Message{q, q}, nil)
	if err != nil || n != 1 {
		t.Fatalf("batch with a duplicate added %d, %v", n, err)
	}
	h.next()
	h.quiet("100")
}

func TestBadInputIsRefusedAndKept(t *testing.T) {
	h := newHarness(t)
	bad := h.msg("100", "c\xffâu hỏi")
	mustContain(t, h.one(bad).Text, "không hợp lệ")
	long := h.msg("100", strings.Repeat("á", 4097))
	long.LangCode = "en"
	mustContain(t, h.one(long).Text, "too long", "4097", "4096")
	kept, err := h.inbox.Kept()
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 2 || kept[0].State != "rejected" || string(kept[0].Raw) != "c\xffâu hỏi" || kept[1].Message.Text != long.Text {
		t.Fatalf("kept = %+v", kept)
	}
	if h.kb.calls.Load() != 0 || len(h.tickets()) != 0 {
		t.Error("bad input was searched or ticketed")
	}
	pending, err := h.inbox.Pending()
	if err != nil || pending != 0 {
		t.Errorf("pending = %d, %v", pending, err)
	}
}

func TestPanicIsRecoveredWithApologyAndTicket(t *testing.T) {
	h := newHarness(t)
	r := h.one(h.msg("100", "câu này làm panic! bộ tìm kiếm"))
	mustContain(t, r.Text, "Xin lỗi")
	id := ticketIDIn(t, r.Text)
	if tk := h.ticket(id); tk.Text != "câu này làm panic! bộ tìm kiếm" {
		t.Errorf("apology ticket text = %q", tk.Text)
	}
	kept, err := h.inbox.Kept()
	if err != nil || len(kept) != 1 || kept[0].State != "failed" || !strings.Contains(kept[0].Err, "panic") {
		t.Fatalf("kept = %+v, %v", kept, err)
	}
	// The router lives on.
	h.quiet("100")
	// A search outage is handled the same way.
	r = h.one(h.msg("100", "fail! tìm kiếm hỏng"))
	ticketIDIn(t, r.Text)
}

func TestThanksAloneIsNotAQuestion(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.one(h.msg("100", "Cảm ơn nhiều")).Text, "Rất vui")
	if h.kb.calls.Load() != 0 || len(h.tickets()) != 0 {
		t.Error("a thank-you was searched or ticketed")
	}
}

func TestRepliesKeepOrderPerChat(t *testing.T) {
	h := newHarness(t)
	const chats, each = 6, 15
	var ms []bot.Message
	for i := range each {
		for c := range chats {
			ms = append(ms, h.msg(string(rune('A'+c)), "/ticket số "+string(rune('a'+i))))
		}
	}
	h.add(ms...)
	last := map[string]string{}
	for range chats * each {
		r := h.next()
		id := ticketIDIn(t, r.Text)
		text := h.ticket(id).Text
		if prev := last[r.ChatID]; prev != "" && text <= prev {
			t.Fatalf("chat %s: %q after %q", r.ChatID, text, prev)
		}
		last[r.ChatID] = text
	}
	if n := len(h.tickets()); n != chats*each {
		t.Errorf("%d tickets, want %d", n, chats*each)
	}
}

func TestCommandsMenu(t *testing.T) {
	h := newHarness(t)
	for _, lang := range []string{"vi", "en"} {
		cs := h.router.Commands(lang)
		if len(cs) < 7 {
			t.Fatalf("%s menu = %v", lang, cs)
		}
		for _, c := range cs {
			if c.Name == "" || len(c.Name) > 32 || strings.ToLower(c.Name) != c.Name || strings.ContainsAny(c.Name, "/ @") || c.Description == "" {
				t.Errorf("%s: bad menu entry %+v", lang, c)
			}
			// Every command of the menu works: it is not "unknown".
			r := h.one(h.msg("100", "/"+c.Name))
			mustNotContain(t, r.Text, "Không có lệnh", "There is no command")
			if c.Name == "start" || c.Name == "dangky" || c.Name == "register" {
				h.one(h.msg("100", "/huy"))
			}
		}
	}
	if h.router.Commands("vi")[0].Name == h.router.Commands("en")[0].Name {
		t.Error("the vi and en menus start with the same command")
	}
}

func TestPendingEntriesAreHandledWhenTheRouterStarts(t *testing.T) {
	h := newStoppedHarness(t)
	h.add(h.msg("100", "/ticket một"), h.msg("100", "/ticket hai"), h.msg("200", "/help"))
	if n, err := h.inbox.Pending(); err != nil || n != 3 {
		t.Fatalf("pending = %d, %v", n, err)
	}
	h.start()
	var got []string
	for range 3 {
		if r := h.next(); r.ChatID == "100" {
			got = append(got, h.ticket(ticketIDIn(t, r.Text)).Text)
		}
	}
	if strings.Join(got, ",") != "một,hai" {
		t.Errorf("chat 100 got %q, want its two tickets in order", got)
	}
	if n, err := h.inbox.Pending(); err != nil || n != 0 {
		t.Errorf("pending after = %d, %v", n, err)
	}
}

func TestMetrics(t *testing.T) {
	h := newHarness(t)
	h.kb.set("cấp lại", rtAnswer())
	h.one(h.msg("100", "không có câu trả lời"))
	h.one(h.msg("100", "cấp lại văn bằng"))
	var b strings.Builder
	if err := h.metrics.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	mustContain(t, b.String(),
		`supportbot_messages_in_total{channel="telegram"} 2`,
		`supportbot_answers_total{verdict="none"} 1`,
		`supportbot_answers_total{verdict="answer"} 1`,
		`supportbot_tickets_opened_total{channel="telegram"} 1`,
		`supportbot_search_seconds_count 2`,
	)
}
