package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// DocMeta describes the legal document a text comes from; SplitLegalText
// copies it into every passage.
type DocMeta struct {
	Document  string    // e.g. "Nghị định 133/2025/NĐ-CP"; also the stem of passage ids
	Title     string    // the document's title, used for the passage before Điều 1
	Source    string    // URL of the official text
	Effective time.Time // zero when unknown
	Expires   time.Time // zero when unknown
	Lang      string    // "vi" (default) or "en"
	Topic     string
}

// Lines that open a unit of a Vietnamese legal text. Headings are matched
// at the start of a line only: "Điều 5 của Luật..." inside a sentence, or a
// quoted article in an amending text, must not open a passage.
var (
	chapterLine = regexp.MustCompile(`^(?i:chương)\s+([IVXLCDM]+|\d+)\b\.?\s*(.*)$`)
	sectionLine = regexp.MustCompile(`^(?i:mục)\s+(\d+)\b\.?\s*(.*)$`)
	// "Điều 36. Title", "Điều 36:", or a bare "Điều 115" as in the
	// Constitution, whose articles have no titles. At most four digits
	// (the Civil Code has 689 articles): the number goes into passage
	// ids, which must stay within the 64 bytes a knowledge file allows.
	articleLine = regexp.MustCompile(`^(?i:điều)\s+(\d{1,4}[a-zđ]?)(?:\s*([.:])\s*(.*))?$`)
	clauseLine  = regexp.MustCompile(`^(\d{1,3})\.(?:\s+(.*))?$`)
	// endLine marks the signature block, which belongs to no article.
	endLine = regexp.MustCompile(`^(?i:nơi nhận)\s*:`)
)

// SplitLegalText splits the plain text of a decree, circular or law into
// passages an officer can read on a phone: one per numbered clause (khoản)
// of an article (Điều), one for an article without clauses, one for an
// article's lead-in before its first clause, and one for the preamble
// before the first article. Chương and Mục headings close the passage
// before them. The signature block from "Nơi nhận:" on is dropped.
//
// Article is "Điều 36" or "Điều 36, khoản 2"; Title is the article's
// heading ("Điều 36. ..."). IDs derive from doc.Document and the article
// ("133-2025-nd-cp-dieu-36-khoan-2"), so importing the same text again
// gives the same ids. Clause numbers must run 1, 2, 3, ... within an
// article; a line starting with any other number stays in the current
// clause. The text is normalised to NFC first.
func SplitLegalText(text string, doc DocMeta) []Entry {
	text = norm.NFC.String(strings.ReplaceAll(text, "\r\n", "\n"))
	if doc.Lang == "" {
		doc.Lang = "vi"
	}
	s := splitter{doc: doc, stem: documentSlug(doc.Document, doc.Title), ids: map[string]int{}}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := cleanLine(lines[i])
		if line == "" {
			continue
		}
		if endLine.MatchString(line) {
			break
		}
		// A Chương or Mục heading closes the passage before it.
		h := chapterLine.FindStringSubmatch(line)
		if h == nil {
			h = sectionLine.FindStringSubmatch(line)
		}
		if h != nil && isHeadingTitle(h[2]) {
			s.flushArticle()
			s.flushPreamble()
			if h[2] == "" { // title on the next line, as in most decrees
				i = skipHeadingTitle(lines, i)
			}
			continue
		}
		if m := articleLine.FindStringSubmatch(line); m != nil {
			s.flushArticle()
			s.flushPreamble()
			heading := line
			if m[2] != "" && m[3] == "" { // "Điều 3." alone, title on the next line
				if j := nextNonEmpty(lines, i); j > 0 && !isStructural(cleanLine(lines[j])) {
					heading = strings.TrimSpace(line) + " " + cleanLine(lines[j])
					i = j
				}
			}
			s.article = &article{num: m[1], heading: heading}
			continue
		}
		if s.article != nil {
			if m := clauseLine.FindStringSubmatch(line); m != nil {
				if n, _ := strconv.Atoi(m[1]); n == len(s.article.clauses)+1 {
					s.article.clauses = append(s.article.clauses, []string{line})
					continue
				}
			}
			s.article.add(line)
			continue
		}
		s.preamble = append(s.preamble, line)
	}
	s.flushArticle()
	s.flushPreamble()
	return s.out
}

