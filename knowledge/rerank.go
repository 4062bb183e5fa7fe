package knowledge

import (
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
)

// The second stage. bleve ranks the entries by BM25 over syllables and
// bigrams; the best rerankDepth of them are then reordered by two kinds of
// evidence BM25 cannot see, computed from the entries kept in memory:
//
//   - the question names the passage: every syllable and bigram of the
//     entry's title is in the question ("Trách nhiệm của Bộ Y tế" in a
//     question about the duties of the Ministry of Health);
//   - the passage says what the question says: runs of four or more
//     syllables of the question appear in the passage in the same order
//     (a definition "X là ..." asked back as "X là ...").
//
// Each raises the BM25 score by a factor, so the scale (and the verdict's
// margin between the first two hits) stays that of BM25. Tuned on the
// legal sets in shared/bench (see eval_bench_test.go); nothing in it names
// a dataset or a word.
const (
	// rerankDepth is how many first-stage hits are reordered.
	rerankDepth = 30
	// rerankTitle is the boost for an entry whose whole title (of two
	// syllables or more) is in the question.
	rerankTitle = 0.2
	// rerankPhrase is the boost for an entry holding the whole question in
	// one run; a passage holding part of it in runs of phraseMinRun or
	// more syllables gets the rarity-weighted share of it, times the
	// run's share of the question.
	rerankPhrase = 1.0
	phraseMinRun = 4
)

// profile is what the second stage and the verdict know of one entry,
// computed once when the index is built.
type profile struct {
	// terms are the hashes of the entry's folded terms (syllables,
	// compounds, bigrams of title, keywords, citation and text), sorted
	// and unique.
	terms []uint64
	// title holds the folded syllables and bigrams of the title, unique.
	title []string
	// seq is the folded running text as vocabulary IDs, 0 at clause breaks.
	seq []uint32
	// words are the folded syllables and compounds of the entry's Text, in
	// the order foldedWords gives them, with their byte offsets in Text:
	// the snippet marks them without analysing the text again.
	words []word
	// docs are the documents the entry is about (see entryDocs).
	docs []docRef
	// head is the folded heading (title, citation, keywords) as
	// phraseText gives it: the topic signal looks for field names in it.
	head string
	// body is the folded text as phraseText gives it, kept only for an
	// entry without a topic (an imported document, a legal article): its
	// field is read from its text.
	body string
	// acc are the hashes of the entry's syllables with marks (the
	// non-ASCII ones), sorted and unique: the verdict tells "nguyện"
	// from "nguyên" with them.
	acc []uint64
}

// hasAcc reports whether the entry holds the syllable with its marks.
func (pr *profile) hasAcc(term string) bool {
	_, ok := slices.BinarySearch(pr.acc, hashTerm(term))
	return ok
}

// word is one syllable or compound of an entry's text: its byte offsets in
// the text and its vocabulary ID.
type word struct {
	start, end, id uint32
}

// has reports whether the entry holds the folded term.
func (pr *profile) has(term string) bool {
	_, ok := slices.BinarySearch(pr.terms, hashTerm(term))
	return ok
}

