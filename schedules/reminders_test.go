package schedules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

var (
	offA1 = officer("101", "Lào Cai", "Xã Bản Lầu", schedules.AudienceCommune, "vi")
	offA2 = officer("102", "Lào Cai", "Xã Bản Lầu", schedules.AudienceCommune, "en")
	offB1 = officer("201", "Lào Cai", "Xã Mường Khương", schedules.AudienceCommune, "vi")
	offP1 = officer("301", "Hà Tĩnh", "", schedules.AudienceProvince, "vi")
	offU1 = officer("401", "", "", "", "vi") // not registered
)

// A day of minute ticks with a restart at noon: each follower gets the
// 3-day reminder once, at 08:00, not late; nobody else gets anything.
func TestDayOfRemindersAcrossRestart(t *testing.T) {
	e := newRemEnv(t, []schedules.Officer{offA1, offA2, offB1, offP1, offU1}, schedules.Options{})
	day := vn(2026, 12, 17, 0, 0)    // 20/12 - 3 days
	e.tick(t, day.Add(-time.Minute)) // the first tick ever: nothing to make up
	for m := 0; m < 24*60; m++ {
		now := day.Add(time.Duration(m) * time.Minute)
		if m == 12*60 {
			e.restart(t)
		}
		e.tick(t, now)
		if now.Equal(vn(2026, 12, 17, 8, 0)) {
			if got := len(e.sent(t)); got != 3 {
				t.Fatalf("at 08:00: %d reminders, want 3", got)
			}
		}
	}
	rs := e.sent(t)
	got := byChat(rs, "t-commune")
	want := map[string]int{"101": 1, "102": 1, "201": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(rs) != 3 {
		t.Fatalf("reminders by chat = %v (%d in all), want %v", got, len(rs), want)
	}
	for _, r := range rs {
		if strings.Contains(r.Text, "nhắc muộn") || strings.Contains(r.Text, "late reminder") {
			t.Errorf("on-time reminder marked late: %s", r.Text)
		}
		if r.Channel != outbox.Telegram || len(r.Buttons) != 1 {
			t.Errorf("reply %+v", r)
		}
		data := r.Buttons[0][0].Data
		if data != "dl:ok:t-commune:20261220" || len(data) > 64 {
			t.Errorf("button data %q", data)
		}
	}
	// Language, title, date, basis link and the check-status warning.
	for _, r := range rs {
		switch r.ChatID {
		case "102":
			for _, s := range []string{"Report deadline reminder", "Commune report", "20/12/2026", "3 days left",
				`<a href="https://example.vn/tt">Thông tư thử, Điều 1</a>`, "Check status", "✅ Report submitted"} {
				if !strings.Contains(r.Text+r.Buttons[0][0].Text, s) {
					t.Errorf("English reminder lacks %q:\n%s", s, r.Text)
				}
			}
		case "101":
			for _, s := range []string{"Nhắc hạn báo cáo", "Báo cáo xã", "còn 3 ngày", "Cần kiểm tra hiệu lực", "✅ Đã nộp báo cáo"} {
				if !strings.Contains(r.Text+r.Buttons[0][0].Text, s) {
					t.Errorf("Vietnamese reminder lacks %q:\n%s", s, r.Text)
				}
			}
		}
	}
}

// After downtime: of the reminders missed for an open occurrence only the
// latest goes out, marked late; an occurrence that passed meanwhile is
// skipped and recorded.
func TestMissedRunsAfterDowntime(t *testing.T) {
	e := newRemEnv(t, []schedules.Officer{offA1, offB1}, schedules.Options{})
	e.tick(t, vn(2026, 12, 11, 20, 0))
	// Down from 11/12 20:00 to 18/12 10:00: t-commune's 7d (13/12) and 3d
	// (17/12) are missed; t-once (due 15/12, reminder 12/12) has passed.
	e.restart(t)
	e.tick(t, vn(2026, 12, 18, 10, 0))
	rs := e.sent(t)
	if got := byChat(rs, "t-commune"); got["101"] != 1 || got["201"] != 1 || len(rs) != 2 {
		t.Fatalf("after downtime: %v (%d replies), want one late reminder each", got, len(rs))
	}
	for _, r := range rs {
		if !strings.Contains(r.Text, "(nhắc muộn)") || !strings.Contains(r.Text, "còn 2 ngày") {
			t.Errorf("late reminder:\n%s", r.Text)
		}
	}
	evs, err := schedules.Events(e.db, 0)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, ev := range evs {
		notes = append(notes, ev.Deadline+"/"+ev.Slot+"/"+ev.Note)
	}
	want := "t-commune/7d/superseded t-once/3d/passed"
	if strings.Join(notes, " ") != want {
		t.Errorf("events %v, want %s", notes, want)
	}
	// The next regular reminder (1d, 19/12 08:00) is on time again.
	e.tick(t, vn(2026, 12, 19, 8, 0))
	rs = e.sent(t)
	if len(rs) != 4 || strings.Contains(rs[3].Text, "nhắc muộn") {
		t.Fatalf("1d reminder: %d replies; last:\n%s", len(rs), rs[len(rs)-1].Text)
	}
}

// A confirmation by one officer stops the reminders of their whole unit,
// and only of it; the ministry's list the day after shows who is pending.
func TestConfirmationStopsUnitOnly(t *testing.T) {
	e := newRemEnv(t, []schedules.Officer{offA1, offA2, offB1}, schedules.Options{TriageChannel: "C0TRIAGE", TriageLang: "en"})
	e.tick(t, vn(2026, 12, 13, 7, 0))
	e.tick(t, vn(2026, 12, 13, 8, 0)) // 7d: all three
	occ := vn(2026, 12, 20, 0, 0)
	err := e.db.Update(func(tx *bolt.Tx) error {
		first, err := schedules.ConfirmTx(tx, "t-commune", occ, offA2.Unit(), offA2.Key(), vn(2026, 12, 14, 9, 0))
		if !first {
			t.Error("first confirmation reported as repeated")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.db.Update(func(tx *bolt.Tx) error {
		first, err := schedules.ConfirmTx(tx, "t-commune", occ, offA1.Unit(), offA1.Key(), vn(2026, 12, 14, 10, 0))
		if first {
			t.Error("second confirmation of the unit reported as first")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{vn(2026, 12, 17, 8, 0), vn(2026, 12, 19, 8, 0), vn(2026, 12, 20, 8, 0)} {
		e.tick(t, at)
	}
	got := byChat(e.sent(t), "t-commune")
	if got["101"] != 1 || got["102"] != 1 || got["201"] != 4 {
		t.Fatalf("reminders by chat %v: want 101 and 102 once (before the confirmation), 201 four times", got)
	}

	rep, err := e.r.Pending("t-commune", occ)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Submitted != 1 || rep.Pending != 1 || len(rep.Provinces) != 1 ||
		rep.Provinces[0].Submitted[0].Label != "Xã Bản Lầu, Lào Cai" || rep.Provinces[0].Pending[0].Label != "Xã Mường Khương, Lào Cai" ||
		rep.Provinces[0].Submitted[0].Who != offA2.Key() {
		t.Fatalf("pending report %+v", rep)
	}
	// The day after, at 09:00, the triage channel gets the list once.
	e.tick(t, vn(2026, 12, 21, 9, 0))
	e.restart(t)
	e.tick(t, vn(2026, 12, 21, 9, 1))
	var posts []outbox.Reply
	for _, r := range e.sent(t) {
		if r.Channel == outbox.Slack && strings.Contains(r.Text, "t-commune") {
			posts = append(posts, r)
		}
	}
	if len(posts) != 1 || posts[0].ChatID != "C0TRIAGE" ||
		!strings.Contains(posts[0].Text, "1 units submitted, 1 pending") || !strings.Contains(posts[0].Text, "Xã Mường Khương") {
		t.Fatalf("triage posts %+v", posts)
	}
	evs, _ := schedules.Events(e.db, 0)
	if len(evs) != 1 || evs[0].Type != "confirmed" || evs[0].Who != offA2.Key() {
		t.Errorf("events %+v, want the one confirmation", evs)
	}
}

// A fan-out stopped between two transactions (a kill -9) is resumed at the
// next start: every follower gets the reminder exactly once.
func TestKillMidFanout(t *testing.T) {
	var offs []schedules.Officer
	for i := range 1234 {
		offs = append(offs, officer(fmt.Sprint(100000+i), "Lào Cai", fmt.Sprintf("Xã %d", i), schedules.AudienceCommune, "vi"))
	}
	e := newRemEnv(t, offs, schedules.Options{BatchSize: 100})
	e.tick(t, vn(2026, 12, 13, 7, 59))
	batches := 0
	schedules.SetAfterBatch(e.r, func() error {
		if batches++; batches == 3 {
			return schedules.ErrStop
		}
		return nil
	})
	e.clk.Set(vn(2026, 12, 13, 8, 0))
	if err := e.r.Tick(t.Context(), vn(2026, 12, 13, 8, 0)); !errors.Is(err, schedules.ErrStop) {
		t.Fatalf("tick: %v, want the simulated kill", err)
	}
	if n := len(e.sent(t)); n != 300 {
		t.Fatalf("%d queued before the kill, want 300", n)
	}
	e.restart(t) // no hook any more
	e.tick(t, vn(2026, 12, 13, 8, 1))
	got := byChat(e.sent(t), "t-commune")
	if len(got) != len(offs) {
		t.Fatalf("%d chats reminded, want %d", len(got), len(offs))
	}
	for chat, n := range got {
		if n != 1 {
			t.Fatalf("chat %s reminded %d times", chat, n)
		}
	}
	// Nothing is marked late: the fan-out kept its original slot.
	for _, r := range e.sent(t) {
		if strings.Contains(r.Text, "nhắc muộn") {
			t.Fatal("resumed reminder marked late")
		}
	}
}

// An operator's reminder goes to the units that have not confirmed, once
// per recipient per run; unfollowing and following are honoured.
func TestRemindNowAndFollows(t *testing.T) {
	e := newRemEnv(t, []schedules.Officer{offA1, offB1, offP1, offU1}, schedules.Options{})
	e.clk.Set(vn(2026, 12, 1, 10, 0))
	err := e.db.Update(func(tx *bolt.Tx) error {
		if err := schedules.Unfollow(tx, offB1, "t-commune"); err != nil {
			return err
		}
		if err := schedules.Follow(tx, offU1, "t-commune"); err != nil {
			return err
		}
		_, err := schedules.ConfirmTx(tx, "t-commune", vn(2026, 12, 20, 0, 0), offP1.Unit(), offP1.Key(), e.clk.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.r.Remind(t.Context(), "t-commune")
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2 || schedules.OccurrenceKey(res.Occurrence) != "20261220" {
		t.Fatalf("remind: %+v, want 2 sent for 20261220", res)
	}
	if got := byChat(e.sent(t), "t-commune"); got["101"] != 1 || got["401"] != 1 || len(got) != 2 {
		t.Fatalf("reminded %v", got)
	}
	if _, err := e.r.Remind(t.Context(), "nope"); !errors.Is(err, schedules.ErrUnknownDeadline) {
		t.Errorf("unknown deadline: %v", err)
	}
	res2, _ := e.r.Remind(t.Context(), "t-commune")
	if res2.Sent != 2 || res2.Slot == res.Slot {
		t.Errorf("second run %+v: want a new slot, 2 sent", res2)
	}
	err = e.db.View(func(tx *bolt.Tx) error {
		fs := e.r.FollowedBy(tx, offP1)
		if len(fs) != 1 || fs[0].ID != "t-province" {
			t.Errorf("province officer follows %v", fs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConfirmData(t *testing.T) {
	for _, d := range schedules.DefaultCalendar().Deadlines {
		occ, ok := d.Next(vn(2026, 11, 30, 0, 0))
		if !ok {
			t.Fatalf("%s: no occurrence", d.ID)
		}
		data := schedules.ConfirmData(d.ID, occ)
		if len(data) > 64 {
			t.Errorf("%s: %d bytes", data, len(data))
		}
		id, o2, ok := schedules.ParseConfirmData(data)
		if !ok || id != d.ID || !o2.Equal(occ) {
			t.Errorf("round trip of %q: %q %v %v", data, id, o2, ok)
		}
	}
	for _, bad := range []string{"dl:ok:", "dl:ok:x", "dl:ok:x:2026", "dl:ok:X Y:20261220", "fb:ok:1"} {
		if _, _, ok := schedules.ParseConfirmData(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
