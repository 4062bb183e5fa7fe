package tickets

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Calendar is a working-hours calendar: office hours on working days,
// except holidays. The zero value is not usable; use OfficeHours or
// LoadCalendar. A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	loc         *time.Location
	open, close time.Duration // from local midnight
	holidays    map[string]string
	workdays    map[string]string // weekend days declared working (make-up days)
}

// Holiday is one day off (or, with Working set, a weekend day declared a
// working day to make up for a bridge holiday).
type Holiday struct {
	Date    string // "2026-01-01", in Vietnam's calendar
	Name    string
	Working bool
}

// vietnam returns Asia/Ho_Chi_Minh, or UTC+7 when the system has no zone
// data: Vietnam has kept UTC+7 without daylight saving since 1975.
func vietnam() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

// OfficeHours returns Monday–Friday 08:00–17:00 Asia/Ho_Chi_Minh with the
// given holidays (none when called without arguments).
func OfficeHours(holidays ...Holiday) *Calendar {
	c := &Calendar{loc: vietnam(), open: 8 * time.Hour, close: 17 * time.Hour,
		holidays: map[string]string{}, workdays: map[string]string{}}
	for _, h := range holidays {
		if h.Working {
			c.workdays[h.Date] = h.Name
		} else {
			c.holidays[h.Date] = h.Name
		}
	}
	return c
}

// HolidayFile returns the conventional path of a year's holiday file in
// dir: dir/<year>.txt (the repository keeps them in tickets/holidays/).
func HolidayFile(dir string, year int) string {
	return filepath.Join(dir, fmt.Sprintf("%d.txt", year))
}

// LoadCalendar returns OfficeHours with the holidays of every file given.
// The operator supplies the files; none is shipped without a source.
func LoadCalendar(paths ...string) (*Calendar, error) {
	var all []Holiday
	for _, p := range paths {
		hs, err := LoadHolidays(p)
		if err != nil {
			return nil, err
		}
		all = append(all, hs...)
	}
	return OfficeHours(all...), nil
}

// LoadHolidays reads a holiday file. One entry per line; blank lines and
// lines starting with # are ignored:
//
//	2099-01-02 tên ngày nghỉ              one day off
//	2099-02-02..2099-02-06 tên kỳ nghỉ    a range, both ends included
//	+2099-02-14 làm bù                    a weekend day that is worked
//
// (Syntax only: no dates are shipped; see tickets/holidays/README.md.)
//
// An unparsable line returns a *ValidationError naming the file and line.
func LoadHolidays(path string) ([]Holiday, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tickets: holidays: %w", err)
	}
	defer f.Close()
	var out []Holiday
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		hs, err := parseHolidayLine(s)
		if err != nil {
			return nil, &ValidationError{Field: fmt.Sprintf("holiday file %s line %d", path, line), Problem: err.Error(),
				Accepted: "YYYY-MM-DD [name], YYYY-MM-DD..YYYY-MM-DD [name] or +YYYY-MM-DD [name]"}
		}
		out = append(out, hs...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tickets: holidays %s: %w", path, err)
	}
	return out, nil
}

func parseHolidayLine(s string) ([]Holiday, error) {
	working := strings.HasPrefix(s, "+")
	s = strings.TrimPrefix(s, "+")
	spec, name, _ := strings.Cut(s, " ")
	name = strings.TrimSpace(name)
	from, to, isRange := strings.Cut(spec, "..")
	start, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return nil, fmt.Errorf("%q is not a date", from)
	}
	end := start
	if isRange {
		if end, err = time.Parse(time.DateOnly, to); err != nil {
			return nil, fmt.Errorf("%q is not a date", to)
		}
		if end.Before(start) || end.Sub(start) > 366*24*time.Hour {
			return nil, fmt.Errorf("range %s is backwards or longer than a year", spec)
		}
	}
	var out []Holiday
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, Holiday{Date: d.Format(time.DateOnly), Name: name, Working: working})
	}
	return out, nil
}

// Holidays returns the days off, sorted.
func (c *Calendar) Holidays() []Holiday {
	out := make([]Holiday, 0, len(c.holidays))
	for d, n := range c.holidays {
		out = append(out, Holiday{Date: d, Name: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// workingDay reports whether the local day of t is a working day.
func (c *Calendar) workingDay(t time.Time) bool {
	d := t.Format(time.DateOnly)
	if _, ok := c.holidays[d]; ok {
		return false
	}
	if _, ok := c.workdays[d]; ok {
		return true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// IsWorkingTime reports whether t falls in office hours on a working day.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	t = t.In(c.loc)
	if !c.workingDay(t) {
		return false
	}
	since := t.Sub(midnight(t))
	return since >= c.open && since < c.close
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// maxCalendarDays stops Add on a calendar without working days.
const maxCalendarDays = 20 * 366

// Add returns the moment d of working time after start: 4 working hours
// from Friday 15:00 is Monday 11:00 (when Monday is not a holiday). The
// result is in the calendar's zone.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	t := start.In(c.loc)
	for day := 0; day < maxCalendarDays; day++ {
		m := midnight(t)
		if c.workingDay(t) {
			open, close := m.Add(c.open), m.Add(c.close)
			if t.Before(open) {
				t = open
			}
			if t.Before(close) {
				if left := close.Sub(t); d <= left {
					return t.Add(d)
				} else {
					d -= left
				}
			}
		}
		t = time.Date(m.Year(), m.Month(), m.Day()+1, 0, 0, 0, 0, c.loc)
	}
	return t
}
