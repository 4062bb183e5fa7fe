package knowledge_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mostvn/supportbot/knowledge"
)

func TestLoadDirReportsBadFilesAndLoadsTheRest(t *testing.T) {
	entries, errs := knowledge.LoadDir(os.DirFS("testdata/kb"))

	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	// Path order; the review draft and README are skipped; the duplicate
	// loses to the first file that used the id.
	want := []string{"test-good-a-en", "test-good-a", "test-good-b"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("loaded ids = %v, want %v", ids, want)
	}

	wantErrs := []struct {
		path string
		line int
		is   error
	}{
		{"bad/date.md", 6, knowledge.ErrBadValue},
		{"bad/missing-source.md", 1, knowledge.ErrMissingKey},
		{"bad/yaml.md", 6, knowledge.ErrFrontMatterSyntax},
		{"vi/zz-duplicate.md", 2, knowledge.ErrDuplicateID},
	}
	if len(errs) != len(wantErrs) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(wantErrs), errs)
	}
	for i, w := range wantErrs {
		got := errs[i]
		if got.Path != w.path || got.Line != w.line || !errors.Is(&got, w.is) {
			t.Errorf("error %d = %q (line %d), want %s:%d wrapping %v", i, got.Error(), got.Line, w.path, w.line, w.is)
		}
	}
	if msg := errs[3].Error(); !strings.HasPrefix(msg, "vi/zz-duplicate.md:2: ") || !strings.Contains(msg, "vi/good-a.md") {
		t.Errorf("duplicate message %q should give path:line and name the first file", msg)
	}
}

func TestLoadDirReadsEveryFrontMatterKey(t *testing.T) {
	entries, _ := knowledge.LoadDir(os.DirFS("testdata/kb"))
	var a knowledge.Entry
	for _, e := range entries {
		if e.ID == "test-good-a" {
			a = e
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	want := knowledge.Entry{
		ID: "test-good-a", Title: "Mục thử nghiệm A: thủ tục mẫu", Lang: "vi", Topic: "test",
		Document: "Nghị định 999/2099/NĐ-CP", Article: "Điều 2", Source: "https://example.org/test-fixture/a",
		Effective: day("2099-02-01"), Expires: day("2100-01-01"), Reviewed: day("2026-11-22"),
		Keywords: []string{"thu tuc mau", "TTHC"},
		Text:     "Dữ liệu thử nghiệm A: thời hạn giải quyết là 30 ngày.",
		Path:     "vi/good-a.md",
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("entry =\n%+v\nwant\n%+v", a, want)
	}
}

func TestLoadDirRejects(t *testing.T) {
	const good = "id: x\ntitle: T\nlang: vi\nsource: https://example.org/x\n"
	tests := []struct {
		name string
		file string
		line int
		is   error
	}{
		{"no front matter", "# Title\n\ntext\n", 1, knowledge.ErrNoFrontMatter},
		{"unclosed front matter", "---\n" + good + "\ntext\n", 1, knowledge.ErrNoFrontMatter},
		{"bad lang", "---\nid: x\ntitle: T\nlang: fr\nsource: https://example.org/x\n---\ntext\n", 4, knowledge.ErrBadValue},
		{"source not a URL", "---\nid: x\ntitle: T\nlang: vi\nsource: Bộ KH&CN\n---\ntext\n", 5, knowledge.ErrBadValue},
		{"misspelt key", "---\n" + good + "souce: https://example.org\n---\ntext\n", 6, knowledge.ErrBadValue},
		{"id with spaces", "---\nid: Nghị định 132\ntitle: T\nlang: vi\nsource: https://example.org/x\n---\ntext\n", 2, knowledge.ErrBadValue},
		{"missing title", "---\nid: x\nlang: vi\nsource: https://example.org/x\n---\ntext\n", 1, knowledge.ErrMissingKey},
		{"empty body", "---\n" + good + "---\n\n", 6, knowledge.ErrEmptyBody},
		{"expiry before effect", "---\n" + good + "effective: 2025-07-01\nexpires: 2025-01-01\n---\ntext\n", 7, knowledge.ErrBadValue},
		{"tab indentation", "---\nid: x\ntitle: T\n\tlang: vi\nsource: https://example.org/x\n---\ntext\n", 4, knowledge.ErrFrontMatterSyntax},
		{"invalid UTF-8", "---\n" + good + "---\nline\nbad \xff byte\n", 8, knowledge.ErrInvalidUTF8},
		{"unknown confidence", "---\n" + good + "confidence: sure\n---\ntext\n", 6, knowledge.ErrBadValue},
		{"review not a date", "---\n" + good + "review: soon\n---\ntext\n", 6, knowledge.ErrBadValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"a.md": {Data: []byte(tc.file)},
				"b.md": {Data: []byte("---\nid: other\ntitle: T\nlang: en\nsource: https://example.org/b\n---\nstill loads\n")},
			}
			entries, errs := knowledge.LoadDir(fsys)
			if len(entries) != 1 || entries[0].ID != "other" {
				t.Errorf("entries = %v, want the other file only", entries)
			}
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one", errs)
			}
			if errs[0].Path != "a.md" || errs[0].Line != tc.line || !errors.Is(&errs[0], tc.is) {
				t.Errorf("error = %q (line %d), want a.md:%d wrapping %v", errs[0].Error(), errs[0].Line, tc.line, tc.is)
			}
		})
	}
}

