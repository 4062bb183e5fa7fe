package knowledge_test

import (
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

var entry133 = knowledge.Entry{
	ID: "nd133-hieu-luc", Lang: "vi", Topic: "decree-133",
	Title:    "Nghị định 133/2025/NĐ-CP: phân quyền, phân cấp",
	Document: "Nghị định 133/2025/NĐ-CP",
	Text: "Nghị định số 133/2025/NĐ-CP quy định về phân quyền, phân cấp trong lĩnh vực quản lý nhà nước của " +
		"Bộ Khoa học và Công nghệ. Nghị định có hiệu lực từ 1/7/2025.",
}

// However the question names the document, the entry about it comes
// first, and the entry about another number is never the answer.
func TestDocumentNumbersDecide(t *testing.T) {
	ix := newIndex(t, entry132, entry133, entryXray, entryReport)
	for _, q := range []string{
		"Nghị định 133 có hiệu lực khi nào",
		"nghi dinh 133 co hieu luc khi nao",
		"NĐ 133 hiệu lực từ ngày nào",
		"nd133 hieu luc",
		"133/2025/NĐ-CP có hiệu lực khi nào",
		"Decree 133 effective date",
	} {
		res := search(t, ix, q, knowledge.Options{})
		if len(res.Hits) == 0 || res.Hits[0].ID != entry133.ID {
			t.Errorf("%q: first hit %v, want %s", q, hitIDs(res), entry133.ID)
		}
	}
	// Only the Decree 132 entry is left: it must not answer for 133, nor for
	// a Decree 132 of another year, nor for a circular numbered 132.
	only132 := newIndex(t, entry132, entryXray, entryReport)
	for _, q := range []string{
		"Nghị định 133 có hiệu lực khi nào",
		"Nghị định 132/2020/NĐ-CP có hiệu lực khi nào",
		"nghị định 132 năm 2020 hiệu lực",
		"Thông tư 132/2025 có hiệu lực khi nào",
	} {
		if res := search(t, only132, q, knowledge.Options{}); res.Verdict == knowledge.VerdictAnswer {
			t.Errorf("%q answered from %v", q, hitIDs(res))
		}
	}
	if res := search(t, only132, "Nghị định 132/2025 có hiệu lực khi nào", knowledge.Options{}); res.Verdict != knowledge.VerdictAnswer {
		t.Errorf("the question about the entry's own document was not answered: %s %v", res.Verdict, hitIDs(res))
	}
}

func hitIDs(res knowledge.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}
