package knowledge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/mostvn/supportbot/knowledge"
)

// Passages written from shared/domain/facts.md (1.1, 1.2, 2.13, 6.7, 7.1.5).
var (
	entry132 = knowledge.Entry{
		ID: "nd132-hieu-luc", Lang: "vi", Topic: "decree-132",
		Title:    "Hiệu lực của Nghị định 132/2025/NĐ-CP",
		Document: "Nghị định 132/2025/NĐ-CP",
		Text: "Nghị định số 132/2025/NĐ-CP ngày 12 tháng 6 năm 2025 của Chính phủ quy định về phân định thẩm quyền " +
			"của chính quyền địa phương 02 cấp trong lĩnh vực quản lý nhà nước của Bộ Khoa học và Công nghệ. " +
			"Nghị định có hiệu lực từ 1/7/2025 đến 1/3/2027.",
	}
	entry132EN = knowledge.Entry{
		ID: "nd132-hieu-luc-en", Lang: "en", Topic: "decree-132",
		Title:    "When Decree 132/2025/NĐ-CP applies",
		Document: "Nghị định 132/2025/NĐ-CP",
		Text:     "Decree 132/2025/NĐ-CP was issued on 12/6/2025. It is effective from 1/7/2025 and expires on 1/3/2027.",
	}
	entryXray = knowledge.Entry{
		ID: "xquang-khai-bao", Lang: "vi", Topic: "radiation",
		Title: "Khai báo thiết bị X-quang chẩn đoán y tế",
		Text: "Tổ chức, cá nhân khai báo thiết bị X-quang chẩn đoán y tế với Ủy ban nhân dân cấp tỉnh nơi sử dụng thiết bị, " +
			"trong thời hạn 07 ngày làm việc kể từ ngày có thiết bị. Đây là thủ tục hành chính về an toàn bức xạ.",
	}
	entryXrayEN = knowledge.Entry{
		ID: "xquang-khai-bao-en", Lang: "en", Topic: "radiation",
		Title: "Declaring diagnostic X-ray equipment",
		Text:  "Declare medical diagnostic X-ray equipment to the provincial People's Committee where it is used, within 07 working days of having it.",
	}
	entryIP = knowledge.Entry{
		ID: "shcn-hop-dong", Lang: "vi", Topic: "ip",
		Title:    "Đăng ký hợp đồng chuyển quyền sử dụng đối tượng sở hữu công nghiệp",
		Document: "Nghị định 133/2025/NĐ-CP", Article: "Điều 36",
		Text: "Thủ tục thuộc lĩnh vực sở hữu trí tuệ. Sở KH&CN thẩm định hồ sơ trong 25 ngày và trình Ủy ban nhân dân cấp tỉnh " +
			"quyết định trong 5 ngày. Lệ phí đăng ký 120.000 đồng mỗi văn bằng.",
	}
	entryReport = knowledge.Entry{
		ID: "bao-cao-dinh-ky", Lang: "vi", Topic: "reporting",
		Title:    "Thời hạn gửi báo cáo định kỳ",
		Document: "Nghị định 09/2019/NĐ-CP",
		Text:     "Ủy ban nhân dân cấp tỉnh gửi báo cáo định kỳ chậm nhất vào ngày 25 của tháng cuối kỳ báo cáo.",
	}
)

func starterEntries() []knowledge.Entry {
	return []knowledge.Entry{entry132, entry132EN, entryXray, entryXrayEN, entryIP, entryReport}
}

func newIndex(t *testing.T, entries ...knowledge.Entry) *knowledge.Index {
	t.Helper()
	if len(entries) == 0 {
		entries = starterEntries()
	}
	ix, err := knowledge.NewMemIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func search(t *testing.T, ix *knowledge.Index, q string, opts knowledge.Options) knowledge.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q, opts)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return res
}

func topID(res knowledge.Result) string {
	if len(res.Hits) == 0 {
		return "(no hits)"
	}
	return res.Hits[0].ID
}

