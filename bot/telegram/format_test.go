package telegram_test

import (
	"testing"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func TestEscapeHTML(t *testing.T) {
	got := telegram.EscapeHTML(`a<b> & "c" Sở KH&CN`)
	if want := `a&lt;b&gt; &amp; &quot;c&quot; Sở KH&amp;CN`; got != want {
		t.Errorf("EscapeHTML = %q, want %q", got, want)
	}
}

func TestHelpers(t *testing.T) {
	cases := []struct{ got, want string }{
		{telegram.Bold("a<b"), "<b>a&lt;b</b>"},
		{telegram.Italic("x&y"), "<i>x&amp;y</i>"},
		{telegram.Code("132/2025/NĐ-CP"), "<code>132/2025/NĐ-CP</code>"},
		{telegram.Link("https://x.vn/a?b=1&c=2", "nguồn <1>"), `<a href="https://x.vn/a?b=1&amp;c=2">nguồn &lt;1&gt;</a>`},
		{telegram.Link("javascript:alert(1)", "bấm"), "bấm"},
		{telegram.Link("/relative", "bấm"), "bấm"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestSanitizeHTML(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"valid stays", `<b>Điều 36</b> <i>x</i> <a href="https://a.vn/?a=1&amp;b=2">n</a> &lt;&#39;&#x41;`, `<b>Điều 36</b> <i>x</i> <a href="https://a.vn/?a=1&amp;b=2">n</a> &lt;&#39;&#x41;`},
		{"unsupported tag escaped", `<div>x</div>`, `&lt;div&gt;x&lt;/div&gt;`},
		{"bare reserved characters", `a < b > c & d`, `a &lt; b &gt; c &amp; d`},
		{"unknown entity", `&nbsp;x`, `&amp;nbsp;x`},
		{"unclosed tag closed", `<b>đậm <i>nghiêng`, `<b>đậm <i>nghiêng</i></b>`},
		{"stray end tag escaped", `x</b>`, `x&lt;/b&gt;`},
		{"misnested end tag escaped", `<b><i>x</b></i>`, `<b><i>x&lt;/b&gt;</i></b>`},
		{"attributes dropped", `<b style="x">y</b>`, `<b>y</b>`},
		{"spoiler span kept", `<span class="tg-spoiler">s</span>`, `<span class="tg-spoiler">s</span>`},
		{"plain span escaped", `<span>s</span>`, `&lt;span&gt;s&lt;/span&gt;`},
		{"code language kept", `<pre><code class="language-go">x</code></pre>`, `<pre><code class="language-go">x</code></pre>`},
		{"upper case tag", `<B>x</B>`, `<b>x</b>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := telegram.SanitizeHTML(tc.in); got != tc.want {
				t.Errorf("SanitizeHTML(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestStripHTML(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<b>Điều 36</b>, NĐ 133 &amp; TT &lt;1&gt;`, `Điều 36, NĐ 133 & TT <1>`},
		{`xem <a href="https://a.vn/x?a=1&amp;b=2">văn bản</a>.`, `xem văn bản (https://a.vn/x?a=1&b=2).`},
		{`<a href="https://a.vn">https://a.vn</a>`, `https://a.vn`},
		{`a < b`, `a < b`},
	}
	for _, tc := range cases {
		if got := telegram.StripHTML(tc.in); got != tc.want {
			t.Errorf("StripHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSanitizeHTML(f *testing.F) {
	for _, s := range []string{"<b>x", "a<b>c</i>", "&amp;&x;", `<a href="h">t</a>`, "<<>>", "<b><i></b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := telegram.SanitizeHTML(s)
		if err := faketg.CheckHTML(once); err != nil {
			t.Errorf("SanitizeHTML(%q) = %q, which Telegram refuses: %v", s, once, err)
		}
		if twice := telegram.SanitizeHTML(once); twice != once {
			t.Errorf("SanitizeHTML not stable:\n%q\n%q\n%q", s, once, twice)
		}
	})
}
