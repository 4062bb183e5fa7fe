package bot_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

// dlCalendarYAML is the calendar of these tests: a yearly commune report
// (check status) due 20/12, a monthly province report due the 25th, and a
// one-off commune report due 15/12/2026.
const dlCalendarYAML = `
deadlines:
  - id: t-commune
    title: {vi: Báo cáo xã, en: Commune report}
    basis: {document: Thông tư thử, article: Điều 1, url: "https://example.vn/tt"}
    confidence: check status
    audience: commune_pc
    recurrence: {yearly: ["20/12"]}
    reminders: {offsets: [7d, 3d, 1d, 0d], at: "08:00"}
  - id: t-province
    title: {vi: Báo cáo tỉnh, en: Province report}
    basis: {document: Nghị định thử, url: "https://example.vn/nd"}
    confidence: verified
    audience: province_dost
    recurrence: {cron: "0 8 25 * *"}
    reminders: {offsets: [1d], at: "09:30"}
  - id: t-once
    title: {vi: Báo cáo một lần, en: One-off report}
    basis: {document: Công văn thử, url: "https://example.vn/cv"}
    confidence: verified
    audience: commune_pc
    recurrence: {once: ["15/12/2026"]}
    reminders: {offsets: [3d], at: "08:00"}
`

// newDeadlinesHarness is the pipeline with the deadline reminders of
// dlCalendarYAML wired into the router (RouterOptions.Deadlines), as cmd
// wires them; staffLang, when set, adds a Slack staff channel.
func newDeadlinesHarness(t *testing.T, staffLang string) (*rtHarness, *schedules.Reminders) {
	t.Helper()
	h := newStoppedHarness(t)
	cal, err := schedules.ParseCalendar("test.yaml", []byte(dlCalendarYAML))
	if err != nil {
		t.Fatal(err)
	}
	rem, err := schedules.New(h.db, schedules.Options{Calendar: cal, Directory: bot.OfficerDirectory{}, Outbox: h.outbox,
		Now: h.now, TriageLang: staffLang})
	if err != nil {
		t.Fatal(err)
	}
	opts := bot.RouterOptions{Workers: 4, Now: h.now, Metrics: bot.NewMetrics(), Deadlines: rem}
	if staffLang != "" {
		opts.Staff = bot.StaffOptions{Channel: bot.Slack, Triage: supTriage, Lang: staffLang}
		h.outbox.Register(bot.Slack, &rtSender{}, bot.Limits{})
	}
	h.metrics = opts.Metrics
	if h.router, err = bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, opts); err != nil {
		t.Fatal(err)
	}
	h.start()
	return h, rem
}

// register registers user through the three questions.
func (h *rtHarness) register(user, province, commune, role string) {
	h.t.Helper()
	for _, s := range []string{"/start", province, commune, role} {
		h.one(h.msg(user, s))
	}
}

