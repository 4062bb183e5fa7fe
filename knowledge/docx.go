package knowledge

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotDocx: the file is not a Word document (no word/document.xml inside
// a zip archive).
var ErrNotDocx = errors.New("not a DOCX file")

// maxDocumentXML bounds how much of word/document.xml is read, so that a
// hostile archive cannot exhaust memory (a decree is a few MB at most).
const maxDocumentXML = 64 << 20

// WordprocessingML namespaces: transitional (what Word writes) and strict.
const (
	wordNS       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	wordStrictNS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
)

// docxToText extracts the text of a DOCX file: one line per paragraph
// (w:p), text runs (w:t) joined, tabs and line breaks kept. Deleted
// revisions (w:delText) and field codes (w:instrText) are not text and are
// left out. Numbers that Word generates from list numbering ("Điều %1.",
// "%1.", "%1)") are not in the text runs; they are rebuilt from
// word/numbering.xml for paragraphs that name a numbering directly, so
// that an auto-numbered "Điều 3." or "2." still opens an article or clause.
// Numbering inherited from a paragraph style is not rebuilt.
func docxToText(path string) (string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotDocx, err)
	}
	defer zr.Close()
	var doc, num *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			doc = f
		case "word/numbering.xml":
			num = f
		}
	}
	if doc == nil {
		return "", fmt.Errorf("%w: word/document.xml missing", ErrNotDocx)
	}
	lists := numbering{}
	if num != nil {
		rc, err := num.Open()
		if err != nil {
			return "", fmt.Errorf("open word/numbering.xml: %w", err)
		}
		lists, err = readNumbering(io.LimitReader(rc, maxDocumentXML))
		rc.Close()
		if err != nil {
			return "", err
		}
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("open word/document.xml: %w", err)
	}
	defer rc.Close()
	return wordXMLText(io.LimitReader(rc, maxDocumentXML), lists)
}

// wordXMLText reads the body of word/document.xml.
func wordXMLText(r io.Reader, lists numbering) (string, error) {
	dec := xml.NewDecoder(r)
	var out strings.Builder
	// A paragraph's text is held until its end, when its list label (known
	// from w:numPr in its properties) is put in front. Text boxes can nest
	// paragraphs inside a paragraph, hence the stack.
	type para struct {
		text         strings.Builder
		numID, level string
	}
	var stack []*para
	write := func(s string) {
		if n := len(stack); n > 0 {
			stack[n-1].text.WriteString(s)
			return
		}
		out.WriteString(s)
	}
	inText, inNumPr := false, false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read word/document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !isWordNS(t.Name.Space) {
				continue
			}
			switch t.Name.Local {
			case "p":
				stack = append(stack, &para{})
			case "numPr":
				inNumPr = true
			case "numId", "ilvl":
				if inNumPr && len(stack) > 0 {
					if t.Name.Local == "numId" {
						stack[len(stack)-1].numID = wordAttr(t, "val")
					} else {
						stack[len(stack)-1].level = wordAttr(t, "val")
					}
				}
			case "t":
				inText = true
			case "tab":
				write("\t")
			case "br", "cr":
				write("\n")
			case "noBreakHyphen":
				write("-")
			}
		case xml.EndElement:
			if !isWordNS(t.Name.Space) {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "numPr":
				inNumPr = false
			case "p":
				if n := len(stack); n > 0 {
					p := stack[n-1]
					stack = stack[:n-1]
					text := p.text.String()
					if label := lists.next(p.numID, p.level); label != "" && strings.TrimSpace(text) != "" {
						text = label + " " + text
					}
					write(text + "\n")
				}
			case "tc": // table cells: keep a row's cells apart
				write("\t")
			}
		case xml.CharData:
			if inText {
				write(string(t))
			}
		}
	}
	return strings.TrimSpace(out.String()), nil
}

func isWordNS(ns string) bool { return ns == wordNS || ns == wordStrictNS }

// wordAttr returns the w:NAME attribute of an element.
func wordAttr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && (a.Name.Space == "" || isWordNS(a.Name.Space)) {
			return a.Value
		}
	}
	return ""
}
