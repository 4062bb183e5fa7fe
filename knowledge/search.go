package knowledge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/unicode/norm"
)

// ErrEmptyQuery is returned by Search for a query with no searchable word
// (empty, blank, or punctuation only). ErrInvalidUTF8 (shared with the
// loaders) is returned for a query that is not valid UTF-8.
var ErrEmptyQuery = errors.New("knowledge: empty query")

// MaxQueryBytes bounds a query: a longer one (a pasted document) is cut at
// the last word boundary before it rather than refused, so the officer still
// gets an answer to the start of it.
const MaxQueryBytes = 4096

const (
	defaultLimit = 5
	maxLimit     = 100 // a larger Options.Limit is cut to it
	// maxQueryTerms keeps the rarest terms of a very long query: each term
	// costs a posting-list walk per field, and bleve merges the lists in a
	// heap, so a long statement's search time grows with its term count.
	// Past about 90 terms, the commoner ones changed none of the eval
	// figures on the sets in shared/bench but took most of the slowest
	// searches' time.
	maxQueryTerms = 90
)

// Query weights, tuned on the legal retrieval sets in shared/bench (see
// eval_bench_test.go) and kept few and general: none names a dataset.
const (
	// weightHeading applies to two-syllable terms and compounds found in
	// the heading (title, keywords, citation): a phrase of the question in
	// a title is strong evidence. Single syllables are looked up in the
	// body only, which holds the title too: short headings otherwise let
	// common words outweigh the passage.
	weightHeading  = 0.3
	weightBigram   = 1.0 // a two-syllable term, beside a single syllable's 1
	weightCompound = 1.0 // a document number or other compound
	// weightAccent applies to the accent-preserving twin: the query's own
	// marked terms, or for a query typed without marks the usual marked
	// spelling of each of its bigrams (times its share of the spellings).
	weightAccent = 1.0
	// restoreMinShare: a toneless bigram is looked up with marks only when
	// the entries spell it that way at least this often; a bigram whose
	// spelling is split (two different words) is left to the folded field.
	restoreMinShare = 0.6
	// weightRestoredSyllable applies to each syllable of a restored
	// bigram, looked up alone with its marks: "cu tru" restored as "cư
	// trú" also favours passages holding "cư" and "trú" apart.
	weightRestoredSyllable = 0.6
	weightExpanded         = 0.5 // terms that abbreviation expansion added
	// weightEnglishFiller applies to the filler words of an English
	// question ("how", "many", "does") and to the bigrams they are part
	// of: English titles hold them too ("How many tasks…?") and would
	// otherwise outrank the passage about the question's topic.
	weightEnglishFiller = 0.2
	langPreference      = 2.0 // score factor for hits in Options.Lang: a translation of the best passage outranks it
	// minSyllableIDF drops single syllables found in more than about a
	// third of the entries ("của", "người" in a legal corpus) from the
	// bleve query: they barely move a score, but their long posting lists
	// were most of the search time. They still count inside bigrams and
	// in the verdict. Computed from the corpus, so no stop list.
	minSyllableIDF = 1.0
)

// queryTerm is one term to look up, with its weight.
type queryTerm struct {
	term   string
	accent bool // look it up in the accent-preserving fields
	weight float64
	idf    float64 // its rarity (folded), for trimming long queries
	typ    int     // typeSyllable, typeBigram or typeCompound
}

// plan is one analysed query.
type plan struct {
	terms []queryTerm
	// concepts are the query's syllables and compounds, each with the
	// folded forms that satisfy it in a passage; the verdict and the
	// highlighter use them.
	concepts []concept
	bigrams  []string // the query's folded bigrams
	// contentBigrams are those of bigrams without a filler word: the
	// verdict looks for them.
	contentBigrams []string
	// termSet holds the query's folded syllables and bigrams; seq is its
	// running text as vocabulary IDs (0 at breaks and for words the
	// knowledge base lacks), seqWeight the rarity of each, seqMass their
	// sum, seqPairs where each pair of adjacent IDs starts. The second
	// stage (rerank.go) uses them.
	termSet map[string]bool
	// wantsNumber: the question asks for a number, a date or a time
	// limit (see asksForNumber).
	wantsNumber bool
	// wantsList: the question asks for several things (see asksForList).
	wantsList bool
	// lang is the language the question is written in ("" when it
	// cannot be told, see detectLang); docs the documents it names.
	lang string
	docs []docRef
	// fields are the domains the question names (see topic.go).
	fields []int
	// names are the folded two-word terms the question capitalises
	// ("Quảng Nam", "Ninh Binh"): a place or a person, which the snippet
	// weighs more than common words ("nam" is also "năm").
	names     map[string]bool
	seq       []uint32
	seqWeight []float64
	seqMass   float64
	seqPairs  map[uint64][]int
}

