package slack_test

import (
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot/slack"
)

func TestMrkdwn(t *testing.T) {
	z := "\u200d"
	for _, tc := range []struct{ in, want string }{
		{"<b>Phiếu HT-000042</b> đã mở", "*Phiếu HT-000042* đã mở"},
		{"<b> đậm </b>x", " *đậm* x"},
		{"<i>nghiêng</i> và <code>a*b</code>", "_nghiêng_ và `a*b`"},
		{"<code>a`b &lt;x&gt;</code>", "`aˋb &lt;x&gt;`"},
		{`<a href="https://vbpl.vn/a?b=1&amp;c=2">NĐ &lt;132&gt;</a>`, "<https://vbpl.vn/a?b=1&amp;c=2|NĐ &lt;132&gt;>"},
		{`<a href="https://a.vn/x|y">https://a.vn/x|y</a>`, "<https://a.vn/x%7Cy>"},
		{`<a href="javascript:alert(1)">bấm</a>`, "bấm"},
		{`<a href="ftp://x">tệp</a>`, "tệp"},
		{"&lt;!channel&gt; &lt;@U1&gt;", "&lt;!channel&gt; &lt;@U1&gt;"},
		{"a &amp; b", "a &amp; b"},
		{"&gt; không phải trích dẫn\n&gt; nữa", z + "&gt; không phải trích dẫn\n" + z + "&gt; nữa"},
		{"*x* _y_ ~z~", z + "*" + z + "x" + z + "*" + z + " " + z + "_" + z + "y" + z + "_" + z + " " + z + "~" + z + "z" + z + "~" + z},
		{"<b>không đóng", "*không đóng*"},
		{"<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"},
		{"a < b", "a &lt; b"},
		{"<u>gạch</u> <s>bỏ</s>", "gạch bỏ"},
	} {
		if got := slack.Mrkdwn(tc.in); got != tc.want {
			t.Errorf("Mrkdwn(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<b>Tỉnh</b>: Lào Cai", "Tỉnh: Lào Cai"},
		{`<a href="https://a.vn">Luật</a>`, "Luật (https://a.vn)"},
		{`<a href="https://a.vn">https://a.vn</a>`, "https://a.vn"},
		{`<a href="javascript:x">bấm</a>`, "bấm"},
		{"&lt;!here&gt; &amp;", "<!here> &"},
	} {
		if got := slack.PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeTextNeverLeavesAngles(t *testing.T) {
	in := "<!channel> <@U1> <http://x|y> & *b* _i_ ~s~ `c`"
	out := slack.EscapeText(in)
	if strings.ContainsAny(out, "<>") || strings.Contains(out, "& ") {
		t.Fatalf("EscapeText(%q) = %q", in, out)
	}
	for _, c := range []string{"*b*", "_i_", "~s~", "`c`"} {
		if strings.Contains(out, c) {
			t.Errorf("%s survived as formatting", c)
		}
	}
}
