package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// myDataFile is the part of /dulieu's JSON export the tests read.
type myDataFile struct {
	Profile *struct {
		Channel   string `json:"channel"`
		UserID    string `json:"user_id"`
		Name      string `json:"name"`
		Province  string `json:"province"`
		Commune   string `json:"commune"`
		Role      string `json:"role"`
		Consented string `json:"consented"`
	} `json:"profile"`
	TicketsTotal int `json:"tickets_total"`
	Tickets      []struct {
		ID       string `json:"id"`
		State    string `json:"state"`
		Text     string `json:"text"`
		UserID   string `json:"user_id"`
		Messages []struct {
			From string `json:"from"`
			Text string `json:"text"`
		} `json:"messages"`
		States []struct {
			To string `json:"to"`
		} `json:"states"`
	} `json:"tickets"`
}

// registered takes user through /start, the notice's Agree and the three
// registration questions.
func registered(h *rtHarness, user string, en bool) {
	h.t.Helper()
	msg, press := h.msg, h.press
	if en {
		msg = func(u, s string) bot.Message { return enMsg(h, u, s) }
		press = func(u, s string) bot.Message { return enPress(h, u, s) }
	}
	h.one(msg(user, "/start"))
	h.say(press(user, "pd:yes"), 2)
	for _, s := range []string{"Hà Nội", "Phường Ba Đình", "1"} {
		h.one(msg(user, s))
	}
}

func TestMyDataShowsProfileTicketsAndSendsTheExport(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	registered(h, pdUser, false)
	first := ticketIDIn(t, h.one(h.msg(pdUser, "/ticket hồ sơ cấp phép bức xạ")).Text)
	h.one(h.msg(pdUser, "/huy"))
	second := ticketIDIn(t, h.one(h.msg(pdUser, "câu hỏi về văn bằng không có trong cơ sở tri thức")).Text)
	h.staff(first, tickets.StateClaimed, tickets.StateProgress)
	staff := tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U1", Name: "Lan"}
	err := h.store.Update(func(tx *tickets.Tx) error {
		if _, err := tx.AddMessage(first, tickets.ConvMessage{At: rtEpoch, From: staff, Text: "Anh gửi bản chụp giấy phép nhé", Direction: tickets.DirOut}); err != nil {
			return err
		}
		_, err := tx.AddMessage(first, tickets.ConvMessage{At: rtEpoch, From: staff, Text: "ghi chú nội bộ bí mật", Internal: true, Direction: tickets.DirOut})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Someone else's ticket is not theirs.
	h.agree("200")
	ticketIDIn(t, h.one(h.msg("200", "/ticket phiếu của người khác")).Text)

	r := h.one(h.msg(pdUser, "/dulieu"))
	mustContain(t, r.Text, "Dữ liệu tôi lưu về bạn", "Cán bộ "+pdUser, "telegram, mã "+pdUser, "Hà Nội", "Phường Ba Đình",
		"Cán bộ cấp xã", "02/03/2026 (thông báo bản 1)", "Phiếu hỗ trợ: 2", "đang xử lý: 1", first, second,
		"hồ sơ cấp phép bức xạ", "dulieu-20260302.json", "/xoadulieu")
	mustNotContain(t, r.Text, "phiếu của người khác", "ghi chú nội bộ")
	if strings.Index(r.Text, second) > strings.Index(r.Text, first) {
		t.Errorf("the newest ticket is not listed first:\n%s", r.Text)
	}
	if len(r.Files) != 1 || r.Files[0].Name != "dulieu-20260302.json" || len(r.Files[0].Data) == 0 {
		t.Fatalf("files = %+v, want the JSON export", r.Files)
	}
	var x myDataFile
	if err := json.Unmarshal(r.Files[0].Data, &x); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, r.Files[0].Data)
	}
	if p := x.Profile; p == nil || p.UserID != pdUser || p.Channel != "telegram" || p.Province != "Hà Nội" ||
		p.Commune != "Phường Ba Đình" || p.Role != "commune" || p.Consented == "" {
		t.Errorf("profile = %+v", x.Profile)
	}
	if x.TicketsTotal != 2 || len(x.Tickets) != 2 || x.Tickets[0].ID != second || x.Tickets[1].ID != first {
		t.Fatalf("tickets = %d %+v, want %s then %s", x.TicketsTotal, x.Tickets, second, first)
	}
	tk := x.Tickets[1]
	if tk.Text != "hồ sơ cấp phép bức xạ" || tk.UserID != pdUser || tk.State != string(tickets.StateProgress) {
		t.Errorf("ticket %s = %+v", first, tk)
	}
	var states []string
	for _, s := range tk.States {
		states = append(states, s.To)
	}
	if got := strings.Join(states, ","); got != "new,claimed,in-progress" {
		t.Errorf("states of %s = %s", first, got)
	}
	if len(tk.Messages) != 1 || tk.Messages[0].Text != "Anh gửi bản chụp giấy phép nhé" || tk.Messages[0].From != "staff" {
		t.Errorf("conversation of %s = %+v, want the public reply only", first, tk.Messages)
	}
	if data := string(r.Files[0].Data); strings.Contains(data, "ghi chú nội bộ") || strings.Contains(data, "phiếu của người khác") {
		t.Errorf("the export holds what is not the officer's:\n%s", data)
	}
}

