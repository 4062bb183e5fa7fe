package schedules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Audience is who a deadline is for; officers follow the deadlines of their
// audience by default once registered.
type Audience string

// The audiences of the calendar.
const (
	AudienceProvince Audience = "province_dost" // the province Department of Science and Technology (Sở KH&CN)
	AudienceCommune  Audience = "commune_pc"    // the commune People's Committee (UBND xã)
	AudienceFacility Audience = "facility"      // an organisation or facility (e.g. one doing radiation work)
)

// Audiences lists the valid audiences.
var Audiences = []Audience{AudienceProvince, AudienceCommune, AudienceFacility}

// Confidence says whether the rule behind a deadline is known to be in force.
type Confidence string

const (
	// Verified: the day number comes from a source facts.md §7 marks as
	// verified and in force.
	Verified Confidence = "verified"
	// CheckStatus: facts.md §7 says the rule may have changed (a circular
	// from before the 2025 merger); reminders carry a warning.
	CheckStatus Confidence = "check status"
)

// Text is one text in Vietnamese and English.
type Text struct {
	VI string `yaml:"vi" json:"vi"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang ("en" or anything else for Vietnamese),
// falling back to the other language when empty.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" || t.VI == "" {
		return t.EN
	}
	return t.VI
}

// Basis is the legal basis of a deadline: the document, the article and a
// link to the source.
type Basis struct {
	Document string `yaml:"document" json:"document"`
	Article  string `yaml:"article" json:"article,omitempty"`
	URL      string `yaml:"url" json:"url"`
}

// Deadline is one reporting deadline of the calendar. Its occurrences are
// due dates (civil dates in Asia/Ho_Chi_Minh); a report is due by the end of
// its due date, so an occurrence "has passed" at midnight after it.
type Deadline struct {
	ID         string     `json:"id"`
	Title      Text       `json:"title"`
	Basis      Basis      `json:"basis"`
	Confidence Confidence `json:"confidence"`
	Audience   Audience   `json:"audience"`
	// Recurrence as written: "cron: 0 8 25 * *" or "yearly: 20/12, 25/11"
	// or "once: 15/02/2027".
	Recurrence string `json:"recurrence"`
	Cutoff     Text   `json:"cutoff,omitzero"`
	// Offsets are the reminders, in days before the due date (0: on the
	// day), largest first.
	Offsets []int `json:"offsets"`
	// At is the local time of day reminders go out ("08:00").
	At string `json:"at"`
	// Ref points at the fact sheet row the day number comes from
	// ("facts.md §7.6, §7.2.2").
	Ref string `json:"ref,omitempty"`

	Line int `json:"-"` // where the entry starts in its file

	loc    *time.Location
	sched  cron.Schedule // cron recurrence, or nil
	yearly []dayMonth    // yearly recurrence
	once   []time.Time   // fixed dates (midnight local)
	atH    int
	atM    int
}

type dayMonth struct {
	d int
	m time.Month
}

// Location returns the deadline's zone (Asia/Ho_Chi_Minh).
func (d *Deadline) Location() *time.Location { return d.loc }

// OccurrenceKey renders an occurrence as yyyymmdd, the form stored in keys
// and button data.
func OccurrenceKey(occ time.Time) string { return occ.Format("20060102") }

// ParseOccurrence parses a yyyymmdd key into a due date (midnight local).
func ParseOccurrence(s string) (time.Time, error) {
	t, err := time.ParseInLocation("20060102", s, VietnamLocation())
	if err != nil {
		return time.Time{}, fmt.Errorf("schedules: occurrence %q: want yyyymmdd", s)
	}
	return t, nil
}

// DueEnd returns the instant an occurrence passes: midnight after its due
// date.
func DueEnd(occ time.Time) time.Time {
	return time.Date(occ.Year(), occ.Month(), occ.Day()+1, 0, 0, 0, 0, occ.Location())
}

// Passed reports whether occurrence occ has passed at now.
func Passed(occ, now time.Time) bool { return !now.Before(DueEnd(occ)) }

// midnight returns the start of t's day in loc.
func midnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// Next returns the first occurrence that has not passed at from (due today
// or later), and false if there is none.
func (d *Deadline) Next(from time.Time) (time.Time, bool) {
	occ := d.Occurrences(from, 1)
	if len(occ) == 0 {
		return time.Time{}, false
	}
	return occ[0], true
}

// Last returns the latest occurrence due on from's date or before (within
// two years), and false if there is none: the one /support deadlines shows
// by default once it has passed.
func (d *Deadline) Last(from time.Time) (time.Time, bool) {
	var last time.Time
	today := midnight(from, d.loc)
	start := today.AddDate(-2, 0, 0)
	days := int(today.Sub(start).Hours()/24) + 2
	for _, occ := range d.Occurrences(start, days) {
		if occ.After(today) {
			break
		}
		last = occ
	}
	return last, !last.IsZero()
}

// Occurrences returns up to n due dates (midnight local), in order, starting
// with the one due on from's date or later.
func (d *Deadline) Occurrences(from time.Time, n int) []time.Time {
	var out []time.Time
	day := midnight(from, d.loc)
	switch {
	case d.sched != nil:
		t := day.Add(-time.Second)
		for len(out) < n {
			t = d.sched.Next(t)
			if t.IsZero() {
				break
			}
			occ := midnight(t, d.loc)
			if len(out) == 0 || !out[len(out)-1].Equal(occ) {
				out = append(out, occ)
			}
			t = DueEnd(occ).Add(-time.Second) // at most one occurrence a day
		}
	case len(d.yearly) > 0:
		for y := day.Year(); len(out) < n && y < day.Year()+400; y++ {
			var year []time.Time
			for _, dm := range d.yearly {
				t := time.Date(y, dm.m, dm.d, 0, 0, 0, 0, d.loc)
				if t.Day() != dm.d { // 29/02 in a common year
					continue
				}
				if !t.Before(day) {
					year = append(year, t)
				}
			}
			slices.SortFunc(year, func(a, b time.Time) int { return a.Compare(b) })
			for _, t := range year {
				if len(out) < n {
					out = append(out, t)
				}
			}
		}
	default:
		for _, t := range d.once {
			if len(out) < n && !t.Before(day) {
				out = append(out, t)
			}
		}
	}
	return out
}

// between returns the occurrences due from from's date to to's date
// inclusive.
func (d *Deadline) between(from, to time.Time) []time.Time {
	var out []time.Time
	end := midnight(to, d.loc)
	days := int(end.Sub(midnight(from, d.loc)).Hours()/24) + 2 // at most one occurrence a day
	for _, occ := range d.Occurrences(from, max(days, 1)) {
		if occ.After(end) {
			break
		}
		out = append(out, occ)
	}
	return out
}

// FireAt returns when the reminder offset days before occ goes out.
func (d *Deadline) FireAt(occ time.Time, offset int) time.Time {
	occ = occ.In(d.loc)
	return time.Date(occ.Year(), occ.Month(), occ.Day()-offset, d.atH, d.atM, 0, 0, d.loc)
}

// FireTimes returns the next n reminder times at or after from, in order.
func (d *Deadline) FireTimes(from time.Time, n int) []time.Time {
	var out []time.Time
	for _, occ := range d.Occurrences(from, n+1) {
		for _, off := range d.Offsets {
			if t := d.FireAt(occ, off); !t.Before(from) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// maxOffset is the largest reminder offset in days.
func (d *Deadline) maxOffset() int {
	m := 0
	for _, o := range d.Offsets {
		m = max(m, o)
	}
	return m
}

// parseOffset parses "7d" (days before the due date).
func parseOffset(s string) (int, error) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, "d") {
		return 0, fmt.Errorf("reminder offset %q: want days such as 7d or 0d", s)
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || n < 0 || n > 366 {
		return 0, fmt.Errorf("reminder offset %q: want 0d to 366d", s)
	}
	return n, nil
}

// parseDayMonth parses "20/12" and refuses impossible dates (30/02).
func parseDayMonth(s string) (dayMonth, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 2 {
		return dayMonth{}, fmt.Errorf("date %q: want dd/mm", s)
	}
	d, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 {
		return dayMonth{}, fmt.Errorf("date %q: want dd/mm", s)
	}
	// 2024 is a leap year: 29/02 exists (it occurs in leap years only).
	if time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return dayMonth{}, fmt.Errorf("date %q does not exist", s)
	}
	return dayMonth{d: d, m: time.Month(m)}, nil
}

// parseDate parses "15/02/2027" and refuses impossible dates.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 {
		return time.Time{}, fmt.Errorf("date %q: want dd/mm/yyyy", s)
	}
	d, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	y, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, fmt.Errorf("date %q: want dd/mm/yyyy", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, fmt.Errorf("date %q does not exist", s)
	}
	return t, nil
}

// parseClock parses "08:00".
func parseClock(s string) (h, m int, err error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, 0, fmt.Errorf("time of day %q: want hh:mm", s)
	}
	return t.Hour(), t.Minute(), nil
}
