package knowledge_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mostvn/supportbot/knowledge"
)

// FuzzSplitLegalText checks the legal-text splitter on any text: it never
// panics; every passage has a unique id that a knowledge file accepts, a
// non-empty NFC text, and valid UTF-8 when the input is; the same input
// gives the same passages; and each passage written as a knowledge file
// (what `kb import` does) reads back as the same Entry.
func FuzzSplitLegalText(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join("testdata", "legal", "*.txt"))
	for _, p := range matches {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(string(b), "Nghị định 133/2025/NĐ-CP")
		}
	}
	for _, s := range []string{
		"Điều 1. Phạm vi\n1. Khoản một.\n2. Khoản hai.\nNơi nhận:\n- Như trên",
		"Chương I\nQUY ĐỊNH CHUNG\nĐiều 1.\nTiêu đề\nNội dung",
		"Điều 5a: Sửa đổi\n1. a\n3. b\n2. c",
		"Mục 2 Chương III Luật này quy định\nĐiều 115\nĐiều 115",
		"Điều 99999999999999999999999999999999999999999999999999. Dài\n1. x",
		"\r\n\u00a0Điều\u00a01.\u00a0A\r\n1.\tb",
		"Điều 1. \xff\xfe",
	} {
		f.Add(s, "Luật 94/2025/QH15")
	}
	f.Add("Điều 1. A", "")
	f.Add("Điều 1. A", strings.Repeat("Nghị định rất dài ", 10))
	f.Fuzz(func(t *testing.T, text, document string) {
		// A knowledge file keeps the document's name trimmed and NFC, as
		// `kb import` reads it from the .meta.yaml.
		document = norm.NFC.String(strings.TrimSpace(document))
		doc := knowledge.DocMeta{Document: document, Title: "Văn bản", Source: "https://vbpl.vn/x",
			Effective: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Topic: "decree-133"}
		got := knowledge.SplitLegalText(text, doc)
		if again := knowledge.SplitLegalText(text, doc); !reflect.DeepEqual(got, again) {
			t.Fatal("two splits of the same text differ")
		}
		valid := utf8.ValidString(text) && utf8.ValidString(document)
		ids := map[string]bool{}
		for _, e := range got {
			if ids[e.ID] {
				t.Fatalf("id %q twice", e.ID)
			}
			ids[e.ID] = true
			if strings.TrimSpace(e.Text) == "" {
				t.Fatalf("passage %s is empty", e.ID)
			}
			if valid && !utf8.ValidString(e.Text+e.Title+e.Article+e.ID) {
				t.Fatalf("passage %s: invalid UTF-8 out of valid input", e.ID)
			}
			if valid && !norm.NFC.IsNormalString(e.Text) {
				t.Fatalf("passage %s: text not NFC", e.ID)
			}
			if !valid {
				continue
			}
			raw, err := knowledge.MarshalMarkdown(e)
			if err != nil {
				t.Fatalf("passage %s: marshal: %v", e.ID, err)
			}
			back, err := knowledge.ParseMarkdown("x.md", raw)
			if err != nil {
				t.Fatalf("passage %s does not load back as a knowledge file: %v\n%s", e.ID, err, raw)
			}
			back.Path = ""
			want := e
			want.Text = strings.TrimSpace(want.Text)
			if !reflect.DeepEqual(back, want) {
				t.Fatalf("passage %s changed through a knowledge file:\n got %+v\nwant %+v", e.ID, back, want)
			}
		}
	})
}
