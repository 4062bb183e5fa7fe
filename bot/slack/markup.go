package slack

import (
	"html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The core writes replies in a small HTML subset (<b>, <i>, <a href>,
// <code>, entities; see outbox.Reply). This file renders it for Slack.
//
// Security: every text node of the markup, once its entities are decoded,
// may be an officer's words, and Slack must show it as text. So & < > are
// escaped as Slack asks (&amp; &lt; &gt;), which keeps "<!channel>",
// "<@U1>" and "<http://x|y>" from becoming mentions or links, and the
// mrkdwn characters * _ ~ ` are fenced with zero-width joiners, which keeps
// them from opening bold, italics, strikes or code. Formatting and links
// come only from the markup's own tags, and links only for http(s) URLs.

// zwj is the zero-width joiner that fences mrkdwn characters.
const zwj = "\u200d"

// node is one piece of parsed markup: a text (tag == "") or an element.
type node struct {
	tag      string // "b", "i", "code", "a" or "" for text
	text     string // decoded text of a text node
	href     string // decoded href of an <a>
	children []*node
}

// tagAlias maps the tags the markup may hold to the four we render.
var tagAlias = map[string]string{
	"b": "b", "strong": "b", "i": "i", "em": "i", "code": "code", "pre": "code", "a": "a",
	"u": "", "s": "", "ins": "", "del": "", "span": "", "tg-spoiler": "",
}

// parseMarkup parses the core markup into a tree. It never fails: an
// unknown or broken tag is kept as text, and an unclosed one ends with
// the text.
func parseMarkup(s string) []*node {
	root := &node{tag: "root"}
	stack := []*node{root}
	top := func() *node { return stack[len(stack)-1] }
	addText := func(t string) {
		if t == "" {
			return
		}
		p := top()
		if n := len(p.children); n > 0 && p.children[n-1].tag == "" && p.children[n-1].children == nil {
			p.children[n-1].text += t
			return
		}
		p.children = append(p.children, &node{text: t})
	}
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			addText(html.UnescapeString(s))
			break
		}
		addText(html.UnescapeString(s[:i]))
		s = s[i:]
		j := strings.IndexByte(s, '>')
		if j < 0 {
			addText(s) // a bare '<': text as it stands
			break
		}
		raw := s[1:j]
		closing := strings.HasPrefix(raw, "/")
		name, attrs, _ := strings.Cut(strings.TrimPrefix(raw, "/"), " ")
		name = strings.ToLower(strings.TrimSpace(name))
		canon, known := tagAlias[name]
		if !known {
			addText(html.UnescapeString(s[:j+1]))
			s = s[j+1:]
			continue
		}
		s = s[j+1:]
		if closing {
			// Close the nearest open element of that name, if any.
			for k := len(stack) - 1; k > 0; k-- {
				if stack[k].tag == canon || (canon == "" && stack[k].tag == "span") {
					stack = stack[:k]
					break
				}
			}
			continue
		}
		if canon == "" {
			canon = "span" // a tag shown as its content only
		}
		n := &node{tag: canon}
		if canon == "a" {
			n.href = html.UnescapeString(attr(attrs, "href"))
		}
		p := top()
		p.children = append(p.children, n)
		stack = append(stack, n)
	}
	return root.children
}

// attr reads one attribute (double or single quoted) from a tag's
// attribute text.
func attr(attrs, name string) string {
	for attrs != "" {
		attrs = strings.TrimLeft(attrs, " \t\n")
		k, rest, ok := strings.Cut(attrs, "=")
		if !ok || rest == "" {
			return ""
		}
		q := rest[0]
		if q != '"' && q != '\'' {
			v, tail, _ := strings.Cut(rest, " ")
			if strings.EqualFold(strings.TrimSpace(k), name) {
				return v
			}
			attrs = tail
			continue
		}
		end := strings.IndexByte(rest[1:], q)
		if end < 0 {
			return ""
		}
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return rest[1 : 1+end]
		}
		attrs = rest[2+end:]
	}
	return ""
}

// Mrkdwn renders core markup as Slack mrkdwn, every text node escaped
// (see the comment at the top of this file).
func Mrkdwn(markup string) string {
	var b strings.Builder
	renderMrkdwn(&b, parseMarkup(markup), false)
	return b.String()
}

