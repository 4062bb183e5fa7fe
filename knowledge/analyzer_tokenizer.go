package knowledge

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Token types our tokenizer and filters give, so later filters know what a
// token is. Syllables (and numbers) are the running text; compound tokens
// ("132/2025/nđ-cp", "kh&cn") sit at the position of their first part and
// take no part in bigrams; bigrams span two running syllables.
const (
	typeSyllable = analysis.AlphaNumeric
	typeCompound = analysis.Single
	typeBigram   = analysis.Shingle
)

// maxCompoundParts bounds the sub-compound tokens emitted for one compound:
// a URL split into dozens of parts needs only its parts and its whole.
const maxCompoundParts = 8

// tokenizer splits text into syllables and keeps compounds such as document
// numbers findable whole and in parts. It works on the original bytes (no
// char filter runs before it), so every token's Start/End point at the
// original characters, which is what highlighting relies on.
//
// A break character (sentence or clause punctuation, a newline) leaves a gap
// of one position, so that bigrams never join words across it.
type tokenizer struct{}

// span is a byte range of the input.
type span struct{ start, end int }

func (tokenizer) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 0
	gap := false
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		if !isWordRune(r) {
			if isBreakRune(r) {
				gap = true
			}
			i += size
			continue
		}
		var segs [][]span // '/'-separated segments of word runs
		var seg []span
		j := i
		for {
			k := j
			for k < len(input) {
				r2, s2 := utf8.DecodeRune(input[k:])
				if !isWordRune(r2) {
					break
				}
				k += s2
			}
			seg = append(seg, splitLetterDigit(input, j, k)...)
			if k+1 < len(input) && isJoiner(input, k) {
				if next, _ := utf8.DecodeRune(input[k+1:]); isWordRune(next) {
					if input[k] == '/' {
						segs = append(segs, seg)
						seg = nil
					}
					j = k + 1
					continue
				}
			}
			i = k
			break
		}
		segs = append(segs, seg)

		// The running parts.
		first := pos + 1
		if gap && pos > 0 {
			first = pos + 2
		}
		gap = false
		pos = first - 1
		var parts []span
		for _, s := range segs {
			parts = append(parts, s...)
		}
		for _, p := range parts {
			pos++
			out = append(out, &analysis.Token{
				Term: input[p.start:p.end], Start: p.start, End: p.end,
				Position: pos, Type: typeSyllable,
			})
		}
		if len(parts) == 1 {
			continue
		}
		// The whole compound and, for document numbers, the pieces
		// between slashes: "132/2025", "nđ-cp".
		compound := func(a, b span) {
			out = append(out, &analysis.Token{
				Term: input[a.start:b.end], Start: a.start, End: b.end,
				Position: first, Type: typeCompound,
			})
		}
		whole := span{parts[0].start, parts[len(parts)-1].end}
		compound(whole, whole)
		if len(parts) > maxCompoundParts {
			continue
		}
		for a := 0; a < len(segs); a++ {
			for b := a; b < len(segs); b++ {
				if a == 0 && b == len(segs)-1 {
					continue // the whole, already emitted
				}
				if a == b && len(segs[a]) < 2 {
					continue // a single part, already emitted
				}
				compound(segs[a][0], segs[b][len(segs[b])-1])
			}
		}
	}
	return out
}

// splitLetterDigit splits a run of word characters where letters meet
// digits, so that "ND132" is also "ND" and "132".
func splitLetterDigit(input []byte, start, end int) []span {
	var out []span
	s := start
	prevDigit := -1 // unknown
	for k := start; k < end; {
		r, size := utf8.DecodeRune(input[k:])
		if unicode.Is(unicode.Mn, r) { // a combining mark belongs to its letter
			k += size
			continue
		}
		d := 0
		if unicode.IsDigit(r) {
			d = 1
		}
		if prevDigit >= 0 && d != prevDigit {
			out = append(out, span{s, k})
			s = k
		}
		prevDigit = d
		k += size
	}
	return append(out, span{s, end})
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isJoiner reports whether input[k] joins two word runs into one compound:
// "132/2025/NĐ-CP", "KH&CN", "X-quang", "1.000", "1,5" (comma only between
// digits).
func isJoiner[S ~string | ~[]byte](input S, k int) bool {
	switch input[k] {
	case '/', '-', '&', '.', '_':
		return true
	case ',':
		return k > 0 && input[k-1] >= '0' && input[k-1] <= '9' && input[k+1] >= '0' && input[k+1] <= '9'
	}
	return false
}

// isBreakRune reports whether r ends a clause: bigrams do not cross it.
func isBreakRune(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '\n', '\r', '|', '–', '—', '…':
		return true
	}
	return false
}
