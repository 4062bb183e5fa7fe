package schedules_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/schedules"
)

func loadExampleRota(t *testing.T) *schedules.Rota {
	t.Helper()
	r, err := schedules.LoadRota("rota.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRotaWeeksAndSwap checks the weekly rotation of the example file and
// its swap: Hòa stands in for Lan on Saturday night.
func TestRotaWeeksAndSwap(t *testing.T) {
	r := loadExampleRota(t)
	const lan, minh, hoa = "U024BE7LH", "U0G9QF9C6", "U0H2K8P4R"
	for _, c := range []struct {
		at          time.Time
		user        string
		from, until time.Time
		swap        bool
	}{
		{vnTime(2026, 11, 30, 8, 29), hoa, vnTime(2026, 11, 23, 8, 30), vnTime(2026, 11, 30, 8, 30), false}, // the week before start: the last of the list
		{vnTime(2026, 11, 30, 8, 30), lan, vnTime(2026, 11, 30, 8, 30), vnTime(2026, 12, 5, 18, 0), false},
		{vnTime(2026, 12, 5, 17, 59), lan, vnTime(2026, 11, 30, 8, 30), vnTime(2026, 12, 5, 18, 0), false},
		{vnTime(2026, 12, 5, 18, 0), hoa, vnTime(2026, 12, 5, 18, 0), vnTime(2026, 12, 6, 8, 0), true},
		{vnTime(2026, 12, 6, 8, 0), lan, vnTime(2026, 12, 6, 8, 0), vnTime(2026, 12, 7, 8, 30), false},
		{vnTime(2026, 12, 7, 9, 0), minh, vnTime(2026, 12, 7, 8, 30), vnTime(2026, 12, 14, 8, 30), false},
		{vnTime(2026, 12, 14, 8, 30), hoa, vnTime(2026, 12, 14, 8, 30), vnTime(2026, 12, 21, 8, 30), false},
		{vnTime(2026, 12, 21, 8, 30), lan, vnTime(2026, 12, 21, 8, 30), vnTime(2026, 12, 28, 8, 30), false},
		{vnTime(2027, 3, 1, 12, 0), minh, vnTime(2027, 3, 1, 8, 30), vnTime(2027, 3, 8, 8, 30), false}, // 13 weeks on
	} {
		s := r.At(c.at)
		if s.User != c.user || !s.From.Equal(c.from) || !s.Until.Equal(c.until) || s.Swap != c.swap {
			t.Errorf("At(%s) = %s %s–%s swap %v, want %s %s–%s swap %v", c.at, s.User, s.From, s.Until, s.Swap,
				c.user, c.from, c.until, c.swap)
		}
		if got := r.UserAt(c.at); got != c.user {
			t.Errorf("UserAt(%s) = %s", c.at, got)
		}
	}
	if n := r.Next(vnTime(2026, 12, 1, 10, 0)); n.User != hoa || !n.Swap || n.Name != "Lê Thu Hòa" {
		t.Errorf("Next on Tuesday = %+v, want Hòa's swap", n)
	}
	if n := r.Next(vnTime(2026, 12, 5, 20, 0)); n.User != lan || !n.From.Equal(vnTime(2026, 12, 6, 8, 0)) {
		t.Errorf("Next during the swap = %+v, want Lan back on Sunday 08:00", n)
	}
	txt := r.OnCallText(vnTime(2026, 12, 5, 20, 0), "vi")
	if !strings.Contains(txt, "<b>Lê Thu Hòa</b> (đổi ca)") || !strings.Contains(txt, "08:00 06/12/2026") || !strings.Contains(txt, "Nguyễn Thị Lan") {
		t.Errorf("OnCallText = %q", txt)
	}
	var none *schedules.Rota
	if none.UserAt(time.Now()) != "" || !strings.Contains(none.OnCallText(time.Now(), "en"), "No on-call rota") {
		t.Error("a nil rota should have nobody on call")
	}
}

// TestRotaNoticesHandoverAndSwap runs the rota job through a week with a
// swap, restarting once: each handover is announced once in the triage
// chat, and each incoming person gets one DM at 18:00 the evening before.
func TestRotaNoticesHandoverAndSwap(t *testing.T) {
	dir := t.TempDir()
	clk := &slaClock{t: vnTime(2026, 11, 30, 8, 0)}
	e := openSLAEnv(t, dir, clk)
	r := loadExampleRota(t)
	newNotices := func() *schedules.RotaNotices {
		n, err := schedules.NewRotaNotices(schedules.RotaNoticesOptions{DB: e.db, Outbox: slaOutbox{}, Triage: "CTRIAGE", Rota: r,
			Lang: "en", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := newNotices()
	run := func(y int, m time.Month, d, h, min int) {
		t.Helper()
		if err := n.Run(context.Background(), vnTime(y, m, d, h, min)); err != nil {
			t.Fatal(err)
		}
	}
	run(2026, 11, 30, 8, 29) // Hòa's week ends; her DM time is long past, Lan's was yesterday 18:00
	run(2026, 11, 30, 8, 30) // handover to Lan
	run(2026, 11, 30, 8, 31)
	run(2026, 12, 4, 17, 59)
	run(2026, 12, 4, 18, 0) // DM to Hòa for her Saturday swap
	run(2026, 12, 4, 18, 1)
	e.close(t)
	e = openSLAEnv(t, dir, clk)
	n = newNotices()
	run(2026, 12, 4, 18, 2)
	run(2026, 12, 5, 18, 0) // swap starts: handover to Hòa; Lan's DM for Sunday 08:00
	run(2026, 12, 5, 18, 5)
	run(2026, 12, 6, 8, 0)  // back to Lan
	run(2026, 12, 6, 18, 0) // DM to Minh for Monday
	run(2026, 12, 7, 8, 30) // handover to Minh

	var got []string
	for _, r := range e.sent(t) {
		who := r.ChatID
		if len(r.Mentions) > 0 {
			who += "@" + r.Mentions[0]
		}
		got = append(got, who+": "+r.Text)
	}
	want := []string{
		"U024BE7LH: 👋 Reminder: you are on support call from 30 Nov 2026 08:30 until 5 Dec 2026 18:00",
		"CTRIAGE@U024BE7LH: 🔄 <b>On-call handover</b>: <b>Nguyễn Thị Lan</b> is on call from now until 5 Dec 2026 18:00 (taking over from Lê Thu Hòa).",
		"U0H2K8P4R: 👋 Reminder: you are on support call from 5 Dec 2026 18:00 until 6 Dec 2026 08:00",
		"CTRIAGE@U0H2K8P4R: 🔄 <b>On-call handover</b>: <b>Lê Thu Hòa</b> is on call from now until 6 Dec 2026 08:00 (taking over from Nguyễn Thị Lan).",
		"U024BE7LH: 👋 Reminder: you are on support call from 6 Dec 2026 08:00 until 7 Dec 2026 08:30",
		"CTRIAGE@U024BE7LH: 🔄 <b>On-call handover</b>: <b>Nguyễn Thị Lan</b> is on call from now until 7 Dec 2026 08:30 (taking over from Lê Thu Hòa).",
		"U0G9QF9C6: 👋 Reminder: you are on support call from 7 Dec 2026 08:30 until 14 Dec 2026 08:30",
		"CTRIAGE@U0G9QF9C6: 🔄 <b>On-call handover</b>: <b>Trần Văn Minh</b> is on call from now until 14 Dec 2026 08:30 (taking over from Nguyễn Thị Lan).",
	}
	if len(got) != len(want) {
		t.Fatalf("sent %d notices, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("notice %d =\n  %s\nwant\n  %s", i, got[i], want[i])
		}
	}
}

// TestRotaFileErrors: every mistake names its line.
func TestRotaFileErrors(t *testing.T) {
	good, err := os.ReadFile("rota.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(s string) int {
		for i, l := range strings.Split(string(good), "\n") {
			if strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("%q not in the example", s)
		return 0
	}
	for _, c := range []struct {
		name, old, new string
		line           int
		msg            string
	}{
		{"unknown key", "  - user: U0G9QF9C6", "  - usr: U0G9QF9C6", lineOf("  - user: U0G9QF9C6"), `unknown key "usr"`},
		{"bad weekday", "weekday: monday", "weekday: mondy", lineOf("weekday: monday"), "unknown weekday"},
		{"bad time", `time: "08:30"`, `time: "8h30"`, lineOf(`time: "08:30"`), "HH:MM"},
		{"impossible date", `from: "2026-12-05 18:00"`, `from: "2026-02-30 18:00"`, lineOf(`from: "2026-12-05 18:00"`), "no such date"},
		{"not a user ID", "user: U0H2K8P4R\n    name", "user: hoa\n    name", lineOf("user: U0H2K8P4R"), "not a Slack user ID"},
		{"to before from", `to: "2026-12-06 08:00"`, `to: "2026-12-05 08:00"`, lineOf(`to: "2026-12-06 08:00"`), "not after from"},
		{"bad zone", "timezone: Asia/Ho_Chi_Minh", "timezone: Asia/Hanoi_City", lineOf("timezone: Asia/Ho_Chi_Minh"), "unknown time zone"},
		{"a list for a value", "start: 2026-11-30", "start: [2026-11-30]", lineOf("start: 2026-11-30"), "expected a single value"},
		{"overlap", "    note: Hòa trực thay Lan tối thứ bảy", "    note: x\n  - {from: \"2026-12-06 07:00\", to: \"2026-12-06 09:00\", user: U0G9QF9C6}", lineOf("    note: Hòa") + 1, "overlaps"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(string(good), c.old, c.new, 1)
			if bad == string(good) {
				t.Fatalf("%q not replaced", c.old)
			}
			_, err := schedules.ParseRota("rota.yaml", []byte(bad))
			var re *schedules.RotaError
			if !errors.As(err, &re) || !errors.Is(err, schedules.ErrBadRota) {
				t.Fatalf("err = %v, want a *RotaError", err)
			}
			if re.Line != c.line || !strings.Contains(re.Msg, c.msg) {
				t.Errorf("err = %v, want line %d and %q", err, c.line, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "rota.yaml:") {
				t.Errorf("err = %q, want it to start with the file name and line", err)
			}
		})
	}
	for name, data := range map[string]string{
		"empty":     "",
		"no people": "handover: {weekday: monday, time: \"08:30\"}\nstart: 2026-11-30\n",
		"no start":  "handover: {weekday: monday, time: \"08:30\"}\npeople: [{user: U024BE7LH}]\n",
	} {
		if _, err := schedules.ParseRota(name, []byte(data)); !errors.Is(err, schedules.ErrBadRota) {
			t.Errorf("%s: err = %v, want ErrBadRota", name, err)
		}
	}
}
