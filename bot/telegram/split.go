package telegram

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// SplitHTML cuts text (Telegram's HTML subset) into parts of at most max
// UTF-16 code units each, the unit Telegram counts, measured on the HTML
// source, so a part's visible text is never longer. Parts break at a
// paragraph, else a line, else a space, in the later half of a part; a word
// is cut only when it is longer than a part. A cut never falls inside a
// tag, an entity (&amp;) or a letter and its combining tone mark, and tags
// open at a cut (<b>, <i>, <a href>, <code>, <pre>, ...) are closed at the
// end of the part and reopened at the start of the next. Whitespace at a cut
// is dropped; parts with no visible text are left out.
//
// A text that fits, or max <= 0, comes back as the only part. An opening tag
// longer than a quarter of max (a huge href) cannot be carried across parts
// and is dropped with its closing tag: the words stay, the formatting goes.
func SplitHTML(text string, max int) []string {
	if max <= 0 || splitUTF16Len(text) <= max {
		return []string{text}
	}
	toks := splitTokens(text, max/4)

	var (
		parts []string
		stack []splitOpen // tags open before toks[i]
		i     int
	)
	for i < len(toks) {
		prefix := splitOpens(stack)
		n := splitUTF16Len(prefix)
		st := append([]splitOpen(nil), stack...)
		closing := splitClosersLen(st)

		type cut struct {
			at    int // cut before toks[at]
			n     int // length of the part up to at
			rank  int // 3 paragraph, 2 line, 1 space
			stack []splitOpen
		}
		var cuts []cut
		j := i
		for ; j < len(toks); j++ {
			t := toks[j]
			next, nextClosing := st, closing
			switch t.kind {
			case splitOpenTag:
				next = append(append([]splitOpen(nil), st...), splitOpen{name: t.name, tag: t.text})
				nextClosing += len("</>") + len(t.name)
			case splitCloseTag:
				if k := splitFind(st, t.name); k >= 0 {
					next = append([]splitOpen(nil), st[:k]...)
					nextClosing = splitClosersLen(next)
				}
			}
			if n+t.n+nextClosing > max {
				break
			}
			n += t.n
			st, closing = next, nextClosing
			if t.kind == splitText {
				rank := 0
				switch t.text {
				case "\n":
					rank = 2
					if j > i && toks[j-1].text == "\n" {
						rank = 3
					}
				case " ", "\t":
					rank = 1
				}
				if rank > 0 {
					cuts = append(cuts, cut{at: j + 1, n: n, rank: rank, stack: st})
				}
			}
		}

		if j == len(toks) { // the rest fits
			parts = splitEmit(parts, prefix, toks[i:j], st)
			break
		}
		if j == i {
			// Not even one token fits beside the open tags (a tiny max or
			// deep nesting): a tag only changes what is open; a letter
			// goes alone, without formatting.
			switch t := toks[i]; t.kind {
			case splitOpenTag:
				stack = append(stack, splitOpen{name: t.name, tag: t.text})
			case splitCloseTag:
				if k := splitFind(stack, t.name); k >= 0 {
					stack = stack[:k]
				}
			default:
				parts = splitEmit(parts, "", toks[i:i+1], nil)
			}
			i++
			continue
		}

		// Choose the cut: the best rank in the later half of the part,
		// else the latest break of any rank, else right here.
		best := -1
		for k, c := range cuts {
			if 2*c.n < max {
				continue
			}
			if best < 0 || c.rank >= cuts[best].rank {
				best = k
			}
		}
		if best < 0 && len(cuts) > 0 {
			// Only early breaks: take the latest if the word after it
			// fits in a part of its own; if it does not, it will be cut
			// anyway, so fill this part instead of leaving it short.
			last := cuts[len(cuts)-1]
			word := 0
			for k := last.at; k < len(toks) && !(toks[k].kind == splitText && splitSpace(toks[k].text)); k++ {
				word += toks[k].n
			}
			if word+splitUTF16Len(splitOpens(last.stack))+splitClosersLen(last.stack) <= max {
				best = len(cuts) - 1
			}
		}
		end, endStack := j, st
		if best >= 0 {
			end, endStack = cuts[best].at, cuts[best].stack
		}
		parts = splitEmit(parts, prefix, toks[i:end], endStack)
		stack = endStack
		i = end
		for i < len(toks) && toks[i].kind == splitText && splitSpace(toks[i].text) {
			i++
		}
	}
	return parts
}

