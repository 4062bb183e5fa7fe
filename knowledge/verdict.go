package knowledge

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
	// margin is the best score over the second (0 when there is one hit).
	margin float64
}

// Verdict thresholds.
const (
	answerCoverage  = 0.75
	answerBigrams   = 0.5
	suggestCoverage = 0.35
)

// decide turns signals into a verdict: answer only when most of what the
// question asks about, rarity-weighted, is in the best passage and much
// of it in the question's word order; suggest when a fair part is.
func decide(s signals) Verdict {
	switch {
	case s.coverage >= answerCoverage && s.bigramCoverage >= answerBigrams:
		return VerdictAnswer
	case s.coverage >= suggestCoverage:
		return VerdictSuggest
	}
	return VerdictNone
}

// measure computes the signals for the best hit e.
func measure(st *state, p plan, e *Entry, score, second float64) signals {
	terms := map[string]bool{}
	for _, t := range foldedAnalyzer.Analyze([]byte(e.Title + "\n" + joinKeywords(e) + "\n" + e.Text)) {
		terms[string(t.Term)] = true
	}
	var s signals
	var total, found float64
	for _, c := range p.concepts {
		total += c.weight
		for _, alt := range c.alternatives {
			all := true
			for _, a := range alt {
				if !terms[a] {
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
			if terms[b] {
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

func joinKeywords(e *Entry) string {
	out := e.Document + "\n" + e.Article
	for _, k := range e.Keywords {
		out += "\n" + k
	}
	return out
}
