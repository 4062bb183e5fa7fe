package console

import (
	"html"
	"strings"
)

// Plain renders a reply's Telegram HTML subset as terminal text: tags are
// dropped, a link shows its address after its label, entities are decoded.
func Plain(s string) string {
	var b strings.Builder
	var href string // address of the <a> being rendered
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(html.UnescapeString(s))
			break
		}
		b.WriteString(html.UnescapeString(s[:i]))
		j := strings.IndexByte(s[i:], '>')
		if j < 0 { // not a tag: a lone "<" (cannot happen in escaped text)
			b.WriteString(html.UnescapeString(s[i:]))
			break
		}
		tag := s[i+1 : i+j]
		s = s[i+j+1:]
		name, attrs, _ := strings.Cut(tag, " ")
		switch strings.ToLower(name) {
		case "a":
			href = attr(attrs, "href")
		case "/a":
			if href != "" {
				b.WriteString(" (" + href + ")")
			}
			href = ""
		}
	}
	return b.String()
}

// attr returns the value of attribute name in a tag's attribute text.
func attr(attrs, name string) string {
	k := name + `="`
	i := strings.Index(attrs, k)
	if i < 0 {
		return ""
	}
	v, _, _ := strings.Cut(attrs[i+len(k):], `"`)
	return html.UnescapeString(v)
}