// concept is one word of the query: satisfied when any alternative is
// wholly present (an abbreviation or its expansion).
type concept struct {
	alternatives [][]string
	weight       float64 // its rarity in the knowledge base
	filler       bool    // a word that asks or links (see isFiller)
	// accented is the word with the marks the question gave it ("" for a
	// word typed without): the verdict then looks for it so spelt.
	accented string
}

// Search ranks the entries for query and judges whether the best one
// answers it. opts.Topic keeps only entries of that topic; opts.Lang ranks
// entries in that language higher (score ×2) without hiding the others;
// a question plainly written in English (see detectLang) prefers the
// English entries whatever opts.Lang. A question naming a
// document ranks entries about it higher and entries about another lower
// (see docref.go).
// A query longer than MaxQueryBytes is cut (Result.Query shows what was
// searched). It is safe for concurrent use, also while Reload runs.
// Errors: ErrEmptyQuery, ErrInvalidUTF8, ErrClosed, a context error, or a
// wrapped bleve error.
func (ix *Index) Search(ctx context.Context, q string, opts Options) (Result, error) {
	if !utf8.ValidString(q) {
		return Result{}, fmt.Errorf("knowledge: search: %w", ErrInvalidUTF8)
	}
	q = truncateQuery(strings.TrimSpace(q))
	res := Result{Query: q, Verdict: VerdictNone, Hits: []Hit{}}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	if st == nil || st.bi == nil {
		return res, ErrClosed
	}
	p := st.plan(q)
	if len(p.terms) == 0 {
		return res, ErrEmptyQuery
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	lang := opts.Lang
	if p.lang == "en" {
		lang = "en" // a question plainly in English is answered in English
	}
	size := limit
	if lang != "" {
		size = limit * 3 // room to promote the preferred language
	}
	req := bleve.NewSearchRequestOptions(p.query(opts.Topic), max(size, rerankDepth), 0, false)
	sr, err := st.bi.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		return res, fmt.Errorf("knowledge: search %q: %w", q, err)
	}
	var ranked []scored
	for _, h := range sr.Hits {
		e := st.entries[h.ID]
		if e == nil {
			continue
		}
		ranked = append(ranked, scored{e, h.Score})
	}
	st.rerank(p, ranked)
	if len(p.docs) > 0 {
		for i := range ranked {
			switch docEvidence(p.docs, st.profiles[ranked[i].e.ID].docs) {
			case 1:
				ranked[i].score *= docMatchBoost
			case -1:
				ranked[i].score *= docMismatchScale
			}
		}
	}
	st.preferFields(p, ranked)
	if lang != "" {
		for i := range ranked {
			if ranked[i].e.Lang == lang {
				ranked[i].score *= langPreference
			}
		}
	}
	slices.SortStableFunc(ranked, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.e.ID, b.e.ID)) // ties in a stable order
	})
	other := 0.0 // the best score of another entry than the first's (or its translation)
	for _, r := range ranked[min(1, len(ranked)):] {
		if baseID(r.e.ID) != baseID(ranked[0].e.ID) {
			other = r.score
			break
		}
	}
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	sw := st.snippetWords(p)
	for _, r := range ranked {
		var words []word
		if pr := st.profiles[r.e.ID]; pr != nil {
			words = pr.words
		}
		res.Hits = append(res.Hits, hitOf(r.e, r.score, sw.forTitle(st, r.e.Title).snippet(r.e.Text, words)))
	}
	if len(ranked) > 0 {
		second := 0.0
		if len(ranked) > 1 {
			second = ranked[1].score
		}
		s := measure(st, p, ranked[0].e, ranked[0].score, second)
		s.docAlone = s.doc > 0 && (len(ranked) < 2 || docEvidence(p.docs, st.profiles[ranked[1].e.ID].docs) <= 0)
		if len(ranked) > 1 && s.margin < tieMargin {
			s.secondCoverage = measure(st, p, ranked[1].e, ranked[1].score, 0).coverage
		}
		s.langMismatch = p.lang == "en" && ranked[0].e.Lang != "" && ranked[0].e.Lang != "en"
		s.offTopic = st.offTopic(p.fields, ranked[0].e)
		s.noNumber = p.wantsNumber && !holdsNumber(plainSnippet(res.Hits[0].Snippet))
		if s.otherMargin < leadMargin && s.coverage < 1 {
			for _, r := range ranked[1:] {
				pr := st.profiles[r.e.ID]
				if baseID(r.e.ID) == baseID(ranked[0].e.ID) || docEvidence(p.docs, pr.docs) < 0 || len(st.offTopic(p.fields, r.e)) > 0 {
					continue
				}
				if measure(st, p, r.e, r.score, 0).coverage > s.coverage+elsewhereCoverage {
					s.elsewhere = true
				}
			}
		}
		if other > 0 {
			s.otherMargin = ranked[0].score / other
		}
		res.Verdict = decide(s)
		res.Evidence = Evidence{Coverage: s.coverage, Bigrams: s.bigramCoverage, Margin: s.margin,
			Document: s.doc, Lang: p.lang, Missing: s.missing, OffTopic: s.offTopic, Lead: s.otherMargin}
	}
	return res, nil
}

