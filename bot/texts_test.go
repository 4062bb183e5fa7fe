package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// declaredKeys parses texts.go and the other texts_*.go files (a feature's
// own keys, merged into the catalogue by its init) for every textKey
// constant, so that a key added there but forgotten in a catalogue fails
// here.
func declaredKeys(t *testing.T) map[string]textKey {
	t.Helper()
	names, err := filepath.Glob("texts*.go")
	if err != nil {
		t.Fatal(err)
	}
	var decls []ast.Decl
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		decls = append(decls, f.Decls...)
	}
	keys := map[string]textKey{}
	for _, d := range decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "textKey" {
				continue
			}
			for i, n := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit)
				keys[n.Name] = textKey(strings.Trim(lit.Value, `"`))
			}
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in texts.go", len(keys))
	}
	return keys
}

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// allowedTag matches the HTML Telegram accepts that our texts use.
var allowedTag = regexp.MustCompile(`</?(b|i|code)>|<a href="[^"]*">|</a>`)

func TestCatalogueHasEveryKeyInBothLanguages(t *testing.T) {
	keys := declaredKeys(t)
	for name, k := range keys {
		vi, okVI := textsVI[k]
		en, okEN := textsEN[k]
		if !okVI || strings.TrimSpace(vi) == "" {
			t.Errorf("%s (%s): no Vietnamese text", name, k)
		}
		if !okEN || strings.TrimSpace(en) == "" {
			t.Errorf("%s (%s): no English text", name, k)
		}
		if a, b := verb.FindAllString(vi, -1), verb.FindAllString(en, -1); strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%s: placeholders differ: vi %q, en %q", name, a, b)
		}
		for lang, s := range map[string]string{"vi": vi, "en": en} {
			if rest := allowedTag.ReplaceAllString(s, ""); strings.ContainsAny(rest, "<>") {
				t.Errorf("%s/%s: unescaped < or > outside the allowed tags: %q", name, lang, s)
			}
			if strings.Count(s, "<b>") != strings.Count(s, "</b>") {
				t.Errorf("%s/%s: unbalanced <b>", name, lang)
			}
		}
	}
	for _, cat := range []map[textKey]string{textsVI, textsEN} {
		if len(cat) != len(keys) {
			t.Errorf("a catalogue has %d texts for %d keys: remove the stale ones", len(cat), len(keys))
		}
	}
}

func TestTranslationFallsBackToVietnamese(t *testing.T) {
	if got := tr("fr", txtCancelled); got != textsVI[txtCancelled] {
		t.Errorf("tr(fr) = %q", got)
	}
	for code, want := range map[string]string{"en-GB": LangEN, "vi-VN": LangVI, "EN": LangEN, "ru": "", "": ""} {
		if got := normLang(code); got != want {
			t.Errorf("normLang(%q) = %q, want %q", code, got, want)
		}
	}
}
