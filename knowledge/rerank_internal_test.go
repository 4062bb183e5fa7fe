package knowledge

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// stages searches entries for q and returns the IDs in the first stage's
// order (bleve's BM25) and after the rerank, with the rerank's factor for
// each entry.
func stages(t *testing.T, entries []Entry, q string) (first, reranked []string, factor map[string]float64) {
	t.Helper()
	ix, err := NewMemIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	st := ix.st
	p := st.plan(q)
	sr, err := st.bi.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(p.query(""), rerankDepth, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	var cands []scored
	for _, h := range sr.Hits {
		cands = append(cands, scored{st.entries[h.ID], h.Score})
	}
	order := func() []string {
		slices.SortStableFunc(cands, func(a, b scored) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.e.ID, b.e.ID))
		})
		var ids []string
		for _, c := range cands {
			ids = append(ids, c.e.ID)
		}
		return ids
	}
	first = order()
	before := map[string]float64{}
	for _, c := range cands {
		before[c.e.ID] = c.score
	}
	st.rerank(p, cands)
	factor = map[string]float64{}
	for _, c := range cands {
		factor[c.e.ID] = c.score / before[c.e.ID]
	}
	return first, order(), factor
}

// rerankFiller gives the words of the test entries a realistic rarity.
var rerankFiller = []Entry{
	{ID: "f1", Title: "Cấp chứng chỉ", Text: "Sở cấp chứng chỉ hành nghề trong 10 ngày."},
	{ID: "f2", Title: "Báo cáo", Text: "Ủy ban nhân dân gửi báo cáo hằng năm."},
	{ID: "f3", Title: "Thanh tra", Text: "Thanh tra chuyên ngành kiểm tra cơ sở."},
	{ID: "f4", Title: "Đăng ký", Text: "Tổ chức đăng ký hoạt động với Bộ."},
}

// Each case has two entries: first ranks above by BM25, second holds the
// evidence the rerank looks for and must come out on top, raised by that
// evidence alone.
func TestRerankChangesTheOrder(t *testing.T) {
	sameText := "Lệ phí được thu khi cấp giấy phép; mức thu do Bộ Tài chính quy định và công bố."
	cases := []struct {
		name          string
		query         string
		first, second Entry
		want          float64 // the factor second gets; 0 for any above 1
	}{
		{
			name:  "the whole title is in the question",
			query: "mức thu lệ phí cấp giấy phép",
			// The same text; first's title holds two more words of the
			// question, and one it lacks.
			first:  Entry{ID: "muc-thu-moi", Title: "Mức thu mới", Text: sameText},
			second: Entry{ID: "le-phi", Title: "Lệ phí", Text: sameText},
			want:   1 + rerankTitle,
		},
		{
			name:  "a run of the question in the passage",
			query: "thời hạn nộp hồ sơ khai báo thiết bị",
			// first holds every word of the question, in runs of three at
			// most; second lacks "thiết bị" but says the rest in order.
			first:  Entry{ID: "rai-rac", Title: "Quy định chung", Text: "Thời hạn: 10 ngày. Nộp hồ sơ tại Sở. Khai báo với Sở. Thiết bị phải được khai báo."},
			second: Entry{ID: "dung-thu-tu", Title: "Quy trình", Text: "Tổ chức có thời hạn nộp hồ sơ khai báo là 10 ngày kể từ khi mua máy."},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, reranked, factor := stages(t, append([]Entry{c.first, c.second}, rerankFiller...), c.query)
			if i, j := slices.Index(first, c.first.ID), slices.Index(first, c.second.ID); i < 0 || j < 0 || i > j {
				t.Fatalf("first stage = %v, want %s above %s (the case tests nothing otherwise)", first, c.first.ID, c.second.ID)
			}
			if i, j := slices.Index(reranked, c.first.ID), slices.Index(reranked, c.second.ID); i < j {
				t.Errorf("after the rerank = %v, want %s above %s", reranked, c.second.ID, c.first.ID)
			}
			if f := factor[c.first.ID]; f != 1 {
				t.Errorf("%s was raised ×%.3f, want it left alone", c.first.ID, f)
			}
			if f := factor[c.second.ID]; (c.want != 0 && abs64(f-c.want) > 1e-9) || f <= 1 {
				t.Errorf("%s was raised ×%.3f, want ×%.3f", c.second.ID, f, c.want)
			}
		})
	}
}

func abs64(x float64) float64 { return max(x, -x) }
