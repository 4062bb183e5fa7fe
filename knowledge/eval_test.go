package knowledge_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

func writeDataset(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A tiny dataset whose ranking is certain: each question shares its rare
// words with one article only.
var tinyDataset = map[string]string{
	"corpus.jsonl": `{"_id": "d1", "title": "Khai báo thiết bị X-quang", "text": "Khai báo thiết bị X-quang chẩn đoán y tế trong 07 ngày làm việc."}
{"_id": "d2", "title": "Báo cáo định kỳ", "text": "Ủy ban nhân dân cấp tỉnh gửi báo cáo định kỳ chậm nhất vào ngày 25."}
{"_id": "d3", "title": "Lệ phí đăng ký", "text": "Lệ phí đăng ký 120.000 đồng mỗi văn bằng sở hữu công nghiệp."}
`,
	"queries.jsonl": `{"_id": "q1", "text": "Khai báo thiết bị X-quang trong bao lâu?"}
{"_id": "q2", "text": "Ủy ban nhân dân cấp tỉnh gửi báo cáo định kỳ khi nào?"}
{"_id": "q3", "text": "Lệ phí đăng ký văn bằng sở hữu công nghiệp"}
{"_id": "q4", "text": "Câu hỏi không có đánh giá"}
`,
	"qrels.tsv": "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq3\td1\t1\n",
}

func TestLoadBEIR(t *testing.T) {
	ds, err := knowledge.LoadBEIR(writeDataset(t, tinyDataset))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Docs) != 3 || ds.Docs[2].ID != "d3" || !strings.HasPrefix(ds.Docs[0].Text, "Khai báo") {
		t.Errorf("Docs = %+v", ds.Docs)
	}
	if len(ds.Queries) != 4 || !reflect.DeepEqual(ds.Qrels["q3"], map[string]int{"d3": 1, "d1": 1}) {
		t.Errorf("Queries = %+v, Qrels = %v", ds.Queries, ds.Qrels)
	}
}

func TestLoadBEIRReportsTheBadLine(t *testing.T) {
	files := map[string]string{}
	for k, v := range tinyDataset {
		files[k] = v
	}
	files["queries.jsonl"] = "{\"_id\": \"q1\", \"text\": \"a\"}\n{not json\n"
	_, err := knowledge.LoadBEIR(writeDataset(t, files))
	if !errors.Is(err, knowledge.ErrBadDataset) || !strings.Contains(err.Error(), "queries.jsonl:2") {
		t.Errorf("error = %v, want ErrBadDataset naming queries.jsonl:2", err)
	}
	delete(files, "qrels.tsv")
	if _, err := knowledge.LoadBEIR(writeDataset(t, files)); !errors.Is(err, os.ErrNotExist) && !errors.Is(err, knowledge.ErrBadDataset) {
		t.Errorf("missing qrels: error = %v", err)
	}
}

func TestEvalScoresRankingAsBEIRDoes(t *testing.T) {
	ds, err := knowledge.LoadBEIR(writeDataset(t, tinyDataset))
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []knowledge.EvalOptions{{}, {StripTones: true}, {Stock: true}} {
		rep, err := knowledge.Eval(context.Background(), ds, opts)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Docs != 3 || rep.Queries != 3 {
			t.Errorf("%+v: docs %d queries %d, want 3 and 3 (q4 has no judgement)", opts, rep.Docs, rep.Queries)
		}
		if opts.Stock {
			continue
		}
		// q3 has two relevant documents and can find only one of them
		// first: recall@1 is (1 + 1 + 1/2) / 3.
		if want := 2.5 / 3; math.Abs(rep.RecallAt1-want) > 1e-9 {
			t.Errorf("%+v: recall@1 = %v, want %v", opts, rep.RecallAt1, want)
		}
		if rep.MRRAt10 != 1 || rep.RecallAt10 < rep.RecallAt5 || rep.RecallAt5 < rep.RecallAt1 {
			t.Errorf("%+v: %+v", opts, rep)
		}
		if rep.NDCGAt10 <= 0 || rep.NDCGAt10 > 1 || rep.LatencyP99MS < rep.LatencyP50MS {
			t.Errorf("%+v: %+v", opts, rep)
		}
	}
}

func TestEvalReportJSON(t *testing.T) {
	b, err := json.Marshal(knowledge.EvalReport{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"docs", "index_seconds", "latency_p50_ms", "latency_p99_ms", "mrr_at_10", "ndcg_at_10", "queries", "recall_at_1", "recall_at_10", "recall_at_5"}
	if !slices.Equal(keys, want) {
		t.Errorf("EvalReport JSON keys = %v, want %v", keys, want)
	}
}