// article collects one Điều while it is read.
type article struct {
	num     string
	heading string
	intro   []string   // lines between the heading and clause 1
	clauses [][]string // clause k is clauses[k-1]
}

func (a *article) add(line string) {
	if n := len(a.clauses); n > 0 {
		a.clauses[n-1] = append(a.clauses[n-1], line)
		return
	}
	a.intro = append(a.intro, line)
}

type splitter struct {
	doc      DocMeta
	stem     string
	ids      map[string]int // id -> times used, to keep ids unique
	preamble []string
	article  *article
	out      []Entry
}

func (s *splitter) flushPreamble() {
	if len(s.preamble) == 0 {
		return
	}
	title := s.doc.Title
	if title == "" {
		title = s.doc.Document
	}
	s.emit("mo-dau", "", title, s.preamble)
	s.preamble = nil
}

func (s *splitter) flushArticle() {
	a := s.article
	if a == nil {
		return
	}
	s.article = nil
	base := "dieu-" + strings.ToLower(fold(a.num))
	cite := "Điều " + a.num
	if len(a.clauses) == 0 {
		s.emit(base, cite, a.heading, append([]string{a.heading}, a.intro...))
		return
	}
	if len(a.intro) > 0 {
		s.emit(base, cite, a.heading, append([]string{a.heading}, a.intro...))
	}
	for k, c := range a.clauses {
		n := strconv.Itoa(k + 1)
		s.emit(base+"-khoan-"+n, cite+", khoản "+n, a.heading, c)
	}
}

func (s *splitter) emit(suffix, cite, title string, lines []string) {
	id := s.stem + "-" + suffix
	s.ids[id]++
	if n := s.ids[id]; n > 1 { // an article number seen twice (a quoted article)
		id += "-" + strconv.Itoa(n)
	}
	s.out = append(s.out, Entry{
		ID:        id,
		Title:     title,
		Lang:      s.doc.Lang,
		Topic:     s.doc.Topic,
		Document:  s.doc.Document,
		Article:   cite,
		Source:    s.doc.Source,
		Effective: s.doc.Effective,
		Expires:   s.doc.Expires,
		Text:      strings.Join(lines, "\n"),
	})
}

// cleanLine trims a line and collapses runs of white space (including the
// no-break spaces that HTML and Word copies are full of) to one space.
func cleanLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// isHeadingTitle tells a heading ("Chương II. QUY ĐỊNH CHUNG", or a bare
// "Chương II") from a sentence that starts with a reference to one ("Mục 2
// Chương III Luật này quy định ..."): heading titles are upper case.
func isHeadingTitle(rest string) bool {
	return rest == "" || rest == strings.ToUpper(rest)
}

func nextNonEmpty(lines []string, i int) int {
	for j := i + 1; j < len(lines); j++ {
		if cleanLine(lines[j]) != "" {
			return j
		}
	}
	return -1
}

func isStructural(line string) bool {
	return chapterLine.MatchString(line) || sectionLine.MatchString(line) ||
		articleLine.MatchString(line) || clauseLine.MatchString(line) || endLine.MatchString(line)
}

// skipHeadingTitle skips the upper-case title line that follows a bare
// "Chương II" or "Mục 1" line and returns the index of the last line used.
func skipHeadingTitle(lines []string, i int) int {
	j := nextNonEmpty(lines, i)
	if j < 0 {
		return i
	}
	next := cleanLine(lines[j])
	if isStructural(next) || next != strings.ToUpper(next) {
		return i
	}
	return j
}

// documentNumber finds a number like "133/2025/NĐ-CP" or "94/2025/QH15".
var documentNumber = regexp.MustCompile(`\d+/\d{4}/[\p{L}\d]+(?:-[\p{L}\d]+)*`)

// documentSlug turns "Nghị định 133/2025/NĐ-CP" into "133-2025-nd-cp": the
// stem of passage ids and the folder name under imported/. With no number
// it slugs the whole name (or the title).
func documentSlug(document, title string) string {
	src := document
	if m := documentNumber.FindString(document); m != "" {
		src = m
	}
	if strings.TrimSpace(src) == "" {
		src = title
	}
	slug := slugify(src)
	if len(slug) > 40 {
		slug = strings.TrimRight(slug[:40], "-")
	}
	if slug == "" {
		slug = "document"
	}
	return slug
}

// slugify folds Vietnamese to lower-case ASCII (with the analyzer's fold)
// and joins words with '-'.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(fold(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
