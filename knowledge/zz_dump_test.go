package knowledge

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	qs, _ := LoadQuestions("testdata/questions/officers.jsonl")
	ix, _ := NewMemIndexFS(DefaultCorpus())
	st := ix.st
	for _, q := range qs {
		lang := q.Lang
		if lang == "" {
			lang = "vi"
		}
		res, _ := ix.Search(context.Background(), q.Q, Options{Limit: 3, Lang: lang})
		p := st.plan(q.Q)
		h := res.Hits[0]
		second := 0.0
		if len(res.Hits) > 1 {
			second = res.Hits[1].Score
		}
		s := measure(st, p, st.entries[h.ID], h.Score, second)
		ok := "-"
		if !q.Out {
			if containsAll(h.Title+"\n"+h.Text, q.Must) {
				ok = "Y"
			} else {
				ok = "N"
			}
		} else {
			ok = "O"
		}
		missing := ""
		maxIDF := 0.0
		for _, c := range p.concepts {
			if c.filler {
				continue
			}
			found := false
			for _, alt := range c.alternatives {
				all := true
				for _, a := range alt {
					if !st.profiles[h.ID].has(a) {
						all = false
					}
				}
				if all {
					found = true
				}
			}
			if !found {
				missing += fmt.Sprintf("%s(%.1f,df%d) ", c.alternatives[0][0], c.weight, st.df[c.alternatives[0][0]])
				maxIDF = max(maxIDF, c.weight)
			}
		}
		// weighted bigram coverage
		var bt, bf float64
		for _, b := range p.bigrams {
			w := st.idf(b)
			bt += w
			if st.profiles[h.ID].has(b) {
				bf += w
			}
		}
		wb := 1.0
		if bt > 0 {
			wb = bf / bt
		}
		fmt.Printf("wb=%.2f ", wb)
		fmt.Printf("%s %-7s cov=%.2f big=%.2f mar=%.2f miss=%.1f %-28s | %s | %s\n", ok, res.Verdict, s.coverage, s.bigramCoverage, s.margin, maxIDF, h.ID, q.Q, missing)
	}
}
