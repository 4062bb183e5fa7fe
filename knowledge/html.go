package knowledge

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// htmlToText extracts the readable text of an HTML page (a decree saved
// from a legal portal): one line per block element (p, div, li, tr,
// headings, br), scripts, styles and forms left out, entities decoded.
// Pages not in UTF-8 are decoded from the charset they declare.
func htmlToText(data []byte) (string, error) {
	var r io.Reader = bytes.NewReader(data)
	if !utf8.Valid(data) {
		cr, err := charset.NewReader(bytes.NewReader(data), "text/html")
		if err != nil {
			return "", fmt.Errorf("decode charset: %w", err)
		}
		r = cr
	}
	root, err := html.Parse(r)
	if err != nil {
		return "", fmt.Errorf("parse HTML: %w", err)
	}
	var w textWriter
	w.walk(root)
	return w.String(), nil
}

// textWriter accumulates text, turning block boundaries into newlines and
// collapsing the white space HTML treats as insignificant.
type textWriter struct {
	b     strings.Builder
	space bool // a space is pending before the next word
	pre   int  // depth of <pre> elements: their line breaks are kept
}

func (w *textWriter) newline() {
	w.space = false
	if s := w.b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		w.b.WriteByte('\n')
	}
}

func (w *textWriter) text(s string) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		w.space = w.space || s != ""
		return
	}
	if startsWithSpace(s) {
		w.space = true
	}
	for i, f := range fields {
		if (i > 0 || w.space) && w.b.Len() > 0 && !strings.HasSuffix(w.b.String(), "\n") {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(f)
	}
	w.space = endsWithSpace(s)
}

func (w *textWriter) String() string { return strings.TrimSpace(w.b.String()) }

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func endsWithSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func (w *textWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if w.pre > 0 {
			for i, line := range strings.Split(n.Data, "\n") {
				if i > 0 {
					w.newline()
				}
				w.text(line)
			}
			return
		}
		w.text(n.Data)
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head,
			atom.Iframe, atom.Svg, atom.Button, atom.Select, atom.Form, atom.Nav:
			return
		case atom.Br:
			w.newline()
			return
		case atom.Td, atom.Th:
			w.space = true
		}
	}
	block := n.Type == html.ElementNode && blockElements[n.DataAtom]
	if block {
		w.newline()
	}
	if n.DataAtom == atom.Pre {
		w.pre++
		defer func() { w.pre-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.newline()
	}
}

// blockElements start and end a line of text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.Table: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Main: true, atom.Body: true,
	atom.Center: true, atom.Caption: true,
}
