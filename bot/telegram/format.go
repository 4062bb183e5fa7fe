package telegram

import (
	"html"
	"net/url"
	"strings"
)

// htmlEscaper escapes the characters Telegram's HTML parse mode reserves.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// EscapeHTML makes s safe to put in a Telegram HTML message as text.
func EscapeHTML(s string) string { return htmlEscaper.Replace(s) }

// Bold returns s escaped inside <b>.
func Bold(s string) string { return "<b>" + EscapeHTML(s) + "</b>" }

// Italic returns s escaped inside <i>.
func Italic(s string) string { return "<i>" + EscapeHTML(s) + "</i>" }

// Code returns s escaped inside <code>.
func Code(s string) string { return "<code>" + EscapeHTML(s) + "</code>" }

// Link returns an <a> to href showing text. A href that is not an
// absolute http, https or tg URL (Telegram refuses others) gives the
// escaped text alone.
func Link(href, text string) string {
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg") || (u.Scheme != "tg" && u.Host == "") {
		return EscapeHTML(text)
	}
	return `<a href="` + EscapeHTML(href) + `">` + EscapeHTML(text) + "</a>"
}

// telegramTags are the tags Telegram's HTML parse mode accepts, with the
// attribute each may keep ("" for none).
var telegramTags = map[string]string{
	"b": "", "strong": "", "i": "", "em": "", "u": "", "ins": "",
	"s": "", "strike": "", "del": "", "tg-spoiler": "", "pre": "",
	"blockquote": "", "a": "href", "code": "class", "span": "class",
}

// SanitizeHTML returns s in a form Telegram's parser accepts while keeping
// every supported, well-nested tag: unsupported or stray tags and bare
// '<', '>' and '&' are escaped (shown as text), unclosed tags are closed at
// the end. Attributes other than <a href>, <code class> and <span
// class="tg-spoiler"> are dropped. Text already valid comes back unchanged
// except for attribute quoting.
func SanitizeHTML(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	var open []string
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				b.WriteString("&lt;")
				i++
				continue
			}
			tag, ok := sanitizeTag(s[i+1:i+end], &open)
			if !ok {
				b.WriteString("&lt;")
				i++
				continue
			}
			b.WriteString(tag)
			i += end + 1
		case '>':
			b.WriteString("&gt;")
			i++
		case '&':
			if n := entityLen(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
			} else {
				b.WriteString("&amp;")
				i++
			}
		default:
			b.WriteByte(c)
			i++
		}
	}
	for j := len(open) - 1; j >= 0; j-- {
		b.WriteString("</" + open[j] + ">")
	}
	return b.String()
}

// sanitizeTag returns the cleaned tag for the inside of <...>, updating
// the stack of open tags; ok is false when the tag must be escaped.
func sanitizeTag(inner string, open *[]string) (string, bool) {
	// Telegram reads a tag only when a name follows '<' or '</' at once.
	name := strings.TrimPrefix(inner, "/")
	if name == "" || !('a' <= name[0]|0x20 && name[0]|0x20 <= 'z') {
		return "", false
	}
	if name, ok := strings.CutPrefix(inner, "/"); ok {
		name = strings.ToLower(strings.TrimSpace(name))
		if n := len(*open); n > 0 && (*open)[n-1] == name {
			*open = (*open)[:n-1]
			return "</" + name + ">", true
		}
		return "", false
	}
	name, attrs, _ := strings.Cut(inner, " ")
	name = strings.ToLower(name)
	keep, ok := telegramTags[name]
	if !ok {
		return "", false
	}
	out := "<" + name
	if keep != "" {
		if v, found := attrValue(attrs, keep); found {
			switch {
			case name == "a":
				out += ` href="` + EscapeHTML(html.UnescapeString(v)) + `"`
			case name == "span" && v == "tg-spoiler", name == "code" && strings.HasPrefix(v, "language-"):
				out += ` class="` + EscapeHTML(v) + `"`
			}
		}
	}
	if name == "span" && !strings.Contains(out, "class=") {
		return "", false // Telegram accepts <span> only as a spoiler
	}
	*open = append(*open, name)
	return out + ">", true
}

// attrValue finds name="value" (or single quotes) in a tag's attributes.
func attrValue(attrs, name string) (string, bool) {
	for attrs != "" {
		attrs = strings.TrimLeft(attrs, " \t\n")
		k, rest, ok := strings.Cut(attrs, "=")
		if !ok {
			return "", false
		}
		k = strings.ToLower(strings.TrimSpace(k))
		rest = strings.TrimLeft(rest, " ")
		if rest == "" {
			return "", false
		}
		var v string
		if q := rest[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(rest[1:], q)
			if end < 0 {
				return "", false
			}
			v, attrs = rest[1:1+end], rest[2+end:]
		} else {
			v, attrs, _ = strings.Cut(rest, " ")
		}
		if k == name {
			return v, true
		}
	}
	return "", false
}

// entityLen returns the length of the entity at the start of s if it is
// one Telegram knows (&lt; &gt; &amp; &quot; &#N; &#xH;), else 0.
func entityLen(s string) int {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return 0
	}
	name := s[1:end]
	switch name {
	case "lt", "gt", "amp", "quot":
		return end + 1
	}
	if rest, ok := strings.CutPrefix(name, "#"); ok && rest != "" {
		digits := "0123456789"
		if hex, ok := strings.CutPrefix(rest, "x"); ok {
			rest, digits = hex, "0123456789abcdefABCDEF"
		}
		if rest != "" && strings.Trim(rest, digits) == "" {
			return end + 1
		}
	}
	return 0
}

// StripHTML turns Telegram HTML into the plain text a user would read:
// tags removed (a link keeps its URL in brackets when it differs from
// its text), entities decoded. It is the fallback when Telegram refuses
// a message's HTML.
func StripHTML(s string) string {
	var b strings.Builder
	var href string
	var linkText strings.Builder
	inLink := false
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		text := html.UnescapeString(s[:i])
		b.WriteString(text)
		if inLink {
			linkText.WriteString(text)
		}
		s = s[i:]
		if s == "" {
			break
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			b.WriteString(html.UnescapeString(s))
			break
		}
		tag := strings.TrimSpace(s[1:end])
		s = s[end+1:]
		name, attrs, _ := strings.Cut(tag, " ")
		switch strings.ToLower(name) {
		case "a":
			href, _ = attrValue(attrs, "href")
			href = html.UnescapeString(href)
			inLink = true
			linkText.Reset()
		case "/a":
			if inLink && href != "" && strings.TrimSpace(linkText.String()) != href {
				b.WriteString(" (" + href + ")")
			}
			inLink = false
		}
	}
	return b.String()
}
