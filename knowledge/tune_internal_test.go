package knowledge

import (
	"context"
	"os"
	"testing"
)

// TestTune is a tuning harness, run by hand: SUPPORTBOT_TUNE=alqac22 go test -run TestTune -v
func TestTune(t *testing.T) {
	name := os.Getenv("SUPPORTBOT_TUNE")
	if name == "" {
		t.Skip("set SUPPORTBOT_TUNE to a dataset name")
	}
	ds, err := LoadBEIR("../../shared/bench/" + name)
	if err != nil {
		t.Fatal(err)
	}
	entries := make([]Entry, len(ds.Docs))
	for i, d := range ds.Docs {
		entries[i] = Entry{ID: d.ID, Title: d.Title, Text: d.Text}
	}
	ix, err := NewMemIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	type knob struct {
		name string
		set  func()
	}
	reset := func() {
		weightHeading, weightBigram, weightAccent, tuneIDFDivide, tuneMinIDF, tuneNoHeading = 1, 1, 0.5, false, 0, false
	}
	knobs := []knob{
		{"base", func() {}},
		{"idfdiv", func() { tuneIDFDivide = true }},
		{"noheading", func() { tuneNoHeading = true }},
		{"minidf1", func() { tuneMinIDF = 1 }},
		{"bigram2", func() { weightBigram = 2 }},
		{"bigram0.5", func() { weightBigram = 0.5 }},
		{"accent1", func() { weightAccent = 1 }},
		{"accent0", func() { weightAccent = 0.0001 }},
	}
	for _, k := range knobs {
		reset()
		k.set()
		for _, strip := range []bool{false, true} {
			var r1, mrr float64
			n := 0
			for _, q := range ds.Queries {
				rel := ds.Qrels[q.ID]
				if len(rel) == 0 {
					continue
				}
				text := q.Text
				if strip {
					text = StripTones(text)
				}
				res, err := ix.Search(context.Background(), text, Options{Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				ids := make([]string, len(res.Hits))
				for i, h := range res.Hits {
					ids[i] = h.ID
				}
				m := score(ids, rel)
				r1 += m.r1
				mrr += m.mrr
				n++
			}
			t.Logf("%-12s strip=%v r@1=%.4f mrr=%.4f", k.name, strip, r1/float64(n), mrr/float64(n))
		}
	}
}
