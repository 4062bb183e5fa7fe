package bot_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

func TestStaffTriageCardIsPostedOnceWithTheTicket(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	h.kb.set("cấp lại", rtAnswer())
	h.add(h.msg("100", "Ai cấp lại văn bằng <bảo hộ> & phó bản?"))
	no := buttonData(h.want("the answer", toOfficer("100")).Reply)[1]
	h.add(h.press("100", no))
	id := ticketIDIn(t, h.want("the ticket number", toOfficer("100")).Text)
	c := h.want("the triage card", card(id, outbox.KindMessage))

	if c.TicketID != id || c.Ref != "triage:"+id {
		t.Errorf("card ticket %q ref %q", c.TicketID, c.Ref)
	}
	mustContain(t, c.Text, id,
		"Ai cấp lại văn bằng &lt;bảo hộ&gt; &amp; phó bản?",  // the question, escaped
		"Cấp lại văn bằng bảo hộ &lt;SHTT&gt; &amp; phó bản", // what the bot showed
		"Thủ tục đăng ký hợp đồng chuyển quyền",
		"Cán bộ 100")
	mustNotContain(t, c.Text, "<bảo hộ>", "<SHTT>")
	for label, want := range map[string]string{
		"Trạng thái": "Mới", "Người xử lý": "chưa có", "Mức ưu tiên": "Thường", "Chủ đề": "Sở hữu trí tuệ",
		// Created 09:00 UTC = 16:00 in Hà Nội; 4 h and 72 h targets.
		"Hạn phản hồi đầu": "20:00 02/03/2026", "Hạn giải quyết": "16:00 05/03/2026",
	} {
		if got := field(c.Reply, label); got != want {
			t.Errorf("field %s = %q, want %q", label, got, want)
		}
	}
	wantData := []string{"tk:claim:" + id, "tk:reply:" + id, "tk:resolve:" + id, "tk:escalate:" + id, "tk:close:" + id}
	if got := buttonData(c.Reply); !slices.Equal(got, wantData) {
		t.Errorf("buttons = %q, want %q", got, wantData)
	}
	for _, d := range wantData {
		if len(d) > 64 {
			t.Errorf("button data %q is over 64 bytes", d)
		}
	}
	if len(c.Mentions) != 0 {
		t.Errorf("a normal ticket mentions %v", c.Mentions)
	}
	q := h.want("the question in the thread", inThread(id, "Ai cấp lại văn bằng &lt;bảo hộ&gt;"))
	mustContain(t, q.Text, "<b>Cán bộ 100</b>")

	// "Not helpful" again finds the same ticket: no second card. Cards are
	// delivered in order, so once the next ticket's card is here, a second
	// card of the first would have been too.
	h.add(h.press("100", no))
	if got := ticketIDIn(t, h.want("the ticket number again", toOfficer("100")).Text); got != id {
		t.Fatalf("second press names %s", got)
	}
	if id2, _, _ := h.open("200", "Một câu hỏi khác"); id2 == id {
		t.Fatalf("the second question reused %s", id)
	}
	h.none("a second card of "+id, card(id, outbox.KindMessage))
}

func TestStaffClaimIsAStaffEventAndUpdatesTheCard(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, _, _ := h.open("100", "Thủ tục cấp phép tiến hành công việc bức xạ")

	h.add(h.pressCard("U1", bot.RoleStaff, "claim", id))
	h.want("the press answered", func(r rtSent) bool { return r.Channel == bot.Slack && r.CallbackID != "" })
	upd := h.want("the card update", card(id, outbox.KindUpdate))
	if got := field(upd.Reply, "Trạng thái") + "|" + field(upd.Reply, "Người xử lý"); got != "Đã tiếp nhận|Lan" {
		t.Errorf("updated card: state|assignee = %q", got)
	}
	h.want("the claim in the thread", inThread(id, "Lan đã nhận phiếu"))
	tk := h.ticket(id)
	if tk.State != tickets.StateClaimed || tk.Assignee != "slack:U1" {
		t.Errorf("ticket %s assigned to %q", tk.State, tk.Assignee)
	}
	ev := h.lastEvent(id)
	if want := (tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U1", Name: "Lan"}); ev.Actor != want || ev.To != tickets.StateClaimed {
		t.Errorf("claim event = %+v", ev)
	}

	// Someone else's claim is refused, naming who holds it.
	h.add(h.pressCard("U2", bot.RoleStaff, "claim", id))
	mustContain(t, h.want("the refusal", ephemeralTo("U2")).Text, id, "Lan")
	if tk := h.ticket(id); tk.Assignee != "slack:U1" || tk.Events != ev.Seq {
		t.Errorf("a second claim changed the ticket: %s, %d events", tk.Assignee, tk.Events)
	}
}