func TestSearchFindsThePassageHoweverTheQuestionIsTyped(t *testing.T) {
	ix := newIndex(t)
	cases := []struct{ query, want string }{
		{"khai báo thiết bị X-quang", entryXray.ID},
		{"khai bao thiet bi x quang", entryXray.ID},                             // no tone marks
		{norm.NFD.String("khai báo thiết bị X-quang"), entryXray.ID},            // decomposed
		{"KHAI BÁO THIẾT BỊ XQUANG", entryXray.ID},                              // capitals, glued
		{"ATBX", entryXray.ID},                                                  // abbreviation
		{"TTHC khai báo", entryXray.ID},                                         //
		{"SHTT", entryIP.ID},                                                    //
		{"Sở KHCN thẩm định hồ sơ", entryIP.ID},                                 // KHCN and KH&CN
		{"132/2025/NĐ-CP", entry132.ID},                                         // document numbers
		{"132/2025", entry132.ID},                                               //
		{"ND132", entry132.ID},                                                  //
		{"NĐ 132", entry132.ID},                                                 //
		{"nghi dinh 132", entry132.ID},                                          //
		{"Nghị định 132 có hiệu lực đến khi nào?", entry132.ID},                 //
		{"hạn chót gửi báo cáo định kỳ của UBND tỉnh", entryReport.ID},          // UBND
		{"le phi dang ky hop dong chuyen quyen so huu cong nghiep", entryIP.ID}, //
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			// The Vietnamese and English 132 entries share an ID prefix
			// and both cite the decree.
			if got := topID(search(t, ix, c.query, knowledge.Options{})); !strings.HasPrefix(got, c.want) {
				t.Errorf("top hit = %s, want %s", got, c.want)
			}
		})
	}
}

func TestSearchExpandsAbbreviationsBothWays(t *testing.T) {
	ix := newIndex(t,
		knowledge.Entry{ID: "ubnd", Text: "UBND cấp xã tiếp nhận hồ sơ."},
		knowledge.Entry{ID: "so", Text: "Sở Tài chính tiếp nhận hồ sơ."},
		knowledge.Entry{ID: "khcn", Text: "Bộ Khoa học và Công nghệ hướng dẫn."},
		knowledge.Entry{ID: "btc", Text: "Bộ Tài chính hướng dẫn."},
	)
	cases := []struct{ query, want string }{
		{"ủy ban nhân dân tiếp nhận hồ sơ", "ubnd"},
		{"Bộ KH&CN hướng dẫn", "khcn"},
		{"Bộ KHCN hướng dẫn", "khcn"},
	}
	for _, c := range cases {
		if got := topID(search(t, ix, c.query, knowledge.Options{})); got != c.want {
			t.Errorf("Search(%q) top hit = %s, want %s", c.query, got, c.want)
		}
	}
}

func TestSearchRanksTheExactToneFirst(t *testing.T) {
	ix := newIndex(t,
		knowledge.Entry{ID: "hoa-grave", Text: "Cơ quan hòa giải cấp xã"},
		knowledge.Entry{ID: "hoa-acute", Text: "Cơ quan hóa giải cấp xã"},
	)
	for query, want := range map[string]string{
		"cơ quan hòa giải": "hoa-grave",
		"cơ quan hóa giải": "hoa-acute",
		"cơ quan hoà giải": "hoa-grave", // old tone placement, same word
	} {
		res := search(t, ix, query, knowledge.Options{})
		if len(res.Hits) != 2 {
			t.Fatalf("Search(%q) = %d hits, want both passages", query, len(res.Hits))
		}
		if res.Hits[0].ID != want || res.Hits[0].Score <= res.Hits[1].Score {
			t.Errorf("Search(%q) ranks %s (%.3f) over %s (%.3f), want %s first",
				query, res.Hits[0].ID, res.Hits[0].Score, res.Hits[1].ID, res.Hits[1].Score, want)
		}
	}
}

func TestSnippetMarksTheOriginalCharacters(t *testing.T) {
	composed := "Nước Cộng hòa xã hội chủ nghĩa Việt Nam <độc lập>"
	ix := newIndex(t,
		knowledge.Entry{ID: "nfc", Text: composed},
		knowledge.Entry{ID: "nfd", Text: norm.NFD.String("Quốc hiệu: Cộng hòa")},
	)
	res := search(t, ix, "hoa", knowledge.Options{Limit: 2})
	snippets := map[string]string{}
	for _, h := range res.Hits {
		snippets[h.ID] = h.Snippet
	}
	if s := snippets["nfc"]; !strings.Contains(s, "<mark>hòa</mark>") || !strings.Contains(s, "&lt;độc lập&gt;") {
		t.Errorf("snippet %q should mark the original %q and escape the text", s, "hòa")
	}
	if s, want := snippets["nfd"], "<mark>"+norm.NFD.String("hòa")+"</mark>"; !strings.Contains(s, want) {
		t.Errorf("snippet %q should mark the decomposed original %q", s, want)
	}

	res = search(t, ix, "cong hoa xa hoi", knowledge.Options{Limit: 1})
	if s := res.Hits[0].Snippet; !strings.Contains(s, "<mark>Cộng</mark> <mark>hòa</mark> <mark>xã</mark> <mark>hội</mark>") {
		t.Errorf("snippet %q should mark each matched word", s)
	}
}

