package schedules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The on-call rota: who of the ministry's support team is on call at any
// moment. It is a YAML file (see rota.example.yaml):
//
//	timezone: Asia/Ho_Chi_Minh      # optional, this is the default
//	handover: {weekday: monday, time: "08:30"}
//	start: 2026-11-30               # the first person's week starts at the first handover on or after this date
//	people:                         # the weekly rotation, in order
//	  - {user: U024BE7LH, name: Nguyễn Thị Lan}
//	  - {user: U0G9QF9C6, name: Trần Văn Minh}
//	overrides:                      # swaps: someone else is on call from … to …
//	  - {from: "2026-12-05 18:00", to: "2026-12-06 08:00", user: U0G9QF9C6, note: đổi ca với Lan}
//
// Each week, from the handover, the next person of the list is on call,
// round and round. An override puts its user on call for its interval
// instead; overrides may not overlap. A Rota is immutable and safe for
// concurrent use.

// Rota is a loaded on-call rota.
type Rota struct {
	loc       *time.Location
	weekday   time.Weekday
	hour, min int
	anchor    time.Time // the first handover on or after start: people[0]'s first week
	people    []RotaPerson
	overrides []rotaOverride // sorted by from; they do not overlap
}

// RotaPerson is one member of the rotation.
type RotaPerson struct {
	User string // Slack user ID
	Name string
}

type rotaOverride struct {
	from, to   time.Time
	user, name string
}

// Shift is an interval during which one person is on call. Adjacent
// intervals of the same person (a regular week and a swap of the same
// person) make one Shift.
type Shift struct {
	User  string // Slack user ID; "" for nobody (no rota)
	Name  string // the person's name, else the user ID
	From  time.Time
	Until time.Time
	// Swap is true when the moment asked about falls in an override.
	Swap bool
}

// Label is how staff read the person: the name, else the user ID.
func (s Shift) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return s.User
}

// RotaError is a problem with a rota file, at a line (0 when the problem
// has none, such as a missing field at the top level).
type RotaError struct {
	File string
	Line int
	Msg  string
}

func (e *RotaError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ErrBadRota is matched (errors.Is) by every *RotaError.
var ErrBadRota = errors.New("schedules: bad rota")

// Is makes errors.Is(err, ErrBadRota) true.
func (e *RotaError) Is(target error) bool { return target == ErrBadRota }

// LoadRota reads and checks a rota file. Errors: a *RotaError (the file
// name, the line and what is wrong) for any problem of the content, else
// the error reading the file.
func LoadRota(path string) (*Rota, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("schedules: read rota: %w", err)
	}
	return ParseRota(path, b)
}

// rotaFile is the YAML as written. Every value is a rotaValue so that
// problems are reported with their line; unknown keys are refused.
type rotaFile struct {
	Timezone  rotaValue          `yaml:"timezone"`
	Handover  rotaHandover       `yaml:"handover"`
	Start     rotaValue          `yaml:"start"`
	People    []rotaPersonYAML   `yaml:"people"`
	Overrides []rotaOverrideYAML `yaml:"overrides"`
}

type rotaHandover struct {
	Weekday rotaValue `yaml:"weekday"`
	Time    rotaValue `yaml:"time"`
}

type rotaPersonYAML struct {
	User rotaValue `yaml:"user"`
	Name rotaValue `yaml:"name"`
}

type rotaOverrideYAML struct {
	From rotaValue `yaml:"from"`
	To   rotaValue `yaml:"to"`
	User rotaValue `yaml:"user"`
	Name rotaValue `yaml:"name"`
	Note rotaValue `yaml:"note"`
}

// rotaValue is a scalar with the line it was written on.
type rotaValue struct {
	V    string
	Line int
}

func (v *rotaValue) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a single value, found a list or a mapping", n.Line)
	}
	v.V, v.Line = strings.TrimSpace(n.Value), n.Line
	return nil
}

