package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Question is one line of an officer question set (JSON Lines): a question
// as an officer types it and, for one the knowledge base should answer,
// the short strings a correct answer must contain. Each string may list
// alternatives separated by "|" ("1/7/2025|01/07/2025"); strings are
// compared without tone marks, case or punctuation.
type Question struct {
	Q    string   `json:"q"`
	Lang string   `json:"lang,omitempty"` // the officer's language setting; "" means vi
	Must []string `json:"must,omitempty"`
	// Out marks a question the knowledge base does not cover: it must never
	// be marked answer.
	Out bool `json:"out,omitempty"`
}

// LoadQuestions reads a question set. Errors name the file and line: a
// line that is not JSON, a question without text, or an in-scope question
// without must strings.
func LoadQuestions(path string) ([]Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("knowledge: questions: %w", err)
	}
	defer f.Close()
	var qs []Question
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "//") {
			continue
		}
		var q Question
		if err := json.Unmarshal([]byte(text), &q); err != nil {
			return nil, fmt.Errorf("knowledge: questions: %s:%d: %w", path, line, err)
		}
		switch {
		case strings.TrimSpace(q.Q) == "":
			return nil, fmt.Errorf("knowledge: questions: %s:%d: no question (key \"q\")", path, line)
		case !q.Out && len(q.Must) == 0:
			return nil, fmt.Errorf("knowledge: questions: %s:%d: an in-scope question needs \"must\" strings (or \"out\": true)", path, line)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: questions: %s: %w", path, err)
	}
	return qs, nil
}

// QuestionDepth is how many hits the bot shows for a question (the answer
// and two related entries, or three suggestions), so how deep the question
// eval looks.
const QuestionDepth = 3

// QuestionReport is the outcome of a question-set eval. Shares are of the
// in-scope questions, except OutUnclaimed (of the out-of-scope ones).
type QuestionReport struct {
	InScope    int `json:"in_scope"`
	OutOfScope int `json:"out_of_scope"`
	// Top3: an entry holding every must string is among the first three.
	Top3 float64 `json:"top3"`
	// FirstShows: the first hit's title or snippet holds every must string.
	FirstShows float64 `json:"first_shows_answer"`
	// Answer: marked answer; AnswerRight: marked answer and the first
	// hit holds every must string.
	Answer      float64 `json:"answer"`
	AnswerRight float64 `json:"answer_right"`
	// OutUnclaimed: out-of-scope questions not marked answer.
	OutUnclaimed float64        `json:"out_unclaimed"`
	LatencyP50MS float64        `json:"latency_p50_ms"`
	LatencyP99MS float64        `json:"latency_p99_ms"`
	Misses       []QuestionMiss `json:"misses"`
}

// QuestionMiss is one question that fell short, with what the bot did.
type QuestionMiss struct {
	Q       string   `json:"q"`
	Why     string   `json:"why"` // not-in-top3, first-hit-hides-answer, not-answer, wrong-answer, claimed
	Verdict Verdict  `json:"verdict"`
	Hits    []string `json:"hits"` // IDs of the hits shown
	Snippet string   `json:"snippet,omitempty"`
	// Missing are the question's words the first hit lacks (see Evidence).
	Missing []string `json:"missing,omitempty"`
	// OffTopic are the fields of the question the first hit is not about
	// (see Evidence).
	OffTopic []string `json:"off_topic,omitempty"`
}

// EvalQuestions runs each question through ix.Search exactly as the bot
// asks (QuestionDepth hits, the officer's language preferred) and scores
// the result. Errors: a context error, or a search error naming the
// question.
func EvalQuestions(ctx context.Context, ix *Index, qs []Question) (QuestionReport, error) {
	var rep QuestionReport
	var lat []time.Duration
	var top3, shows, answer, right, unclaimed int
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		lang := q.Lang
		if lang == "" {
			lang = "vi"
		}
		t0 := time.Now()
		res, err := ix.Search(ctx, q.Q, Options{Limit: QuestionDepth, Lang: lang})
		lat = append(lat, time.Since(t0))
		if err != nil {
			return rep, fmt.Errorf("knowledge: question %q: %w", q.Q, err)
		}
		miss := QuestionMiss{Q: q.Q, Verdict: res.Verdict, Hits: []string{}, Missing: res.Evidence.Missing, OffTopic: res.Evidence.OffTopic}
		for _, h := range res.Hits {
			miss.Hits = append(miss.Hits, h.ID)
		}
		if len(res.Hits) > 0 {
			miss.Snippet = plainSnippet(res.Hits[0].Snippet)
		}
		if q.Out {
			rep.OutOfScope++
			if res.Verdict != VerdictAnswer {
				unclaimed++
			} else {
				miss.Why = "claimed"
				rep.Misses = append(rep.Misses, miss)
			}
			continue
		}
		rep.InScope++
		inTop, firstHolds, firstShows := false, false, false
		for i, h := range res.Hits {
			if containsAll(h.Title+"\n"+h.Text, q.Must) {
				inTop = true
				if i == 0 {
					firstHolds = true
				}
			}
		}
		if len(res.Hits) > 0 {
			firstShows = containsAll(res.Hits[0].Title+"\n"+plainSnippet(res.Hits[0].Snippet), q.Must)
		}
		isAnswer := res.Verdict == VerdictAnswer
		count := func(ok bool, n *int, why string) {
			if ok {
				*n++
			} else if miss.Why == "" {
				miss.Why = why
			}
		}
		count(inTop, &top3, "not-in-top3")
		count(!isAnswer || firstHolds, new(int), "wrong-answer")
		count(firstShows, &shows, "first-hit-hides-answer")
		count(isAnswer, &answer, "not-answer")
		if isAnswer && firstHolds {
			right++
		}
		if miss.Why != "" {
			rep.Misses = append(rep.Misses, miss)
		}
	}
	share := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	rep.Top3, rep.FirstShows = share(top3, rep.InScope), share(shows, rep.InScope)
	rep.Answer, rep.AnswerRight = share(answer, rep.InScope), share(right, rep.InScope)
	rep.OutUnclaimed = share(unclaimed, rep.OutOfScope)
	slices.Sort(lat)
	rep.LatencyP50MS, rep.LatencyP99MS = ms(percentile(lat, 0.50)), ms(percentile(lat, 0.99))
	if rep.Misses == nil {
		rep.Misses = []QuestionMiss{}
	}
	return rep, nil
}

// plainSnippet drops a snippet's marks and HTML escapes.
func plainSnippet(s string) string {
	return html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s))
}

// containsAll reports whether text holds each of must (any one of its
// "|"-separated alternatives) as whole words, compared by matchForm: "4"
// is not found in "2024".
func containsAll(text string, must []string) bool {
	t := " " + matchForm(text) + " "
	for _, m := range must {
		found := false
		for _, alt := range strings.Split(m, "|") {
			if a := matchForm(alt); a != "" && strings.Contains(t, " "+a+" ") {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// matchForm is s without tone marks, in lower case, with every run of
// characters other than letters and digits turned into one space, so that
// "Phòng Văn hóa - Xã hội" matches "phong van hoa xa hoi".
func matchForm(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(StripTones(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