func TestStaffGuestIsRefusedAndNothingChanges(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, c, _ := h.open("100", "Câu hỏi về hồ sơ vô tuyến điện")
	before := h.ticket(id)
	for name, m := range map[string]bot.Message{
		"button": h.pressCard("G1", bot.RoleGuest, "claim", id),
		"thread": h.inThreadMsg("G1", bot.RoleGuest, c.ID, "Tôi trả lời thay nhé"),
		"view":   h.submit("G1", bot.RoleGuest, "reply", id, map[string]string{"text": "Trả lời"}),
	} {
		h.add(m)
		r := h.want("the refusal of the "+name, ephemeralTo("G1"))
		mustContain(t, r.Text, "không có trong danh sách cán bộ hỗ trợ")
	}
	after := h.ticket(id)
	if after.Events != before.Events || after.State != tickets.StateNew || len(after.Messages) != 0 || after.Assignee != "" {
		t.Errorf("a guest changed the ticket: %d→%d events, %s, %d messages", before.Events, after.Events, after.State, len(after.Messages))
	}
	if logs := h.logs.String(); strings.Count(logs, "user=G1") != 3 {
		t.Errorf("the attempts were not logged with the user:\n%s", logs)
	}
	h.add(h.msg("100", "/help"))
	mustContain(t, h.want("the help", toOfficer("100")).Text, "/ticket") // nothing reached the officer before it
}

func TestStaffThreadReplyIsRelayedUnderTheStaffName(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, c, _ := h.open("100", "Hỏi về hồ sơ cấp phép")

	h.add(h.inThreadMsg("U1", bot.RoleStaff, c.ID, "Chào anh, <b>xem</b> Điều 5 & 6"))
	r := h.want("the relay", toOfficer("100"))
	if want := "<b>Lan</b> (Bộ KH&amp;CN): Chào anh, &lt;b&gt;xem&lt;/b&gt; Điều 5 &amp; 6"; r.Text != want {
		t.Errorf("relay = %q, want %q", r.Text, want)
	}
	if r.Name != "Lan" || r.TicketID != id {
		t.Errorf("relay name %q ticket %q", r.Name, r.TicketID)
	}
	tk := h.ticket(id)
	last := tk.Messages[len(tk.Messages)-1]
	if last.Direction != tickets.DirOut || last.Internal || last.From.ID != "slack:U1" || last.Text != "Chào anh, <b>xem</b> Điều 5 & 6" {
		t.Errorf("stored reply = %+v", last)
	}
	if tk.FirstResponseAt.IsZero() || tk.State != tickets.StateProgress || tk.Assignee != "slack:U1" {
		t.Errorf("after the reply: first response %v, %s, assignee %q", tk.FirstResponseAt, tk.State, tk.Assignee)
	}
	if upd := h.want("the card update", card(id, outbox.KindUpdate)); field(upd.Reply, "Trạng thái") != "Đang xử lý" {
		t.Errorf("card state %q", field(upd.Reply, "Trạng thái"))
	}

	// The officer's answer joins the ticket (focus) and reaches the thread.
	h.add(h.msg("100", "Vâng, tôi gửi thêm <hồ sơ>"))
	mustContain(t, h.want("the officer's confirmation", toOfficer("100")).Text, "Đã thêm vào phiếu")
	p := h.want("the officer's message in the thread", inThread(id, "Vâng, tôi gửi thêm &lt;hồ sơ&gt;"))
	mustContain(t, p.Text, "<b>Cán bộ 100</b>")
	h.want("the card update", card(id, outbox.KindUpdate))
	if tk := h.ticket(id); tk.Messages[len(tk.Messages)-1].Direction != tickets.DirIn {
		t.Errorf("the officer's answer is not on the ticket: %+v", tk.Messages)
	}
}

