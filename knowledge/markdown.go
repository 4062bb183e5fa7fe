package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// Errors reported (wrapped in a LoadError) for a knowledge file that cannot
// be loaded. Callers branch on them with errors.Is.
var (
	// ErrNoFrontMatter: the file does not start with a "---" line, or the
	// closing "---" line is missing.
	ErrNoFrontMatter = errors.New("no front matter (the file must start with a --- line and close it with another)")
	// ErrFrontMatterSyntax: the front matter is not valid YAML, or not a mapping.
	ErrFrontMatterSyntax = errors.New("front matter is not valid YAML")
	// ErrMissingKey: a required key (id, title, lang, source) is absent or empty.
	ErrMissingKey = errors.New("required key missing")
	// ErrBadValue: a key has a value of the wrong shape (bad date, bad URL,
	// unknown lang, unknown key, ...).
	ErrBadValue = errors.New("bad value")
	// ErrDuplicateID: another file already uses this id.
	ErrDuplicateID = errors.New("duplicate id")
	// ErrInvalidUTF8: the file is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrEmptyBody: the file has front matter but no text.
	ErrEmptyBody = errors.New("empty body")
)

// dateLayout is the only date form accepted in front matter (YYYY-MM-DD).
const dateLayout = "2006-01-02"

// idPattern keeps ids short and ASCII: they end up in file names, URLs and
// Telegram callback data (at most 64 bytes).
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// fileError is a failure inside one file, before its path is known to the
// caller; LoadDir turns it into a LoadError.
type fileError struct {
	line int
	err  error
}

// ParseMarkdown reads one knowledge file: YAML front matter between two
// "---" lines, then the Markdown body, which becomes Entry.Text. path is
// recorded in Entry.Path and used in errors. Title, body and keywords are
// normalised to Unicode NFC so that composed and decomposed input compare
// equal. The returned error is a *LoadError wrapping one of the sentinel
// errors above.
func ParseMarkdown(path string, data []byte) (Entry, error) {
	e, ferr := parseMarkdown(data)
	if ferr != nil {
		return Entry{}, &LoadError{Path: path, Line: ferr.line, Err: ferr.err}
	}
	e.Path = path
	return e, nil
}

func parseMarkdown(data []byte) (Entry, *fileError) {
	if !utf8.Valid(data) {
		return Entry{}, &fileError{line: invalidUTF8Line(data), err: ErrInvalidUTF8}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // editors on Windows add a BOM
	text := strings.ReplaceAll(string(data), "\r\n", "\n")

	first, rest, ok := strings.Cut(text, "\n")
	if !ok || strings.TrimSpace(first) != "---" {
		return Entry{}, &fileError{line: 1, err: ErrNoFrontMatter}
	}
	// Find the closing fence; the front matter starts on file line 2.
	var fm string
	var body string
	closed := false
	offset := 0
	for offset <= len(rest) {
		end := strings.IndexByte(rest[offset:], '\n')
		line := rest[offset:]
		next := len(rest) + 1
		if end >= 0 {
			line = rest[offset : offset+end]
			next = offset + end + 1
		}
		if strings.TrimRight(line, " \t") == "---" {
			fm = rest[:offset]
			if next <= len(rest) {
				body = rest[next:]
			}
			closed = true
			break
		}
		offset = next
	}
	if !closed {
		return Entry{}, &fileError{line: 1, err: ErrNoFrontMatter}
	}

	e, ferr := decodeFrontMatter(fm)
	if ferr != nil {
		ferr.line++ // YAML line 1 is file line 2
		return Entry{}, ferr
	}
	e.Text = norm.NFC.String(strings.TrimSpace(body))
	if e.Text == "" {
		return Entry{}, &fileError{line: strings.Count(text[:len(first)+1+len(fm)], "\n") + 1, err: ErrEmptyBody}
	}
	return e, nil
}

// yamlLine finds the "line N" that yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlErrorLine finds the line that breaks the front matter. yaml.v3 often
// reports the line where the enclosing construct started, or the one
// before, so the shortest failing prefix of lines is searched instead (front
// matter is a few dozen lines); yaml.v3's own number is the fallback.
func yamlErrorLine(fm string, err error) int {
	lines := strings.SplitAfter(fm, "\n")
	var probe yaml.Node
	for k := 1; k <= len(lines); k++ {
		if yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &probe) != nil {
			return k
		}
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if n, _ := strconv.Atoi(m[1]); n > 0 {
			return n
		}
	}
	return 1
}