// follows reports whether user (Telegram) follows deadline id.
func follows(t *testing.T, h *rtHarness, rem *schedules.Reminders, user, id string) bool {
	t.Helper()
	var got bool
	err := h.db.View(func(tx *bolt.Tx) error {
		return bot.OfficerDirectory{}.EachOfficer(tx, func(o schedules.Officer) error {
			if o.UserID == user {
				got = schedules.Follows(tx, o, rem.Calendar().Get(id))
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// pressed sends a button press and returns its toast and its message.
func (h *rtHarness) pressed(user, data string) (toast string, reply rtSent) {
	h.t.Helper()
	for _, r := range h.say(h.press(user, data), 2) {
		if r.CallbackID != "" {
			toast = r.Text
			continue
		}
		reply = r
	}
	return toast, reply
}

// /han lists the deadlines of the officer's audience: a commune officer
// sees the commune reports with their basis and the check-status warning,
// a province officer the province report; in Vietnamese and English.
func TestDeadlinesListByAudience(t *testing.T) {
	h, _ := newDeadlinesHarness(t, "")
	h.register("100", "Huế", "Phường Thuận Hóa", "1")
	h.register("200", "Lào Cai", "tỉnh", "2")

	r := h.one(h.msg("100", "/han"))
	mustContain(t, r.Text, "Hạn báo cáo bạn theo dõi</b> (2)", "Báo cáo một lần", "<code>t-once</code>", "15/12/2026",
		"Báo cáo xã", "<code>t-commune</code>", "hạn nộp <b>20/12/2026</b>", "còn 293 ngày",
		`Căn cứ: <a href="https://example.vn/tt">Thông tư thử, Điều 1</a>`, "Cần kiểm tra hiệu lực", "/theodoi", "/bothoi")
	mustNotContain(t, r.Text, "t-province", "Báo cáo tỉnh")
	if strings.Index(r.Text, "t-once") > strings.Index(r.Text, "t-commune") {
		t.Error("not in due order: 15/12 comes before 20/12")
	}
	if d := buttonData(r.Reply); !slices.Equal(d, []string{"dl:ics"}) {
		t.Errorf("buttons %v, want the calendar", d)
	}

	r = h.one(h.msg("200", "/deadlines"))
	mustContain(t, r.Text, "(1)", "Báo cáo tỉnh", "<code>t-province</code>", "hạn nộp <b>25/03/2026</b> (còn 23 ngày)",
		`<a href="https://example.vn/nd">Nghị định thử</a>`)
	mustNotContain(t, r.Text, "t-commune", "t-once", "Cần kiểm tra hiệu lực")

	h.one(h.msg("200", "/lang en"))
	r = h.one(h.msg("200", "/han"))
	mustContain(t, r.Text, "Reporting deadlines you follow</b> (1)", "Province report", "due <b>25/03/2026</b> (23 days left)",
		"Basis: ", "/subscribe", "/unsubscribe")
	mustNotContain(t, r.Text, "Hạn", "Commune report")
	h.one(h.msg("100", "/lang en"))
	r = h.one(h.msg("100", "/deadlines"))
	mustContain(t, r.Text, "Commune report", "One-off report", "Check status", "due <b>20/12/2026</b>")

	// Someone unregistered follows nothing: told how to, with a keyboard.
	r = h.one(h.msg("300", "/han"))
	mustContain(t, r.Text, "chưa theo dõi", "/dangky")
	if d := buttonData(r.Reply); !slices.Equal(d, []string{"dl:f:t-commune", "dl:f:t-province", "dl:f:t-once"}) {
		t.Errorf("buttons %v, want one per deadline", d)
	}
}

// The calendar button (and /han ics) sends the officer's deadlines as an
// iCalendar file that an independent parser reads.
func TestDeadlinesICSFile(t *testing.T) {
	h, _ := newDeadlinesHarness(t, "")
	h.register("100", "Huế", "Phường Thuận Hóa", "1")
	h.one(h.msg("100", "/han"))

	toast, r := h.pressed("100", "dl:ics")
	if toast != "" {
		t.Errorf("toast %q", toast)
	}
	if len(r.Files) != 1 {
		t.Fatalf("reply %+v: want one file", r.Reply)
	}
	f := r.Files[0]
	if f.Name != "han-bao-cao.ics" || f.Mime != "text/calendar" || len(f.Data) == 0 || len(f.Data) > outbox.MaxInlineFile {
		t.Fatalf("file %s %s, %d bytes", f.Name, f.Mime, len(f.Data))
	}
	mustContain(t, r.Text, "2 hạn", "Google Calendar")
	cal, err := goical.NewDecoder(bytes.NewReader(f.Data)).Decode()
	if err != nil {
		t.Fatalf("the .ics does not parse: %v\n%s", err, f.Data)
	}
	var uids []string
	for _, ev := range cal.Events() {
		uid, _ := ev.Props.Text(goical.PropUID)
		uids = append(uids, uid)
	}
	for _, want := range []string{"t-commune-20261220@supportbot.mostvn", "t-commune-20271220@supportbot.mostvn", "t-once-20261215@supportbot.mostvn"} {
		if !slices.Contains(uids, want) {
			t.Errorf("no event %s in %v", want, uids)
		}
	}
	for _, u := range uids {
		if strings.HasPrefix(u, "t-province") {
			t.Errorf("event %s of a deadline not followed", u)
		}
	}

	r = h.one(h.msg("100", "/han ics"))
	if len(r.Files) != 1 || !bytes.Equal(r.Files[0].Data, f.Data) {
		t.Errorf("/han ics: files %+v", r.Files)
	}
}

// /theodoi and /bothoi change what /han shows and who is reminded; an
// unknown id is answered with the valid ones.
func TestDeadlinesFollowUnfollow(t *testing.T) {
	h, rem := newDeadlinesHarness(t, "")
	h.register("200", "Lào Cai", "tỉnh", "2")
	h.register("201", "Huế", "tỉnh", "2")

	r := h.one(h.msg("200", "/theodoi t-commune"))
	mustContain(t, r.Text, "Đã theo dõi <b>Báo cáo xã</b>", "20/12/2026", "7, 3, 1 ngày trước hạn và đúng ngày hạn, lúc 08:00")
	mustContain(t, h.one(h.msg("200", "/han")).Text, "t-commune", "t-province")
	r = h.one(h.msg("200", "/bothoi t-province"))
	mustContain(t, r.Text, "Đã bỏ theo dõi <b>Báo cáo tỉnh</b>", "/theodoi t-province")
	r = h.one(h.msg("200", "/han"))
	mustContain(t, r.Text, "t-commune", "(1)")
	mustNotContain(t, r.Text, "t-province")
	mustContain(t, h.one(h.msg("200", "/unsubscribe t-province")).Text, "Bạn không theo dõi")
	if follows(t, h, rem, "200", "t-province") || !follows(t, h, rem, "200", "t-commune") || !follows(t, h, rem, "201", "t-province") {
		t.Error("follows not as chosen")
	}

	// Unknown ids.
	for _, c := range []string{"/theodoi nope", "/bothoi nope", "/subscribe T-X"} {
		r := h.one(h.msg("200", c))
		mustContain(t, r.Text, "Không có hạn báo cáo mã", "<code>t-commune</code>", "<code>t-province</code>", "<code>t-once</code>")
	}
	h.one(h.msg("201", "/lang en"))
	mustContain(t, h.one(h.msg("201", "/subscribe nope")).Text, "There is no reporting deadline with the id “nope”", "Example: /subscribe t-commune")

	// Without an id: keyboards; a press follows.
	r = h.one(h.msg("200", "/theodoi"))
	if d := buttonData(r.Reply); !slices.Equal(d, []string{"dl:f:t-commune", "dl:f:t-province", "dl:f:t-once"}) {
		t.Errorf("follow keyboard %v", d)
	}
	mustContain(t, r.Reply.Buttons[0][0].Text, "✅")
	r = h.one(h.msg("200", "/bothoi"))
	if d := buttonData(r.Reply); !slices.Equal(d, []string{"dl:u:t-commune"}) {
		t.Errorf("unfollow keyboard %v", d)
	}

	// Someone who never registered nor pressed /start follows by a button.
	toast, r := h.pressed("300", "dl:f:t-province")
	if toast != "Đã theo dõi" {
		t.Errorf("toast %q", toast)
	}
	mustContain(t, r.Text, "Đã theo dõi <b>Báo cáo tỉnh</b>", "25/03/2026", "1 ngày trước hạn, lúc 09:30")
	if toast, r := h.pressed("300", "dl:f:gone"); toast != "" || !strings.Contains(r.Text, "Không có hạn báo cáo mã") {
		t.Errorf("a button of a removed deadline: toast %q, reply %q", toast, r.Text)
	}

	// The reminder of 25/03 goes out on 24/03 at 09:30: to 201 (by
	// default) and 300 (chose it), not to 200 (stopped it).
	ctx := context.Background()
	vn := func(d, hh, mm int) time.Time { return time.Date(2026, 3, d, hh, mm, 0, 0, schedules.VietnamLocation()) }
	if err := rem.Tick(ctx, vn(24, 9, 0)); err != nil {
		t.Fatal(err)
	}
	if err := rem.Tick(ctx, vn(24, 9, 31)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 2 {
		r := h.next()
		want := map[string]string{"201": "Province report", "300": "Báo cáo tỉnh"}[r.ChatID] // 201 chose English
		mustContain(t, r.Text, want, "25/03/2026")
		got = append(got, r.ChatID)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"201", "300"}) {
		t.Errorf("reminded %v, want 201 and 300", got)
	}
	h.quiet("200")
	h.quiet("201")
}

// Without a calendar wired, the commands say so instead of failing.
func TestDeadlinesOff(t *testing.T) {
	h := newHarness(t)
	for _, c := range []string{"/han", "/theodoi x", "/bothoi"} {
		mustContain(t, h.one(h.msg("100", c)).Text, "chưa được bật")
	}
}