func TestStaffNotesStayInternal(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, c, _ := h.open("100", "Câu hỏi cần tra cứu")
	for _, text := range []string{"Note: kiểm tra với Sở <KH&CN>", "ghi chú: gọi lại sau", "GHI CHU : chờ văn bản"} {
		h.add(h.inThreadMsg("U1", bot.RoleStaff, c.ID, text))
		mustContain(t, h.want("the note's confirmation", ephemeralTo("U1")).Text, "ghi chú nội bộ", id)
	}
	tk := h.ticket(id)
	var got []string
	for _, m := range tk.Messages {
		if !m.Internal {
			t.Errorf("a note is public: %+v", m)
		}
		got = append(got, m.Text)
	}
	if want := []string{"kiểm tra với Sở <KH&CN>", "gọi lại sau", "chờ văn bản"}; !slices.Equal(got, want) {
		t.Errorf("notes = %q, want %q", got, want)
	}
	if !tk.FirstResponseAt.IsZero() || tk.State != tickets.StateNew {
		t.Errorf("notes counted as a response: %v, %s", tk.FirstResponseAt, tk.State)
	}
	h.add(h.msg("100", "/help"))
	mustContain(t, h.want("the help", toOfficer("100")).Text, "/ticket")
}

func TestStaffReplyThroughTheForm(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, _, _ := h.open("100", "Câu hỏi qua biểu mẫu")

	h.add(h.pressCard("U1", bot.RoleStaff, "reply", id))
	v := h.want("the form", func(r rtSent) bool { return r.Kind == outbox.KindView && r.UserID == "U1" })
	if v.TriggerID == "" || v.View == nil || v.View.ID != "reply" || v.View.Meta != id {
		t.Fatalf("form = %+v", v.Reply)
	}
	if in := v.View.Inputs; len(in) != 2 || in[0].ID != "text" || !in[0].Multiline || in[1].ID != "internal" || !in[1].Checkbox {
		t.Errorf("inputs = %+v", in)
	}

	h.add(h.submit("U1", bot.RoleStaff, "reply", id, map[string]string{"text": "Trả lời qua biểu mẫu & <đính kèm>"}))
	r := h.want("the relay", toOfficer("100"))
	if r.Text != "<b>Lan</b> (Bộ KH&amp;CN): Trả lời qua biểu mẫu &amp; &lt;đính kèm&gt;" {
		t.Errorf("relay = %q", r.Text)
	}
	h.add(h.submit("U1", bot.RoleStaff, "reply", id, map[string]string{"text": "chỉ nội bộ", "internal": "true"}))
	mustContain(t, h.want("the note's confirmation", ephemeralTo("U1")).Text, "ghi chú nội bộ")
	h.add(h.submit("U1", bot.RoleStaff, "reply", id, map[string]string{"text": "  "}))
	mustContain(t, h.want("the refusal", ephemeralTo("U1")).Text, "Chưa gửi được")

	tk := h.ticket(id)
	if len(tk.Messages) != 2 || tk.Messages[0].Internal || !tk.Messages[1].Internal || tk.Messages[1].Text != "chỉ nội bộ" {
		t.Errorf("messages = %+v", tk.Messages)
	}
	h.add(h.msg("100", "/help"))
	mustContain(t, h.want("the help", toOfficer("100")).Text, "/ticket") // the note was not relayed
}