func TestSnippetShowsTheMatchingPartOfALongPassage(t *testing.T) {
	long := strings.Repeat("Nội dung khác không liên quan. ", 40) + "Khai báo thiết bị X-quang trong 07 ngày làm việc."
	ix := newIndex(t, knowledge.Entry{ID: "long", Text: long})
	s := search(t, ix, "khai báo X-quang", knowledge.Options{}).Hits[0].Snippet
	if !strings.Contains(s, "<mark>Khai</mark> <mark>báo</mark>") || !strings.HasPrefix(s, "…") || len(s) > 600 {
		t.Errorf("snippet = %q, want the end of the passage, marked, after an ellipsis", s)
	}
}

func TestSearchVerdict(t *testing.T) {
	ix := newIndex(t)
	cases := []struct {
		query string
		want  []knowledge.Verdict // any of these
	}{
		{"Nghị định 132/2025/NĐ-CP có hiệu lực từ ngày nào?", []knowledge.Verdict{knowledge.VerdictAnswer}},
		{"thời hạn khai báo thiết bị X-quang chẩn đoán y tế", []knowledge.Verdict{knowledge.VerdictAnswer}},
		{"Làm thế nào để xin cấp hộ chiếu?", []knowledge.Verdict{knowledge.VerdictNone, knowledge.VerdictSuggest}},
		{"thủ tục cấp sổ đỏ", []knowledge.Verdict{knowledge.VerdictNone, knowledge.VerdictSuggest}},
		{"kết quả bóng đá hôm nay", []knowledge.Verdict{knowledge.VerdictNone, knowledge.VerdictSuggest}},
		{"hộ chiếu", []knowledge.Verdict{knowledge.VerdictNone, knowledge.VerdictSuggest}},
		{"How do I renew my passport?", []knowledge.Verdict{knowledge.VerdictNone, knowledge.VerdictSuggest}},
		{"xin cấp sổ đỏ cho đất ở của UBND cấp tỉnh", []knowledge.Verdict{knowledge.VerdictNone, knowledge.VerdictSuggest}},
	}
	for _, c := range cases {
		res := search(t, ix, c.query, knowledge.Options{})
		ok := false
		for _, w := range c.want {
			ok = ok || res.Verdict == w
		}
		if !ok {
			t.Errorf("Search(%q) verdict = %s (top %s), want one of %v", c.query, res.Verdict, topID(res), c.want)
		}
	}
}

func TestSearchOptions(t *testing.T) {
	ix := newIndex(t)
	res := search(t, ix, "Ủy ban nhân dân cấp tỉnh", knowledge.Options{Topic: "reporting"})
	if len(res.Hits) == 0 {
		t.Fatal("no hits in topic reporting")
	}
	for _, h := range res.Hits {
		if h.Topic != "reporting" {
			t.Errorf("hit %s has topic %s, want only reporting", h.ID, h.Topic)
		}
	}
	// The citation is the same in both languages: Lang decides.
	if got := topID(search(t, ix, "132/2025/NĐ-CP", knowledge.Options{Lang: "en"})); got != entry132EN.ID {
		t.Errorf("Lang en: top hit = %s, want %s", got, entry132EN.ID)
	}
	if got := topID(search(t, ix, "132/2025/NĐ-CP", knowledge.Options{Lang: "vi"})); got != entry132.ID {
		t.Errorf("Lang vi: top hit = %s, want %s", got, entry132.ID)
	}
	if n := len(search(t, ix, "Ủy ban nhân dân", knowledge.Options{Limit: 2}).Hits); n != 2 {
		t.Errorf("Limit 2 gave %d hits", n)
	}
	h := search(t, ix, "ND132", knowledge.Options{}).Hits[0]
	if h.Document != entry132.Document || h.Title != entry132.Title || h.Text != entry132.Text || h.Score <= 0 {
		t.Errorf("hit = %+v, want the entry's citation, title, text and a score", h)
	}
}

func TestSearchRefusesBadQueries(t *testing.T) {
	ix := newIndex(t)
	for _, c := range []struct {
		query string
		want  error
	}{
		{"", knowledge.ErrEmptyQuery},
		{"   \n\t ", knowledge.ErrEmptyQuery},
		{"?!… -- //", knowledge.ErrEmptyQuery},
		{"khai báo \xff\xfe", knowledge.ErrInvalidUTF8},
	} {
		if _, err := ix.Search(context.Background(), c.query, knowledge.Options{}); !errors.Is(err, c.want) {
			t.Errorf("Search(%q) error = %v, want %v", c.query, err, c.want)
		}
	}
}

