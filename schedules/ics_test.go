package schedules_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/mostvn/supportbot/schedules"
)

// The .ics is read back by an independent parser (emersion/go-ical):
// events, dates, UIDs, alarms; and re-encoded by it, which checks the
// RFC 5545 cardinalities (exactly one UID and DTSTAMP per event, ...).
func TestICSParsedByGoIcal(t *testing.T) {
	cal := schedules.DefaultCalendar()
	from := vn(2026, 11, 30, 9, 0)
	var buf bytes.Buffer
	if err := schedules.ICS(&buf, cal.Deadlines, schedules.AudienceProvince, from, 3, "vi"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("lines not CRLF-terminated")
	}
	parsed, err := goical.NewDecoder(bytes.NewReader(buf.Bytes())).Decode()
	if err != nil {
		t.Fatalf("go-ical: %v\n%s", err, buf.String())
	}
	var again bytes.Buffer
	if err := goical.NewEncoder(&again).Encode(parsed); err != nil {
		t.Fatalf("go-ical re-encode (RFC 5545 checks): %v", err)
	}
	if v, _ := parsed.Props.Text(goical.PropVersion); v != "2.0" {
		t.Errorf("VERSION %q", v)
	}
	want := map[string]bool{} // UIDs expected
	for _, d := range cal.Filter(schedules.AudienceProvince) {
		for _, o := range d.Occurrences(from, 3) {
			want[d.ID+"-"+schedules.OccurrenceKey(o)+"@supportbot.mostvn"] = true
		}
	}
	events := parsed.Events()
	if len(events) != len(want) || len(events) == 0 {
		t.Fatalf("%d events, want %d", len(events), len(want))
	}
	for _, ev := range events {
		uid, _ := ev.Props.Text(goical.PropUID)
		if !want[uid] {
			t.Errorf("unexpected UID %q", uid)
		}
		delete(want, uid)
		start, err := ev.DateTimeStart(schedules.VietnamLocation())
		if err != nil {
			t.Fatalf("%s DTSTART: %v", uid, err)
		}
		end, err := ev.DateTimeEnd(schedules.VietnamLocation())
		if err != nil {
			t.Fatalf("%s DTEND: %v", uid, err)
		}
		if ev.Props.Get(goical.PropDateTimeStart).ValueType() != goical.ValueDate {
			t.Errorf("%s: DTSTART is not a DATE", uid)
		}
		if got := schedules.OccurrenceKey(start); !strings.Contains(uid, "-"+got+"@") || end.Sub(start) != 24*time.Hour {
			t.Errorf("%s: start %v end %v", uid, start, end)
		}
		if st, err := ev.Props.DateTime(goical.PropDateTimeStamp, time.UTC); err != nil || !st.Equal(from) {
			t.Errorf("%s: DTSTAMP %v %v", uid, st, err)
		}
		summary, _ := ev.Props.Text(goical.PropSummary)
		desc, _ := ev.Props.Text(goical.PropDescription)
		if summary == "" || !strings.Contains(desc, "Căn cứ: ") || !strings.Contains(desc, "https://") {
			t.Errorf("%s: summary %q description %q", uid, summary, desc)
		}
		id := uid[:strings.LastIndex(uid, "-")]
		d := cal.Get(id)
		if !strings.HasPrefix(summary, d.Title.VI) { // folding kept the UTF-8 intact
			t.Errorf("%s: summary %q, want %q", uid, summary, d.Title.VI)
		}
		if d.Confidence == schedules.CheckStatus && !strings.Contains(summary, "cần kiểm tra hiệu lực") {
			t.Errorf("%s: no check-status flag in %q", uid, summary)
		}
		// One DISPLAY alarm per offset, at 08:00 local offset days before.
		var alarms []time.Duration
		for _, c := range ev.Children {
			if c.Name != goical.CompAlarm {
				continue
			}
			if a, _ := c.Props.Text(goical.PropAction); a != "DISPLAY" {
				t.Errorf("%s: ACTION %q", uid, a)
			}
			dur, err := c.Props.Get(goical.PropTrigger).Duration()
			if err != nil {
				t.Fatalf("%s TRIGGER: %v", uid, err)
			}
			alarms = append(alarms, dur)
		}
		if len(alarms) != len(d.Offsets) {
			t.Fatalf("%s: %d alarms, want %d", uid, len(alarms), len(d.Offsets))
		}
		for i, off := range d.Offsets {
			if at := start.Add(alarms[i]); !at.Equal(d.FireAt(start, off)) {
				t.Errorf("%s: alarm %d at %v, want %v", uid, i, at, d.FireAt(start, off))
			}
		}
	}
	if len(want) != 0 {
		t.Errorf("missing events %v", want)
	}
	// Stable: the same input gives the same bytes.
	var buf2 bytes.Buffer
	_ = schedules.ICS(&buf2, cal.Deadlines, schedules.AudienceProvince, from, 3, "vi")
	if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Error("output not stable")
	}
}

func TestICSHandler(t *testing.T) {
	h := schedules.ICSHandler(schedules.DefaultCalendar, func() time.Time { return vn(2026, 11, 30, 9, 0) })
	get := func(q string) *http.Response {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/deadlines.ics"+q, nil))
		return rec.Result()
	}
	resp := get("?audience=facility&lang=en&n=2")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	parsed, err := goical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	n := len(schedules.DefaultCalendar().Filter(schedules.AudienceFacility)) * 2
	if got := len(parsed.Events()); got != n {
		t.Errorf("%d events, want %d", got, n)
	}
	if !strings.Contains(string(body), "(check status)") {
		t.Error("English summaries expected")
	}
	for _, q := range []string{"?audience=ward", "?lang=fr", "?n=0", "?n=x"} {
		if r := get(q); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", q, r.StatusCode)
		}
	}
}