// hashTerm is 64-bit FNV-1a. With a few hundred thousand distinct terms
// in a knowledge base, a collision is unlikely, and would only make the
// verdict or the rerank see one word too many.
func hashTerm(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// newProfile analyses an entry, adding its new syllables and compounds to
// vocab.
func newProfile(e *Entry, vocab map[string]uint32) profile {
	var pr profile
	head := e.Title + "\n" + joinKeywords(e) + "\n"
	// The text after a newline is split exactly as on its own (no word
	// crosses the newline), only shifted by len(head).
	toks := foldedAnalyzer.Analyze([]byte(head + e.Text))
	pr.terms = make([]uint64, 0, len(toks))
	n := 0
	for _, t := range toks {
		pr.terms = append(pr.terms, hashTerm(string(t.Term)))
		if t.Type == typeSyllable && len(t.Term) >= 4 && isLetters(t.Term) {
			pr.terms = append(pr.terms, hashTerm(stemKey(string(t.Term))))
		}
		if t.Start >= len(head) && t.Type != typeBigram {
			n++
		}
	}
	pr.words = make([]word, 0, n)
	for _, t := range toks {
		if t.Start < len(head) || t.Type == typeBigram {
			continue
		}
		id, ok := vocab[string(t.Term)]
		if !ok {
			id = uint32(len(vocab) + 1)
			vocab[string(t.Term)] = id
		}
		pr.words = append(pr.words, word{uint32(t.Start - len(head)), uint32(t.End - len(head)), id})
	}
	slices.Sort(pr.terms)
	pr.terms = slices.Clip(slices.Compact(pr.terms))
	pr.docs = entryDocs(e)
	pr.head = phraseText(head)
	if e.Topic == "" {
		pr.body = phraseText(e.Text)
	}
	pr.seq = sequence(toks, vocab, true)
	seen := map[string]bool{}
	for _, t := range foldedAnalyzer.Analyze([]byte(e.Title)) {
		if t.Type == typeCompound || seen[string(t.Term)] {
			continue
		}
		seen[string(t.Term)] = true
		pr.title = append(pr.title, string(t.Term))
	}
	return pr
}

// sequence turns the syllables of a folded stream into vocabulary IDs with
// 0 at each clause break. With grow, unknown syllables are added to vocab;
// without, they become 0 and match nothing.
func sequence(toks analysis.TokenStream, vocab map[string]uint32, grow bool) []uint32 {
	var out []uint32
	last := 0
	for _, t := range toks {
		if t.Type != typeSyllable {
			continue
		}
		if last > 0 && t.Position > last+1 {
			out = append(out, 0)
		}
		last = t.Position
		id, ok := vocab[string(t.Term)]
		if !ok && grow {
			id = uint32(len(vocab) + 1)
			vocab[string(t.Term)] = id
		}
		out = append(out, id)
	}
	return slices.Clip(out)
}

// pairKey indexes a pair of adjacent syllable IDs.
func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// runs returns, for each position of the query sequence q, the length of
// the longest run of syllables around it that c holds in the same order.
// pairs maps each pair of adjacent IDs of q to where it starts in q.
func runs(q, c []uint32, pairs map[uint64][]int) []int {
	best := make([]int, len(q))
	for i := 0; i+1 < len(c); i++ {
		if c[i] == 0 || c[i+1] == 0 {
			continue
		}
		for _, j := range pairs[pairKey(c[i], c[i+1])] {
			if i > 0 && j > 0 && c[i-1] != 0 && c[i-1] == q[j-1] {
				continue // inside a run already measured from its start
			}
			k := 2
			for i+k < len(c) && j+k < len(q) && q[j+k] != 0 && c[i+k] == q[j+k] {
				k++
			}
			for x := j; x < j+k; x++ {
				best[x] = max(best[x], k)
			}
		}
	}
	return best
}

// rerank reorders the first-stage candidates in place (it changes their
// scores; the caller sorts).
func (st *state) rerank(p plan, cands []scored) {
	if len(cands) < 2 {
		return
	}
	for i := range cands {
		pr := st.profiles[cands[i].e.ID]
		if pr == nil {
			continue
		}
		boost := 0.0
		if len(pr.title) >= 3 && !slices.ContainsFunc(pr.title, func(t string) bool { return !p.termSet[t] }) {
			boost += rerankTitle
		}
		if p.seqMass > 0 {
			var hit float64
			for j, k := range runs(p.seq, pr.seq, p.seqPairs) {
				if k >= phraseMinRun {
					hit += p.seqWeight[j] * float64(k) / float64(len(p.seq))
				}
			}
			boost += rerankPhrase * hit / p.seqMass
		}
		cands[i].score *= 1 + boost
	}
}

// joinKeywords is the document, article and keywords of e, one per line.
func joinKeywords(e *Entry) string {
	out := e.Document + "\n" + e.Article
	for _, k := range e.Keywords {
		out += "\n" + k
	}
	return out
}

// isLetters reports whether b is ASCII letters only.
func isLetters(b []byte) bool {
	for _, c := range b {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