func TestValidateView(t *testing.T) {
	long := strings.Repeat("ệ", tickets.MaxTextLen+1)
	for _, c := range []struct {
		name, view string
		values     map[string]string
		bad        []string // inputs refused
	}{
		{"reply ok", "reply", map[string]string{"text": "Được"}, nil},
		{"reply empty", "reply", map[string]string{"text": " \n"}, []string{"text"}},
		{"reply too long", "reply", map[string]string{"text": long}, []string{"text"}},
		{"resolve ok", "resolve", map[string]string{"answer": "Sở KH&CN", "sources": "NĐ 133", "propose": "true"}, nil},
		{"resolve no answer", "resolve", map[string]string{"sources": "NĐ 133"}, []string{"answer"}},
		{"resolve answer and sources too long together", "resolve",
			map[string]string{"answer": strings.Repeat("a", tickets.MaxTextLen-10), "sources": "Nghị định 133/2025/NĐ-CP"}, []string{"answer"}},
		{"resolve sources too long", "resolve", map[string]string{"answer": "x", "sources": strings.Repeat("s", 1001)}, []string{"sources"}},
		{"not ours", "search", map[string]string{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := bot.ValidateView(c.view, c.values, "en")
			var got []string
			for id, msg := range errs {
				got = append(got, id)
				if msg == "" || strings.Contains(msg, "staff_") {
					t.Errorf("%s: message %q", id, msg)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, c.bad) {
				t.Errorf("refused %q, want %q (%v)", got, c.bad, errs)
			}
		})
	}
}

// resolveAs opens the resolve form as user and submits values, returning
// what the officer is sent.
func (h *stHarness) resolveAs(user, id string, values map[string]string) rtSent {
	h.t.Helper()
	h.add(h.pressCard(user, bot.RoleStaff, "resolve", id))
	v := h.want("the form", func(r rtSent) bool { return r.Kind == outbox.KindView && r.UserID == user })
	if v.View == nil || v.View.ID != "resolve" || len(v.View.Inputs) != 3 || !v.View.Inputs[2].Checkbox {
		h.t.Fatalf("resolve form = %+v", v.View)
	}
	h.add(h.submit(user, bot.RoleStaff, "resolve", id, values))
	return h.want("the resolution", func(r rtSent) bool { return toOfficer("100")(r) && strings.Contains(r.Text, "giải quyết phiếu") })
}

func TestStaffResolveProposesForTheKnowledgeBase(t *testing.T) {
	kb := t.TempDir()
	h := newStaffHarness(t, bot.StaffOptions{KnowledgeDir: kb})
	id, _, _ := h.open("100", "Cơ quan nào cấp giấy phép tiến hành công việc bức xạ?")

	r := h.resolveAs("U1", id, map[string]string{
		"answer":  "Sở KH&CN cấp <giấy phép>.",
		"sources": "Nghị định 133/2025/NĐ-CP, https://example.gov.vn/nd133",
		"propose": "true",
	})
	mustContain(t, r.Text, "<b>Lan</b> (Bộ KH&amp;CN) đã giải quyết phiếu <b>"+id+"</b>",
		"Sở KH&amp;CN cấp &lt;giấy phép&gt;.", "<b>Nguồn:</b> Nghị định 133/2025/NĐ-CP, https://example.gov.vn/nd133")
	if got := buttonData(r.Reply); !slices.Equal(got, []string{"rs:ok:" + id, "rs:no:" + id}) {
		t.Errorf("buttons = %q", got)
	}
	d := h.want("the draft in the thread", inThread(id, "📚"))
	draft := filepath.Join(kb, "review", id+".md")
	mustContain(t, d.Text, draft)
	b, err := os.ReadFile(draft)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(b), "Sở KH&CN cấp <giấy phép>.", "https://example.gov.vn/nd133")
	tk := h.ticket(id)
	if tk.State != tickets.StateResolved || len(tk.Messages) != 2 || !tk.Messages[1].Internal {
		t.Fatalf("ticket %s, messages %+v", tk.State, tk.Messages)
	}
	if ev := h.lastEvent(id); ev.Kind != tickets.EventPromoted {
		t.Errorf("last event = %+v, want the promotion", ev)
	}
	var exp strings.Builder
	if err := h.metrics.WritePrometheus(&exp); err != nil {
		t.Fatal(err)
	}
	mustContain(t, exp.String(), `supportbot_tickets_resolved_total{channel="telegram"} 1`)

	// The next similar question's card shows this one.
	_, c2, _ := h.open("200", "Ai cấp giấy phép tiến hành công việc bức xạ?")
	mustContain(t, c2.Text, "Phiếu tương tự đã giải quyết", id, "Sở KH&amp;CN cấp &lt;giấy phép&gt;.")
}

func TestStaffResolveWithoutKnowledgeDirRecordsTheProposal(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, _, _ := h.open("100", "Câu hỏi có câu trả lời hay")
	h.resolveAs("U1", id, map[string]string{"answer": "Câu trả lời", "propose": "true"})
	mustContain(t, h.want("the proposal in the thread", inThread(id, "📚")).Text, "supportbot tickets promote "+id)
	tk := h.ticket(id)
	if n := len(tk.Messages); n != 2 || !strings.Contains(tk.Messages[1].Text, "cơ sở tri thức") {
		t.Errorf("messages = %+v", tk.Messages)
	}
}

