package knowledge

import "testing"

func TestDecide(t *testing.T) {
	cases := []struct {
		name string
		s    signals
		want Verdict
	}{
		{"everything matches", signals{coverage: 1, bigramCoverage: 1}, VerdictAnswer},
		{"at the answer line", signals{coverage: answerCoverage, bigramCoverage: answerBigrams}, VerdictAnswer},
		{"a toss-up between two passages", signals{coverage: 0.8, bigramCoverage: 1, margin: 1.01}, VerdictSuggest},
		{"a toss-up, but all words in the best", signals{coverage: 0.95, bigramCoverage: 1, margin: 1.01}, VerdictAnswer},
		{"a clear winner", signals{coverage: 0.8, bigramCoverage: 1, margin: 1.5}, VerdictAnswer},
		{"words but not in order", signals{coverage: 0.9, bigramCoverage: 0.2}, VerdictSuggest},
		{"some of the words", signals{coverage: 0.5, bigramCoverage: 0.5}, VerdictSuggest},
		{"only common words", signals{coverage: 0.2, bigramCoverage: 0.1}, VerdictNone},
		{"nothing", signals{}, VerdictNone},
		{"about another document", signals{coverage: 1, bigramCoverage: 1, doc: -1}, VerdictSuggest},
		{"about the document asked", signals{coverage: 1, bigramCoverage: 1, doc: 1}, VerdictAnswer},
		{"the only one about the document, words out of order", signals{coverage: 0.8, bigramCoverage: 0.3, doc: 1, docAlone: true}, VerdictAnswer},
		{"one of several about the document, words out of order", signals{coverage: 0.8, bigramCoverage: 0.3, doc: 1}, VerdictSuggest},
		{"English words in another order", signals{coverage: 0.85, bigramCoverage: 0, english: true}, VerdictAnswer},
		{"English, a few words only", signals{coverage: 0.7, bigramCoverage: 0, english: true}, VerdictSuggest},
		{"common words only, no order to check", signals{coverage: 1, bigramCoverage: 1, thin: true}, VerdictSuggest},
		{"a toss-up, both passages hold it all", signals{coverage: 1, bigramCoverage: 1, margin: 1.01, secondCoverage: 1}, VerdictSuggest},
		{"a toss-up, the second holds less", signals{coverage: 1, bigramCoverage: 1, margin: 1.01, secondCoverage: 0.7}, VerdictAnswer},
		{"another document, few words", signals{coverage: 0.2, doc: -1}, VerdictNone},
		{"English question, Vietnamese passage", signals{coverage: 1, bigramCoverage: 1, langMismatch: true}, VerdictSuggest},
		{"a rare word of the question missing", signals{coverage: 0.85, bigramCoverage: 1, rareMissing: true}, VerdictSuggest},
	}
	for _, c := range cases {
		if got := decide(c.s); got != c.want {
			t.Errorf("%s: decide(%+v) = %s, want %s", c.name, c.s, got, c.want)
		}
	}
}
