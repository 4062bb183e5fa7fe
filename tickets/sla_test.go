package tickets_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

func ids(ts []*tickets.Ticket) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func TestBreachedAndDueSoon(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	urgent := question("Khẩn: sự cố bức xạ")
	urgent.Priority = "urgent"
	u := create(t, s, urgent)                  // first response due +30 min
	n := create(t, s, question("Hỏi thủ tục")) // due +4 h
	done := create(t, s, question("Đã xong"))  // resolved below: never breaches
	transition(t, s, done.ID, tickets.StateClaimed, staff)
	transition(t, s, done.ID, tickets.StateResolved, staff)

	check := func(at time.Duration, wantBreached, wantSoon []string) {
		t.Helper()
		now := newClock().Now().Add(at)
		var br, soon []*tickets.Ticket
		err := s.View(func(tx *tickets.Tx) (err error) {
			if br, err = tx.Breached(now); err != nil {
				return err
			}
			soon, err = tx.DueSoon(now, time.Hour)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(br), wantBreached) || !slices.Equal(ids(soon), wantSoon) {
			t.Errorf("at +%v: breached %v soon %v; want %v, %v", at, ids(br), ids(soon), wantBreached, wantSoon)
		}
	}
	check(0, []string{}, []string{u.ID})
	check(31*time.Minute, []string{u.ID}, []string{})
	check(3*time.Hour+30*time.Minute, []string{u.ID}, []string{n.ID})

	// A public staff reply meets the urgent first-response target; the 8 h
	// resolution target remains.
	addMessage(t, s, u.ID, tickets.ConvMessage{From: staff, Text: "Chúng tôi đang xử lý."})
	check(31*time.Minute, []string{}, []string{})
	check(7*time.Hour+30*time.Minute, []string{n.ID}, []string{u.ID})
}

func TestCustomSLAAndNegativeRefused(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now, SLA: tickets.SLAPolicy{Normal: tickets.Targets{FirstResponse: time.Hour}}})
	tk := create(t, s, question("Câu hỏi"))
	if got := tk.FirstResponseDue.Sub(tk.Created); got != time.Hour {
		t.Errorf("first response target %v, want 1h", got)
	}
	if got := tk.ResolutionDue.Sub(tk.Created); got != 72*time.Hour {
		t.Errorf("resolution target %v, want the 72h default", got)
	}
	_, err := tickets.NewStore(s.DB(), tickets.Options{SLA: tickets.SLAPolicy{Urgent: tickets.Targets{Resolution: -time.Hour}}})
	if !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("negative target: %v, want ErrInvalid", err)
	}
}

func TestCalendarAddsWorkingHours(t *testing.T) {
	cal, err := tickets.LoadCalendar("testdata/holidays-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	vn := time.FixedZone("ICT", 7*3600)
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, vn) }
	for _, tc := range []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"same day", at(2, 9, 0), 3 * time.Hour, at(2, 12, 0)},
		{"overnight", at(2, 15, 0), 4 * time.Hour, at(3, 10, 0)},
		{"before opening", at(2, 6, 0), time.Hour, at(2, 9, 0)},
		{"after closing", at(2, 20, 0), time.Hour, at(3, 9, 0)},
		// Thu 5 → Fri 6 is a holiday in the fixture → weekend → Mon 9 and
		// Tue 10 holidays → Wed 11.
		{"over holidays and weekend", at(5, 16, 0), 2 * time.Hour, at(11, 9, 0)},
		// Sat 14 is a make-up working day in the fixture.
		{"make-up Saturday", at(13, 16, 0), 2 * time.Hour, at(14, 9, 0)},
		{"a working week", at(16, 8, 0), 45 * time.Hour, at(20, 17, 0)},
	} {
		if got := cal.Add(tc.start, tc.d); !got.Equal(tc.want) {
			t.Errorf("%s: Add(%v, %v) = %v, want %v", tc.name, tc.start, tc.d, got, tc.want)
		}
	}
	if cal.IsWorkingTime(at(6, 10, 0)) || !cal.IsWorkingTime(at(5, 10, 0)) || cal.IsWorkingTime(at(7, 10, 0)) {
		t.Error("IsWorkingTime disagrees with the fixture")
	}
}

func TestCalendarResolutionDue(t *testing.T) {
	c := newClock() // Monday 2026-03-02 09:00 ICT
	cal, err := tickets.LoadCalendar("testdata/holidays-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := openStore(t, tickets.Options{Now: c.Now, Calendar: cal})
	urgent := question("Khẩn")
	urgent.Priority = "urgent"
	tk := create(t, s, urgent)
	// 8 working hours from Mon 09:00 end Mon 17:00; first response stays wall-clock.
	if want := c.Now().Add(8 * time.Hour); !tk.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v, want %v", tk.ResolutionDue, want)
	}
	if want := c.Now().Add(30 * time.Minute); !tk.FirstResponseDue.Equal(want) {
		t.Errorf("first response due %v, want %v", tk.FirstResponseDue, want)
	}
}

func TestLoadHolidaysRejectsBadLines(t *testing.T) {
	path := t.TempDir() + "/2026.txt"
	if err := os.WriteFile(path, []byte("2026-01-01 ok\n2026-13-01 tháng 13\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := tickets.LoadHolidays(path)
	ve := asValidation(t, err)
	if !strings.Contains(ve.Field, "line 2") {
		t.Errorf("error %q does not name line 2", err)
	}
	if got := tickets.HolidayFile("tickets/holidays", 2027); got != "tickets/holidays/2027.txt" {
		t.Errorf("HolidayFile = %q", got)
	}
}
