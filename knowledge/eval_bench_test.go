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
