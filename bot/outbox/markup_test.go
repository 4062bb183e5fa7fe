package outbox_test

import (
	"testing"

	"github.com/mostvn/supportbot/bot/outbox"
)

func TestMarkup(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{outbox.Escape(`<b>KH&CN</b> "x"`), `&lt;b&gt;KH&amp;CN&lt;/b&gt; "x"`},
		{outbox.Link("https://vbpl.vn/?a=1&b=2", "NĐ <133>"), `<a href="https://vbpl.vn/?a=1&amp;b=2">NĐ &lt;133&gt;</a>`},
		{outbox.Link(`https://x.vn/"onmouseover`, "x"), `<a href="https://x.vn/&quot;onmouseover">x</a>`},
		{outbox.Link("javascript:alert(1)", "nguồn"), "nguồn"},
		{outbox.Link("/relative", "a&b"), "a&amp;b"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
