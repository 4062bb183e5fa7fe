package knowledge_test

import (
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

// The topic signal on the shipped corpus: a question about a field an
// entry is not about is never answered from it, and a question naming one
// of our fields is answered from that field's entries first.
func TestTopicDecidesOnTheShippedCorpus(t *testing.T) {
	ix, err := knowledge.NewMemIndexFS(knowledge.DefaultCorpus())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	vi := knowledge.Options{Limit: 3, Lang: "vi"}
	for _, q := range []string{
		"chứng chỉ hành nghề y ai cấp",                // medicine, not the IP practising certificates
		"Who issues medical practising certificates?", // same in English
		"cấp lại bằng tốt nghiệp đại học bị mất",      // education, not re-issued IP titles
		"cấp văn bằng bảo hộ sáng chế mất bao lâu",    // asks a time limit the IP task list does not hold
		"luật bảo hiểm xã hội 2024 số mấy",            // a year the best entry lacks
	} {
		if res := search(t, ix, q, vi); res.Verdict == knowledge.VerdictAnswer {
			t.Errorf("%q: verdict answer from %s (evidence %+v), want no answer", q, res.Hits[0].ID, res.Evidence)
		}
	}
	// An IP question ranks the IP entry above a Decree 132 entry that
	// mentions IP in a caveat.
	res := search(t, ix, "nhiệm vụ SHTT nào được phân quyền cho tỉnh", vi)
	if len(res.Hits) == 0 || res.Hits[0].Topic != "ip" {
		t.Errorf("IP question: first hit %+v, want an IP entry", res.Hits)
	}
	// An item of a list is shown with the list's lead-in line.
	res = search(t, ix, "cap pho ban van bang bao ho la phan quyen hay phan cap", vi)
	if len(res.Hits) == 0 || !strings.HasPrefix(res.Hits[0].Snippet, "Phân cấp:") {
		t.Errorf("list item: snippet %q, want it to start with its lead-in %q", res.Hits[0].Snippet, "Phân cấp:")
	}
}