// scored is one candidate entry with its score.
type scored struct {
	e     *Entry
	score float64
}

func hitOf(e *Entry, score float64, snippet string) Hit {
	return Hit{
		ID: e.ID, Title: e.Title, Snippet: snippet, Text: e.Text,
		Document: e.Document, Article: e.Article, Source: e.Source,
		Lang: e.Lang, Topic: e.Topic,
		Effective: e.Effective, Expires: e.Expires, Reviewed: e.Reviewed,
		Confidence: e.Confidence, Warning: StatusWarning(e.Text),
		Score: score,
	}
}

// truncateQuery cuts q to at most MaxQueryBytes at a word boundary.
func truncateQuery(q string) string {
	if len(q) <= MaxQueryBytes {
		return q
	}
	cut := MaxQueryBytes
	for cut > 0 && !utf8.RuneStart(q[cut]) {
		cut--
	}
	if i := strings.LastIndexFunc(q[:cut], unicode.IsSpace); i > 0 {
		cut = i
	}
	return strings.TrimSpace(q[:cut])
}

// plan analyses q with the index's analyzers and abbreviation table.
func (st *state) plan(q string) plan {
	var p plan
	seen := map[string]bool{}
	add := func(term string, typ int, accent bool, w float64) {
		key := term
		if accent {
			key = "\x00" + term
		}
		if seen[key] {
			return
		}
		seen[key] = true
		switch typ {
		case int(typeBigram):
			w *= weightBigram
		case int(typeCompound):
			w *= weightCompound
		}
		p.terms = append(p.terms, queryTerm{term: term, accent: accent, weight: w, idf: st.idf(fold(term)), typ: typ})
	}
	folded := foldedAnalyzer.Analyze([]byte(q))
	p.wantsNumber = asksForNumber(q, folded)
	p.wantsList = asksForList(folded)
	p.lang = detectLang(q)
	p.docs = docRefs(q)
	p.fields = st.questionFields(q)
	p.names = capitalisedPairs(q)
	accented := map[int]string{} // start offset → syllable with marks
	if fold(q) != q {
		for _, t := range accentAnalyzer.Analyze([]byte(q)) {
			if t.Type == typeSyllable && !isASCII(string(t.Term)) {
				accented[t.Start] = string(t.Term)
			}
		}
	}
	// Filler syllables, by position. In a Vietnamese question, one that
	// forms a bigram of the entries with a neighbour is a word of the
	// topic: "bị" in "thiết bị", "ra" in "ban ra".
	filler := map[int]bool{}
	sylAt := map[int]string{}
	for _, t := range folded {
		if t.Type == typeSyllable {
			sylAt[t.Position] = string(t.Term)
		}
	}
	for _, t := range folded {
		if t.Type != typeSyllable || t.End > len(q) || !isFiller(q[t.Start:t.End], p.lang) {
			continue
		}
		if p.lang != "en" && !interrogatives[string(t.Term)] && !viGeneric[strings.ToLower(norm.NFC.String(q[t.Start:t.End]))] {
			prev, next := sylAt[t.Position-1], sylAt[t.Position+1]
			if (prev != "" && st.bigrams[prev+" "+string(t.Term)]) || (next != "" && st.bigrams[string(t.Term)+" "+next]) {
				continue
			}
		}
		filler[t.Position] = true
	}
	ex := expand(folded)
	p.seq = sequence(folded, st.vocab, false)
	p.seqPairs = map[uint64][]int{}
	p.seqWeight = make([]float64, len(p.seq))
	for j, id := range p.seq {
		if id == 0 {
			continue
		}
		p.seqWeight[j] = st.vocabIDF[id]
		p.seqMass += p.seqWeight[j]
		if j+1 < len(p.seq) && p.seq[j+1] != 0 {
			key := pairKey(id, p.seq[j+1])
			p.seqPairs[key] = append(p.seqPairs[key], j)
		}
	}
	p.termSet = map[string]bool{}
	for _, t := range folded {
		if t.Type != typeCompound {
			p.termSet[string(t.Term)] = true
		}
	}
	conceptSeen := map[string]bool{}
	asking := questionPositions(folded)
	for _, t := range folded {
		term := string(t.Term)
		w := 1.0
		if p.lang == "en" && (filler[t.Position] || (t.Type == typeBigram && filler[t.Position+1])) {
			w = weightEnglishFiller // "how many" names no topic
		}
		add(term, int(t.Type), false, w)
		switch t.Type {
		case typeBigram:
			if !asking[t.Position] && !asking[t.Position+1] {
				p.bigrams = append(p.bigrams, term)
				if !filler[t.Position] && !filler[t.Position+1] {
					p.contentBigrams = append(p.contentBigrams, term)
				}
			}
		default:
			if conceptSeen[term] || (t.Type == typeSyllable && asking[t.Position]) {
				continue
			}
			conceptSeen[term] = true
			c := concept{alternatives: [][]string{{term}}, weight: st.idf(term), filler: t.Type == typeSyllable && filler[t.Position]}
			if t.Type == typeSyllable {
				c.accented = accented[t.Start]
			}
			if alt, ok := ex.alternatives[term]; ok {
				c.alternatives = append(c.alternatives, alt)
				for _, a := range sameExpansion(term) {
					c.alternatives = append(c.alternatives, []string{a})
				}
				w := 0.0
				for _, a := range alt {
					w = max(w, st.idf(a))
				}
				c.weight = min(c.weight, w)
			}
			if t.Type == typeCompound && len(ex.alternatives[term]) == 0 {
				continue // its parts are concepts already
			}
			p.concepts = append(p.concepts, c)
		}
	}
	// A word of a spelt-out expansion ("khoa học và công nghệ") is also
	// found as its abbreviation ("KH&CN") in a passage.
	for _, a := range ex.abbrevs {
		exp := strings.Fields(foldedExpansions()[a])
		for i := range p.concepts {
			if len(p.concepts[i].alternatives[0]) == 1 && slices.Contains(exp, p.concepts[i].alternatives[0][0]) {
				p.concepts[i].alternatives = append(p.concepts[i].alternatives, []string{a})
			}
		}
	}
	if fold(q) != q { // the query has marks: use them
		for _, t := range accentAnalyzer.Analyze([]byte(q)) {
			if isASCII(string(t.Term)) {
				continue // the folded term says the same
			}
			add(string(t.Term), int(t.Type), true, weightAccent)
		}
	} else {
		// Typed without marks: restore the usual spelling of each bigram,
		// and of the syllables in it, weighed by how usual it is.
		syl := map[string]float64{}
		for _, b := range p.bigrams {
			r, ok := st.restore[b]
			if !ok {
				continue
			}
			if r.share >= restoreMinShare {
				add(r.accented, int(typeBigram), true, weightAccent*r.share)
			}
			for _, w := range strings.Fields(r.accented) {
				if !isASCII(w) {
					syl[w] = max(syl[w], r.share)
				}
			}
		}
		for _, w := range slices.Sorted(maps.Keys(syl)) {
			add(w, int(typeSyllable), true, weightRestoredSyllable*weightAccent*syl[w])
		}
	}
	if ex.text != "" {
		for _, t := range foldedAnalyzer.Analyze([]byte(ex.text)) {
			add(string(t.Term), int(t.Type), false, weightExpanded)
		}
	}
	for _, a := range ex.abbrevs {
		add(a, int(typeSyllable), false, weightExpanded)
	}
	for _, syn := range ex.synonyms {
		for _, t := range foldedAnalyzer.Analyze([]byte(syn)) {
			add(string(t.Term), int(t.Type), false, weightExpanded)
		}
	}
	if len(p.terms) > maxQueryTerms {
		// Keep the rarest terms; the order of the rest does not matter.
		slices.SortStableFunc(p.terms, func(a, b queryTerm) int {
			return cmp.Compare(b.idf, a.idf)
		})
		p.terms = p.terms[:maxQueryTerms]
	}
	return p
}

