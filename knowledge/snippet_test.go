package knowledge_test

import (
	"html"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mostvn/supportbot/knowledge"
)

// shown returns the original text a snippet shows: marks and ellipses
// removed, unescaped.
func shown(snippet string) string {
	s := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "… "), " …")
	return html.UnescapeString(s)
}

// The snippet is the sentence or list item that answers, whole; a
// sentence longer than a snippet is cut at spaces.
func TestSnippetStartsAndEndsWithTheSentence(t *testing.T) {
	// As knowledge/corpus/vi/x-quang-khai-bao.md: the best window opens on
	// its second line, which the old cut entered mid-word.
	xray := knowledge.Entry{ID: "xquang", Lang: "vi", Title: "Khai báo thiết bị X-quang chẩn đoán trong y tế",
		Text: "Theo Quyết định 1915/QĐ-BKHCN ngày 28/8/2023:\n\n" +
			"- Nộp khai báo cho UBND cấp tỉnh nơi sử dụng thiết bị.\n" +
			"- Thiết bị di động dùng ở 2 tỉnh trở lên: nộp cho tỉnh nơi tổ chức, cá nhân đặt trụ sở chính.\n" +
			"- Thời hạn: khai báo trong 07 ngày làm việc kể từ khi có thiết bị.\n" +
			"- Không cấp giấy xác nhận khai báo khi việc khai báo nằm trong hồ sơ đề nghị cấp giấy phép.\n\n" +
			"Cảnh báo: quy định này có từ 2023. Kiểm tra thủ tục hiện hành trên cổng dịch vụ công của tỉnh.",
	}
	// One sentence in a long paragraph of others.
	long := knowledge.Entry{ID: "long", Text: strings.Repeat("Nội dung khác không liên quan đến câu hỏi. ", 12) +
		"Tổ chức khai báo máy phát sóng vô tuyến với Sở trong 10 ngày. " + strings.Repeat("Phần sau cũng không liên quan. ", 12)}
	// A sentence far longer than a snippet: the start falls back to a space.
	run := knowledge.Entry{ID: "run", Text: strings.Repeat("các nội dung khác nối tiếp nhau ", 12) +
		"kể cả việc khai báo lò nung cao tần " + strings.Repeat("và các nội dung khác nối tiếp nhau ", 12)}
	ix := newIndex(t, xray, long, run)

	cases := []struct {
		name, query, id string
		prefix, suffix  string // of the snippet
	}{
		{"the list item that answers", "khai bao thiet bi x quang trong bao nhieu ngay", "xquang",
			"… Thời hạn: <mark>khai</mark> <mark>báo</mark> <mark>trong</mark> 07 <mark>ngày</mark>",
			"kể từ khi có <mark>thiết</mark> <mark>bị</mark>. …"},
		{"sentence start", "khai báo máy phát sóng", "long",
			"… Tổ chức <mark>khai</mark> <mark>báo</mark> <mark>máy</mark> <mark>phát</mark> <mark>sóng</mark>", ". …"},
		{"no sentence start near", "khai báo lò nung cao tần", "run", "… ", " …"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var text, snippet string
			for _, h := range search(t, ix, c.query, knowledge.Options{Limit: 3}).Hits {
				if h.ID == c.id {
					text, snippet = h.Text, h.Snippet
				}
			}
			if snippet == "" {
				t.Fatalf("no hit %s", c.id)
			}
			if !strings.HasPrefix(snippet, c.prefix) || !strings.HasSuffix(snippet, c.suffix) {
				t.Errorf("snippet = %q\nwant it to start %q and end %q", snippet, c.prefix, c.suffix)
			}
			s := shown(snippet)
			at := strings.Index(text, s)
			if at < 0 {
				t.Fatalf("snippet shows %q, not a part of the text", s)
			}
			if r, _ := utf8.DecodeLastRuneInString(text[:at]); at > 0 && !unicode.IsSpace(r) {
				t.Errorf("snippet %q starts inside a word", s)
			}
			if end := at + len(s); end < len(text) && !unicode.IsSpace(rune(text[end])) {
				t.Errorf("snippet %q ends inside a word", s)
			}
			if n := len(s); n > 350 {
				t.Errorf("snippet shows %d bytes, want at most 350", n)
			}
		})
	}
}