func TestOfficerAnswersAResolution(t *testing.T) {
	t.Run("not solved reopens and tells the thread", func(t *testing.T) {
		h := newStaffHarness(t, bot.StaffOptions{})
		id, _, _ := h.open("100", "Câu hỏi chưa được giải quyết")
		r := h.resolveAs("U1", id, map[string]string{"answer": "Thử cách này"})
		h.add(h.press("100", buttonData(r.Reply)[1]))
		mustContain(t, h.want("the reopening", toOfficer("100")).Text, "Đã mở lại phiếu")
		h.want("the thread told", inThread(id, "chưa được giải quyết"))
		h.want("the reopened card", func(r rtSent) bool {
			return card(id, outbox.KindUpdate)(r) && field(r.Reply, "Trạng thái") == "Đã mở lại"
		})
		if tk := h.ticket(id); tk.State != tickets.StateReopened {
			t.Errorf("state %s", tk.State)
		}
		if ev := h.lastEvent(id); ev.Actor.Kind != tickets.ActorOfficer || ev.To != tickets.StateReopened {
			t.Errorf("last event %+v", ev)
		}
		// Pressed again: nothing more happens.
		h.add(h.press("100", buttonData(r.Reply)[1]))
		h.add(h.msg("100", "/help"))
		mustContain(t, h.want("the help", toOfficer("100")).Text, "/ticket")
	})
	t.Run("solved closes", func(t *testing.T) {
		h := newStaffHarness(t, bot.StaffOptions{})
		id, _, _ := h.open("100", "Câu hỏi đã rõ")
		r := h.resolveAs("U1", id, map[string]string{"answer": "Đây là câu trả lời"})
		h.add(h.press("100", buttonData(r.Reply)[0]))
		mustContain(t, h.want("the thanks", toOfficer("100")).Text, "Cảm ơn", id)
		h.want("the thread told", inThread(id, "xác nhận"))
		if tk := h.ticket(id); tk.State != tickets.StateClosed {
			t.Errorf("state %s", tk.State)
		}
	})
}

func TestStaffEscalateMentionsOnCall(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{OnCall: stOnCall})
	id, _, _ := h.open("100", "Sự cố bức xạ khẩn cấp")
	h.add(h.pressCard("U1", bot.RoleStaff, "escalate", id))
	p := h.want("the escalation in the thread", inThread(id, "Lan đã nâng phiếu lên mức khẩn"))
	if !slices.Equal(p.Mentions, []string{stOnCall}) {
		t.Errorf("mentions = %v", p.Mentions)
	}
	upd := h.want("the card update", card(id, outbox.KindUpdate))
	if field(upd.Reply, "Mức ưu tiên") != "🔺 Khẩn" || !slices.Equal(upd.Mentions, []string{stOnCall}) {
		t.Errorf("card priority %q mentions %v", field(upd.Reply, "Mức ưu tiên"), upd.Mentions)
	}
	if ev := h.lastEvent(id); ev.Kind != tickets.EventPriority || ev.Actor.ID != "slack:U1" {
		t.Errorf("last event %+v", ev)
	}
	h.add(h.pressCard("U1", bot.RoleStaff, "escalate", id))
	mustContain(t, h.want("the refusal", ephemeralTo("U1")).Text, "đã ở mức khẩn")
}

func TestStaffCloseCancelsAnOpenTicketAndTellsTheOfficer(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, _, _ := h.open("100", "Câu hỏi trùng")
	h.add(h.pressCard("U1", bot.RoleStaff, "close", id))
	mustContain(t, h.want("the officer told", toOfficer("100")).Text, id, "đóng")
	upd := h.want("the card update", card(id, outbox.KindUpdate))
	if len(upd.Buttons) != 0 || field(upd.Reply, "Trạng thái") != "Đã hủy" {
		t.Errorf("closed card: buttons %v, state %q", upd.Buttons, field(upd.Reply, "Trạng thái"))
	}
	if tk := h.ticket(id); tk.State != tickets.StateCancelled {
		t.Errorf("state %s", tk.State)
	}
}

func TestStaffDeliveryFailureIsNotedInTheThread(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	id, _, _ := h.open("blocked", "Câu hỏi của người đã chặn bot")
	n := h.want("the failure in the thread", inThread(id, "Không gửi được cho cán bộ hỏi"))
	mustContain(t, n.Text, "blocked by the user")
	h.want("the card counting it", func(r rtSent) bool {
		return card(id, outbox.KindUpdate)(r) && field(r.Reply, "Gửi cho cán bộ không thành công") == "❗ 1"
	})
	if tk := h.ticket(id); len(tk.DeliveryFailures) != 1 {
		t.Errorf("delivery failures %+v", tk.DeliveryFailures)
	}
}