// rotaUserID is what a Slack user ID looks like.
var rotaUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,24}$`)

// rotaLineMsg is one line of a yaml.v3 error: "line 7: field foo not found…".
var rotaLineMsg = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// ParseRota checks a rota file's content; name is used in errors. See
// LoadRota.
func ParseRota(name string, data []byte) (*Rota, error) {
	bad := func(line int, format string, args ...any) error {
		return &RotaError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var f rotaFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, bad(0, "the file is empty")
		}
		return nil, rotaYAMLError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, bad(extra.Line, "a second YAML document; a rota file holds one")
	}
	items, overrideLines := rotaItemLines(data)

	r := &Rota{loc: VietnamLocation()}
	if f.Timezone.V != "" {
		loc, err := time.LoadLocation(f.Timezone.V)
		if err != nil {
			return nil, bad(f.Timezone.Line, "unknown time zone %q (for example Asia/Ho_Chi_Minh)", f.Timezone.V)
		}
		r.loc = loc
	}

	if f.Handover.Weekday.V == "" {
		return nil, bad(f.Handover.Time.Line, `missing "handover: weekday" (monday … sunday)`)
	}
	wd, ok := rotaWeekday(f.Handover.Weekday.V)
	if !ok {
		return nil, bad(f.Handover.Weekday.Line, "unknown weekday %q (monday … sunday)", f.Handover.Weekday.V)
	}
	r.weekday = wd
	if f.Handover.Time.V == "" {
		return nil, bad(f.Handover.Weekday.Line, `missing "handover: time" (HH:MM, 24-hour)`)
	}
	h, m, ok := rotaClock(f.Handover.Time.V)
	if !ok {
		return nil, bad(f.Handover.Time.Line, "handover time %q is not HH:MM (24-hour)", f.Handover.Time.V)
	}
	r.hour, r.min = h, m

	if f.Start.V == "" {
		return nil, bad(0, `missing "start" (the date, YYYY-MM-DD, of the first person's first week)`)
	}
	sd, err := time.ParseInLocation("2006-01-02", f.Start.V, r.loc)
	if err != nil {
		return nil, bad(f.Start.Line, "start %q is not a date YYYY-MM-DD that exists", f.Start.V)
	}
	fwd := (int(r.weekday) - int(sd.Weekday()) + 7) % 7
	r.anchor = time.Date(sd.Year(), sd.Month(), sd.Day()+fwd, r.hour, r.min, 0, 0, r.loc)

	if len(f.People) == 0 {
		return nil, bad(0, `missing "people": the rotation needs at least one person (user: Slack user ID, name)`)
	}
	names := make(map[string]string)
	for i, p := range f.People {
		line := firstLine(items, i, p.User.Line, p.Name.Line)
		if p.User.V == "" {
			return nil, bad(line, "person %d has no user (a Slack user ID such as U024BE7LH)", i+1)
		}
		if !rotaUserID.MatchString(p.User.V) {
			return nil, bad(p.User.Line, "%q is not a Slack user ID (such as U024BE7LH)", p.User.V)
		}
		if _, dup := names[p.User.V]; dup {
			return nil, bad(p.User.Line, "%s is listed twice; list each person once", p.User.V)
		}
		names[p.User.V] = p.Name.V
		r.people = append(r.people, RotaPerson{User: p.User.V, Name: p.Name.V})
	}

	for i, o := range f.Overrides {
		line := firstLine(overrideLines, i, o.From.Line, o.User.Line)
		if o.From.V == "" || o.To.V == "" || o.User.V == "" {
			return nil, bad(line, "override %d needs from, to and user", i+1)
		}
		from, err := rotaDateTime(o.From.V, r.loc)
		if err != nil {
			return nil, bad(o.From.Line, "from %q: %v", o.From.V, err)
		}
		to, err := rotaDateTime(o.To.V, r.loc)
		if err != nil {
			return nil, bad(o.To.Line, "to %q: %v", o.To.V, err)
		}
		if !to.After(from) {
			return nil, bad(o.To.Line, "to (%s) is not after from (%s)", o.To.V, o.From.V)
		}
		if !rotaUserID.MatchString(o.User.V) {
			return nil, bad(o.User.Line, "%q is not a Slack user ID (such as U024BE7LH)", o.User.V)
		}
		name := o.Name.V
		if name == "" {
			name = names[o.User.V]
		}
		r.overrides = append(r.overrides, rotaOverride{from: from, to: to, user: o.User.V, name: name})
		for _, p := range r.overrides[:len(r.overrides)-1] {
			if from.Before(p.to) && p.from.Before(to) {
				return nil, bad(line, "override %d overlaps an earlier one (%s – %s); overrides may not overlap",
					i+1, p.from.In(r.loc).Format("2006-01-02 15:04"), p.to.In(r.loc).Format("2006-01-02 15:04"))
			}
		}
	}
	sort.Slice(r.overrides, func(i, j int) bool { return r.overrides[i].from.Before(r.overrides[j].from) })
	return r, nil
}

