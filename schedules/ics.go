package schedules

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// DefaultICSOccurrences is how many occurrences of each deadline the
// calendar served at /deadlines.ics holds.
const DefaultICSOccurrences = 12

// ICS writes an iCalendar (RFC 5545) file with the next n occurrences from
// from of every deadline of audience (all when ""), in lang ("vi" or "en").
//
// Each occurrence is an all-day VEVENT on its due date (DTSTART;VALUE=DATE
// and DTEND the day after: a due date is a civil date, so no TZID is
// needed and no client shifts it), with a stable UID
// "<deadline>-<yyyymmdd>@supportbot.mostvn", DTSTAMP = from, SUMMARY the
// title, DESCRIPTION the basis, cut-off and the check-status warning, URL
// the source, and one VALARM (DISPLAY) per reminder offset, triggered
// relative to the start of the due date (-P6DT16H is seven days before at
// 08:00). The calendar carries X-WR-TIMEZONE Asia/Ho_Chi_Minh.
func ICS(w io.Writer, deadlines []*Deadline, audience Audience, from time.Time, n int, lang string) error {
	cal := ics.NewCalendarFor("supportbot//MOST reporting deadlines")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRTimezone("Asia/Ho_Chi_Minh")
	name := tr(lang, "Hạn báo cáo KH&CN", "S&T reporting deadlines")
	if audience != "" {
		name += " (" + string(audience) + ")"
	}
	cal.SetXWRCalName(name)
	for _, d := range deadlines {
		if audience != "" && d.Audience != audience {
			continue
		}
		for _, occ := range d.Occurrences(from, n) {
			e := cal.AddEvent(d.ID + "-" + OccurrenceKey(occ) + "@supportbot.mostvn")
			e.SetDtStampTime(from)
			e.SetAllDayStartAt(occ)
			e.SetAllDayEndAt(DueEnd(occ))
			summary := d.Title.In(lang)
			if d.Confidence == CheckStatus {
				summary += tr(lang, " (cần kiểm tra hiệu lực)", " (check status)")
			}
			e.SetSummary(summary)
			e.SetDescription(icsDescription(d, lang))
			e.SetURL(d.Basis.URL)
			e.SetTimeTransparency(ics.TransparencyTransparent)
			e.AddProperty(ics.ComponentPropertyCategories, string(d.Audience))
			for _, off := range d.Offsets {
				a := e.AddAlarm()
				a.SetAction(ics.ActionDisplay)
				a.SetTrigger(icsTrigger(off, d.atH, d.atM))
				a.SetProperty(ics.ComponentPropertyDescription, summary)
			}
		}
	}
	return cal.SerializeTo(w, ics.WithNewLine("\r\n")) // RFC 5545 §3.1: CRLF
}

// icsDescription is the plain-text description of an event.
func icsDescription(d *Deadline, lang string) string {
	var b strings.Builder
	b.WriteString(tr(lang, "Căn cứ: ", "Basis: ") + d.Basis.Document)
	if d.Basis.Article != "" {
		b.WriteString(", " + d.Basis.Article)
	}
	b.WriteString("\n" + d.Basis.URL)
	if c := d.Cutoff.In(lang); c != "" {
		b.WriteString("\n" + tr(lang, "Chốt số liệu: ", "Data cut-off: ") + c)
	}
	if d.Confidence == CheckStatus {
		b.WriteString("\n" + tr(lang,
			"Cần kiểm tra hiệu lực: văn bản này có thể đã được sửa đổi hoặc thay thế sau năm 2025.",
			"Check status: this rule may have been amended or replaced after 2025."))
	}
	b.WriteString("\n" + tr(lang, "Mã: ", "ID: ") + d.ID)
	return b.String()
}

// icsTrigger renders the duration from the start of the due date to
// offset days before it at h:m: "-P6DT16H", "PT8H".
func icsTrigger(offset, h, m int) string {
	mins := -offset*24*60 + h*60 + m
	sign := ""
	if mins < 0 {
		sign, mins = "-", -mins
	}
	days, rem := mins/(24*60), mins%(24*60)
	s := sign + "P"
	if days > 0 {
		s += strconv.Itoa(days) + "D"
	}
	if rem > 0 || days == 0 {
		s += "T"
		if rem/60 > 0 || rem%60 == 0 {
			s += strconv.Itoa(rem/60) + "H"
		}
		if rem%60 > 0 {
			s += strconv.Itoa(rem%60) + "M"
		}
	}
	return s
}

// ICSHandler serves the calendar (mount it at /deadlines.ics). Query:
// audience (province_dost, commune_pc, facility; default all), lang (vi,
// en; default vi), n (occurrences per deadline, 1 to 100; default
// DefaultICSOccurrences). A bad value is a 400 naming what is accepted.
// calendar is called per request, so a reload is served at once.
func ICSHandler(calendar func() *Calendar, now func() time.Time) http.Handler {
	if now == nil {
		now = time.Now
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		aud := Audience(q.Get("audience"))
		if aud != "" && !slices.Contains(Audiences, aud) {
			http.Error(w, fmt.Sprintf("audience %q: want province_dost, commune_pc or facility", aud), http.StatusBadRequest)
			return
		}
		lang := q.Get("lang")
		if lang != "" && lang != "vi" && lang != "en" {
			http.Error(w, fmt.Sprintf("lang %q: want vi or en", lang), http.StatusBadRequest)
			return
		}
		n := DefaultICSOccurrences
		if s := q.Get("n"); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 || v > 100 {
				http.Error(w, fmt.Sprintf("n %q: want 1 to 100", s), http.StatusBadRequest)
				return
			}
			n = v
		}
		var buf bytes.Buffer
		if err := ICS(&buf, calendar().Deadlines, aud, now(), n, lang); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="deadlines.ics"`)
		w.Header().Set("Cache-Control", "max-age=300")
		w.Write(buf.Bytes())
	})
}
