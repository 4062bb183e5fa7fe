package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/mostvn/supportbot/knowledge"
)

// FuzzParseMarkdown checks the front-matter loader on any file: it never
// panics; it either returns an Entry or a *LoadError wrapping one of the
// documented sentinels; an Entry it accepts has valid UTF-8 and survives
// MarshalMarkdown and a second ParseMarkdown unchanged, and marshalling
// that again gives the same bytes.
func FuzzParseMarkdown(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join("corpus", "*", "*.md"))
	for i, p := range matches {
		if i >= 40 {
			break
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"---\nid: a\ntitle: T\nlang: vi\nsource: https://a.vn\n---\nBody",
		"---\nid: a\ntitle: \"yes\"\nlang: en\nsource: https://a.vn\nkeywords: a, b,, c\neffective: 2025-07-01\nexpires: 2026-01-01\n---\n\n  x  \n",
		"---\nid: a\ntitle: T\nlang: vi\nsource: https://a.vn\nkeywords: [x, y]\n---\n---\nbody after a fence",
		"\ufeff---\r\nid: a\r\ntitle: T\r\nlang: vi\r\nsource: https://a.vn\r\n---\r\nb",
		"---\nid: A B\n---\nx", "---\n: :\n---\nx", "---\n- a\n---\nx", "no front matter", "---\nid: a\n", "\xff",
		"---\nid: a\ntitle: T\nlang: vi\nsource: https://a.vn\nid: b\n---\nx",
		"---\nid: a\ntitle: |\n  two\n  lines\nlang: vi\nsource: https://a.vn\nconfidence: verified\n---\nx",
	} {
		f.Add([]byte(s))
	}
	sentinels := []error{knowledge.ErrNoFrontMatter, knowledge.ErrFrontMatterSyntax, knowledge.ErrMissingKey,
		knowledge.ErrBadValue, knowledge.ErrInvalidUTF8, knowledge.ErrEmptyBody}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := knowledge.ParseMarkdown("f.md", data)
		if err != nil {
			if _, ok := errors.AsType[*knowledge.LoadError](err); !ok {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps no documented sentinel", err)
		}
		for _, s := range append([]string{e.ID, e.Title, e.Lang, e.Topic, e.Document, e.Article, e.Source, e.Confidence, e.Text}, e.Keywords...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %+v", e)
			}
		}
		raw, err := knowledge.MarshalMarkdown(e)
		if err != nil {
			t.Fatalf("marshal %+v: %v", e, err)
		}
		back, err := knowledge.ParseMarkdown("f.md", raw)
		if err != nil {
			t.Fatalf("marshalled entry does not load: %v\ninput:\n%s\nmarshalled:\n%s", err, data, raw)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("round trip changed the entry:\n got %+v\nwant %+v\nmarshalled:\n%s", back, e, raw)
		}
		if raw2, _ := knowledge.MarshalMarkdown(back); string(raw2) != string(raw) {
			t.Fatalf("marshal is not stable:\n%s\n---- vs ----\n%s", raw, raw2)
		}
	})
}
