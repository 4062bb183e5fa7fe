package tickets

import (
	"bytes"
	"encoding/binary"
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
// numbers). Tickets sharing no term are left out, and so are anonymised
// tickets (their question is erased). It reads the postings of the
// question's terms in the similar-ticket index, not every ticket.
func (s *Store) Similar(question string, n int) (out []SimilarTicket, err error) {
	err = s.View(func(tx *Tx) error { out, err = tx.Similar(question, n); return err })
	return out, err
}

// Similar is Store.Similar inside the caller's transaction (the Router
// shows similar tickets on the triage card of a ticket it creates).
func (t *Tx) Similar(question string, n int) ([]SimilarTicket, error) {
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
	var out []SimilarTicket
	err := func(btx *bolt.Tx) error {
		terms, lens, err := similarBuckets(btx)
		if err != nil {
			return err
		}
		docs, total := docStats(lens)
		if docs == 0 {
			return nil
		}
		N, avg := float64(docs), float64(total)/float64(docs)
		scores := map[uint64]float64{}
		c := terms.Cursor()
		for term := range query {
			prefix := append([]byte(term), 0)
			type posting struct {
				seq, tf, dl uint64
			}
			var ps []posting
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if len(k) != len(prefix)+8 {
					continue
				}
				tf, w := binary.Uvarint(v)
				if w <= 0 {
					continue
				}
				dl, _ := binary.Uvarint(v[w:])
				ps = append(ps, posting{binary.BigEndian.Uint64(k[len(prefix):]), tf, dl})
			}
			df := float64(len(ps))
			idf := math.Log(1 + (N-df+0.5)/(df+0.5))
			for _, p := range ps {
				f := float64(p.tf)
				scores[p.seq] += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(p.dl)/avg))
			}
		}
		type hit struct {
			seq   uint64
			score float64
		}
		hits := make([]hit, 0, len(scores))
		for seq, sc := range scores {
			if sc > 0 {
				hits = append(hits, hit{seq, sc})
			}
		}
		slices.SortFunc(hits, func(a, b hit) int {
			switch {
			case a.score > b.score:
				return -1
			case a.score < b.score:
				return 1
			case a.seq > b.seq: // newer first on ties
				return -1
			case a.seq < b.seq:
				return 1
			}
			return 0
		})
		tb := btx.Bucket(bucketTickets)
		for _, h := range hits {
			if len(out) == n {
				break
			}
			tk, err := loadFrom(tb, h.seq)
			if err != nil {
				return err
			}
			if !similarIndexed(tk) {
				continue // a stale entry: skip rather than suggest an open or anonymised ticket
			}
			out = append(out, SimilarTicket{ID: tk.ID, State: tk.State, Topic: tk.Topic, Province: tk.Province,
				Text: tk.Text, Answer: lastAnswer(tk), ResolvedAt: tk.ResolvedAt, Score: h.score})
		}
		return nil
	}(t.tx)
	return out, err
}

func lastAnswer(tk *Ticket) string {
	for i := len(tk.Messages) - 1; i >= 0; i-- {
		if m := tk.Messages[i]; m.staffAnswer() {
			return m.Text
		}
	}
	return ""
}
