package faketg

import (
	"fmt"
	"html"
	"strings"
)

// allowedTags are the tags of Telegram's HTML parse mode.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "code": true, "pre": true, "blockquote": true,
}

// CheckHTML reports the first error Telegram's parser would: an
// unsupported or unbalanced tag, an unterminated tag, or a '&' that does
// not start one of the entities Telegram knows.
func CheckHTML(s string) error {
	var stack []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return fmt.Errorf("Can't find end of the tag starting at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				name = strings.TrimSpace(name)
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top(stack), name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, _, _ := strings.Cut(tag, " ")
				if !allowedTags[name] {
					return fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				stack = append(stack, name)
			}
			i += end
		case '>':
			// Telegram tolerates a bare '>'.
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end < 0 || end > 10 || !knownEntity(s[i+1:i+end]) {
				return fmt.Errorf("Unsupported entity at byte offset %d", i)
			}
			i += end
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", top(stack))
	}
	return nil
}

func top(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

func knownEntity(name string) bool {
	switch name {
	case "lt", "gt", "amp", "quot":
		return true
	}
	if rest, ok := strings.CutPrefix(name, "#"); ok && rest != "" {
		if hex, ok := strings.CutPrefix(rest, "x"); ok {
			rest = hex
			return rest != "" && strings.Trim(rest, "0123456789abcdefABCDEF") == ""
		}
		return strings.Trim(rest, "0123456789") == ""
	}
	return false
}

// plainText removes tags and decodes entities: the text the user reads.
func plainText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}