func TestSearchCutsOverlongQueries(t *testing.T) {
	ix := newIndex(t)
	q := "khai báo thiết bị X-quang " + strings.Repeat("nội dung dài ", 2000)
	res, err := ix.Search(context.Background(), q, knowledge.Options{})
	if err != nil {
		t.Fatalf("Search(long) error: %v", err)
	}
	if len(res.Query) > knowledge.MaxQueryBytes || !strings.HasPrefix(res.Query, "khai báo") {
		t.Errorf("query kept = %d bytes starting %.20q, want at most %d from the start", len(res.Query), res.Query, knowledge.MaxQueryBytes)
	}
	if topID(res) != entryXray.ID {
		t.Errorf("top hit = %s, want %s", topID(res), entryXray.ID)
	}
}

func TestSearchHonoursContext(t *testing.T) {
	ix := newIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, "X-quang", knowledge.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestSearchAfterCloseFails(t *testing.T) {
	ix, err := knowledge.NewMemIndex(starterEntries())
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), "X-quang", knowledge.Options{}); !errors.Is(err, knowledge.ErrClosed) {
		t.Errorf("Search after Close: error = %v, want ErrClosed", err)
	}
}

func TestSearchQueryOfCommonWordsOnly(t *testing.T) {
	ix := newIndex(t,
		knowledge.Entry{ID: "a", Text: "Cấp giấy phép."},
		knowledge.Entry{ID: "b", Text: "Cấp chứng chỉ."},
		knowledge.Entry{ID: "c", Text: "Cấp lại văn bằng."},
	)
	if n := len(search(t, ix, "cấp", knowledge.Options{}).Hits); n != 3 {
		t.Errorf("a word every entry holds found %d entries, want 3", n)
	}
}

func ExampleIndex_Search() {
	ix, err := knowledge.NewMemIndex([]knowledge.Entry{{
		ID: "xquang-khai-bao", Lang: "vi", Topic: "radiation",
		Title: "Khai báo thiết bị X-quang chẩn đoán y tế",
		Text:  "Khai báo thiết bị X-quang chẩn đoán y tế với Ủy ban nhân dân cấp tỉnh trong thời hạn 07 ngày làm việc.",
	}})
	if err != nil {
		panic(err)
	}
	defer ix.Close()

	// Typed without tone marks, "X quang" apart.
	res, err := ix.Search(context.Background(), "khai bao thiet bi x quang", knowledge.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verdict, res.Hits[0].ID)
	fmt.Println(res.Hits[0].Snippet)
	// Output:
	// answer xquang-khai-bao
	// <mark>Khai</mark> <mark>báo</mark> <mark>thiết</mark> <mark>bị</mark> <mark>X-quang</mark> chẩn đoán y tế với Ủy ban nhân dân cấp tỉnh trong thời hạn 07 ngày làm việc.
}

// A question plainly in English is answered from the English entries,
// whatever the officer's language setting; the verdict does not count
// the words that only ask ("when", "does").
func TestSearchAnswersEnglishInEnglish(t *testing.T) {
	ix := newIndex(t, starterEntries()...)
	res := search(t, ix, "When is Decree 132/2025 effective?", knowledge.Options{Lang: "vi"})
	if len(res.Hits) == 0 || res.Hits[0].ID != entry132EN.ID {
		t.Fatalf("hits %v, want %s first", hitIDs(res), entry132EN.ID)
	}
	if res.Verdict != knowledge.VerdictAnswer {
		t.Errorf("verdict %s, want answer", res.Verdict)
	}
}

// The verdict's evidence names what a reviewer checks: the share of the
// question found, the document named, the words missing.
func TestSearchReportsItsEvidence(t *testing.T) {
	ix := newIndex(t, starterEntries()...)
	res := search(t, ix, "Nghị định 132/2020 về giao dịch liên kết có hiệu lực khi nào", knowledge.Options{})
	ev := res.Evidence
	if ev.Document != -1 || len(ev.Missing) == 0 || ev.Coverage <= 0 || ev.Coverage >= 1 {
		t.Errorf("evidence = %+v, want another document, missing words and a partial coverage", ev)
	}
	if res.Verdict == knowledge.VerdictAnswer {
		t.Errorf("answered a question about another decree: %v", hitIDs(res))
	}
}