func TestLoadDirNormalisesToNFC(t *testing.T) {
	decomposed := "Nghi\u0323 đi\u0323nh" // "Nghị định" with combining dots
	fsys := fstest.MapFS{"a.md": {Data: []byte("---\nid: x\ntitle: " + decomposed + "\nlang: vi\nsource: https://example.org/x\n---\n" + decomposed + "\n")}}
	entries, errs := knowledge.LoadDir(fsys)
	if len(errs) != 0 || len(entries) != 1 {
		t.Fatalf("entries %v errors %v", entries, errs)
	}
	if entries[0].Title != "Nghị định" || entries[0].Text != "Nghị định" {
		t.Errorf("title %q text %q, want composed Nghị định", entries[0].Title, entries[0].Text)
	}
}

func TestMarshalMarkdownRoundTrips(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	e := knowledge.Entry{
		ID: "rt-1", Title: "Điều 36: thẩm quyền", Lang: "vi", Topic: "ip",
		Document: "Nghị định 133/2025/NĐ-CP", Article: "Điều 36, khoản 2", Source: "https://example.org/rt?a=1&b=2",
		Effective: day("2025-07-01"), Expires: day("2027-03-01"), Reviewed: day("2026-11-22"),
		Review: day("2027-01-31"), Confidence: knowledge.ConfidenceCheckStatus,
		Keywords: []string{"yes", "2025-07-01", "a: b"},
		Text:     "Dòng 1.\n\n---\nDòng sau một đường kẻ.",
	}
	data, err := knowledge.MarshalMarkdown(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := knowledge.ParseMarkdown("rt.md", data)
	if err != nil {
		t.Fatalf("parse own output: %v\n%s", err, data)
	}
	e.Path = "rt.md"
	if !reflect.DeepEqual(got, e) {
		t.Errorf("round trip =\n%+v\nwant\n%+v\nfile:\n%s", got, e, data)
	}
}

func TestReviewDue(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, c := range []struct {
		e    knowledge.Entry
		want time.Time
	}{
		{knowledge.Entry{Reviewed: day("2026-11-30"), Review: day("2027-01-31")}, day("2027-01-31")},
		{knowledge.Entry{Reviewed: day("2026-11-30")}, day("2026-11-30").Add(knowledge.ReviewInterval)},
		{knowledge.Entry{}, time.Time{}},
	} {
		if got := c.e.ReviewDue(); !got.Equal(c.want) {
			t.Errorf("ReviewDue(%+v) = %v, want %v", c.e, got, c.want)
		}
	}
}