func TestFilesTravelBothWays(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	photo := bot.File{From: bot.Telegram, ID: "AgAD1", Name: "hoso.jpg", Mime: "image/jpeg", Size: 1000}
	q := h.msg("100", "Hồ sơ của tôi bị trả lại")
	q.Files = []bot.File{photo}
	id, c, reply := h.openWith(q)
	if p := h.want("the question in the thread", inThread(id, "Hồ sơ của tôi")); !reflect.DeepEqual(p.Files, q.Files) {
		t.Errorf("the question's files in the thread: %+v", p.Files)
	}
	if tk := h.ticket(id); len(tk.Messages) != 1 || len(tk.Messages[0].Files) != 1 || tk.Messages[0].Files[0].ID != "AgAD1" || tk.Messages[0].Direction != tickets.DirIn {
		t.Errorf("the question's files on the ticket: %+v", tk.Messages)
	}

	// A follow-up with a photo, answering the bot's message about the ticket.
	m := h.msg("100", "Ảnh trang 2")
	m.ReplyToID, m.Files = reply.ID, []bot.File{photo}
	h.add(m)
	mustContain(t, h.want("the confirmation", toOfficer("100")).Text, "Đã thêm vào phiếu")
	if p := h.want("the follow-up in the thread", inThread(id, "Ảnh trang 2")); !reflect.DeepEqual(p.Files, m.Files) {
		t.Errorf("follow-up files in the thread: %+v", p.Files)
	}
	tk := h.ticket(id)
	if f := tk.Messages[len(tk.Messages)-1].Files; len(f) != 1 || f[0].ID != "AgAD1" || f[0].Channel != "telegram" {
		t.Errorf("files kept on the ticket: %+v", f)
	}

	// A photo alone (no caption) goes into the ticket the officer is on.
	alone := h.msg("100", "")
	alone.ReplyToID, alone.Files = reply.ID, []bot.File{{From: bot.Telegram, ID: "AgAD2", Mime: "image/jpeg"}}
	h.add(alone)
	mustContain(t, h.want("the confirmation", toOfficer("100")).Text, "Đã thêm vào phiếu")
	if p := h.want("the photo in the thread", inThread(id, "📎 image/jpeg")); len(p.Files) != 1 || p.Files[0].ID != "AgAD2" {
		t.Errorf("photo files in the thread: %+v", p.Files)
	}

	// Staff send a document without text.
	s := h.inThreadMsg("U1", bot.RoleStaff, c.ID, "")
	s.Files = []bot.File{{From: bot.Slack, ID: "F1", Name: "huongdan.pdf", URL: "https://files.slack.com/f1"}}
	h.add(s)
	r := h.want("the relay", toOfficer("100"))
	mustContain(t, r.Text, "<b>Lan</b>", "tệp đính kèm")
	if !reflect.DeepEqual(r.Files, s.Files) {
		t.Errorf("relayed files %+v", r.Files)
	}

	// A file too big: the officer is told, the text still joins.
	big := h.msg("100", "Còn bản scan")
	big.ReplyToID, big.FileProblem = reply.ID, bot.FileTooBig
	h.add(big)
	mustContain(t, h.want("the file problem", toOfficer("100")).Text, "20 MB")
	mustContain(t, h.want("the confirmation", toOfficer("100")).Text, "Đã thêm vào phiếu")
}

func TestStaffTextsInStaffLanguageOfficersInTheirs(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{Lang: "en"})
	id, c, _ := h.open("100", "Câu hỏi")
	mustContain(t, c.Text, "Ticket "+id)
	if got := field(c.Reply, "State"); got != "New" {
		t.Errorf("English card state %q", got)
	}
	h.add(h.inThreadMsg("U1", bot.RoleStaff, c.ID, "Trả lời"))
	mustContain(t, h.want("the relay", toOfficer("100")).Text, "(Bộ KH&amp;CN)")
	h.add(h.inThreadMsg("U1", bot.RoleStaff, c.ID, "note: internal"))
	mustContain(t, h.want("the confirmation", ephemeralTo("U1")).Text, "Internal note saved")
}

func TestNewRouterChecksStaffOptions(t *testing.T) {
	h := newStoppedHarness(t)
	for _, s := range []bot.StaffOptions{
		{Channel: bot.Slack},
		{Channel: bot.Slack, Triage: stTriage, Lang: "fr"},
	} {
		if _, err := bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, bot.RouterOptions{Staff: s}); err == nil {
			t.Errorf("NewRouter accepted %+v", s)
		}
	}
}