func renderMrkdwn(b *strings.Builder, nodes []*node, inCode bool) {
	for _, n := range nodes {
		switch n.tag {
		case "":
			if inCode {
				b.WriteString(escapeCode(n.text))
			} else {
				b.WriteString(EscapeText(n.text))
			}
		case "b", "i", "code":
			mark := map[string]string{"b": "*", "i": "_", "code": "`"}[n.tag]
			var inner strings.Builder
			renderMrkdwn(&inner, n.children, inCode || n.tag == "code")
			wrap(b, inner.String(), mark, inCode)
		case "a":
			label := plainOf(n.children)
			if u, ok := safeURL(n.href); ok {
				if label == "" || label == n.href {
					b.WriteString("<" + u + ">")
				} else {
					b.WriteString("<" + u + "|" + escapeLabel(label) + ">")
				}
				continue
			}
			renderMrkdwn(b, n.children, inCode)
		default: // span
			renderMrkdwn(b, n.children, inCode)
		}
	}
}

// wrap writes inner between two marks, keeping the spaces at its ends
// outside them (Slack formats "*x*", not "* x *"). Inside code, marks are
// not written: code cannot hold formatting.
func wrap(b *strings.Builder, inner, mark string, inCode bool) {
	core := strings.TrimFunc(inner, unicode.IsSpace)
	if core == "" || inCode {
		b.WriteString(inner)
		return
	}
	lead := inner[:strings.Index(inner, core)]
	trail := inner[len(lead)+len(core):]
	b.WriteString(lead + mark + core + mark + trail)
}

var (
	slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	mrkdwnFence  = strings.NewReplacer("*", zwj+"*"+zwj, "_", zwj+"_"+zwj, "~", zwj+"~"+zwj, "`", zwj+"`"+zwj)
)

// EscapeText makes s, plain text that may be anyone's, safe to put in a
// Slack mrkdwn text: it shows as written, never as a mention, link or
// formatting.
func EscapeText(s string) string {
	s = mrkdwnFence.Replace(slackEscaper.Replace(s))
	// A line starting with ">" would be a quote.
	if strings.HasPrefix(s, "&gt;") {
		s = zwj + s
	}
	return strings.ReplaceAll(s, "\n&gt;", "\n"+zwj+"&gt;")
}

// escapeCode escapes text inside a code span: & < > as entities, and a
// backtick, which would end the span, as a look-alike.
func escapeCode(s string) string {
	return strings.ReplaceAll(slackEscaper.Replace(s), "`", "ˋ")
}

// escapeLabel escapes a link's label: like EscapeText, and '|' would not
// matter, but '>' would end the link (escaped already).
func escapeLabel(s string) string { return EscapeText(s) }

// safeURL returns u ready for "<u|label>" when it is an absolute http(s)
// URL: & < > escaped, and '|' percent-encoded so it cannot start a label.
func safeURL(u string) (string, bool) {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return "", false
	}
	s := strings.ReplaceAll(p.String(), "|", "%7C")
	return slackEscaper.Replace(s), true
}

// PlainText renders core markup as plain text: tags dropped, entities
// decoded, an http(s) link's URL after its label. For Slack plain_text objects
// (titles, labels, buttons) and for logs; not escaped.
func PlainText(markup string) string { return plainOf(parseMarkup(markup)) }

func plainOf(nodes []*node) string {
	var b strings.Builder
	for _, n := range nodes {
		switch n.tag {
		case "":
			b.WriteString(n.text)
		case "a":
			label := plainOf(n.children)
			b.WriteString(label)
			if _, ok := safeURL(n.href); ok && n.href != label {
				b.WriteString(" (" + n.href + ")")
			}
		default:
			b.WriteString(plainOf(n.children))
		}
	}
	return b.String()
}

// cutRunes cuts s to at most n characters, ending it with "…" when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// splitMrkdwn cuts rendered mrkdwn into parts of at most max characters,
// preferring line ends, then spaces, and never cutting an entity (&amp;)
// or a fenced character in two.
func splitMrkdwn(s string, max int) []string {
	var parts []string
	for utf8.RuneCountInString(s) > max {
		r := []rune(s)
		cut := max
		if i := lastIndexRune(r[:max], '\n'); i > max/2 {
			cut = i + 1
		} else if i := lastIndexRune(r[:max], ' '); i > max/2 {
			cut = i + 1
		}
		// Do not end inside an entity or between a fence and its character.
		if amp := lastIndexRune(r[:cut], '&'); amp >= 0 && amp > cut-6 && lastIndexRune(r[amp:cut], ';') < 0 {
			cut = amp
		}
		for cut > 1 && (string(r[cut-1]) == zwj || string(r[cut]) == zwj) {
			cut--
		}
		parts = append(parts, string(r[:cut]))
		s = string(r[cut:])
	}
	if s != "" || len(parts) == 0 {
		parts = append(parts, s)
	}
	return parts
}

func lastIndexRune(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}
