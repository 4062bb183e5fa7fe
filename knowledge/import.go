package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// Errors of ReadDocument and Import; they come wrapped with the file's path.
var (
	// ErrUnsupportedFormat: the extension is not .txt, .html, .htm or .docx.
	ErrUnsupportedFormat = errors.New("unsupported document format")
	// ErrNoText: the document holds no text.
	ErrNoText = errors.New("document has no text")
	// ErrNoDocumentNumber: no "Số: 133/2025/NĐ-CP" in the text and no
	// document in the sidecar NAME.meta.yaml.
	ErrNoDocumentNumber = errors.New("document number not found: add \"document:\" to NAME.meta.yaml")
	// ErrNoSource: no source URL in the sidecar NAME.meta.yaml; every
	// passage must say where it comes from.
	ErrNoSource = errors.New("source URL missing: add \"source:\" to NAME.meta.yaml")
	// ErrDocumentTwice: two files of one import hold the same document.
	ErrDocumentTwice = errors.New("document imported twice")
)

// ImportedDir is the folder under the knowledge dir that Import owns. Each
// document gets a sub-folder that Import replaces wholesale.
const ImportedDir = "imported"

// ReadDocument returns the plain text of a .txt, .html/.htm or .docx file,
// normalised to NFC with "\n" line ends. A text file may be UTF-8 (with or
// without BOM) or UTF-16 with BOM, as Windows Notepad saves it. Errors name
// the path and wrap ErrUnsupportedFormat, ErrInvalidUTF8, ErrNotDocx or
// ErrNoText when one of those is the cause.
func ReadDocument(path string) (string, error) {
	var text string
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt":
		text, err = readPlainText(path)
	case ".html", ".htm":
		var data []byte
		if data, err = os.ReadFile(path); err == nil {
			text, err = htmlToText(data)
		}
	case ".docx":
		text, err = docxToText(path)
	default:
		err = ErrUnsupportedFormat
	}
	if err != nil {
		return "", fmt.Errorf("knowledge: read %s: %w", path, err)
	}
	text = norm.NFC.String(strings.ReplaceAll(text, "\r\n", "\n"))
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("knowledge: read %s: %w", path, ErrNoText)
	}
	return text, nil
}

func readPlainText(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		if data, err = dec.Bytes(data); err != nil {
			return "", fmt.Errorf("decode UTF-16: %w", err)
		}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%w at line %d (save the file as UTF-8)", ErrInvalidUTF8, invalidUTF8Line(data))
	}
	return string(data), nil
}

// docMetaFile is the sidecar NAME.meta.yaml beside a source file. Its
// values override what Import detects in the text.
type docMetaFile struct {
	Document  string `yaml:"document"`
	Title     string `yaml:"title"`
	Source    string `yaml:"source"`
	Effective string `yaml:"effective"`
	Expires   string `yaml:"expires"`
	Topic     string `yaml:"topic"`
	Lang      string `yaml:"lang"`
}

// ImportedFile is one source file that Import turned into passages.
type ImportedFile struct {
	Source   string // path of the source file
	Document string // e.g. "Nghị định 133/2025/NĐ-CP"
	Dir      string // folder the passages were written to
	Passages int
}

// ImportReport says what one Import did. Errors holds one entry per source
// file that could not be imported (Line is 0); the other files were
// imported all the same.
type ImportReport struct {
	Files    []ImportedFile
	Passages int // passages written, over all files
	Errors   []LoadError
}

// Import turns every .txt, .html, .htm and .docx file directly in srcDir
// into knowledge files: it reads the text, finds the document number in it
// ("Số: 133/2025/NĐ-CP", "Nghị định số 132/2025/NĐ-CP") or in a sidecar
// NAME.meta.yaml (keys document, title, source, effective, expires, topic,
// lang; source is required), splits it with SplitLegalText and writes one
// Markdown file per passage to kbDir/imported/<document-slug>/.
//
// That folder is replaced as a whole, through a temporary folder renamed
// into place, so importing the same text twice gives the same files and a
// passage removed from the source disappears. A file that fails is listed
// in the report and changes nothing on disk. The returned error is for
// failures that stop the whole import (srcDir unreadable, kbDir not
// writable).
func Import(srcDir, kbDir string) (ImportReport, error) {
	var rep ImportReport
	dirents, err := os.ReadDir(srcDir)
	if err != nil {
		return rep, fmt.Errorf("knowledge: import: %w", err)
	}
	base := filepath.Join(kbDir, ImportedDir)
	if err := os.MkdirAll(base, 0o755); err != nil {
		return rep, fmt.Errorf("knowledge: import: %w", err)
	}
	seen := map[string]string{} // slug -> source file that produced it
	for _, d := range dirents {
		name := d.Name()
		if d.IsDir() || skippedName(name) {
			continue
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".txt", ".html", ".htm", ".docx":
		default:
			continue
		}
		src := filepath.Join(srcDir, name)
		f, err := importFile(src, base, seen)
		if err != nil {
			rep.Errors = append(rep.Errors, LoadError{Path: src, Err: err})
			continue
		}
		rep.Files = append(rep.Files, f)
		rep.Passages += f.Passages
	}
	return rep, nil
}

