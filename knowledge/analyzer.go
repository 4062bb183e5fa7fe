package knowledge

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// AnalyzerVersion identifies the analysis chain, the mapping and the way
// entries become documents. Bump it whenever any of them changes: an index
// built by another version is rebuilt on Open.
const AnalyzerVersion = 1

// Names under which the chain is registered with bleve's registry. The
// mapping stored inside an index refers to them, so they must not change
// without bumping AnalyzerVersion.
const (
	TokenizerName    = "supportbot_vi_tokenizer"
	NormalizerName   = "supportbot_vi_normalize" // NFC, lower case, one tone placement
	FoldFilterName   = "supportbot_vi_fold"      // tone marks and đ folded, offsets kept
	BigramFilterName = "supportbot_vi_bigram"    // two-syllable shingles beside syllables

	// FoldedAnalyzerName: for toneless questions; Terms uses it.
	FoldedAnalyzerName = "supportbot_vi_folded"
	// AccentAnalyzerName: keeps tone marks, so an exactly-toned question
	// ranks the exact match first.
	AccentAnalyzerName = "supportbot_vi_accent"
)

// normalizeFilter puts every term in NFC, lower case and one tone-placement
// convention. It changes Term only; Start/End keep pointing at the original.
type normalizeFilter struct{}

func (normalizeFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		tok.Term = normalizeTerm(tok.Term)
	}
	return in
}

// termCache remembers normalised non-ASCII terms: a language has a few
// thousand syllables, and normalising one (NFD, tone placement, NFC) costs
// far more than a map lookup. It stops growing at termCacheMax entries so
// arbitrary input cannot grow it without bound.
var (
	termCache     sync.Map // string → []byte (never modified once stored)
	termCacheSize atomic.Int64
)

const termCacheMax = 200_000

// normalizeTerm lower-cases, composes and re-places the tone of each
// letter run of a term ("NĐ-CP" → "nđ-cp", "Hoà" → "hòa").
func normalizeTerm(term []byte) []byte {
	if isASCII(string(term)) {
		return bytes.ToLower(term)
	}
	if v, ok := termCache.Load(string(term)); ok {
		return v.([]byte)
	}
	out := normalizeSlow(term)
	if termCacheSize.Load() < termCacheMax {
		if _, loaded := termCache.LoadOrStore(string(term), out); !loaded {
			termCacheSize.Add(1)
		}
	}
	return out
}

func normalizeSlow(term []byte) []byte {
	s := norm.NFC.String(string(bytes.ToLower(term)))
	var out []byte
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, placeTone(s[start:end])...)
			start = -1
		}
	}
	for i, r := range s {
		if isWordRune(r) && !isDigitRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		out = utf8.AppendRune(out, r)
	}
	flush(len(s))
	return out
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

// foldFilter removes tone and vowel marks and turns đ into d in each term.
// bleve's asciifolding exists only as a char filter, which shifts highlight
// offsets; folding here keeps them.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		if !isASCII(string(tok.Term)) {
			tok.Term = []byte(fold(string(tok.Term)))
		}
	}
	return in
}

// foldedWords is the folded analysis without bigrams: syllables and
// compounds with their offsets, for highlighting and the verdict.
func foldedWords(text []byte) analysis.TokenStream {
	return foldFilter{}.Filter(normalizeFilter{}.Filter(tokenizer{}.Tokenize(text)))
}

// bigramFilter adds, after each syllable, the bigram it forms with the
// previous one when they are adjacent (no clause break between them).
// Compound tokens are skipped. The two syllables are joined by a space.
type bigramFilter struct{}

func (bigramFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, 2*len(in))
	var prev *analysis.Token
	for _, tok := range in {
		out = append(out, tok)
		if tok.Type != typeSyllable {
			continue
		}
		if prev != nil && tok.Position == prev.Position+1 {
			term := make([]byte, 0, len(prev.Term)+1+len(tok.Term))
			term = append(append(append(term, prev.Term...), ' '), tok.Term...)
			out = append(out, &analysis.Token{
				Term: term, Start: prev.Start, End: tok.End,
				Position: prev.Position, Type: typeBigram,
			})
		}
		prev = tok
	}
	return out
}

// The two analyzers, used directly by Terms and the query builder and
// through the registry by bleve.
var (
	foldedAnalyzer = &analysis.DefaultAnalyzer{
		Tokenizer:    tokenizer{},
		TokenFilters: []analysis.TokenFilter{normalizeFilter{}, foldFilter{}, bigramFilter{}},
	}
	accentAnalyzer = &analysis.DefaultAnalyzer{
		Tokenizer:    tokenizer{},
		TokenFilters: []analysis.TokenFilter{normalizeFilter{}, bigramFilter{}},
	}
)

func init() {
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("knowledge: register analysis component: %v", err))
		}
	}
	must(registry.RegisterTokenizer(TokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return tokenizer{}, nil
	}))
	must(registry.RegisterTokenFilter(NormalizerName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return normalizeFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(FoldFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(BigramFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return bigramFilter{}, nil
	}))
	must(registry.RegisterAnalyzer(FoldedAnalyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return foldedAnalyzer, nil
	}))
	must(registry.RegisterAnalyzer(AccentAnalyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return accentAnalyzer, nil
	}))
}

// Terms returns the analysed (folded) terms of text in text order, repeats
// included: single syllables and numbers, compounds such as
// "132/2025/nd-cp", and two-syllable bigrams such as "an toan". Other
// packages use it to compare texts the way search does (the tickets
// package ranks similar tickets with it).
func Terms(text string) []string {
	toks := foldedAnalyzer.Analyze([]byte(text))
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = string(t.Term)
	}
	return out
}
