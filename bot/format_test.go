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

func answerHits() []knowledge.Hit {
	return []knowledge.Hit{
		{ID: "x-quang-khai-bao", Lang: "vi", Title: "Khai báo thiết bị X-quang",
			Snippet:    "… <mark>Khai báo</mark> thiết bị X-quang nộp cho UBND cấp tỉnh, trong 07 ngày làm việc. …",
			Document:   "Quyết định 1915/QĐ-BKHCN",
			Source:     "https://example.vn/1915",
			Confidence: knowledge.ConfidenceCheckStatus,
			Warning:    "Cảnh báo: quy định này có từ 2023; chưa kiểm chứng còn áp dụng."},
		{ID: "x-quang-khai-bao-en", Lang: "en", Title: "Declaring X-ray equipment"},
		{ID: "x-quang-thoi-han", Lang: "vi", Title: "Thời hạn thủ tục X-quang", Confidence: knowledge.ConfidenceSingleSource},
		{ID: "atbx-39", Lang: "vi", Title: "39 thủ tục an toàn bức xạ"},
		{ID: "extra", Lang: "vi", Title: "Một mục nữa"},
	}
}

func TestFormatAnswerPutsTheAnsweringSentenceFirst(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	got := formatAnswer(LangVI, "khai báo X-quang ở đâu", answerHits(), now)
	lines := strings.Split(got, "\n")
	if want := "<b>Khai báo</b> thiết bị X-quang nộp cho UBND cấp tỉnh, trong 07 ngày làm việc."; lines[0] != want {
		t.Errorf("first line = %q\nwant the answering sentence %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], "⚠️ Cảnh báo: quy định này có từ 2023") {
		t.Errorf("second line = %q, want the status warning", lines[1])
	}
	cite := strings.Index(got, "📄 <b>Khai báo thiết bị X-quang</b> · <i>Quyết định 1915/QĐ-BKHCN</i>")
	rel := strings.Index(got, tr(LangVI, txtRelated))
	if cite < 0 || rel < cite {
		t.Errorf("want the citation after the answer and before the related entries:\n%s", got)
	}
	if !strings.Contains(got, tr(LangVI, txtConfidenceCheck)) {
		t.Errorf("the citation does not say the entry needs its status checked:\n%s", got)
	}
	if n := strings.Count(got, "\n• "); n != maxRelated {
		t.Errorf("%d related entries, want %d:\n%s", n, maxRelated, got)
	}
	if strings.Contains(got, "Declaring X-ray equipment") || strings.Contains(got, "Một mục nữa") {
		t.Errorf("the answer's translation or a third related entry is listed:\n%s", got)
	}
	if !strings.Contains(got, "Thời hạn thủ tục X-quang</b> — "+tr(LangVI, txtConfidenceSingle)) {
		t.Errorf("related entry without its confidence:\n%s", got)
	}
}

func TestFormatAnswerSpeaksTheLanguageOfTheEntry(t *testing.T) {
	hits := []knowledge.Hit{
		{ID: "nd133-tong-quan-en", Lang: "en", Title: "Decree 133", Snippet: "In force from 1 July 2025.",
			Effective: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Source: "https://example.vn/133"},
		{ID: "nd133-tong-quan", Lang: "vi", Title: "Nghị định 133"},
		{ID: "nd133-vien-thong-en", Lang: "en", Title: "Decree 133: telecom"},
	}
	got := formatAnswer(LangVI, "When does Decree 133 take effect?", hits, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, want := range []string{"In force from 1 July 2025.", "in force from 1 Jul 2025", tr(LangEN, txtRelated),
		"Decree 133: telecom", tr(LangEN, txtAnswerFeedback)} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in the reply to an English question:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Nghị định 133</b>") {
		t.Errorf("the Vietnamese twin is listed as related:\n%s", got)
	}
}

func TestFormatAnswerWarnsForAnUncheckedEntryWithoutItsOwnWarning(t *testing.T) {
	h := knowledge.Hit{ID: "a", Lang: "vi", Title: "T", Snippet: "Hạn nộp 20/12.", Confidence: knowledge.ConfidenceCheckStatus}
	got := formatAnswer(LangVI, "hạn nộp", []knowledge.Hit{h}, time.Now())
	if !strings.Contains(got, "⚠️ "+tr(LangVI, txtStatusUnverified)) {
		t.Errorf("no status warning:\n%s", got)
	}
	h.Confidence = knowledge.ConfidenceVerified
	if got := formatAnswer(LangVI, "hạn nộp", []knowledge.Hit{h}, time.Now()); strings.Contains(got, "⚠️") {
		t.Errorf("a verified entry without a warning got one:\n%s", got)
	}
}

func TestFormatSuggestShowsWarningsAndSkipsTranslations(t *testing.T) {
	got := formatSuggest(LangVI, answerHits()[:3], time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if !strings.HasPrefix(got, tr(LangVI, txtSuggestIntro)) {
		t.Errorf("a suggestion must say first that the bot is not sure:\n%s", got)
	}
	if !strings.Contains(got, "⚠️ Cảnh báo") || strings.Contains(got, "Declaring X-ray equipment") {
		t.Errorf("want the warning shown and the translation left out:\n%s", got)
	}
}