// query builds the bleve query: every term in the heading and body fields
// (folded, or accent-preserving), optional within a topic. It is built in
// code from analysed terms; user text never reaches a query parser.
func (p plan) query(topic string) query.Query {
	common := func(t queryTerm) bool { return t.typ == int(typeSyllable) && t.idf < minSyllableIDF }
	prune := slices.ContainsFunc(p.terms, func(t queryTerm) bool { return !common(t) })
	clauses := make([]query.Query, 0, 2*len(p.terms))
	for _, t := range p.terms {
		if prune && common(t) {
			continue // a query of common words only keeps them all
		}
		body, heading := fieldBody, fieldHeading
		if t.accent {
			body, heading = fieldBodyAcc, fieldHeadingAcc
		}
		bq := bleve.NewTermQuery(t.term)
		bq.SetField(body)
		bq.SetBoost(t.weight)
		hq := bleve.NewTermQuery(t.term)
		hq.SetField(heading)
		hq.SetBoost(t.weight * weightHeading)
		if t.typ == int(typeSyllable) || t.accent {
			clauses = append(clauses, bq)
		} else {
			clauses = append(clauses, bq, hq)
		}
	}
	var q query.Query = bleve.NewDisjunctionQuery(clauses...)
	if topic != "" {
		tq := bleve.NewTermQuery(topic)
		tq.SetField(fieldTopic)
		q = bleve.NewConjunctionQuery(q, tq)
	}
	return q
}

// capitalisedPairs returns the folded pairs of adjacent words of q that
// both start with a capital and are not abbreviations in capitals ("NĐ",
// "UBND").
func capitalisedPairs(q string) map[string]bool {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	name := func(w string) bool {
		r, n := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r) && n < len(w) && strings.ToUpper(w) != w
	}
	var out map[string]bool
	for i := 0; i+1 < len(words); i++ {
		if name(words[i]) && name(words[i+1]) {
			if out == nil {
				out = map[string]bool{}
			}
			out[fold(strings.ToLower(words[i]))+" "+fold(strings.ToLower(words[i+1]))] = true
		}
	}
	return out
}

// numberWords are the Vietnamese words that spell a number, as legal
// texts write them ("mười lăm ngày"); "năm" (five, or year) is left out.
var numberWords = set("một", "hai", "ba", "bốn", "sáu", "bảy", "tám", "chín", "mười", "mươi", "trăm",
	"nghìn", "ngàn", "triệu", "tỷ", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "twenty", "thirty")

// holdsNumber reports whether s holds a digit or a number word.
func holdsNumber(s string) bool {
	if strings.ContainsAny(s, "0123456789") {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(norm.NFC.String(s)), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if numberWords[w] {
			return true
		}
	}
	return false
}
