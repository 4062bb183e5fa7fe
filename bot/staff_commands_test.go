package bot_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// supTriage is the triage chat of the support harness.
const supTriage = "CTRIAGE"

// supNames are the display names of the Slack users of these tests.
var supNames = map[string]string{"U1": "Lan", "U2": "Minh", "G1": "Khách"}

// newSupportHarness runs the pipeline with a Slack staff channel whose
// staff speak lang.
func newSupportHarness(t *testing.T, lang string) *rtHarness {
	t.Helper()
	h := newStoppedHarness(t)
	var err error
	h.router, err = bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, bot.RouterOptions{
		Workers: 4, Now: h.now, Metrics: bot.NewMetrics(),
		Staff: bot.StaffOptions{Channel: bot.Slack, Triage: supTriage, Lang: lang},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.outbox.Register(bot.Slack, &rtSender{}, bot.Limits{})
	h.start()
	return h
}

// support builds "/support args" typed by user in a channel of their own.
func (h *rtHarness) support(user string, role bot.Role, args string) bot.Message {
	id := strconv.FormatInt(h.seq.Add(1), 10)
	return bot.Message{Channel: bot.Slack, SourceID: "cmd" + id, ChatID: "C" + user, ChatType: bot.ChatGroup,
		UserID: user, UserName: supNames[user], Role: role, Command: "/support", Text: args,
		TriggerID: "trigger" + id, Received: h.now()}
}

// private sends m and returns the reply only its sender sees (ephemeral
// text or home page), skipping what went elsewhere (triage card updates).
func (h *rtHarness) private(m bot.Message) rtSent {
	h.t.Helper()
	h.add(m)
	for {
		r := h.next()
		if r.UserID == m.UserID && (r.Kind == outbox.KindEphemeral || r.Kind == outbox.KindView) {
			return r
		}
	}
}

// open creates a ticket as an officer in province would, returning its ID.
func (h *rtHarness) open(text, province, topic, priority string) string {
	h.t.Helper()
	tk, _, err := h.store.Create(tickets.NewTicket{Channel: "telegram", UserID: "777", ChatID: "777", UserName: "Hùng",
		Province: province, Commune: "Xã Bát Xát", Topic: topic, Priority: priority, Text: text})
	if err != nil {
		h.t.Fatal(err)
	}
	return tk.ID
}

// idsIn returns the ticket IDs s names, in order.
func idsIn(s string) []string {
	var out []string
	for i := strings.Index(s, "HT-"); i >= 0 && i+9 <= len(s); {
		out = append(out, s[i:i+9])
		j := strings.Index(s[i+9:], "HT-")
		if j < 0 {
			break
		}
		i += 9 + j
	}
	return out
}

var (
	lan  = tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U1", Name: "Lan"}
	minh = tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U2", Name: "Minh"}
)

// supportQueue opens four tickets and advances the clock an hour:
// urgent (breached 29 minutes ago), normal (due in 3 h), a Lào Cai one
// claimed by Lan (due in 3 h 2 min) and a resolved one.
func supportQueue(h *rtHarness) (urgent, normal, laoCai, resolved string) {
	normal = h.open("Thủ tục cấp lại văn bằng <bảo hộ>", "Hà Nội", "ip", "")
	h.advance(time.Minute)
	urgent = h.open("Sự cố nguồn phóng xạ", "Huế", "radiation", tickets.PriorityUrgent)
	h.advance(time.Minute)
	laoCai = h.open("Báo cáo định kỳ", "Lào Cai", "reporting", "")
	resolved = h.open("Đã xong", "Hà Nội", "", "")
	err := h.store.Update(func(tx *tickets.Tx) error {
		if _, err := tx.Claim(laoCai, lan); err != nil {
			return err
		}
		if _, err := tx.Claim(resolved, minh); err != nil {
			return err
		}
		_, err := tx.Transition(resolved, tickets.StateResolved, minh, "")
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.advance(time.Hour - 2*time.Minute)
	return urgent, normal, laoCai, resolved
}

func TestSupportTicketsListsBySLA(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	urgent, normal, laoCai, _ := supportQueue(h)

	for _, c := range []struct {
		args string
		want []string
		text []string
	}{
		{"", []string{urgent, normal, laoCai}, []string{"Phiếu đang mở", "quá hạn 29 phút", "còn 3 giờ", "<b>khẩn</b>", "Huế", "An toàn bức xạ"}},
		{"tickets open", []string{urgent, normal, laoCai}, nil},
		{"phiếu quá hạn", []string{urgent}, []string{"Phiếu quá hạn SLA</b> (1)"}},
		{"tickets breached", []string{urgent}, nil},
		{"tickets mine", []string{laoCai}, []string{"Đã tiếp nhận", "còn 3 giờ 2 phút"}},
		{"phieu cua toi", []string{laoCai}, nil},
		{"tickets province lao cai", []string{laoCai}, []string{"Lào Cai"}},
		{"phieu tinh Hà Nội", []string{normal}, nil},
		{"tickets Huế", []string{urgent}, nil},
		{"tickets province Atlantis", nil, []string{"Không nhận ra tỉnh/thành phố “Atlantis”"}},
		{"tickets <bogus>", nil, []string{"Không hiểu “&lt;bogus&gt;”"}},
	} {
		t.Run(c.args, func(t *testing.T) {
			args := c.args
			if !strings.HasPrefix(args, "tickets") && !strings.HasPrefix(args, "phi") {
				args = "tickets " + args
			}
			r := h.private(h.support("U1", bot.RoleStaff, args))
			if r.Kind != outbox.KindEphemeral || r.ChatID != "CU1" || r.Channel != bot.Slack {
				t.Errorf("reply is %q to %s/%s, want ephemeral to CU1", r.Kind, r.Channel, r.ChatID)
			}
			if got := idsIn(r.Text); !slices.Equal(got, c.want) {
				t.Errorf("listed %v, want %v:\n%s", got, c.want, r.Text)
			}
			mustContain(t, r.Text, c.text...)
		})
	}
}

func TestSupportShowsTheWholeTicket(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	tk, _, err := h.store.Create(tickets.NewTicket{Channel: "telegram", UserID: "777", UserName: "Hùng <xã>",
		Province: "Lào Cai", Commune: "Xã Bát Xát", Topic: "ip", Text: "Ai cấp lại <văn bằng>?",
		Hits: []tickets.HitRef{{ID: "nd133", Title: "Cấp lại văn bằng", Document: "Nghị định 133/2025/NĐ-CP", Article: "Điều 36", Source: "https://example.gov.vn/nd133"}}})
	if err != nil {
		t.Fatal(err)
	}
	h.advance(10 * time.Minute)
	err = h.store.Update(func(tx *tickets.Tx) error {
		if _, err := tx.Claim(tk.ID, lan); err != nil {
			return err
		}
		if _, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: lan, Text: "Hỏi Minh về điều 36 & phụ lục", Internal: true}); err != nil {
			return err
		}
		_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: lan, Text: "UBND cấp tỉnh cấp lại."})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	r := h.private(h.support("U2", bot.RoleStaff, "xem ht-1"))
	mustContain(t, r.Text,
		"<b>HT-000001</b> · Đã tiếp nhận · thường",
		"Hùng &lt;xã&gt; (telegram:777)", "Xã Bát Xát, Lào Cai", "Sở hữu trí tuệ", "Người xử lý: Lan",
		"Ai cấp lại &lt;văn bằng&gt;?",
		`<a href="https://example.gov.vn/nd133">Cấp lại văn bằng</a>`, "Nghị định 133/2025/NĐ-CP, Điều 36",
		"Lan 🔒 nội bộ: Hỏi Minh về điều 36 &amp; phụ lục", "Lan: UBND cấp tỉnh cấp lại.",
		"mở phiếu", "Mới → Đã tiếp nhận", "ghi chú nội bộ", "phản hồi đầu tiên",
		"Phản hồi đầu: hạn 20:00 02/03/2026, đạt lúc 16:10 02/03/2026",
		"Giải quyết: hạn 16:00 05/03/2026, còn 2 ngày 23 giờ",
	)
	mustNotContain(t, r.Text, "<văn bằng>", "<xã>")

	for args, want := range map[string]string{
		"show":           "Hãy gõ mã phiếu",
		"show HT-000042": "Không tìm thấy phiếu hỗ trợ này",
		"show abc":       "Mã phiếu không hợp lệ",
	} {
		mustContain(t, h.private(h.support("U2", bot.RoleStaff, args)).Text, want)
	}
}

func TestSupportAssignRecordsWhoAssigned(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	id := h.open("Câu hỏi", "Huế", "ip", "")

	r := h.private(h.support("U1", bot.RoleStaff, "giao "+id+" <@U2|minh>"))
	mustContain(t, r.Text, "Đã giao phiếu <b>"+id+"</b> cho minh (Đã tiếp nhận)")
	tk := h.ticket(id)
	if tk.State != tickets.StateClaimed || tk.Assignee != "slack:U2" {
		t.Fatalf("after assign: %s assigned to %q", tk.State, tk.Assignee)
	}
	evs, err := h.store.Events(id)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Actor.ID != "slack:U1" || last.Actor.Name != "Lan" || last.To != tickets.StateClaimed || !strings.Contains(last.Note, "slack:U2") {
		t.Errorf("assignment event = %+v, want Lan claiming it for U2", last)
	}

	// Handed back to oneself, the ticket keeps its state.
	r = h.private(h.support("U2", bot.RoleStaff, "assign <@U1> "+id))
	mustContain(t, r.Text, "cho slack:U1")
	if tk := h.ticket(id); tk.Assignee != "slack:U1" || tk.State != tickets.StateClaimed {
		t.Errorf("after reassign: %s assigned to %q", tk.State, tk.Assignee)
	}
	evs, _ = h.store.Events(id)
	if last := evs[len(evs)-1]; last.Kind != tickets.EventAssigned || last.Actor.ID != "slack:U2" {
		t.Errorf("reassignment event = %+v", last)
	}

	for args, want := range map[string]string{
		"assign " + id + " @minh":    "Không nhận ra người “@minh”",
		"assign " + id:               "Dùng: /support giao",
		"assign HT-000099 <@U2|m>":   "Không tìm thấy phiếu hỗ trợ này",
		"assign nope <@U2|m>":        "Mã phiếu không hợp lệ",
		"assign " + id + " <@U2 x>":  "Dùng: /support giao",
		"assign " + id + " <@|nope>": "Không nhận ra người",
	} {
		mustContain(t, h.private(h.support("U1", bot.RoleStaff, args)).Text, want)
	}
}

func TestSupportRefusesGuests(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	id := h.open("Câu hỏi", "Huế", "ip", "")
	for _, args := range []string{"tickets", "phieu quahan", "show " + id, "assign " + id + " <@G1>", "stats", "thongke"} {
		r := h.private(h.support("G1", bot.RoleGuest, args))
		mustContain(t, r.Text, "Chỉ cán bộ hỗ trợ của Bộ")
		mustNotContain(t, r.Text, id)
	}
	if tk := h.ticket(id); tk.State != tickets.StateNew || tk.Assignee != "" {
		t.Errorf("a guest changed %s: %s, %q", id, tk.State, tk.Assignee)
	}
	mustContain(t, h.private(h.support("G1", bot.RoleGuest, "help")).Text, "/support hoi")
	h.kb.set("cấp lại", rtAnswer())
	mustContain(t, h.private(h.support("G1", bot.RoleGuest, "hỏi ai cấp lại văn bằng?")).Text, "Điều 36")
}

func TestSupportAskAnswersOnlyTheAsker(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	h.kb.set("cấp lại", rtAnswer())
	h.kb.set("bức xạ", knowledge.Result{Verdict: knowledge.VerdictSuggest, Hits: rtHits[:2]})

	r := h.private(h.support("U1", bot.RoleStaff, "ask Ai cấp lại văn bằng bảo hộ?"))
	mustContain(t, r.Text, "<b>Cấp lại văn bằng bảo hộ &lt;SHTT&gt; &amp; phó bản</b>", "<b>cấp lại</b>", "Điều 36")
	mustNotContain(t, r.Text, "Câu trả lời có giúp bạn không?")
	if len(r.Buttons) != 0 {
		t.Errorf("a staff answer has buttons %v", r.Buttons)
	}
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "hoi giấy phép bức xạ")).Text, "chưa chắc chắn")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "hoi điều không có <x>")).Text, "Không tìm thấy mục nào", "&lt;x&gt;")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "ask")).Text, "Hãy gõ câu hỏi sau lệnh")
	if n := len(h.tickets()); n != 0 {
		t.Errorf("asking opened %d tickets", n)
	}
	if n := h.kb.calls.Load(); n != 3 {
		t.Errorf("%d searches for 3 questions", n)
	}
}

