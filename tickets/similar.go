package tickets

import (
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/knowledge"
)

// SimilarTicket is a resolved or closed ticket close to a question.
type SimilarTicket struct {
	ID         string    `json:"id"`
	State      State     `json:"state"`
	Topic      string    `json:"topic"`
	Province   string    `json:"province"`
	Text       string    `json:"text"`   // the question
	Answer     string    `json:"answer"` // the last public staff reply, "" when none
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	Score      float64   `json:"score"`
}

// BM25 parameters (the usual defaults).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Similar returns up to n resolved or closed tickets whose questions are
// closest to question, best first (BM25 over knowledge.Terms, the knowledge
// base's Vietnamese analysis: tone-mark folding, syllable bigrams, document
// numbers). Tickets sharing no term are left out. It reads every resolved
// and closed ticket, so its cost grows with their number.
func (s *Store) Similar(question string, n int) ([]SimilarTicket, error) {
	if err := checkText("question", question, true); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, nil
	}
	query := map[string]bool{}
	for _, term := range knowledge.Terms(question) {
		query[term] = true
	}
	if len(query) == 0 {
		return nil, nil
	}
	type doc struct {
		tk  *Ticket
		tf  map[string]int
		len int
	}
	var docs []doc
	df := map[string]int{}
	total := 0
	err := s.db.View(func(btx *bolt.Tx) error {
		t := s.Tx(btx)
		var seqs []uint64
		for _, st := range []State{StateResolved, StateClosed} {
			var err error
			if seqs, err = t.scan(idxState, "", st, seqs); err != nil {
				return err
			}
		}
		tb, err := t.bucket(bucketTickets)
		if err != nil {
			return err
		}
		for _, seq := range seqs {
			v := tb.Get(be64(seq))
			if v == nil {
				continue
			}
			tk := new(Ticket)
			if err := decodeTicket(v, tk); err != nil {
				return err
			}
			terms := knowledge.Terms(tk.Text)
			d := doc{tk: tk, tf: map[string]int{}, len: len(terms)}
			for _, term := range terms {
				if query[term] {
					if d.tf[term] == 0 {
						df[term]++
					}
					d.tf[term]++
				}
			}
			total += len(terms)
			docs = append(docs, d)
		}
		return nil
	})
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	avg := float64(total) / float64(len(docs))
	N := float64(len(docs))
	var out []SimilarTicket
	for _, d := range docs {
		score := 0.0
		for term, tf := range d.tf {
			idf := math.Log(1 + (N-float64(df[term])+0.5)/(float64(df[term])+0.5))
			f := float64(tf)
			score += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(d.len)/avg))
		}
		if score <= 0 {
			continue
		}
		out = append(out, SimilarTicket{ID: d.tk.ID, State: d.tk.State, Topic: d.tk.Topic, Province: d.tk.Province,
			Text: d.tk.Text, Answer: lastAnswer(d.tk), ResolvedAt: d.tk.ResolvedAt, Score: score})
	}
	slices.SortStableFunc(out, func(a, b SimilarTicket) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		case a.ID > b.ID: // newer first on ties
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

func lastAnswer(tk *Ticket) string {
	for i := len(tk.Messages) - 1; i >= 0; i-- {
		m := tk.Messages[i]
		if !m.Internal && m.Direction == DirOut && m.From.Kind == ActorStaff {
			return m.Text
		}
	}
	return ""
}
