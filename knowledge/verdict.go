package knowledge

import (
	"cmp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

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
	// doc is +1 when the question names a document the best hit is about,
	// -1 when the best hit is about another document, else 0.
	doc int
	// langMismatch: the question is plainly in English and the best hit
	// is not.
	langMismatch bool
	// evidence is the rarity weight of the question's words found in the
	// best hit, over that of a word no entry holds; thin is set when the
	// question has no two-word term to check the order with and the words
	// found weigh less than minEvidence of it ("provinces", "Vietnam":
	// common words only).
	evidence float64
	thin     bool
	// missing are the topic words of the question the best hit lacks.
	missing []string
	// secondCoverage is coverage measured on the second hit: a toss-up
	// between two passages holding as much of the question is no answer.
	secondCoverage float64
	// docAlone: doc is +1 and the second hit is not about the document:
	// the number then tells the passages apart.
	docAlone bool
	// english: the question is plainly in English, whose word order
	// seldom follows the passage's ("group A IT project" against
	// "group-A IT-application investment projects"): bigrams say little.
	english bool
	// rareMissing: a word of the question that few entries hold
	// (weight at least rareMissingShare of an unknown word's) is not in
	// the best hit: "đất" in a question about land titles, asked of an
	// entry on IP licence certificates.
	rareMissing bool
	// unknownMissing: a word of the question that no entry holds is not
	// in the best hit ("sổ đỏ", "khai sinh"): the question is about
	// something the knowledge base does not know.
	unknownMissing bool
	// offTopic are the fields the question names that the best hit is
	// not about (see topic.go).
	offTopic []string
	// numberMissing: a number of two digits or more in the question (a
	// year, a count, a document number) is not in the best hit: "luật
	// bảo hiểm xã hội 2024" is not answered by a 2025 decree.
	numberMissing bool
	// noNumber: the question asks for a number, a date or a time limit
	// and the passage shown as the answer holds no digit: "cấp văn bằng
	// sáng chế mất bao lâu" is not answered by a list of IP tasks.
	noNumber bool
	// elsewhere: another entry among the hits shown holds more of the
	// question than the best one (see elsewhereCoverage).
	elsewhere bool
	// otherMargin is the best score over that of the best other entry
	// (the best hit's translation left out), 0 when there is none.
	otherMargin float64
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
	// minEvidence: see signals.thin.
	minEvidence = 0.8
	// rareMissingShare: see signals.rareMissing.
	rareMissingShare = 0.6
	// docBigrams: the share of bigrams enough when the best passage is
	// the only one of the first two about the document the question names
	// (the number is the topic).
	docBigrams = 0.25
	// englishCoverage: an English question is answered on its words
	// alone when the best passage holds this share of them.
	englishCoverage = 0.8
	// A best passage that leads every other entry by leadMargin, holds
	// leadCoverage of the question's words (rarity-weighted) and lacks no
	// word the knowledge base does not know is the answer even if a
	// rarer word or two of the question is missing ("hạn chót", "đi các
	// tỉnh"): the search has nowhere else to go.
	// A passage holding every topic word of the question (fullCoverage)
	// needs fewer of its two-word terms in order: officers put the words
	// in their own order ("Phú Thọ mới gồm những tỉnh nào" against "Vĩnh
	// Phúc + Phú Thọ + Hòa Bình → Phú Thọ").
	fullCoverage = 0.99
	fullBigrams  = 0.3
	leadMargin   = 2.0
	leadCoverage = 0.6
	leadBigrams  = 0.3
	// elsewhereCoverage: another entry among the first three holding this
	// much more of the question than the best one means the question's
	// words point elsewhere: no answer.
	elsewhereCoverage = 0.05
)

// decide turns signals into a verdict: answer only when most of what the
// question asks about, rarity-weighted, is in the best passage and much
// of it in the question's word order; suggest when a fair part is. A best
// passage about another document than the one the question names, one
// not in English for a question plainly in English, or one lacking a rare
// word of the question, is never the answer.
func decide(s signals) Verdict {
	bigrams := answerBigrams
	switch {
	case s.doc > 0 && s.docAlone:
		bigrams = docBigrams
	case s.english && s.coverage >= englishCoverage:
		bigrams = 0
	case s.coverage >= fullCoverage && (s.margin == 0 || s.margin >= tieMargin):
		bigrams = fullBigrams
	}
	switch {
	case s.coverage < suggestCoverage:
		return VerdictNone
	case s.doc < 0 || s.langMismatch || len(s.offTopic) > 0 || s.thin || s.noNumber:
		return VerdictSuggest
	case s.rareMissing || s.elsewhere || s.numberMissing:
		return VerdictSuggest
	case s.otherMargin >= leadMargin && s.coverage >= leadCoverage && (s.bigramCoverage >= leadBigrams || s.doc > 0):
		return VerdictAnswer
	case s.margin > 0 && s.margin < tieMargin && s.secondCoverage >= s.coverage:
		return VerdictSuggest // two passages as likely, each holding as much
	case s.coverage >= answerCoverage && s.bigramCoverage >= bigrams &&
		(s.margin == 0 || s.margin >= tieMargin || s.coverage >= tieCoverage):
		return VerdictAnswer
	}
	return VerdictSuggest
}

