package knowledge_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

func TestTermsKeepsShortWordsAndAddsBigrams(t *testing.T) {
	terms := knowledge.Terms("An toàn bức xạ")
	for _, want := range []string{"an", "toan", "buc", "xa", "an toan", "toan buc", "buc xa"} {
		if !slices.Contains(terms, want) {
			t.Errorf("Terms(%q) = %q, missing %q", "An toàn bức xạ", terms, want)
		}
	}
}

func TestTermsSameForEverySpellingOfAWord(t *testing.T) {
	cases := []struct{ name, a, b string }{
		{"composed and decomposed", "Cộng hòa xã hội", "Co\u0323\u0302ng ho\u0300a xa\u0303 ho\u0323\u0302i"},
		{"old and new tone placement", "hòa bình, thủy lợi, khỏe mạnh", "hoà bình, thuỷ lợi, khoẻ mạnh"},
		{"case", "NGHỊ ĐỊNH", "nghị định"},
		{"tone marks typed or not", "Nghị định", "Nghi dinh"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if a, b := knowledge.Terms(c.a), knowledge.Terms(c.b); !slices.Equal(a, b) {
				t.Errorf("Terms(%q) = %q\nTerms(%q) = %q", c.a, a, c.b, b)
			}
		})
	}
}

func TestTermsKeepDocumentNumbersWholeAndInParts(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"Nghị định 132/2025/NĐ-CP", []string{"132/2025/nd-cp", "132/2025", "132", "2025", "nd-cp", "nd", "cp", "dinh 132"}},
		{"ND132", []string{"nd132", "nd", "132", "nd 132"}},
		{"KH&CN", []string{"kh&cn", "kh", "cn"}},
		{"máy X-quang", []string{"x-quang", "x", "quang", "x quang"}},
	}
	for _, c := range cases {
		terms := knowledge.Terms(c.text)
		for _, w := range c.want {
			if !slices.Contains(terms, w) {
				t.Errorf("Terms(%q) = %q, missing %q", c.text, terms, w)
			}
		}
	}
}

func TestTermsBigramsStopAtPunctuation(t *testing.T) {
	terms := knowledge.Terms("bảo vệ, an toàn. Quy định")
	if !slices.Contains(terms, "bao ve") || !slices.Contains(terms, "an toan") {
		t.Fatalf("Terms = %q, want bigrams within clauses", terms)
	}
	for _, bad := range []string{"ve an", "toan quy"} {
		if slices.Contains(terms, bad) {
			t.Errorf("Terms = %q: bigram %q crosses punctuation", terms, bad)
		}
	}
}

func TestStripTones(t *testing.T) {
	got := knowledge.StripTones("Nghị định 132/2025/NĐ-CP về Ủy ban nhân dân")
	if want := "Nghi dinh 132/2025/ND-CP ve Uy ban nhan dan"; got != want {
		t.Errorf("StripTones = %q, want %q", got, want)
	}
	if strings.ContainsFunc(knowledge.StripTones("ă â ê ô ơ ư đ Đ ầ ặ"), func(r rune) bool { return r > 127 }) {
		t.Error("StripTones left a non-ASCII letter")
	}
}
