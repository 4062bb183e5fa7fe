package schedules_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/schedules"
)

func TestEmbeddedCalendar(t *testing.T) {
	c, err := schedules.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Deadlines) == 0 {
		t.Fatal("empty calendar")
	}
	for _, d := range c.Deadlines {
		if d.Basis.URL == "" || d.Basis.Document == "" || d.Ref == "" {
			t.Errorf("%s: no source", d.ID)
		}
		// Only ND 09 is verified; the circulars predating the merger are
		// flagged (facts.md §0.4, §7.6).
		if want := schedules.CheckStatus; d.ID != "nd09-periodic" && d.Confidence != want {
			t.Errorf("%s: confidence %q, want %q", d.ID, d.Confidence, want)
		}
	}
	from := vn(2026, 11, 30, 12, 0)
	for id, want := range map[string]string{
		"tt03-2019-annual":         "20261220 20271220",
		"nd09-periodic":            "20261225 20270125",
		"tt02-2023-unit-annual":    "20271127 20281127",
		"tt02-2023-unit-quarterly": "20261208 20270308",
		"tt02-2023-org-halfyear":   "20270606 20280606",
	} {
		d := c.Get(id)
		if d == nil {
			t.Fatalf("%s missing", id)
		}
		var got []string
		for _, o := range d.Occurrences(from, 2) {
			got = append(got, schedules.OccurrenceKey(o))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: occurrences %v, want %s", id, got, want)
		}
	}
	d := c.Get("tt03-2019-annual")
	if last, ok := d.Last(from); !ok || schedules.OccurrenceKey(last) != "20251220" {
		t.Errorf("last occurrence %v %v", last, ok)
	}
	if last, _ := c.Get("nd09-periodic").Last(vn(2026, 12, 25, 23, 0)); schedules.OccurrenceKey(last) != "20261225" {
		t.Errorf("nd09 last %v", last)
	}
	ft := d.FireTimes(from, 4)
	if len(ft) != 4 || !ft[0].Equal(vn(2026, 12, 13, 8, 0)) || !ft[3].Equal(vn(2026, 12, 20, 8, 0)) {
		t.Errorf("fire times %v", ft)
	}
}

func TestCalendarErrors(t *testing.T) {
	good := `deadlines:
  - id: x
    title: {vi: A, en: A}
    basis: {document: D, url: "https://example.vn"}
    confidence: verified
    audience: commune_pc
    recurrence:
      yearly: ["20/12"]
    reminders: {offsets: [1d]}
`
	if _, err := schedules.ParseCalendar("f.yaml", []byte(good)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	for _, tc := range []struct {
		name, old, new string
		line           int
		msg            string
	}{
		{"impossible date", `["20/12"]`, `["30/02"]`, 8, `date "30/02" does not exist`},
		{"impossible cron", "yearly: [\"20/12\"]", `cron: "0 8 30 2 *"`, 8, "schedule never fires"},
		{"bad cron", "yearly: [\"20/12\"]", `cron: "0 25 * * *"`, 8, "cron spec"},
		{"six-field cron", "yearly: [\"20/12\"]", `cron: "0 0 8 * * *"`, 8, "expected exactly 5 fields"},
		{"unknown field", "    confidence: verified", "    confidence: verified\n    owner: me", 6, `unknown field "owner"`},
		{"unknown nested field", "{document: D,", "{document: D, page: 3,", 4, `unknown field "page"`},
		{"missing source", `, url: "https://example.vn"}`, "}", 4, "missing source url"},
		{"not a link", `"https://example.vn"`, `"example.vn"`, 4, "not an http(s) link"},
		{"bad confidence", "confidence: verified", "confidence: sure", 5, "want \"verified\" or \"check status\""},
		{"bad audience", "audience: commune_pc", "audience: ward", 6, "want one of"},
		{"bad offset", "[1d]", "[1w]", 9, "reminder offset"},
		{"two recurrences", "      yearly: [\"20/12\"]", "      yearly: [\"20/12\"]\n      once: [\"01/01/2027\"]", 8, "exactly one of"},
		{"impossible once", "yearly: [\"20/12\"]", `once: ["31/04/2027"]`, 8, `date "31/04/2027" does not exist`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(good, tc.old, tc.new, 1)
			if src == good {
				t.Fatal("replacement did not apply")
			}
			_, err := schedules.ParseCalendar("f.yaml", []byte(src))
			if err == nil {
				t.Fatalf("accepted:\n%s", src)
			}
			if !errors.Is(err, schedules.ErrInvalidCalendar) || schedules.Line(err) != tc.line ||
				!strings.HasPrefix(err.Error(), "f.yaml:") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q (line %d), want line %d and %q", err, schedules.Line(err), tc.line, tc.msg)
			}
		})
	}
	// A file path overrides the embedded calendar.
	p := filepath.Join(t.TempDir(), "d.yaml")
	if err := os.WriteFile(p, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := schedules.LoadCalendar(p)
	if err != nil || len(c.Deadlines) != 1 || c.Source != p {
		t.Fatalf("load %s: %v %+v", p, err, c)
	}
	if _, err := schedules.LoadCalendar(p + ".missing"); err == nil {
		t.Error("missing file accepted")
	}
}
