package slack

import (
	"strings"
)

// plainFromSlack turns the text of a Slack message (mrkdwn as Slack sends
// it: & < > escaped, mentions and links in angle brackets) into the plain
// text the core reads:
//
//	<@U1> or <@U1|bob>      → "@" + the user's display name (name(U1))
//	<#C1|general>           → "#general"
//	<!here>, <!channel>     → "@here", "@channel"
//	<http://x|label>        → "label (http://x)"; <http://x> → "http://x"
//	&amp; &lt; &gt;         → & < >
//
// A mention of botUser at the very start is dropped ("<@UBOT> help" →
// "help"). name may be nil.
func plainFromSlack(text, botUser string, name func(userID string) string) string {
	if botUser != "" {
		t := strings.TrimLeft(text, " \t\n")
		for _, p := range []string{"<@" + botUser + ">", "<@" + botUser + "|"} {
			if strings.HasPrefix(t, p) {
				if end := strings.IndexByte(t, '>'); end >= 0 {
					text = strings.TrimLeft(t[end+1:], " \t\n:,")
				}
				break
			}
		}
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '<')
		if i < 0 {
			b.WriteString(unescapeSlack(text))
			break
		}
		j := strings.IndexByte(text[i:], '>')
		if j < 0 {
			b.WriteString(unescapeSlack(text))
			break
		}
		b.WriteString(unescapeSlack(text[:i]))
		b.WriteString(angle(text[i+1:i+j], name))
		text = text[i+j+1:]
	}
	return strings.TrimSpace(b.String())
}

// angle renders the inside of one <…> of Slack's text.
func angle(in string, name func(string) string) string {
	target, label, hasLabel := strings.Cut(in, "|")
	target, label = unescapeSlack(target), unescapeSlack(label)
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		if name != nil {
			if n := name(id); n != "" {
				return "@" + n
			}
		}
		if hasLabel && label != "" {
			return "@" + label
		}
		return "@" + id
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		cmd, _, _ := strings.Cut(target[1:], "^")
		if hasLabel && label != "" {
			return label
		}
		return "@" + cmd
	default: // a link: http(s), mailto, tel
		if !hasLabel || label == "" || label == target {
			return strings.TrimPrefix(target, "mailto:")
		}
		if strings.TrimPrefix(target, "mailto:") == label {
			return label
		}
		return label + " (" + target + ")"
	}
}

var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescapeSlack(s string) string { return slackUnescaper.Replace(s) }