func TestSupportHelpAndUnknownSubcommand(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	for args, want := range map[string][]string{
		"":           {"<b>Lệnh /support</b>", "/support thongke"},
		"trogiup":    {"<b>Lệnh /support</b>"},
		"frobnicate": {"Không có lệnh con “frobnicate”.", "/support giao"},
		"<b>":        {"Không có lệnh con “&lt;b&gt;”."},
	} {
		mustContain(t, h.private(h.support("U1", bot.RoleStaff, args)).Text, want...)
	}
}

func TestSupportSpeaksTheStaffLanguage(t *testing.T) {
	h := newSupportHarness(t, bot.LangEN)
	urgent, _, _, _ := supportQueue(h)
	r := h.private(h.support("U1", bot.RoleStaff, "tickets breached"))
	mustContain(t, r.Text, "<b>Tickets past their SLA</b> (1)", urgent, "overdue by 29 min", "<b>urgent</b>", "Radiation safety")
	mustContain(t, h.private(h.support("U1", bot.RoleStaff, "nonsense")).Text, "There is no subcommand “nonsense”.")
}

func TestSupportStats(t *testing.T) {
	h := newSupportHarness(t, bot.LangVI)
	// Last week's first response does not count.
	h.advance(-50 * time.Hour) // Saturday 14:00
	old := h.open("Tuần trước", "Huế", "ip", "")
	h.advance(time.Hour)
	reply := func(id string) {
		t.Helper()
		err := h.store.Update(func(tx *tickets.Tx) error {
			_, err := tx.AddMessage(id, tickets.ConvMessage{From: lan, Text: "Trả lời"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	reply(old)
	h.advance(49 * time.Hour)

	_, normal, _, _ := supportQueue(h) // now Monday 17:00 ICT
	reply(normal)                      // after 1 h
	r := h.private(h.support("U1", bot.RoleStaff, "thongke"))
	mustContain(t, r.Text,
		"Đang mở: <b>4</b>", // the three, and last week's
		"• Mới: 3", "• Đã tiếp nhận: 1",
		"• Sở hữu trí tuệ: 2", "• An toàn bức xạ: 1", "• Chế độ báo cáo: 1",
		"Quá hạn SLA lúc này: <b>1</b>",
		"Phản hồi đầu từ 00:00 02/03/2026: trung vị <b>1 giờ</b> (1 phiếu)",
	)
	mustNotContain(t, r.Text, "Khác")
}