func TestMyDataInEnglishAndInAGroup(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	registered(h, pdUser, true)
	id := ticketIDIn(t, h.one(enMsg(h, pdUser, "/ticket help with the licence")).Text)
	r := h.one(enMsg(h, pdUser, "/mydata"))
	mustContain(t, r.Text, "The data I keep about you", "Account: telegram, id "+pdUser, "Hà Nội", "Commune officer",
		"Support tickets: 1", id, "help with the licence", "/deletemydata")
	if len(r.Files) != 1 || !strings.HasPrefix(r.Files[0].Name, "mydata-") {
		t.Errorf("files = %+v", r.Files)
	}

	// Asked in a group, the data goes to the private chat.
	g := groupMsg(h, pdUser, "/dulieu")
	g.LangCode = "en"
	got := h.say(g, 2)
	var group, private rtSent
	for _, s := range got {
		if s.ChatID == pdUser {
			private = s
		} else {
			group = s
		}
	}
	mustContain(t, group.Text, "private message")
	mustNotContain(t, group.Text, id, "Hà Nội")
	mustContain(t, private.Text, id, "Hà Nội")
	if len(private.Files) != 1 || len(group.Files) != 0 {
		t.Errorf("the file went to the group: group %d files, private %d", len(group.Files), len(private.Files))
	}
}

func TestMyDataWithoutConsent(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	h.one(h.msg(pdUser, "/start"))
	h.say(h.press(pdUser, "pd:no"), 2)
	r := h.one(h.msg(pdUser, "/dulieu"))
	if r.Text != "Tôi không lưu thông tin nào về bạn." || len(r.Files) != 0 {
		t.Errorf("/dulieu without consent = %q, %d files", r.Text, len(r.Files))
	}
	if en := h.one(enMsg(h, pdUser, "/mydata")); en.Text != "Nothing is stored about you." {
		t.Errorf("/mydata without consent = %q", en.Text)
	}
}

func TestMyDataFileFitsTheOutboxWithTheNewestTickets(t *testing.T) {
	h := newPrivacyHarness(t, bot.RouterOptions{})
	h.agree(pdUser)
	const total = 300
	long := strings.Repeat("x", tickets.MaxTextLen-10)
	err := h.store.Update(func(tx *tickets.Tx) error {
		for i := range total {
			_, _, err := tx.Create(tickets.NewTicket{Channel: "telegram", UserID: pdUser, ChatID: pdUser, Lang: "vi",
				Text: fmt.Sprintf("phiếu %03d %s", i, long), Source: fmt.Sprintf("telegram:bulk-%d", i)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := h.one(h.msg(pdUser, "/dulieu"))
	mustContain(t, r.Text, fmt.Sprintf("Phiếu hỗ trợ: %d", total), fmt.Sprintf("trong %d phiếu", total), "HT-000300")
	if len(r.Files) != 1 || len(r.Files[0].Data) > outbox.MaxInlineFile {
		t.Fatalf("files = %d, %d bytes: want one of at most %d", len(r.Files), len(r.Files[0].Data), outbox.MaxInlineFile)
	}
	var x myDataFile
	if err := json.Unmarshal(r.Files[0].Data, &x); err != nil {
		t.Fatal(err)
	}
	n := len(x.Tickets)
	if x.TicketsTotal != total || n == 0 || n >= total || x.Tickets[0].ID != "HT-000300" || x.Tickets[n-1].ID != tickets.FormatID(uint64(total-n+1)) {
		t.Errorf("the file holds %d of %d tickets, from %s: want the newest that fit", n, x.TicketsTotal, x.Tickets[0].ID)
	}
	mustContain(t, r.Text, fmt.Sprintf("chỉ chứa %d phiếu mới nhất", n))
}
