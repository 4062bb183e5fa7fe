package bot_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// pdUser is the officer of the privacy tests: an id found nowhere else in
// the database by chance.
const pdUser = "7001234"

// newPrivacyHarness runs the pipeline with a Router built with opts, whose
// senders have not agreed to the privacy notice.
func newPrivacyHarness(t *testing.T, opts bot.RouterOptions) *rtHarness {
	t.Helper()
	h := newStoppedHarness(t)
	h.unconsented = true
	opts.Workers, opts.Now, opts.Metrics = 4, h.now, h.metrics
	r, err := bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.router = r
	h.start()
	return h
}

// enMsg is h.msg from a client set to English.
func enMsg(h *rtHarness, user, text string) bot.Message {
	m := h.msg(user, text)
	m.LangCode = "en"
	return m
}

// enPress is h.press from a client set to English.
func enPress(h *rtHarness, user, data string) bot.Message {
	m := h.press(user, data)
	m.LangCode = "en"
	return m
}

// storedAbout returns, bucket by bucket, the entries of the named buckets
// whose key or value holds needle.
func storedAbout(t *testing.T, db *bolt.DB, needle string, buckets ...string) []string {
	t.Helper()
	var out []string
	err := db.View(func(tx *bolt.Tx) error {
		for _, name := range buckets {
			b := tx.Bucket([]byte(name))
			if b == nil {
				continue
			}
			err := b.ForEach(func(k, v []byte) error {
				if bytes.Contains(k, []byte(needle)) || bytes.Contains(v, []byte(needle)) {
					out = append(out, fmt.Sprintf("%s: %q = %q", name, k, v))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// officerStored reports whether user has an officer record.
func officerStored(t *testing.T, h *rtHarness, user string) bool {
	t.Helper()
	return len(storedAbout(t, h.db, user, "bot_officers")) > 0
}

// consentButtons checks that r offers Agree and Decline, labelled in the
// words of lang's catalogue.
func wantConsentButtons(t *testing.T, r bot.Reply, agree, decline string) {
	t.Helper()
	if got := buttonData(r); !slices.Equal(got, []string{"pd:yes", "pd:no"}) {
		t.Fatalf("buttons = %q, want pd:yes, pd:no", got)
	}
	if got := r.Buttons[0][0].Text + "|" + r.Buttons[0][1].Text; got != agree+"|"+decline {
		t.Errorf("button labels = %q, want %s|%s", got, agree, decline)
	}
}

func TestStartShowsTheNoticeAndKeepsNothingUntilAgree(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	n := h.one(h.msg(pdUser, "/start"))
	mustContain(t, n.Text, "Xin chào Cán bộ "+pdUser, "Dữ liệu cá nhân", "họ tên và mã Telegram", "tỉnh/thành phố",
		"cán bộ hỗ trợ của Bộ", "Slack", "ẩn danh sau 24 tháng", "90 ngày", "91/2025/QH15", "/dulieu", "/xoadulieu")
	wantConsentButtons(t, n.Reply, "Đồng ý", "Không đồng ý")
	if len(n.Keyboard) != 0 {
		t.Error("/start asks for the province before the officer agreed")
	}
	for _, d := range buttonData(n.Reply) {
		if len(d) > 64 {
			t.Errorf("callback data %q is over Telegram's 64 bytes", d)
		}
	}
	if officerStored(t, h, pdUser) {
		t.Fatal("an officer record exists before the officer agreed")
	}

	// Agree: the consent is kept and registration starts.
	agreed := h.say(h.press(pdUser, "pd:yes"), 2)
	if agreed[0].CallbackID == "" {
		t.Errorf("the press was not answered: %+v", agreed[0].Reply)
	}
	mustContain(t, agreed[1].Text, "Cảm ơn bạn đã đồng ý", "tỉnh/thành phố")
	if keys := len(slices.Concat(agreed[1].Keyboard...)); keys != 34 {
		t.Fatalf("province keyboard has %d keys, want 34", keys)
	}
	if !officerStored(t, h, pdUser) {
		t.Fatal("no officer record after Agree")
	}
	for _, s := range []string{"Hà Nội", "Phường Ba Đình"} {
		h.one(h.msg(pdUser, s))
	}
	mustContain(t, h.one(h.msg(pdUser, "1")).Text, "Phường Ba Đình, Hà Nội")

	// Agreed, a question the knowledge base cannot answer opens a ticket.
	id := ticketIDIn(t, h.one(h.msg(pdUser, "câu hỏi không có trong cơ sở tri thức")).Text)
	if tk := h.ticket(id); tk.UserID != pdUser || tk.Province != "Hà Nội" {
		t.Errorf("ticket = user %q province %q", tk.UserID, tk.Province)
	}
	// A second press of Agree changes nothing.
	again := h.one(h.press(pdUser, "pd:yes"))
	if again.CallbackID == "" || !strings.Contains(again.Text, "đã đồng ý") {
		t.Errorf("a second Agree answered %+v", again.Reply)
	}
	h.quiet(pdUser)
}

func TestNoticeInEnglishSaysTheConfiguredRetention(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{Retention: 730 * 24 * time.Hour})
	n := h.one(enMsg(h, pdUser, "/start"))
	mustContain(t, n.Text, "Your personal data", "name and Telegram id", "support staff", "anonymised after 730 days",
		"90 days", "Law 91/2025/QH15", "/mydata", "/deletemydata")
	wantConsentButtons(t, n.Reply, "Agree", "Decline")

	agreed := h.say(enPress(h, pdUser, "pd:yes"), 2)
	mustContain(t, agreed[1].Text, "Thank you for agreeing", "province")

	forever := newPrivacyHarness(t, bot.RouterOptions{Retention: -1})
	mustContain(t, forever.one(enMsg(forever, pdUser, "/start")).Text, "kept until you ask for them to be deleted")
	mustNotContain(t, forever.one(forever.msg(pdUser, "/start")).Text, "ẩn danh sau")
}

func TestDeclinedOfficerIsAnsweredAndNothingIsKept(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	h.kb.set("cấp lại", rtAnswer())
	h.kb.set("bức xạ", knowledge.Result{Verdict: knowledge.VerdictSuggest, Hits: rtHits[:2]})
	h.one(h.msg(pdUser, "/start"))
	no := h.say(h.press(pdUser, "pd:no"), 2)
	mustContain(t, no[1].Text, "không đồng ý", "không lưu gì", "/start")

	// A question is answered, without the feedback buttons that would keep it.
	a := h.one(h.msg(pdUser, "Ai cấp lại văn bằng bảo hộ?"))
	mustContain(t, a.Text, "Cấp lại văn bằng bảo hộ", "Điều 36")
	if got := buttonData(a.Reply); !slices.Equal(got, []string{"pd:show"}) {
		t.Errorf("answer buttons = %q, want only the one to the notice", got)
	}
	s := h.one(h.msg(pdUser, "giấy phép bức xạ cho phòng khám?"))
	mustContain(t, s.Text, "chưa chắc chắn")
	if got := buttonData(s.Reply); !slices.Equal(got, []string{"pd:show"}) {
		t.Errorf("suggestion buttons = %q, want only the one to the notice", got)
	}
	// "To staff" says why a ticket needs consent, and offers the notice.
	toStaff := h.say(h.press(pdUser, "pd:show"), 2)
	mustContain(t, toStaff[1].Text, "cần bạn đồng ý trước", "91/2025/QH15")
	wantConsentButtons(t, toStaff[1].Reply, "Đồng ý", "Không đồng ý")

	// The knowledge base cannot answer: no ticket, and the reply says why.
	miss := h.one(h.msg(pdUser, "câu hỏi không có trong cơ sở tri thức"))
	mustContain(t, miss.Text, "chưa tìm thấy câu trả lời", "cần mở phiếu", "cần bạn đồng ý trước")
	mustNotContain(t, miss.Text, "HT-")
	wantConsentButtons(t, miss.Reply, "Đồng ý", "Không đồng ý")
	// Nor does /ticket, /dangky or /theodoi keep anything.
	mustContain(t, h.one(h.msg(pdUser, "/ticket cần hỗ trợ hồ sơ")).Text, "cần bạn đồng ý trước")
	reg := h.one(h.msg(pdUser, "/dangky"))
	mustContain(t, reg.Text, "91/2025/QH15")
	if len(reg.Keyboard) != 0 {
		t.Error("/dangky asks for the province without consent")
	}
	// /lang is answered in the new language, and says it is not kept.
	lang := h.one(h.msg(pdUser, "/lang en"))
	mustContain(t, lang.Text, "English", "cannot remember")
	mustContain(t, h.one(h.msg(pdUser, "/help")).Text, "Tôi có thể giúp gì") // still Vietnamese
	h.one(h.msg(pdUser, "/phieu"))

	if n := len(h.tickets()); n != 0 {
		t.Errorf("%d tickets opened for an officer who declined", n)
	}
	if got := storedAbout(t, h.db, pdUser, "bot_officers", "bot_questions", "bot_links", "bot_inbox"); len(got) > 0 {
		t.Errorf("kept about an officer who declined:\n%s", strings.Join(got, "\n"))
	}
	if got := storedAbout(t, h.db, "bức xạ", "bot_questions", "bot_inbox"); len(got) > 0 {
		t.Errorf("kept the words of an officer who declined:\n%s", strings.Join(got, "\n"))
	}
}

func TestKnowledgeMissWithoutConsentInEnglish(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	r := h.one(enMsg(h, pdUser, "a question the knowledge base lacks"))
	mustContain(t, r.Text, "I found no answer", "open a ticket", "need your agreement first", "/deletemydata")
	wantConsentButtons(t, r.Reply, "Agree", "Decline")
	if n := len(h.tickets()); n != 0 {
		t.Errorf("%d tickets without consent", n)
	}
	mustContain(t, h.one(enMsg(h, pdUser, "/ticket please help")).Text, "need your agreement first")
	if officerStored(t, h, pdUser) {
		t.Error("an officer record was kept without consent")
	}
}

func TestGroupTicketNeedsTheSendersConsent(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{BotUsername: "OurBot"})
	m := groupMsg(h, pdUser, "@OurBot câu hỏi không có trong cơ sở tri thức")
	r := h.one(m)
	if r.ReplyToID != m.MessageID {
		t.Errorf("the group reply answers %q, want %q", r.ReplyToID, m.MessageID)
	}
	mustContain(t, r.Text, "cần bạn đồng ý trước")
	wantConsentButtons(t, r.Reply, "Đồng ý", "Không đồng ý")
	// Whoever presses Agree agrees for themselves.
	press := groupMsg(h, pdUser, "")
	press.CallbackData, press.CallbackID = "pd:yes", "cb-group"
	h.say(press, 2)
	id := ticketIDIn(t, h.one(groupMsg(h, pdUser, "/ticket@OurBot cần hỗ trợ")).Text)
	if tk := h.ticket(id); tk.UserID != pdUser {
		t.Errorf("the group's ticket belongs to %q", tk.UserID)
	}
	if n := len(h.tickets()); n != 1 {
		t.Errorf("%d tickets, want the one opened after agreeing", n)
	}
}

func TestOfficerStoredBeforeTheNotice(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	if err := bot.PutLegacyOfficer(h.db, bot.Telegram, pdUser, "Huế", "Phường Thuận Hóa", "commune", rtEpoch.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var old *tickets.Ticket
	err := h.store.Update(func(tx *tickets.Tx) (err error) {
		old, _, err = tx.Create(tickets.NewTicket{Channel: "telegram", UserID: pdUser, ChatID: pdUser, UserName: "Cán bộ " + pdUser,
			Lang: "vi", Province: "Huế", Text: "phiếu cũ về văn bằng", Source: "telegram:old"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h.kb.set("cấp lại", rtAnswer())

	// The next message is answered, then the notice comes, once.
	first := h.say(h.msg(pdUser, "Ai cấp lại văn bằng bảo hộ?"), 2)
	mustContain(t, first[0].Text, "Cấp lại văn bằng bảo hộ")
	mustContain(t, first[1].Text, "Từ nay tôi cần bạn đồng ý", "91/2025/QH15")
	wantConsentButtons(t, first[1].Reply, "Đồng ý", "Không đồng ý")
	mustNotContain(t, h.one(h.msg(pdUser, "Ai cấp lại văn bằng bảo hộ?")).Text, "91/2025/QH15")

	// Until they agree, no new ticket; the old one is still followed.
	miss := h.one(h.msg(pdUser, "câu hỏi không có trong cơ sở tri thức"))
	mustContain(t, miss.Text, "cần bạn đồng ý trước")
	mustContain(t, h.one(h.msg(pdUser, "/phieu "+old.ID)).Text, "phiếu cũ về văn bằng")
	mustContain(t, h.one(h.msg(pdUser, "bổ sung thông tin cho phiếu cũ")).Text, old.ID)
	if tk := h.ticket(old.ID); len(tk.Messages) != 1 || tk.Messages[0].Text != "bổ sung thông tin cho phiếu cũ" {
		t.Errorf("the old ticket's conversation: %+v", tk.Messages)
	}
	if n := len(h.tickets()); n != 1 {
		t.Errorf("%d tickets, want the old one only", n)
	}

	// Agreeing keeps the registration and lets tickets open.
	agreed := h.say(h.press(pdUser, "pd:yes"), 2)
	mustContain(t, agreed[1].Text, "Cảm ơn bạn đã đồng ý", "Phường Thuận Hóa, Huế")
	h.one(h.msg(pdUser, "/huy")) // out of the ticket's focus
	ticketIDIn(t, h.one(h.msg(pdUser, "câu hỏi mới không có trong cơ sở tri thức")).Text)
}

func TestOfficerStoredBeforeTheNoticeDeclines(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	if err := bot.PutLegacyOfficer(h.db, bot.Telegram, pdUser, "Huế", "Phường Thuận Hóa", "commune", rtEpoch.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	h.say(h.msg(pdUser, "/help"), 2) // the help, then the notice
	no := h.say(h.press(pdUser, "pd:no"), 2)
	mustContain(t, no[1].Text, "đã xoá thông tin đăng ký", "/xoadulieu")
	if officerStored(t, h, pdUser) {
		t.Error("the record stays after Decline")
	}
	// Nothing is shown unasked again: the record is gone.
	mustNotContain(t, h.one(h.msg(pdUser, "/help")).Text, "91/2025/QH15")
	h.quiet(pdUser)
}

func TestCommandMenuAndHelpListTheDataCommands(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	names := func(lang string) []string {
		var out []string
		for _, c := range h.router.Commands(lang) {
			out = append(out, c.Name)
		}
		return out
	}
	for lang, want := range map[string][]string{"vi": {"dulieu", "xoadulieu"}, "en": {"mydata", "deletemydata"}} {
		got := names(lang)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s menu %q lacks %s", lang, got, w)
			}
		}
	}
	mustContain(t, h.one(h.msg(pdUser, "/help")).Text, "/dulieu", "/xoadulieu")
	mustContain(t, h.one(enMsg(h, pdUser, "/help")).Text, "/mydata", "/deletemydata")
	// Both spellings work in either language.
	for _, m := range []bot.Message{h.msg(pdUser, "/mydata"), enMsg(h, pdUser, "/dulieu")} {
		r := h.one(m)
		mustContain(t, r.Text, map[bool]string{false: "Tôi không lưu thông tin nào về bạn.", true: "Nothing is stored about you."}[m.LangCode == "en"])
	}
	for _, m := range []bot.Message{h.msg(pdUser, "/deletemydata"), enMsg(h, pdUser, "/xoadulieu")} {
		r := h.one(m)
		mustContain(t, r.Text, map[bool]string{false: "Tôi không lưu thông tin nào về bạn.", true: "Nothing is stored about you."}[m.LangCode == "en"])
		if len(r.Buttons) != 0 {
			t.Errorf("erasing nothing asks for a confirmation: %v", r.Buttons)
		}
	}
}
