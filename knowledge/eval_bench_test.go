package knowledge_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

// benchDir is where the shared retrieval sets live, relative to this
// package: they are read from there and never copied into the repository.
func benchDir(tb testing.TB, name string) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "bench", name)
	if _, err := os.Stat(filepath.Join(dir, "corpus.jsonl")); err != nil {
		tb.Skipf("dataset %s not available: %v", name, err)
	}
	return dir
}

// benchEval runs the eval of one dataset in the four variants (ours and
// stock bleve, questions as written and without tone marks) and reports
// each figure as a metric: go test -run '^$' -bench Eval -benchtime 1x ./knowledge/
func benchEval(b *testing.B, name string) {
	ds, err := knowledge.LoadBEIR(benchDir(b, name))
	if err != nil {
		b.Fatal(err)
	}
	variants := []struct {
		name string
		opts knowledge.EvalOptions
	}{
		{"ours", knowledge.EvalOptions{}},
		{"ours-toneless", knowledge.EvalOptions{StripTones: true}},
		{"stock", knowledge.EvalOptions{Stock: true}},
		{"stock-toneless", knowledge.EvalOptions{Stock: true, StripTones: true}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			var rep knowledge.EvalReport
			for b.Loop() {
				rep, err = knowledge.Eval(context.Background(), ds, v.opts)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(rep.RecallAt1, "recall@1")
			b.ReportMetric(rep.RecallAt5, "recall@5")
			b.ReportMetric(rep.RecallAt10, "recall@10")
			b.ReportMetric(rep.MRRAt10, "mrr@10")
			b.ReportMetric(rep.NDCGAt10, "ndcg@10")
			b.ReportMetric(rep.LatencyP50MS, "p50-ms")
			b.ReportMetric(rep.LatencyP99MS, "p99-ms")
			b.ReportMetric(rep.IndexSeconds, "index-s")
		})
	}
}

func BenchmarkEvalALQAC(b *testing.B) { benchEval(b, "alqac22") }

func BenchmarkEvalVLSP(b *testing.B) { benchEval(b, "vlsp2023") }

// benchVerdict reports how the verdict behaves on a retrieval set, where
// every question has an answer in the corpus: the share of questions
// answered outright, and of those the share whose best hit is relevant
// (the precision users see).
func benchVerdict(b *testing.B, name string) {
	ix, ds := benchIndex(b, name)
	for _, strip := range []bool{false, true} {
		b.Run(map[bool]string{false: "as-written", true: "toneless"}[strip], func(b *testing.B) {
			var answered, right, suggested, n int
			for b.Loop() {
				answered, right, suggested, n = 0, 0, 0, 0
				for _, q := range ds.Queries {
					rel := ds.Qrels[q.ID]
					if len(rel) == 0 {
						continue
					}
					text := q.Text
					if strip {
						text = knowledge.StripTones(text)
					}
					res, err := ix.Search(context.Background(), text, knowledge.Options{})
					if err != nil {
						b.Fatal(err)
					}
					n++
					switch res.Verdict {
					case knowledge.VerdictAnswer:
						answered++
						if rel[res.Hits[0].ID] > 0 {
							right++
						}
					case knowledge.VerdictSuggest:
						suggested++
					}
				}
			}
			b.ReportMetric(float64(answered)/float64(n), "answer-rate")
			b.ReportMetric(float64(right)/float64(max(answered, 1)), "answer-precision")
			b.ReportMetric(float64(suggested)/float64(n), "suggest-rate")
		})
	}
}

func BenchmarkVerdictALQAC(b *testing.B) { benchVerdict(b, "alqac22") }

func BenchmarkVerdictVLSP(b *testing.B) { benchVerdict(b, "vlsp2023") }
