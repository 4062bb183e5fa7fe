package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mostvn/supportbot/knowledge"
)

func TestMarkToBoldLetsNoOtherTagThrough(t *testing.T) {
	got := markToBold(`a &lt;b&gt; <script>x</script> <mark>cấp &amp; lại</mark> z`)
	want := `a &lt;b&gt; &lt;script&gt;x&lt;/script&gt; <b>cấp &amp; lại</b> z`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestPassageWithoutHighlightsBoldsTheQuestionWords(t *testing.T) {
	h := knowledge.Hit{Text: "# Tiêu đề\n\nUBND **cấp tỉnh** cấp lại văn bằng <bảo hộ> cho tổ chức."}
	got := passage(h, "ai cấp lai văn bằng?")
	want := "UBND <b>cấp</b> tỉnh <b>cấp</b> <b>lại</b> <b>văn</b> <b>bằng</b> &lt;bảo hộ&gt; cho tổ chức."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestShortenCutsAtAWord(t *testing.T) {
	s := strings.Repeat("từ ", 400)
	got := shorten(s, 100)
	if n := utf8.RuneCountInString(got); n > 101 || !strings.HasSuffix(got, "từ…") {
		t.Errorf("shorten = %q (%d characters)", got, n)
	}
	if shorten("ngắn", 100) != "ngắn" {
		t.Error("a short text was changed")
	}
}

func TestCitation(t *testing.T) {
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	h := knowledge.Hit{Document: "Nghị định 132/2025/NĐ-CP", Effective: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Expires: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), Source: `https://x.vn/a?b=1&c="2"`}
	got := citation(LangVI, h, now)
	want := `<i>Nghị định 132/2025/NĐ-CP</i> · đã hết hiệu lực từ 01/03/2027 · <a href="https://x.vn/a?b=1&amp;c=&quot;2&quot;">Nguồn</a>`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := citation(LangEN, h, now.AddDate(-1, 0, 0)); !strings.Contains(got, "in force from 1 Jul 2025 until 1 Mar 2027") {
		t.Errorf("en citation = %q", got)
	}
}