// rotaYAMLError turns a yaml.v3 error into a *RotaError with the line of
// its first problem.
func rotaYAMLError(name string, err error) error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs = te.Errors
	}
	m := rotaLineMsg.FindStringSubmatch(strings.TrimSpace(msgs[0]))
	if m == nil {
		return &RotaError{File: name, Msg: strings.TrimPrefix(msgs[0], "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[2]
	if i := strings.Index(msg, " not found in type"); i >= 0 && strings.HasPrefix(msg, "field ") {
		msg = "unknown key " + strconv.Quote(strings.TrimPrefix(msg[:i], "field "))
	}
	// A rotaValue's own error already says "line N: …".
	if m2 := rotaLineMsg.FindStringSubmatch(msg); m2 != nil {
		line, _ = strconv.Atoi(m2[1])
		msg = m2[2]
	}
	return &RotaError{File: name, Line: line, Msg: msg}
}

// rotaItemLines returns the lines of the items of "people" and
// "overrides", for problems of an item as a whole.
func rotaItemLines(data []byte) (people, overrides []int) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		var dst *[]int
		switch m.Content[i].Value {
		case "people":
			dst = &people
		case "overrides":
			dst = &overrides
		default:
			continue
		}
		for _, it := range m.Content[i+1].Content {
			*dst = append(*dst, it.Line)
		}
	}
	return people, overrides
}

// firstLine returns the line of item i if known, else the first non-zero
// of lines.
func firstLine(items []int, i int, lines ...int) int {
	if i < len(items) {
		return items[i]
	}
	for _, l := range lines {
		if l > 0 {
			return l
		}
	}
	return 0
}

// rotaWeekday reads "monday", "mon", "thu2" … in any case.
func rotaWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		full := strings.ToLower(d.String())
		if s == full || s == full[:3] {
			return d, true
		}
	}
	switch s {
	case "t2", "thu2", "thứ hai", "thu hai":
		return time.Monday, true
	case "t3", "thu3", "thứ ba", "thu ba":
		return time.Tuesday, true
	case "t4", "thu4", "thứ tư", "thu tu":
		return time.Wednesday, true
	case "t5", "thu5", "thứ năm", "thu nam":
		return time.Thursday, true
	case "t6", "thu6", "thứ sáu", "thu sau":
		return time.Friday, true
	case "t7", "thu7", "thứ bảy", "thu bay":
		return time.Saturday, true
	case "cn", "chủ nhật", "chu nhat":
		return time.Sunday, true
	}
	return 0, false
}

// rotaClock reads "08:30" (24-hour).
func rotaClock(s string) (h, m int, ok bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// rotaDateTime reads "2026-12-05 18:00" (or with a T, or seconds) in loc,
// or an RFC 3339 time with its own offset.
func rotaDateTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		} else if strings.Contains(err.Error(), "out of range") {
			return time.Time{}, errors.New("no such date or time")
		}
	}
	return time.Time{}, errors.New(`not a date and time "YYYY-MM-DD HH:MM"`)
}

// Location is the rota's time zone.
func (r *Rota) Location() *time.Location { return r.loc }

// People lists the rotation in order.
func (r *Rota) People() []RotaPerson { return append([]RotaPerson(nil), r.people...) }