func importFile(src, base string, seen map[string]string) (ImportedFile, error) {
	text, err := ReadDocument(src)
	if err != nil {
		return ImportedFile{}, err
	}
	meta, err := readSidecar(src)
	if err != nil {
		return ImportedFile{}, err
	}
	if meta.Document == "" {
		meta.Document = DetectDocument(text)
	}
	if meta.Document == "" {
		return ImportedFile{}, ErrNoDocumentNumber
	}
	if meta.Title == "" {
		meta.Title = detectTitle(text, meta.Document)
	}
	if meta.Source == "" {
		return ImportedFile{}, ErrNoSource
	}
	slug := documentSlug(meta.Document, meta.Title)
	if other, dup := seen[slug]; dup {
		return ImportedFile{}, fmt.Errorf("%w: %s is also in %s", ErrDocumentTwice, meta.Document, other)
	}
	passages := SplitLegalText(text, meta)
	if len(passages) == 0 {
		return ImportedFile{}, ErrNoText
	}
	dir := filepath.Join(base, slug)
	if err := replaceDir(base, dir, slug, passages); err != nil {
		return ImportedFile{}, err
	}
	seen[slug] = src
	return ImportedFile{Source: src, Document: meta.Document, Dir: dir, Passages: len(passages)}, nil
}

// readSidecar reads NAME.meta.yaml (for NAME.txt, NAME.html, ...) if it
// exists; a missing sidecar is not an error.
func readSidecar(src string) (DocMeta, error) {
	path := strings.TrimSuffix(src, filepath.Ext(src)) + ".meta.yaml"
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return DocMeta{}, nil
	}
	if err != nil {
		return DocMeta{}, err
	}
	var m docMetaFile
	if err := yaml.Unmarshal(data, &m); err != nil {
		return DocMeta{}, fmt.Errorf("%s: %w: %v", path, ErrFrontMatterSyntax, err)
	}
	dm := DocMeta{Document: norm.NFC.String(m.Document), Title: norm.NFC.String(m.Title), Source: m.Source, Topic: m.Topic, Lang: m.Lang}
	if dm.Source != "" && !isWebURL(dm.Source) {
		return DocMeta{}, fmt.Errorf("%s: %w: source %q: want an http(s) URL", path, ErrBadValue, dm.Source)
	}
	if dm.Lang != "" && dm.Lang != "vi" && dm.Lang != "en" {
		return DocMeta{}, fmt.Errorf("%s: %w: lang %q: want vi or en", path, ErrBadValue, dm.Lang)
	}
	for _, d := range []struct {
		key, val string
		dst      *time.Time
	}{{"effective", m.Effective, &dm.Effective}, {"expires", m.Expires, &dm.Expires}} {
		if d.val == "" {
			continue
		}
		t, err := time.Parse(dateLayout, d.val)
		if err != nil {
			return DocMeta{}, fmt.Errorf("%s: %w: %s %q: want a date YYYY-MM-DD", path, ErrBadValue, d.key, d.val)
		}
		*d.dst = t
	}
	return dm, nil
}

// replaceDir writes the passages to a hidden temporary folder beside dir
// (LoadDir skips it), then swaps it in for dir, so a failed write leaves
// the previous import untouched.
func replaceDir(base, dir, slug string, passages []Entry) (err error) {
	tmp, err := os.MkdirTemp(base, ".tmp-"+slug+"-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for _, e := range passages {
		data, err := MarshalMarkdown(e)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, e.ID+".md"), data, 0o644); err != nil {
			return err
		}
	}
	old := filepath.Join(base, ".old-"+slug)
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the previous import back
		return err
	}
	return os.RemoveAll(old)
}

// Patterns for the number of a legal document in its header.
var (
	// "Số: 133/2025/NĐ-CP" in the header block.
	numberLine = regexp.MustCompile(`(?i)\bsố\s*:?\s*(\d+/\d{4}/[\p{L}\d]+(?:-[\p{L}\d]+)*)`)
	// "Nghị định số 132/2025/NĐ-CP" in a sentence.
	namedNumber = regexp.MustCompile(`(?i)\b(nghị định|thông tư|quyết định|nghị quyết|luật)\s+(?:số\s*:?\s*)?(\d+/\d{4}/[\p{L}\d]+(?:-[\p{L}\d]+)*)`)
)

// DetectDocument finds the number of the document a legal text is, in the
// form the knowledge base cites it: "Nghị định 133/2025/NĐ-CP". It prefers
// the "Số: ..." line of the header over numbers named in the text (which
// are often the legal bases), and returns "" when it finds none.
func DetectDocument(text string) string {
	head := text
	if len(head) > 4000 { // the header block; later numbers are citations
		head = head[:4000]
	}
	if m := numberLine.FindStringSubmatch(head); m != nil {
		return documentKind(m[1]) + m[1]
	}
	if m := namedNumber.FindStringSubmatch(head); m != nil {
		return documentKind(m[2]) + m[2]
	}
	return ""
}

// documentKind names a document's kind from its number's suffix.
func documentKind(number string) string {
	parts := strings.SplitN(number, "/", 3)
	if len(parts) < 3 {
		return ""
	}
	suffix := strings.ToUpper(parts[2])
	switch {
	case strings.HasPrefix(suffix, "NĐ"):
		return "Nghị định "
	case strings.HasPrefix(suffix, "TT"):
		return "Thông tư "
	case strings.HasPrefix(suffix, "QĐ"):
		return "Quyết định "
	case strings.HasPrefix(suffix, "NQ"):
		return "Nghị quyết "
	case strings.HasPrefix(suffix, "QH"):
		return "Luật "
	}
	return ""
}

// kindHeadings are the upper-case lines that precede a document's title.
var kindHeadings = map[string]bool{"NGHỊ ĐỊNH": true, "THÔNG TƯ": true, "QUYẾT ĐỊNH": true, "NGHỊ QUYẾT": true, "LUẬT": true}

// detectTitle takes the line after the "NGHỊ ĐỊNH" heading as the title,
// falling back to the document number.
func detectTitle(text, document string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if !kindHeadings[strings.ToUpper(cleanLine(l))] {
			continue
		}
		if j := nextNonEmpty(lines, i); j > 0 {
			if t := cleanLine(lines[j]); !isStructural(t) {
				return document + ": " + t
			}
		}
		break
	}
	return document
}
