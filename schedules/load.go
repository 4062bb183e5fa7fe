package schedules

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// defaultCalendar is the calendar shipped with the binary.
//
//go:embed deadlines.yaml
var defaultCalendar []byte

// DefaultCalendarName is the name errors give the embedded calendar.
const DefaultCalendarName = "schedules/deadlines.yaml"

// ErrInvalidCalendar is wrapped by every validation error of a calendar
// file; the error text starts with "file:line:".
var ErrInvalidCalendar = errors.New("invalid deadline calendar")

// Calendar is a loaded, validated set of deadlines, in file order. It is
// immutable once loaded.
type Calendar struct {
	Source    string // the file it came from (DefaultCalendarName when embedded)
	Deadlines []*Deadline
}

// Get returns the deadline with id, or nil.
func (c *Calendar) Get(id string) *Deadline {
	if c == nil {
		return nil
	}
	for _, d := range c.Deadlines {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// Filter returns the deadlines of audience a ("" for all).
func (c *Calendar) Filter(a Audience) []*Deadline {
	var out []*Deadline
	for _, d := range c.Deadlines {
		if a == "" || d.Audience == a {
			out = append(out, d)
		}
	}
	return out
}

// LoadCalendar loads the calendar at path, or the embedded one when path is
// empty (cmd passes SUPPORTBOT_DEADLINES_FILE). Errors wrap
// ErrInvalidCalendar and name the file and line, or the read error.
func LoadCalendar(path string) (*Calendar, error) {
	if path == "" {
		return ParseCalendar(DefaultCalendarName, defaultCalendar)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("schedules: read deadline calendar: %w", err)
	}
	return ParseCalendar(path, b)
}

// DefaultCalendar returns the embedded calendar; it is validated by the
// tests, so an error here is a build mistake and panics.
func DefaultCalendar() *Calendar {
	c, err := ParseCalendar(DefaultCalendarName, defaultCalendar)
	if err != nil {
		panic(err)
	}
	return c
}

// calendarError is one validation error at a line of a file.
type calendarError struct {
	file string
	line int
	msg  string
}

func (e *calendarError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
}

func (e *calendarError) Unwrap() error { return ErrInvalidCalendar }

// Line returns the line number of a calendar error, or 0.
func Line(err error) int {
	var ce *calendarError
	if errors.As(err, &ce) {
		return ce.line
	}
	return 0
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// The keys each mapping may hold; anything else is an unknown field.
var (
	entryKeys      = []string{"id", "title", "basis", "confidence", "audience", "recurrence", "cutoff", "reminders", "ref"}
	textKeys       = []string{"vi", "en"}
	basisKeys      = []string{"document", "article", "url"}
	recurrenceKeys = []string{"cron", "yearly", "once"}
	reminderKeys   = []string{"offsets", "at"}
)

// ParseCalendar parses and validates a calendar; name is used in errors.
// It refuses: YAML errors, unknown fields, a missing id, title (both
// languages), basis document or url (the source), an unknown confidence
// or audience, a recurrence that is not exactly one of cron, yearly, once,
// a cron spec that does not parse or never fires, an impossible date
// (30/02), bad offsets, duplicate ids.
func ParseCalendar(name string, data []byte) (*Calendar, error) {
	bad := func(line int, format string, a ...any) error {
		return &calendarError{file: name, line: line, msg: fmt.Sprintf(format, a...)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrInvalidCalendar, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, bad(1, "empty file: want a mapping with a deadlines list")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, bad(root.Line, "want a mapping with a deadlines list")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "deadlines" {
			return nil, bad(k.Line, "unknown field %q (want deadlines)", k.Value)
		}
		list = v
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, bad(root.Line, "want a deadlines list")
	}
	loc := VietnamLocation()
	now := time.Now()
	cal := &Calendar{Source: name}
	seen := map[string]int{}
	for _, n := range list.Content {
		d, err := parseEntry(n, loc, now, bad)
		if err != nil {
			return nil, err
		}
		if l, dup := seen[d.ID]; dup {
			return nil, bad(n.Line, "duplicate id %q (first at line %d)", d.ID, l)
		}
		seen[d.ID] = n.Line
		cal.Deadlines = append(cal.Deadlines, d)
	}
	return cal, nil
}

// mapping checks that n is a mapping with only the allowed keys and
// returns its values by key.
func mapping(n *yaml.Node, what string, allowed []string, bad func(int, string, ...any) error) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, bad(n.Line, "%s: want a mapping", what)
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return nil, bad(k.Line, "%s: unknown field %q (want one of %s)", what, k.Value, strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, bad(k.Line, "%s: field %q given twice", what, k.Value)
		}
		out[k.Value] = n.Content[i+1]
	}
	return out, nil
}

func scalar(n *yaml.Node, what string, bad func(int, string, ...any) error) (string, error) {
	if n == nil {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", bad(n.Line, "%s: want a single value", what)
	}
	return strings.TrimSpace(n.Value), nil
}

func text(n *yaml.Node, what string, required bool, parent int, bad func(int, string, ...any) error) (Text, error) {
	if n == nil {
		if required {
			return Text{}, bad(parent, "%s: missing (want vi and en)", what)
		}
		return Text{}, nil
	}
	m, err := mapping(n, what, textKeys, bad)
	if err != nil {
		return Text{}, err
	}
	var t Text
	if t.VI, err = scalar(m["vi"], what+".vi", bad); err != nil {
		return Text{}, err
	}
	if t.EN, err = scalar(m["en"], what+".en", bad); err != nil {
		return Text{}, err
	}
	if t.VI == "" || t.EN == "" {
		return Text{}, bad(n.Line, "%s: want both vi and en", what)
	}
	return t, nil
}

func parseEntry(n *yaml.Node, loc *time.Location, now time.Time, bad func(int, string, ...any) error) (*Deadline, error) {
	m, err := mapping(n, "deadline", entryKeys, bad)
	if err != nil {
		return nil, err
	}
	d := &Deadline{Line: n.Line, loc: loc}
	if d.ID, err = scalar(m["id"], "id", bad); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(d.ID) {
		return nil, bad(n.Line, "id %q: want 1 to 40 lower-case letters, digits and dashes", d.ID)
	}
	where := func(field string) string { return d.ID + ": " + field }
	if d.Title, err = text(m["title"], where("title"), true, n.Line, bad); err != nil {
		return nil, err
	}
	if d.Cutoff, err = text(m["cutoff"], where("cutoff"), false, n.Line, bad); err != nil {
		return nil, err
	}
	if d.Ref, err = scalar(m["ref"], where("ref"), bad); err != nil {
		return nil, err
	}

	// The source.
	bn := m["basis"]
	if bn == nil {
		return nil, bad(n.Line, "%s: missing (the legal basis: document, article, url)", where("basis"))
	}
	bm, err := mapping(bn, where("basis"), basisKeys, bad)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"document", &d.Basis.Document}, {"article", &d.Basis.Article}, {"url", &d.Basis.URL}} {
		if *f.dst, err = scalar(bm[f.key], where("basis."+f.key), bad); err != nil {
			return nil, err
		}
	}
	if d.Basis.Document == "" {
		return nil, bad(bn.Line, "%s: missing source document", where("basis"))
	}
	if d.Basis.URL == "" {
		return nil, bad(bn.Line, "%s: missing source url", where("basis"))
	}
	if u, err := url.Parse(d.Basis.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, bad(bm["url"].Line, "%s: %q is not an http(s) link", where("basis.url"), d.Basis.URL)
	}

	c, err := scalar(m["confidence"], where("confidence"), bad)
	if err != nil {
		return nil, err
	}
	d.Confidence = Confidence(c)
	if d.Confidence != Verified && d.Confidence != CheckStatus {
		return nil, bad(lineOf(m["confidence"], n), "%s: %q: want %q or %q", where("confidence"), c, Verified, CheckStatus)
	}
	a, err := scalar(m["audience"], where("audience"), bad)
	if err != nil {
		return nil, err
	}
	d.Audience = Audience(a)
	if !slices.Contains(Audiences, d.Audience) {
		return nil, bad(lineOf(m["audience"], n), "%s: %q: want one of %s, %s, %s", where("audience"), a, AudienceProvince, AudienceCommune, AudienceFacility)
	}

	// The recurrence: exactly one of cron, yearly, once.
	rn := m["recurrence"]
	if rn == nil {
		return nil, bad(n.Line, "%s: missing (cron, yearly or once)", where("recurrence"))
	}
	rm, err := mapping(rn, where("recurrence"), recurrenceKeys, bad)
	if err != nil {
		return nil, err
	}
	if len(rm) != 1 {
		return nil, bad(rn.Line, "%s: want exactly one of cron, yearly, once", where("recurrence"))
	}
	switch {
	case rm["cron"] != nil:
		spec, err := scalar(rm["cron"], where("recurrence.cron"), bad)
		if err != nil {
			return nil, err
		}
		s, err := ParseSpec(spec, loc, now)
		if err != nil {
			return nil, bad(rm["cron"].Line, "%s: %v", where("recurrence.cron"), err)
		}
		d.sched = s
		d.Recurrence = "cron: " + spec
	case rm["yearly"] != nil:
		dates, err := scalarList(rm["yearly"], where("recurrence.yearly"), bad)
		if err != nil {
			return nil, err
		}
		for _, x := range dates {
			dm, err := parseDayMonth(x.Value)
			if err != nil {
				return nil, bad(x.Line, "%s: %v", where("recurrence.yearly"), err)
			}
			d.yearly = append(d.yearly, dm)
		}
		d.Recurrence = "yearly: " + joinValues(dates)
	default:
		dates, err := scalarList(rm["once"], where("recurrence.once"), bad)
		if err != nil {
			return nil, err
		}
		for _, x := range dates {
			t, err := parseDate(x.Value, loc)
			if err != nil {
				return nil, bad(x.Line, "%s: %v", where("recurrence.once"), err)
			}
			d.once = append(d.once, t)
		}
		slices.SortFunc(d.once, func(a, b time.Time) int { return a.Compare(b) })
		d.Recurrence = "once: " + joinValues(dates)
	}

	// The reminders.
	remn := m["reminders"]
	if remn == nil {
		return nil, bad(n.Line, "%s: missing (offsets and at)", where("reminders"))
	}
	remm, err := mapping(remn, where("reminders"), reminderKeys, bad)
	if err != nil {
		return nil, err
	}
	if remm["offsets"] == nil {
		return nil, bad(remn.Line, "%s: missing offsets (such as [7d, 3d, 1d, 0d])", where("reminders"))
	}
	offs, err := scalarList(remm["offsets"], where("reminders.offsets"), bad)
	if err != nil {
		return nil, err
	}
	for _, x := range offs {
		o, err := parseOffset(x.Value)
		if err != nil {
			return nil, bad(x.Line, "%s: %v", where("reminders.offsets"), err)
		}
		if slices.Contains(d.Offsets, o) {
			return nil, bad(x.Line, "%s: %s given twice", where("reminders.offsets"), x.Value)
		}
		d.Offsets = append(d.Offsets, o)
	}
	if len(d.Offsets) == 0 {
		return nil, bad(remn.Line, "%s: no offsets", where("reminders"))
	}
	slices.SortFunc(d.Offsets, func(a, b int) int { return b - a })
	d.At = "08:00"
	if remm["at"] != nil {
		if d.At, err = scalar(remm["at"], where("reminders.at"), bad); err != nil {
			return nil, err
		}
	}
	if d.atH, d.atM, err = parseClock(d.At); err != nil {
		return nil, bad(lineOf(remm["at"], remn), "%s: %v", where("reminders.at"), err)
	}
	return d, nil
}

// scalarList accepts a sequence of scalars, or one scalar.
func scalarList(n *yaml.Node, what string, bad func(int, string, ...any) error) ([]*yaml.Node, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{n}, nil
	case yaml.SequenceNode:
		for _, x := range n.Content {
			if x.Kind != yaml.ScalarNode {
				return nil, bad(x.Line, "%s: want a list of values", what)
			}
		}
		if len(n.Content) == 0 {
			return nil, bad(n.Line, "%s: empty list", what)
		}
		return n.Content, nil
	}
	return nil, bad(n.Line, "%s: want a list of values", what)
}

func joinValues(ns []*yaml.Node) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strings.TrimSpace(n.Value)
	}
	return strings.Join(s, ", ")
}

func lineOf(n, parent *yaml.Node) int {
	if n != nil {
		return n.Line
	}
	return parent.Line
}
