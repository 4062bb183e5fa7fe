package knowledge

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// EvalOptions choose an eval variant.
type EvalOptions struct {
	// StripTones removes tone and vowel marks and đ from the queries (not
	// the corpus), as officers without a Vietnamese keyboard type.
	StripTones bool
	// Stock measures stock bleve instead (default mapping, standard
	// analyzer, a plain match query), for comparison.
	Stock bool
}

// EvalReport is the outcome of one eval run. Recall@k is as in BEIR: the
// share of a query's relevant documents found in its top k, averaged over
// the queries that have relevance judgements.
type EvalReport struct {
	Docs         int     `json:"docs"`
	Queries      int     `json:"queries"`
	RecallAt1    float64 `json:"recall_at_1"`
	RecallAt5    float64 `json:"recall_at_5"`
	RecallAt10   float64 `json:"recall_at_10"`
	MRRAt10      float64 `json:"mrr_at_10"`
	NDCGAt10     float64 `json:"ndcg_at_10"`
	LatencyP50MS float64 `json:"latency_p50_ms"`
	LatencyP99MS float64 `json:"latency_p99_ms"`
	IndexSeconds float64 `json:"index_seconds"`
}

// evalDepth is how many hits each query asks for.
const evalDepth = 10

// Eval indexes ds's corpus in memory and runs its queries, through exactly
// the analyzer, mapping and Search the bot uses (documents become Entries
// with ID, Title and Text), or through stock bleve when opts.Stock is set.
// Errors: a context error, or a wrapped index or search error.
func Eval(ctx context.Context, ds *Dataset, opts EvalOptions) (EvalReport, error) {
	rep := EvalReport{Docs: len(ds.Docs)}
	start := time.Now()
	search, closeFn, err := evalSearcher(ds, opts.Stock)
	if err != nil {
		return rep, err
	}
	defer closeFn()
	rep.IndexSeconds = time.Since(start).Seconds()

	var lat []time.Duration
	for _, q := range ds.Queries {
		rel := ds.Qrels[q.ID]
		if len(rel) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		text := q.Text
		if opts.StripTones {
			text = StripTones(text)
		}
		t0 := time.Now()
		ids, err := search(ctx, text)
		lat = append(lat, time.Since(t0))
		if err != nil {
			return rep, fmt.Errorf("knowledge: eval query %s: %w", q.ID, err)
		}
		rep.Queries++
		m := score(ids, rel)
		rep.RecallAt1 += m.r1
		rep.RecallAt5 += m.r5
		rep.RecallAt10 += m.r10
		rep.MRRAt10 += m.mrr
		rep.NDCGAt10 += m.ndcg
	}
	if rep.Queries > 0 {
		n := float64(rep.Queries)
		rep.RecallAt1 /= n
		rep.RecallAt5 /= n
		rep.RecallAt10 /= n
		rep.MRRAt10 /= n
		rep.NDCGAt10 /= n
		slices.Sort(lat)
		rep.LatencyP50MS = ms(percentile(lat, 0.50))
		rep.LatencyP99MS = ms(percentile(lat, 0.99))
	}
	return rep, nil
}

type metrics struct{ r1, r5, r10, mrr, ndcg float64 }

// score measures one ranked list against its relevance grades.
func score(ids []string, rel map[string]int) metrics {
	var m metrics
	var found1, found5, found10 int
	var dcg float64
	for i, id := range ids {
		if i >= evalDepth {
			break
		}
		g, ok := rel[id]
		if !ok || g <= 0 {
			continue
		}
		if i < 1 {
			found1++
		}
		if i < 5 {
			found5++
		}
		found10++
		if m.mrr == 0 {
			m.mrr = 1 / float64(i+1)
		}
		dcg += float64(g) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	if len(grades) == 0 {
		return metrics{}
	}
	slices.Sort(grades)
	slices.Reverse(grades)
	var idcg float64
	for i, g := range grades {
		if i >= evalDepth {
			break
		}
		idcg += float64(g) / math.Log2(float64(i+2))
	}
	n := float64(len(grades))
	m.r1, m.r5, m.r10 = float64(found1)/n, float64(found5)/n, float64(found10)/n
	m.ndcg = dcg / idcg
	return m
}

// evalSearcher indexes the corpus and returns a function ranking document
// IDs for a query.
func evalSearcher(ds *Dataset, stock bool) (func(context.Context, string) ([]string, error), func(), error) {
	if stock {
		bi, err := bleve.NewMemOnly(bleve.NewIndexMapping())
		if err != nil {
			return nil, nil, fmt.Errorf("knowledge: eval: %w", err)
		}
		b := bi.NewBatch()
		for _, d := range ds.Docs {
			if err := b.Index(d.ID, map[string]any{"title": d.Title, "text": d.Text}); err != nil {
				return nil, nil, fmt.Errorf("knowledge: eval: %w", err)
			}
		}
		if err := bi.Batch(b); err != nil {
			return nil, nil, fmt.Errorf("knowledge: eval: %w", err)
		}
		return func(ctx context.Context, q string) ([]string, error) {
			req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), evalDepth, 0, false)
			res, err := bi.SearchInContext(ctx, req)
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(res.Hits))
			for i, h := range res.Hits {
				ids[i] = h.ID
			}
			return ids, nil
		}, func() { bi.Close() }, nil
	}
	entries := make([]Entry, len(ds.Docs))
	for i, d := range ds.Docs {
		entries[i] = Entry{ID: d.ID, Title: d.Title, Text: d.Text}
	}
	ix, err := NewMemIndex(entries)
	if err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, q string) ([]string, error) {
		res, err := ix.Search(ctx, q, Options{Limit: evalDepth})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}, func() { ix.Close() }, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
