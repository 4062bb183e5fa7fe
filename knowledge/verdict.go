package knowledge

import "github.com/blevesearch/bleve/v2/analysis"

// signals are what the verdict is decided from, all measured on the query
// and the best hit, none from a list of topics.
type signals struct {
	// coverage is the rarity-weighted share of the query's words found in
	// the best hit: "hộ chiếu" in a question about passports is rare (or
	// unknown) in our knowledge base and weighs more than "thủ tục".
	coverage float64
	// bigramCoverage is the share of the query's two-syllable terms found
	// in the best hit (1 for a one-word query): words in the right order.
	bigramCoverage float64
	// margin is the best score over the second (0 when there is one hit):
	// near 1, two passages are equally likely.
	margin float64
}

// Verdict thresholds, checked on the legal retrieval sets (see
// BenchmarkVerdictALQAC): about 60% of their questions are answered
// outright, and 91–97% of those answers are the relevant article.
const (
	answerCoverage  = 0.75
	answerBigrams   = 0.5
	suggestCoverage = 0.35
	// Two passages scoring within 5% of each other are a toss-up: answer
	// only if the best one holds nearly all the question.
	tieMargin   = 1.05
	tieCoverage = 0.9
)

// decide turns signals into a verdict: answer only when most of what the
// question asks about, rarity-weighted, is in the best passage and much
// of it in the question's word order; suggest when a fair part is.
func decide(s signals) Verdict {
	switch {
	case s.coverage >= answerCoverage && s.bigramCoverage >= answerBigrams &&
		(s.margin == 0 || s.margin >= tieMargin || s.coverage >= tieCoverage):
		return VerdictAnswer
	case s.coverage >= suggestCoverage:
		return VerdictSuggest
	}
	return VerdictNone
}

// questionPhrases are the ways a Vietnamese question asks (folded): they
// name no topic, so the verdict does not look for them in the passage, and
// the snippet does not mark them. They are searched like every other word.
var questionPhrases = [][]string{
	{"nhu", "the", "nao"}, {"the", "nao"}, {"ra", "sao"}, {"khi", "nao"}, {"bao", "gio"},
	{"bao", "nhieu"}, {"la", "gi"}, {"o", "dau"}, {"tai", "sao"}, {"vi", "sao"},
	{"hay", "khong"}, {"co", "phai"}, {"gi"}, {"nao"},
}

// questionPositions returns the positions of the syllables of a folded
// query stream that belong to a question phrase.
func questionPositions(toks analysis.TokenStream) map[int]bool {
	var syl []*analysis.Token
	for _, t := range toks {
		if t.Type == typeSyllable {
			syl = append(syl, t)
		}
	}
	out := map[int]bool{}
	for i := range syl {
	phrases:
		for _, ph := range questionPhrases {
			if i+len(ph) > len(syl) {
				continue
			}
			for k, w := range ph {
				if string(syl[i+k].Term) != w || (k > 0 && syl[i+k].Position != syl[i].Position+k) {
					continue phrases
				}
			}
			for k := range ph {
				out[syl[i+k].Position] = true
			}
		}
	}
	return out
}

// measure computes the signals for the best hit e.
func measure(st *state, p plan, e *Entry, score, second float64) signals {
	pr := st.profiles[e.ID]
	var s signals
	var total, found float64
	for _, c := range p.concepts {
		total += c.weight
		for _, alt := range c.alternatives {
			all := true
			for _, a := range alt {
				if !pr.has(a) {
					all = false
					break
				}
			}
			if all {
				found += c.weight
				break
			}
		}
	}
	if total > 0 {
		s.coverage = found / total
	}
	s.bigramCoverage = 1
	if len(p.bigrams) > 0 {
		n := 0
		for _, b := range p.bigrams {
			if pr.has(b) {
				n++
			}
		}
		s.bigramCoverage = float64(n) / float64(len(p.bigrams))
	}
	if second > 0 {
		s.margin = score / second
	}
	return s
}