// questionPhrases are the ways a Vietnamese question asks (folded): they
// name no topic, so the verdict does not look for them in the passage, and
// the snippet does not mark them. They are searched like every other word.
var questionPhrases = [][]string{
	{"nhu", "the", "nao"}, {"the", "nao"}, {"ra", "sao"}, {"khi", "nao"}, {"bao", "gio"},
	{"bao", "nhieu"}, {"la", "gi"}, {"o", "dau"}, {"tai", "sao"}, {"vi", "sao"},
	{"hay", "khong"}, {"co", "phai"}, {"gi"}, {"nao"}, {"mat", "bao", "lau"}, {"bao", "lau"},
	{"lam", "sao"}, {"co", "khong"}, {"duoc", "khong"}, {"bn"}, {"ntn"}, {"co", "ko"}, {"dc", "ko"},
}

// numberQuestions are the folded phrases by which a question asks for a
// number, a date or a time limit. "mấy" folds to "may" like "máy"
// (machine), so it counts only as typed with its marks.
var numberQuestions = [][]string{
	{"bao", "nhieu"}, {"bao", "lau"}, {"khi", "nao"}, {"bao", "gio"}, {"ngay", "nao"},
	{"nam", "nao"}, {"thang", "nao"}, {"han", "nao"}, {"ngay", "may"}, {"so", "hieu"},
	{"how", "many"}, {"how", "much"}, {"how", "long"}, {"when"}, {"what", "date"}, {"which", "date"},
	{"deadline"}, {"han", "nop"}, {"thoi", "han"}, {"hieu", "luc"}, {"bn"},
}

// asksForNumber reports whether q (its folded stream toks) asks for a
// number, a date or a time limit.
func asksForNumber(q string, toks analysis.TokenStream) bool {
	syl := syllables(toks)
	for i := range syl {
		for _, ph := range numberQuestions {
			if i+len(ph) <= len(syl) && slices.Equal(syl[i:i+len(ph)], ph) {
				return true
			}
		}
	}
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if strings.Trim(w, "?,.!") == "mấy" {
			return true
		}
	}
	return false
}

// listWords are folded words by which a question asks for several things:
// "những tỉnh nào", "gồm", "các lĩnh vực", "which provinces".
var listWords = set("nhung", "gom", "cac", "which", "list")

// asksForList reports whether the folded stream toks asks for several
// things.
func asksForList(toks analysis.TokenStream) bool {
	for _, w := range syllables(toks) {
		if listWords[w] {
			return true
		}
	}
	return false
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
	var total, got float64
	concepts := p.concepts
	if slices.ContainsFunc(concepts, func(c concept) bool { return !c.filler }) {
		concepts = slices.DeleteFunc(slices.Clone(concepts), func(c concept) bool { return c.filler })
	}
	rare := rareMissingShare * st.maxIDF()
	for _, c := range concepts {
		w, found := c.weight, false
		if c.accented != "" {
			// Typed with marks: "nguyện" is not "nguyên".
			w, found = st.idfAcc(c.accented), pr.hasAcc(c.accented)
		}
		for k, alt := range c.alternatives {
			if found || (k == 0 && c.accented != "") {
				continue
			}
			all := true
			for _, a := range alt {
				if !pr.has(a) {
					all = false
					break
				}
			}
			found = all
		}
		if !found && p.lang == "en" && len(c.alternatives[0]) == 1 && isLetters([]byte(c.alternatives[0][0])) {
			found = pr.has(stemKey(c.alternatives[0][0])) // "licenses" finds "licence"s
		}
		total += w
		if found {
			got += w
			continue
		}
		s.missing = append(s.missing, cmp.Or(c.accented, strings.Join(c.alternatives[0], " ")))
		// A word typed with marks is rare as spelt, but one whose bare
		// form is common ("hộ" beside "hỗ", "họ") says little by its
		// absence.
		if min(w, c.weight) >= rare {
			s.rareMissing = true
		}
		if k := c.alternatives[0][0]; len(c.alternatives[0]) == 1 && len(k) >= 2 && isDigits(k) {
			s.numberMissing = true
		}
		if w >= st.maxIDF() {
			s.unknownMissing = true
		}
	}
	if total > 0 {
		s.coverage = got / total
	}
	s.evidence = got / st.maxIDF()
	s.thin = len(p.contentBigrams) == 0 && s.evidence < minEvidence
	s.bigramCoverage = 1
	if len(p.contentBigrams) > 0 {
		n := 0
		for _, b := range p.contentBigrams {
			if pr.has(b) {
				n++
			}
		}
		s.bigramCoverage = float64(n) / float64(len(p.contentBigrams))
	}
	if second > 0 {
		s.margin = score / second
	}
	s.doc = docEvidence(p.docs, pr.docs)
	s.english = p.lang == "en"
	return s
}

// isDigits reports whether s is ASCII digits only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
