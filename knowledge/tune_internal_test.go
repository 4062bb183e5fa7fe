package knowledge

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
	"slices"

	"github.com/blevesearch/bleve/v2/search"
)

func TestTune(t *testing.T) {
	name := os.Getenv("SUPPORTBOT_TUNE")
	if name == "" {
		t.Skip("set SUPPORTBOT_TUNE")
	}
	for _, name := range []string{"alqac22", "vlsp2023"} {
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
	reset := func() {
		weightHeading, weightBigram, weightAccent, minSyllableIDF = 0.3, 1, 0.5, 1.0
		search.BM25_b, search.BM25_k1 = bm25B, bm25K1
		tuneGroup, tuneAccentOnlyBigram = false, false
	}
	knobs := []struct {
		name string
		set  func()
	}{
		{"base", func() {}},
		{"exp1", func() { weightExpanded = 1 }},
		{"group", func() { tuneGroup = true }},
		{"accbi", func() { tuneAccentOnlyBigram = true }},
		{"minidf0.5", func() { minSyllableIDF = 0.5 }},
		{"minidf1.5", func() { minSyllableIDF = 1.5 }},
		{"bi1.5", func() { weightBigram = 1.5 }},
		{"acc1", func() { weightAccent = 1 }},
		{"b0.2", func() { search.BM25_b = 0.2 }},
		{"k1.2", func() { search.BM25_k1 = 1.2 }},
	}
	for _, k := range knobs {
		reset()
		k.set()
		line := fmt.Sprintf("%-8s %-10s", name, k.name)
		for _, strip := range []bool{false, true} {
			var r1, mrr float64
			var lat []time.Duration
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
				t0 := time.Now()
				res, err := ix.Search(context.Background(), text, Options{Limit: 10})
				lat = append(lat, time.Since(t0))
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
			slices.Sort(lat)
			line += fmt.Sprintf(" | strip=%-5v r@1=%.4f mrr=%.4f p50=%.1f p99=%.1f", strip, r1/float64(n), mrr/float64(n), ms(percentile(lat, .5)), ms(percentile(lat, .99)))
		}
		t.Log(line)
	}
	}
}