// rotaMaxMerge bounds how many adjacent intervals of one person At joins
// (a rota of one person is one endless shift; this cuts it at a year).
const rotaMaxMerge = 53

// At returns the shift that includes t: the person on call at t, from when
// and until when (without interruption).
func (r *Rota) At(t time.Time) Shift {
	if r == nil {
		return Shift{}
	}
	s := r.segment(t)
	for range rotaMaxMerge {
		p := r.segment(s.From.Add(-time.Nanosecond))
		if p.User != s.User {
			break
		}
		s.From = p.From
	}
	for range rotaMaxMerge {
		n := r.segment(s.Until)
		if n.User != s.User {
			break
		}
		s.Until = n.Until
	}
	return s
}

// Next returns the shift after the one that includes t: who takes over
// next, and when.
func (r *Rota) Next(t time.Time) Shift {
	if r == nil {
		return Shift{}
	}
	return r.At(r.At(t).Until)
}

// UserAt returns the Slack user ID of the person on call at t ("" for a
// nil rota). It is an OnCallFunc.
func (r *Rota) UserAt(t time.Time) string { return r.At(t).User }

// OnCall returns the shift at now and the next one.
func (r *Rota) OnCall(now time.Time) (cur, next Shift) {
	cur = r.At(now)
	return cur, r.At(cur.Until)
}

// OnCallText renders, for /support oncall, who is on call at now and who
// is next, in lang ("vi" or "en"), in the core markup.
func (r *Rota) OnCallText(now time.Time, lang string) string {
	if r == nil {
		return stf(lang, stOnCallNone)
	}
	cur, next := r.OnCall(now)
	label := func(s Shift) string {
		l := "<b>" + stfEsc(s.Label()) + "</b>"
		if s.Swap {
			l += stf(lang, stOnCallSwap)
		}
		return l
	}
	return stf(lang, stOnCallNow, label(cur), stfTime(lang, cur.Until, r.loc)) + "\n" +
		stf(lang, stOnCallNext, label(next), stfTime(lang, next.From, r.loc), stfTime(lang, next.Until, r.loc))
}

// segment returns the elementary interval around t: an override, or the
// part of a regular week between overrides.
func (r *Rota) segment(t time.Time) Shift {
	for _, o := range r.overrides {
		if !t.Before(o.from) && t.Before(o.to) {
			return Shift{User: o.user, Name: r.nameOf(o.user, o.name), From: o.from, Until: o.to, Swap: true}
		}
	}
	from, until, p := r.week(t)
	for _, o := range r.overrides {
		if !o.to.After(t) && o.to.After(from) {
			from = o.to
		}
		if o.from.After(t) && o.from.Before(until) {
			until = o.from
		}
	}
	return Shift{User: p.User, Name: r.nameOf(p.User, p.Name), From: from, Until: until}
}

func (r *Rota) nameOf(user, name string) string {
	if name != "" {
		return name
	}
	for _, p := range r.people {
		if p.User == user && p.Name != "" {
			return p.Name
		}
	}
	return user
}

// week returns the regular week that includes t (from the last handover
// at or before t to the next) and its person.
func (r *Rota) week(t time.Time) (from, until time.Time, p RotaPerson) {
	l := t.In(r.loc)
	back := (int(l.Weekday()) - int(r.weekday) + 7) % 7
	from = time.Date(l.Year(), l.Month(), l.Day()-back, r.hour, r.min, 0, 0, r.loc)
	if from.After(t) {
		from = time.Date(l.Year(), l.Month(), l.Day()-back-7, r.hour, r.min, 0, 0, r.loc)
	}
	until = time.Date(from.Year(), from.Month(), from.Day()+7, r.hour, r.min, 0, 0, r.loc)
	weeks := floorDiv(civilDay(from)-civilDay(r.anchor), 7)
	n := len(r.people)
	return from, until, r.people[((weeks%n)+n)%n]
}

// civilDay numbers the calendar day of t (in t's location).
func civilDay(t time.Time) int {
	return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