// decodeFrontMatter walks the YAML node tree rather than unmarshalling into
// Entry so that every problem can be reported with the line of its key.
// Line numbers in the returned error are relative to the front matter.
func decodeFrontMatter(fm string) (Entry, *fileError) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(fm), &doc); err != nil {
		return Entry{}, &fileError{line: yamlErrorLine(fm, err), err: fmt.Errorf("%w: %s", ErrFrontMatterSyntax, yamlLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), ""))}
	}
	if len(doc.Content) == 0 {
		return Entry{}, &fileError{line: 0, err: fmt.Errorf("%w: id", ErrMissingKey)}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return Entry{}, &fileError{line: root.Line, err: fmt.Errorf("%w: expected key: value pairs", ErrFrontMatterSyntax)}
	}

	var e Entry
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := k.Value
		if prev, dup := seen[key]; dup {
			return Entry{}, &fileError{line: k.Line, err: fmt.Errorf("%w: key %q repeated (first on line %d)", ErrBadValue, key, prev+1)}
		}
		seen[key] = k.Line
		bad := func(format string, args ...any) *fileError {
			return &fileError{line: v.Line, err: fmt.Errorf("%w: %s: %s", ErrBadValue, key, fmt.Sprintf(format, args...))}
		}
		if key == "keywords" {
			kw, ok := keywordList(v)
			if !ok {
				return Entry{}, bad("want a list of words")
			}
			e.Keywords = kw
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return Entry{}, bad("want a single value")
		}
		val := strings.TrimSpace(v.Value)
		if v.Tag == "!!null" {
			val = ""
		}
		switch key {
		case "id":
			if val != "" && !idPattern.MatchString(val) {
				return Entry{}, bad("%q: use lower-case ASCII letters, digits, '-', '_' or '.', at most 64", val)
			}
			e.ID = val
		case "title":
			e.Title = norm.NFC.String(val)
		case "lang":
			if val != "" && val != "vi" && val != "en" {
				return Entry{}, bad("%q: want vi or en", val)
			}
			e.Lang = val
		case "topic":
			e.Topic = val
		case "document":
			e.Document = norm.NFC.String(val)
		case "article":
			e.Article = norm.NFC.String(val)
		case "source":
			if val != "" && !isWebURL(val) {
				return Entry{}, bad("%q: want an http(s) URL", val)
			}
			e.Source = val
		case "confidence":
			switch val {
			case "", ConfidenceVerified, ConfidenceSingleSource, ConfidenceCheckStatus:
			default:
				return Entry{}, bad("%q: want %s, %s or %s", val, ConfidenceVerified, ConfidenceSingleSource, ConfidenceCheckStatus)
			}
			e.Confidence = val
		case "effective", "expires", "reviewed", "review":
			var t time.Time
			if val != "" {
				var err error
				if t, err = time.Parse(dateLayout, val); err != nil {
					return Entry{}, bad("%q: want a date YYYY-MM-DD", val)
				}
			}
			switch key {
			case "effective":
				e.Effective = t
			case "expires":
				e.Expires = t
			case "review":
				e.Review = t
			default:
				e.Reviewed = t
			}
		default:
			// A misspelt key would otherwise be dropped without a word.
			return Entry{}, &fileError{line: k.Line, err: fmt.Errorf("%w: unknown key %q", ErrBadValue, key)}
		}
	}
	for _, req := range []struct{ key, val string }{{"id", e.ID}, {"title", e.Title}, {"lang", e.Lang}, {"source", e.Source}} {
		if req.val == "" {
			line := 0 // the opening "---", once shifted to file lines
			if l, ok := seen[req.key]; ok {
				line = l
			}
			return Entry{}, &fileError{line: line, err: fmt.Errorf("%w: %s", ErrMissingKey, req.key)}
		}
	}
	if !e.Expires.IsZero() && !e.Effective.IsZero() && e.Expires.Before(e.Effective) {
		return Entry{}, &fileError{line: seen["expires"], err: fmt.Errorf("%w: expires %s is before effective %s", ErrBadValue, e.Expires.Format(dateLayout), e.Effective.Format(dateLayout))}
	}
	return e, nil
}

// keywordList accepts a YAML list of scalars, or one scalar holding a
// comma-separated list, which is what people type when in a hurry.
func keywordList(v *yaml.Node) ([]string, bool) {
	var out []string
	add := func(s string) {
		s = norm.NFC.String(strings.TrimSpace(s))
		if s != "" {
			out = append(out, s)
		}
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag != "!!null" {
			for _, s := range strings.Split(v.Value, ",") {
				add(s)
			}
		}
	case yaml.SequenceNode:
		for _, c := range v.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, false
			}
			add(c.Value)
		}
	default:
		return nil, false
	}
	return out, true
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// invalidUTF8Line returns the 1-based line of the first invalid byte.
func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// frontMatter is the on-disk shape written by MarshalMarkdown: fixed key
// order and dates as YYYY-MM-DD strings, so output is byte-for-byte stable.
type frontMatter struct {
	ID         string   `yaml:"id"`
	Title      string   `yaml:"title"`
	Lang       string   `yaml:"lang"`
	Topic      string   `yaml:"topic,omitempty"`
	Document   string   `yaml:"document,omitempty"`
	Article    string   `yaml:"article,omitempty"`
	Source     string   `yaml:"source"`
	Effective  string   `yaml:"effective,omitempty"`
	Expires    string   `yaml:"expires,omitempty"`
	Reviewed   string   `yaml:"reviewed,omitempty"`
	Review     string   `yaml:"review,omitempty"`
	Confidence string   `yaml:"confidence,omitempty"`
	Keywords   []string `yaml:"keywords,omitempty,flow"`
}

// MarshalMarkdown renders e as a knowledge file that ParseMarkdown reads
// back into the same Entry (Path aside). The output depends only on e.
func MarshalMarkdown(e Entry) ([]byte, error) {
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(dateLayout)
	}
	fm := frontMatter{
		ID: e.ID, Title: e.Title, Lang: e.Lang, Topic: e.Topic, Document: e.Document,
		Article: e.Article, Source: e.Source, Effective: date(e.Effective),
		Expires: date(e.Expires), Reviewed: date(e.Reviewed), Review: date(e.Review),
		Confidence: e.Confidence, Keywords: e.Keywords,
	}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("knowledge: marshal %s: %w", e.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("knowledge: marshal %s: %w", e.ID, err)
	}
	buf.WriteString("---\n\n")
	buf.WriteString(strings.TrimSpace(e.Text))
	buf.WriteString("\n")
	return buf.Bytes(), nil
}
