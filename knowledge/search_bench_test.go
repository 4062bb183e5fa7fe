package knowledge_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/knowledge"
)

// benchIndex indexes a shared retrieval set with the bot's own code.
func benchIndex(b *testing.B, name string) (*knowledge.Index, *knowledge.Dataset) {
	b.Helper()
	ds, err := knowledge.LoadBEIR(benchDir(b, name))
	if err != nil {
		b.Fatal(err)
	}
	entries := make([]knowledge.Entry, len(ds.Docs))
	for i, d := range ds.Docs {
		entries[i] = knowledge.Entry{ID: d.ID, Title: d.Title, Text: d.Text}
	}
	ix, err := knowledge.NewMemIndex(entries)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	return ix, ds
}

// BenchmarkSearch measures one search (ranking, verdict, snippets) over the
// alqac22 corpus, cycling through its questions as written and toneless.
// The target is p99 <= 10 ms: go test -run '^$' -bench Search -benchtime 2000x ./knowledge/
func BenchmarkSearch(b *testing.B) {
	ix, ds := benchIndex(b, "alqac22")
	var queries []string
	for _, q := range ds.Queries {
		queries = append(queries, q.Text, knowledge.StripTones(q.Text))
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := ix.Search(ctx, queries[i%len(queries)], knowledge.Options{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		i++
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
