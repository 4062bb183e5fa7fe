package knowledge

import (
	"cmp"
	"regexp"
	"strings"
)

// Document numbers decide. A question that names a document ("NĐ 133",
// "nghị định 133", "133/2025/NĐ-CP", "Decree 133", "nd133") is about that
// document: entries whose front matter names it rank higher, entries
// naming another number (or another year, or another kind of document)
// rank lower and are never its answer. Entries naming no document, and
// passages without front matter (imported laws, the legal sets), are left
// as BM25 ranks them.
const (
	docMatchBoost    = 2.0 // score factor for an entry about a document the question names
	docMismatchScale = 0.5 // score factor for an entry about another document
)

// docRef is one document reference: its kind (decree, circular, ...; ""
// when not said), number without leading zeros, year and issuer (the
// "BKHCN" of "1442/QĐ-BKHCN"), each "" when not said.
type docRef struct {
	kind, num, year, issuer string
}

// docKinds maps the folded words that name a kind of document to the kind.
var docKinds = map[string]string{
	"nghi dinh": "decree", "nd": "decree", "decree": "decree",
	"thong tu": "circular", "tt": "circular", "circular": "circular",
	"quyet dinh": "decision", "qd": "decision", "decision": "decision",
	"luat": "law", "law": "law",
	"nghi quyet": "resolution", "nq": "resolution", "resolution": "resolution",
	"ke hoach": "plan", "kh": "plan", "plan": "plan",
}

// suffixKinds maps the first part of a number's suffix ("NĐ" of
// "133/2025/NĐ-CP") to the kind; "QH" (the National Assembly) issues laws
// and resolutions alike. A number with another suffix (a form
// "08/KHCN-SHTT", a letter) is not a document reference.
var suffixKinds = map[string]string{
	"nd": "decree", "tt": "circular", "qd": "decision", "nq": "resolution", "kh": "plan", "qh": "",
}

var (
	// 133/2025/nd-cp, 03/2019/tt-bkhcn, 72/2025/qh15, 1442/qd-bkhcn, 57-nq/tw
	reFullNumber = regexp.MustCompile(`\b(\d{1,5})(?:/(\d{4}))?[/-](nd|tt|qd|nq|kh|qh)(?:\d+|\b)(?:[-/]([a-z]+)\b)?`)
	// nghi dinh so 133, nd133, decree no. 133, tt 03/2019, luat 94/2025 ... nam 2020
	reKindNumber = regexp.MustCompile(`\b(nghi dinh|nghi quyet|thong tu|quyet dinh|ke hoach|decree|circular|decision|resolution|law|luat|nd|tt|qd|nq|kh)\s*(?:so\s+|no\.?\s*|number\s+)?(\d{1,5})(?:/(\d{4}))?(?:\s+(?:nam|of|year)\s+(\d{4}))?\b`)
)

// docRefs finds the documents a text names. Tone marks and case do not
// matter; đ counts as d.
func docRefs(s string) []docRef {
	f := strings.ToLower(StripTones(s))
	var out []docRef
	add := func(r docRef) {
		r.num = strings.TrimLeft(r.num, "0")
		if r.num == "" {
			return
		}
		for i, o := range out {
			if o.matches(r) {
				out[i] = docRef{kind: cmp.Or(o.kind, r.kind), num: r.num, year: cmp.Or(o.year, r.year), issuer: cmp.Or(o.issuer, r.issuer)}
				return
			}
		}
		out = append(out, r)
	}
	for _, m := range reKindNumber.FindAllStringSubmatch(f, -1) {
		year := m[3]
		if year == "" {
			year = m[4]
		}
		add(docRef{kind: docKinds[m[1]], num: m[2], year: year})
	}
	for _, m := range reFullNumber.FindAllStringSubmatch(f, -1) {
		add(docRef{kind: suffixKinds[m[3]], num: m[1], year: m[2], issuer: m[4]})
	}
	return out
}

// entryDocs are the documents an entry is about: those its front matter
// names (document, title, keywords), when it names a document at all.
func entryDocs(e *Entry) []docRef {
	if e.Document == "" {
		return nil
	}
	return docRefs(e.Document + "\n" + e.Title + "\n" + strings.Join(e.Keywords, "\n"))
}

// matches reports whether a names the document b names, a part left
// unsaid matching anything.
func (a docRef) matches(b docRef) bool {
	same := func(x, y string) bool { return x == "" || y == "" || x == y }
	return a.num == b.num && same(a.kind, b.kind) && same(a.year, b.year) && same(a.issuer, b.issuer)
}

// docEvidence compares the documents a question names with those an
// entry is about (its front matter's document): +1 when the entry is
// about one of them, -1 when it is about another, 0 when the question
// names none or the entry is about no document.
func docEvidence(question []docRef, entry []docRef) int {
	if len(question) == 0 || len(entry) == 0 {
		return 0
	}
	for _, q := range question {
		for _, e := range entry {
			if q.matches(e) {
				return 1
			}
		}
	}
	return -1
}
