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
		{"a field the passage is not about", signals{coverage: 1, bigramCoverage: 1, offTopic: []string{"medicine"}}, VerdictSuggest},
		{"a number of the question missing", signals{coverage: 0.9, bigramCoverage: 1, numberMissing: true}, VerdictSuggest},
		{"asks for a number, none shown", signals{coverage: 1, bigramCoverage: 1, noNumber: true}, VerdictSuggest},
		{"another entry holds more of the question", signals{coverage: 0.8, bigramCoverage: 1, margin: 1.3, elsewhere: true}, VerdictSuggest},
		{"far ahead of every other entry, common words missing", signals{coverage: 0.65, bigramCoverage: 0.4, margin: 3, otherMargin: 3}, VerdictAnswer},
		{"far ahead, about the document asked, words out of order", signals{coverage: 0.65, bigramCoverage: 0.2, margin: 3, otherMargin: 3, doc: 1}, VerdictAnswer},
		{"far ahead, words out of order", signals{coverage: 0.65, bigramCoverage: 0.2, margin: 3, otherMargin: 3}, VerdictSuggest},
		{"far ahead, but a rare word missing", signals{coverage: 0.65, bigramCoverage: 0.5, margin: 3, otherMargin: 3, rareMissing: true}, VerdictSuggest},
		{"every word, in another order", signals{coverage: 1, bigramCoverage: 0.35, margin: 1.3}, VerdictAnswer},
		{"every word, in another order, a toss-up", signals{coverage: 1, bigramCoverage: 0.35, margin: 1.02}, VerdictSuggest},
	}
	for _, c := range cases {
		if got := decide(c.s); got != c.want {
			t.Errorf("%s: decide(%+v) = %s, want %s", c.name, c.s, got, c.want)
		}
	}
}