// splitEmit appends prefix + toks + closing tags for open, without trailing
// whitespace, unless the part has no visible text.
func splitEmit(parts []string, prefix string, toks []splitToken, open []splitOpen) []string {
	last := len(toks)
	for last > 0 && toks[last-1].kind == splitText && splitSpace(toks[last-1].text) {
		last--
	}
	visible := false
	var b strings.Builder
	b.WriteString(prefix)
	for _, t := range toks[:last] {
		if t.kind == splitText || t.kind == splitEntity {
			visible = true
		}
		b.WriteString(t.text)
	}
	if !visible {
		return parts
	}
	for k := len(open) - 1; k >= 0; k-- {
		b.WriteString("</" + open[k].name + ">")
	}
	return append(parts, b.String())
}

type splitKind int

const (
	splitText     splitKind = iota // one letter with its combining marks
	splitEntity                    // &amp; &#39; ...
	splitOpenTag                   // <b> <a href="...">
	splitCloseTag                  // </b>
	splitOtherTag                  // <br/>, or a dropped tag (text "")
)

type splitToken struct {
	kind splitKind
	text string
	name string // tag name, lower case
	n    int    // UTF-16 length of text
}

// splitOpen is a tag open at some point of the text.
type splitOpen struct{ name, tag string }

// splitTokens cuts text into tokens that must stay whole. Opening tags
// longer than maxTag, and their closing tags, become empty tokens.
func splitTokens(text string, maxTag int) []splitToken {
	var (
		toks    = make([]splitToken, 0, len(text)/2+8) // most letters are one or two bytes
		open    []bool                                 // per open tag: dropped?
		openTag []string
	)
	for i := 0; i < len(text); {
		if text[i] == '<' {
			if end := splitTagEnd(text, i); end > 0 {
				raw := text[i:end]
				t := splitToken{kind: splitOpenTag, text: raw, n: splitUTF16Len(raw)}
				switch {
				case strings.HasPrefix(raw, "</"):
					t.kind = splitCloseTag
					t.name = splitTagName(raw[2:])
					for k := len(openTag) - 1; k >= 0; k-- {
						if openTag[k] == t.name {
							if open[k] {
								t = splitToken{kind: splitOtherTag}
							}
							open, openTag = open[:k], openTag[:k]
							break
						}
					}
				case strings.HasSuffix(raw, "/>"):
					t.kind = splitOtherTag
				default:
					t.name = splitTagName(raw[1:])
					drop := t.n > maxTag
					open, openTag = append(open, drop), append(openTag, t.name)
					if drop {
						t = splitToken{kind: splitOtherTag, name: t.name}
					}
				}
				toks = append(toks, t)
				i = end
				continue
			}
		}
		if text[i] == '&' {
			if end := splitEntityEnd(text, i); end > 0 {
				toks = append(toks, splitToken{kind: splitEntity, text: text[i:end], n: end - i})
				i = end
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		end := i + size
		for end < len(text) {
			r, sz := utf8.DecodeRuneInString(text[end:])
			if !unicode.In(r, unicode.Mn, unicode.Me) {
				break
			}
			end += sz
		}
		toks = append(toks, splitToken{kind: splitText, text: text[i:end], n: splitUTF16Len(text[i:end])})
		i = end
	}
	return toks
}

// splitTagEnd returns the index after the '>' closing the tag at i, skipping
// quoted attribute values, or 0 if there is none.
func splitTagEnd(s string, i int) int {
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1
		case c == '<':
			return 0
		}
	}
	return 0
}

// splitEntityEnd returns the index after the ';' of an entity at i, or 0.
func splitEntityEnd(s string, i int) int {
	for j := i + 1; j < len(s) && j-i <= 32; j++ {
		c := s[j]
		switch {
		case c == ';':
			if j == i+1 {
				return 0
			}
			return j + 1
		case c == '#' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		default:
			return 0
		}
	}
	return 0
}

func splitTagName(s string) string {
	end := strings.IndexAny(s, " \t\n/>")
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

func splitFind(st []splitOpen, name string) int {
	for k := len(st) - 1; k >= 0; k-- {
		if st[k].name == name {
			return k
		}
	}
	return -1
}

func splitOpens(st []splitOpen) string {
	var b strings.Builder
	for _, o := range st {
		b.WriteString(o.tag)
	}
	return b.String()
}

func splitClosersLen(st []splitOpen) int {
	n := 0
	for _, o := range st {
		n += len("</>") + len(o.name)
	}
	return n
}

func splitSpace(s string) bool { return s == " " || s == "\n" || s == "\t" || s == "\r" }

// splitUTF16Len is the length of s in UTF-16 code units, as Telegram counts.
func splitUTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
