package telegram_test

import (
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/mostvn/supportbot/bot/telegram"
)

func u16(s string) int { return len(utf16.Encode([]rune(s))) }

func TestSplitHTMLExamples(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"fits", "<b>Xin chào</b>", 100, []string{"<b>Xin chào</b>"}},
		{"no limit", strings.Repeat("a", 5000), 0, []string{strings.Repeat("a", 5000)}},
		{"at a paragraph", "Điều 1 quy định.\n\nĐiều 2 hướng dẫn thêm.", 30,
			[]string{"Điều 1 quy định.", "Điều 2 hướng dẫn thêm."}},
		{"at a space, closing and reopening bold", "<b>một hai ba bốn năm sáu</b>", 20,
			[]string{"<b>một hai ba</b>", "<b>bốn năm sáu</b>"}},
		{"a link is reopened with its href", `Xem <a href="https://x.vn/a">Nghị định 133/2025/NĐ-CP quy định chức năng, nhiệm vụ, quyền hạn của Bộ</a>.`, 100,
			[]string{`Xem <a href="https://x.vn/a">Nghị định 133/2025/NĐ-CP quy định chức năng, nhiệm vụ, quyền hạn</a>`, `<a href="https://x.vn/a">của Bộ</a>.`}},
		{"a huge href is dropped, its words kept", `<a href="https://x.vn/` + strings.Repeat("a", 40) + `">Nghị định 133</a> năm 2025`, 40,
			[]string{"Nghị định 133 năm 2025"}},
		{"an entity stays whole", "aaaaaaa&amp;bbbbbbb", 10, []string{"aaaaaaa", "&amp;bbbbb", "bb"}},
		{"a long word is cut, not left alone", "Bộ " + strings.Repeat("x", 30), 20, []string{"Bộ " + strings.Repeat("x", 17), strings.Repeat("x", 13)}},
		{"a short word moves whole", "Bộ " + strings.Repeat("x", 18), 20, []string{"Bộ", strings.Repeat("x", 18)}},
		{"a tone mark stays on its letter", "hoa\u0300hoa\u0300hoa\u0300", 4, []string{"hoa\u0300", "hoa\u0300", "hoa\u0300"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := telegram.SplitHTML(tc.text, tc.max)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Errorf("SplitHTML(%q, %d) =\n%q\nwant\n%q", tc.text, tc.max, got, tc.want)
			}
		})
	}
}

var (
	splitTagRE    = regexp.MustCompile(`<(/?)([a-z]+)[^<>]*>`)
	splitEntityRE = regexp.MustCompile(`&[#a-zA-Z0-9]+;`)
)

// splitCheckPart fails unless part is within max, has only whole tags and
// entities, and closes every tag it opens, in order.
func splitCheckPart(t *testing.T, part string, max int) {
	t.Helper()
	if n := u16(part); n > max {
		t.Fatalf("part of %d units > max %d: %q", n, max, part)
	}
	var stack []string
	for _, m := range splitTagRE.FindAllStringSubmatch(part, -1) {
		if m[1] == "" {
			stack = append(stack, m[2])
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != m[2] {
			t.Fatalf("unbalanced </%s> in %q", m[2], part)
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		t.Fatalf("unclosed %v in %q", stack, part)
	}
	rest := splitEntityRE.ReplaceAllString(splitTagRE.ReplaceAllString(part, ""), "")
	if strings.ContainsAny(rest, "<>&") {
		t.Fatalf("a cut tag or entity in %q", part)
	}
}

// visible is what the reader sees, with whitespace runs made one space.
func visible(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(splitTagRE.ReplaceAllString(s, ""))), " ")
}

func TestSplitHTMLProperties(t *testing.T) {
	words := []string{"Nghị", "định", "133/2025/NĐ-CP", "quy", "định", "chức", "năng", "của", "Bộ", "KH&amp;CN",
		"X-quang", "&lt;tên&gt;", "🇻🇳", "hoa\u0300", "sở", "hữu", "trí", "tuệ", "an", "toàn", "bức", "xạ",
		"Điều", "36", "UBND", "cấp", "xã", strings.Repeat("dàiquá", 12)}
	open := []string{"<b>", "<i>", "<code>", `<a href="https://thuvienphapluat.vn/van-ban?id=1&amp;x=2">`}
	closer := map[string]string{"<b>": "</b>", "<i>": "</i>", "<code>": "</code>"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 40 {
		var b strings.Builder
		var stack []string
		for range 20 + rng.IntN(400) {
			switch x := rng.IntN(20); {
			case x == 0 && len(stack) < 3:
				o := open[rng.IntN(len(open))]
				if slices.Contains(stack, o) {
					continue // Telegram nests no tag in itself
				}
				b.WriteString(o)
				stack = append(stack, o)
			case x == 1 && len(stack) > 0:
				o := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if c, ok := closer[o]; ok {
					b.WriteString(c)
				} else {
					b.WriteString("</a>")
				}
			case x == 2:
				b.WriteString("\n\n")
			case x == 3:
				b.WriteString("\n")
			default:
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteString(" ")
			}
		}
		for i := len(stack) - 1; i >= 0; i-- {
			if c, ok := closer[stack[i]]; ok {
				b.WriteString(c)
			} else {
				b.WriteString("</a>")
			}
		}
		text := b.String()
		for _, max := range []int{40, 97, 256} {
			parts := telegram.SplitHTML(text, max)
			for _, p := range parts {
				splitCheckPart(t, p, max)
			}
			// No letter is lost or added; only the one word longer than
			// a part (dàiquá…) may be cut.
			got, want := visible(strings.Join(parts, " ")), visible(text)
			if strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(want, " ", "") {
				t.Fatalf("round %d max %d: text changed\n got %q\nwant %q", round, max, got, want)
			}
			if max >= 256 && got != want {
				t.Fatalf("round %d max %d: a word was cut\n got %q\nwant %q", round, max, got, want)
			}
		}
	}
}

func TestSplitHTMLPrefersLineBreaks(t *testing.T) {
	para := strings.TrimSpace(strings.Repeat("chữ ", 20)) // 79 units
	text := para + "\n" + para + "\n" + para
	parts := telegram.SplitHTML(text, 200)
	if want := []string{para + "\n" + para, para}; fmt.Sprintf("%q", parts) != fmt.Sprintf("%q", want) {
		t.Errorf("parts = %q\nwant %q (a cut at the second line break)", parts, want)
	}
}

func BenchmarkSplitHTML(b *testing.B) {
	text := strings.Repeat("<b>Điều 36.</b> Nghị định 133/2025/NĐ-CP quy định &amp; hướng dẫn <a href=\"https://x.vn\">chi tiết</a>.\n", 1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		telegram.SplitHTML(text, 4096)
	}
}
