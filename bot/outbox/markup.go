package outbox

import (
	"net/url"
	"strings"
)

// The core markup (see Reply) is built with these two, wherever a reply is
// written: the conversation in package bot, reminders and escalations in
// package schedules.

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
)

// Escape makes s plain text in the core markup: every piece of user or
// knowledge text goes through it before it reaches a Reply.
func Escape(s string) string { return textEscaper.Replace(s) }

// Link renders <a href="u">label</a> when u is an http(s) URL, else just
// the escaped label: a javascript: or relative "source" must never become
// a link.
func Link(u, label string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return Escape(label)
	}
	return `<a href="` + attrEscaper.Replace(u) + `">` + Escape(label) + `</a>`
}
