package knowledge_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
	"golang.org/x/text/unicode/norm"
)

var sampleMeta = knowledge.DocMeta{
	Document: "Nghị định 999/2099/NĐ-CP",
	Title:    "Nghị định mẫu",
	Source:   "https://example.org/test-fixture/999-2099-nd-cp",
	Topic:    "test",
}

func readSample(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/legal/sample-decree.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// citations lists "Article | Title | first line" per passage.
func citations(entries []knowledge.Entry) []string {
	var out []string
	for _, e := range entries {
		first, _, _ := strings.Cut(e.Text, "\n")
		out = append(out, e.Article+" | "+e.Title+" | "+first)
	}
	return out
}

func TestSplitLegalTextCitesArticleAndClause(t *testing.T) {
	got := knowledge.SplitLegalText(readSample(t), sampleMeta)
	want := []string{
		" | Nghị định mẫu | TEST FIXTURE - synthetic sample, not a real legal text. All content is invented for tests.",
		"Điều 1 | Điều 1. Phạm vi điều chỉnh | Điều 1. Phạm vi điều chỉnh",
		"Điều 2, khoản 1 | Điều 2. Nguyên tắc thử nghiệm | 1. Mỗi khoản trở thành một đoạn riêng.",
		"Điều 2, khoản 2 | Điều 2. Nguyên tắc thử nghiệm | 2. Khoản có các điểm:",
		"Điều 2, khoản 3 | Điều 2. Nguyên tắc thử nghiệm | 3. Khoản cuối cùng của Điều 2.",
		"Điều 3 | Điều 3. Hồ sơ đề nghị | Điều 3. Hồ sơ đề nghị",
		"Điều 3, khoản 1 | Điều 3. Hồ sơ đề nghị | 1. Đơn đề nghị theo mẫu.",
		"Điều 3, khoản 2 | Điều 3. Hồ sơ đề nghị | 2. Bản sao giấy tờ pháp lý.",
		"Điều 4 | Điều 4. Thời hạn giải quyết | Điều 4. Thời hạn giải quyết",
		"Điều 5, khoản 1 | Điều 5. Hiệu lực thi hành | 1. Nghị định mẫu có hiệu lực từ ngày 01 tháng 02 năm 2099.",
		"Điều 5, khoản 2 | Điều 5. Hiệu lực thi hành | 2. Các Bộ trưởng chịu trách nhiệm thi hành.",
	}
	if c := citations(got); !reflect.DeepEqual(c, want) {
		t.Fatalf("passages:\n%s\nwant:\n%s", strings.Join(c, "\n"), strings.Join(want, "\n"))
	}

	byArticle := map[string]knowledge.Entry{}
	for _, e := range got {
		byArticle[e.Article] = e
	}
	// Points a) b) stay in their clause; a number out of sequence does not open a clause.
	if txt := byArticle["Điều 2, khoản 2"].Text; !strings.Contains(txt, "a) điểm a") || !strings.Contains(txt, "b) điểm b") {
		t.Errorf("clause 2 text %q lost its points", txt)
	}
	if txt := byArticle["Điều 3, khoản 2"].Text; !strings.Contains(txt, "15. Dòng bắt đầu bằng số 15") {
		t.Errorf("clause text %q lost the line starting with a number out of sequence", txt)
	}
	// Chapter and section headings close a passage and belong to none.
	for _, e := range got {
		for _, heading := range []string{"THỦ TỤC MẪU", "HỒ SƠ", "Mục 2", "Chương II", "Nơi nhận", "Lưu: VT"} {
			if strings.Contains(e.Text, heading) {
				t.Errorf("%s text %q contains heading or signature %q", e.Article, e.Text, heading)
			}
		}
		if e.Document != sampleMeta.Document || e.Source != sampleMeta.Source || e.Lang != "vi" || e.Topic != "test" {
			t.Errorf("%s metadata = %q %q %q %q", e.ID, e.Document, e.Source, e.Lang, e.Topic)
		}
	}
	if id := byArticle["Điều 2, khoản 1"].ID; id != "999-2099-nd-cp-dieu-2-khoan-1" {
		t.Errorf("id = %q, want 999-2099-nd-cp-dieu-2-khoan-1", id)
	}
}

func TestSplitLegalTextIsStableAndNormalised(t *testing.T) {
	text := readSample(t)
	composed := knowledge.SplitLegalText(text, sampleMeta)
	decomposed := knowledge.SplitLegalText(norm.NFD.String(strings.ReplaceAll(text, "\n", "\r\n")), sampleMeta)
	if !reflect.DeepEqual(composed, decomposed) {
		t.Errorf("decomposed CRLF input gives different passages:\n%v\n%v", citations(composed), citations(decomposed))
	}
	seen := map[string]bool{}
	for _, e := range composed {
		if seen[e.ID] {
			t.Errorf("id %q used twice", e.ID)
		}
		seen[e.ID] = true
	}
}

func TestSplitLegalTextKeepsIDsUniqueForRepeatedArticles(t *testing.T) {
	text := "Điều 1. Một\nNội dung.\nĐiều 1. Một lần nữa\nNội dung khác.\n"
	got := knowledge.SplitLegalText(text, knowledge.DocMeta{Document: "Thông tư 1/2099/TT-BKHCN"})
	if len(got) != 2 || got[0].ID == got[1].ID {
		t.Fatalf("ids %v", citations(got))
	}
	if got[0].ID != "1-2099-tt-bkhcn-dieu-1" || got[1].ID != "1-2099-tt-bkhcn-dieu-1-2" {
		t.Errorf("ids = %q, %q", got[0].ID, got[1].ID)
	}
}

func TestSplitLegalTextHeadingForms(t *testing.T) {
	// Untitled articles as in the Constitution, and a title on the line after "Điều 3.".
	text := "Điều 1\nNhà nước mẫu là nhà nước thử nghiệm.\n" +
		"Điều 2\n1. Khoản một.\n2. Khoản hai.\n" +
		"Điều 3.\nTiêu đề ở dòng sau\nNội dung điều 3.\n" +
		"Điều 4: Tiêu đề sau dấu hai chấm\nNội dung điều 4.\n"
	got := citations(knowledge.SplitLegalText(text, knowledge.DocMeta{Document: "Luật 1/2099/QH99"}))
	want := []string{
		"Điều 1 | Điều 1 | Điều 1",
		"Điều 2, khoản 1 | Điều 2 | 1. Khoản một.",
		"Điều 2, khoản 2 | Điều 2 | 2. Khoản hai.",
		"Điều 3 | Điều 3. Tiêu đề ở dòng sau | Điều 3. Tiêu đề ở dòng sau",
		"Điều 4 | Điều 4: Tiêu đề sau dấu hai chấm | Điều 4: Tiêu đề sau dấu hai chấm",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