// Whatever the passage, a snippet shows whole words of it, and a mark
// wraps a whole word.
func TestSnippetNeverCutsAWord(t *testing.T) {
	text := strings.Repeat("Điều 5. Hồ sơ gồm: a) tờ khai; b) bản sao giấy phép (nếu có).\n", 6) +
		strings.Repeat("Lệ phí 1.000.000 đồng, nộp khi nhận kết quả tại Sở KH&CN... ", 8) +
		strings.Repeat("Xem https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc.html?ma=1.0001 ", 5)
	ix := newIndex(t, knowledge.Entry{ID: "a", Text: text}, knowledge.Entry{ID: "b", Text: "Nộp lệ phí."})
	for _, q := range []string{"hồ sơ", "bản sao giấy phép", "lệ phí nộp", "KH&CN", "dich vu cong", "1.0001", "thủ tục"} {
		for _, h := range search(t, ix, q, knowledge.Options{}).Hits {
			if h.ID != "a" {
				continue
			}
			s := shown(h.Snippet)
			at := strings.Index(text, s)
			if at < 0 {
				t.Errorf("%q: snippet shows %q, not a part of the text", q, s)
				continue
			}
			if at > 0 && text[at-1] != ' ' && text[at-1] != '\n' {
				t.Errorf("%q: snippet %q starts inside a word", q, s)
			}
			for rest := h.Snippet; ; {
				_, after, ok := strings.Cut(rest, "<mark>")
				if !ok {
					break
				}
				marked, after, _ := strings.Cut(after, "</mark>")
				if i := strings.Index(text, html.UnescapeString(marked)); i < 0 {
					t.Errorf("%q: mark %q is not in the text", q, marked)
				}
				rest = after
			}
		}
	}
}

// The snippet is the sentence that answers, never the warning, the source,
// the confidence or a /ticket line; the warning comes with the hit apart.
func TestSnippetIsTheAnsweringSentence(t *testing.T) {
	e := knowledge.Entry{ID: "xq", Lang: "vi", Title: "Thiết bị X-quang y tế",
		Text: "Cảnh báo: quy định khai báo X-quang này có từ 2023; chưa kiểm chứng còn áp dụng.\n\n" +
			"Khai báo thiết bị X-quang nộp cho UBND cấp tỉnh nơi sử dụng thiết bị.\n\n" +
			"- Thời hạn: khai báo X-quang trong 07 ngày làm việc.\n" +
			"- Thiết bị di động dùng ở nhiều tỉnh: nộp ở tỉnh đặt trụ sở chính.\n\n" +
			"Hỏi thêm về khai báo X-quang qua /ticket.\n\n" +
			"Nguồn: thuvienphapluat, bài về khai báo X-quang (2023).\nMức tin cậy: một nguồn về khai báo X-quang."}
	ix := newIndex(t, e, entryReport, entryIP)
	for _, c := range []struct{ q, want string }{
		{"khai báo máy X-quang ở đâu", "UBND cấp tỉnh"},
		{"khai bao x quang trong bao nhieu ngay", "07 ngày làm việc"},
		{"máy X-quang di động dùng nhiều tỉnh nộp ở đâu", "trụ sở chính"},
		{"nguồn bài về khai báo X-quang", ""},
		{"hỏi thêm về khai báo X-quang", ""},
	} {
		res := search(t, ix, c.q, knowledge.Options{})
		if len(res.Hits) == 0 || res.Hits[0].ID != "xq" {
			t.Fatalf("%q: hits %v", c.q, hitIDs(res))
		}
		h := res.Hits[0]
		s := shown(h.Snippet)
		if c.want != "" && !strings.Contains(s, c.want) {
			t.Errorf("%q: snippet %q, want the sentence with %q", c.q, s, c.want)
		}
		for _, never := range []string{"Cảnh báo:", "Nguồn:", "Mức tin cậy:"} {
			if strings.Contains(s, never) {
				t.Errorf("%q: snippet %q shows a %q line", c.q, s, never)
			}
		}
		if strings.Contains(s, "/ticket") && c.q != "hỏi thêm về khai báo X-quang" {
			t.Errorf("%q: snippet %q is the /ticket line", c.q, s)
		}
		if !strings.HasPrefix(h.Warning, "Cảnh báo: quy định khai báo X-quang này có từ 2023") {
			t.Errorf("%q: warning %q, want the entry's status warning whatever the snippet", c.q, h.Warning)
		}
	}
}

func TestStatusWarning(t *testing.T) {
	text := "Trả lời.\n\nCảnh báo: chưa kiểm chứng.\n- Warning: check the status.\nNguồn: x."
	if got, want := knowledge.StatusWarning(text), "Cảnh báo: chưa kiểm chứng. Warning: check the status."; got != want {
		t.Errorf("StatusWarning = %q, want %q", got, want)
	}
	if got := knowledge.StatusWarning("Không có cảnh báo: chỉ trả lời."); got != "" {
		t.Errorf("StatusWarning of a text without a warning line = %q", got)
	}
}

func TestSnippetKeepsAbbreviationsInTheSentence(t *testing.T) {
	e := knowledge.Entry{ID: "tp", Lang: "vi", Title: "Các thành phố",
		Text: "Cả nước có 34 tỉnh, thành phố.\n\n6 thành phố trực thuộc trung ương: Hà Nội, Hải Phòng, Huế, Đà Nẵng, TP. Hồ Chí Minh, Cần Thơ.\n\nNguồn: x."}
	ix := newIndex(t, e, entryReport)
	res := search(t, ix, "6 thành phố trực thuộc trung ương là những thành phố nào", knowledge.Options{})
	if s := shown(res.Hits[0].Snippet); !strings.HasSuffix(s, "TP. Hồ Chí Minh, Cần Thơ.") {
		t.Errorf("snippet %q, want the whole list up to Cần Thơ", s)
	}
}
