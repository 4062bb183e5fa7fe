package tickets

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Tickets are stored in a compact binary record (codecV1) because listing
// decodes every ticket it returns and encoding/json took ~25 µs per ticket,
// too slow for the open tickets of a province in a large store. Records
// that start with '{' are JSON (files from schema 0) and still read.
// The audit chain hashes the ticket's JSON encoding, not these bytes, so
// the hash does not depend on the storage format.
// codecV2 adds the attachments of each conversation message; a ticket
// without any is still written as codecV1, which older programs read.
// codecV3 is codecV2 followed by the time the ticket was anonymised. It is
// written for anonymised tickets only, so a record's first byte tells
// whether it is anonymised (ExpiredClosed relies on it) and older programs
// still read every other ticket.
const (
	codecV1 byte = 1
	codecV2 byte = 2
	codecV3 byte = 3
)

var errCorrupt = errors.New("tickets: corrupt ticket record")

type encoder struct{ b []byte }

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) uint(n uint64) { e.b = binary.AppendUvarint(e.b, n) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// time stores zero as a lone 0 byte; otherwise 1, Unix seconds, nanoseconds.
// Times are stored in UTC, as the store writes them.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.b = append(e.b, 0)
		return
	}
	e.b = append(e.b, 1)
	e.b = binary.AppendVarint(e.b, t.Unix())
	e.b = binary.AppendUvarint(e.b, uint64(t.Nanosecond()))
}

// count stores a slice length + 1, 0 for a nil slice, so that JSON (null
// versus []) survives the round trip.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *encoder) actor(a Actor) { e.str(a.Kind); e.str(a.ID); e.str(a.Name) }

func encodeTicket(t *Ticket) []byte {
	e := encoder{b: make([]byte, 0, 512+len(t.Text))}
	version := codecV1
	for _, m := range t.Messages {
		if m.Files != nil {
			version = codecV2
			break
		}
	}
	if !t.Anonymised.IsZero() {
		version = codecV3
	}
	e.b = append(e.b, version)
	for _, s := range []string{t.ID, string(t.State), t.Channel, t.ChatID, t.UserID, t.UserName, t.Lang, t.Province, t.Commune, t.Topic, t.Priority} {
		e.str(s)
	}
	e.time(t.Created)
	e.time(t.Updated)
	e.str(t.Text)
	e.count(len(t.Hits), t.Hits == nil)
	for _, h := range t.Hits {
		e.str(h.ID)
		e.str(h.Title)
		e.str(h.Document)
		e.str(h.Article)
		e.str(h.Source)
	}
	e.count(len(t.Messages), t.Messages == nil)
	for _, m := range t.Messages {
		e.time(m.At)
		e.actor(m.From)
		e.str(m.Text)
		e.bool(m.Internal)
		e.str(m.Direction)
		e.str(m.MessageID)
		if version >= codecV2 {
			e.count(len(m.Files), m.Files == nil)
			for _, f := range m.Files {
				for _, s := range []string{f.Channel, f.ID, f.Name, f.Mime, f.Path, f.URL} {
					e.str(s)
				}
				e.uint(uint64(f.Size))
			}
		}
	}
	e.str(t.Assignee)
	e.time(t.FirstResponseDue)
	e.time(t.ResolutionDue)
	e.time(t.FirstResponseAt)
	e.time(t.ResolvedAt)
	e.str(t.Source)
	e.count(len(t.DeliveryFailures), t.DeliveryFailures == nil)
	for _, d := range t.DeliveryFailures {
		e.time(d.At)
		e.str(d.Reason)
	}
	e.uint(uint64(t.Events))
	if version == codecV3 {
		e.time(t.Anonymised)
	}
	return e.b
}

// decoder reads a record from one string copy of it: every decoded string
// is a substring of that copy, so a ticket costs a handful of allocations
// instead of one per field, and nothing points into bbolt's memory map.
type decoder struct {
	s   string
	err error
}

func (d *decoder) uint() uint64 {
	var n uint64
	for shift := uint(0); ; shift += 7 {
		if d.err != nil {
			return 0
		}
		if len(d.s) == 0 || shift > 63 {
			d.err = errCorrupt
			return 0
		}
		c := d.s[0]
		d.s = d.s[1:]
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n
		}
	}
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)) {
		d.err = errCorrupt
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.s) == 0 {
		d.err = errCorrupt
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.err = errCorrupt
	return false
}

func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
	default:
		d.err = errCorrupt
		return time.Time{}
	}
	u := d.uint()
	sec := int64(u >> 1) // zig-zag, as binary.AppendVarint writes it
	if u&1 != 0 {
		sec = ^sec
	}
	ns := d.uint()
	if ns >= 1e9 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return time.Time{}
	}
	return time.Unix(sec, int64(ns)).UTC()
}

// count returns a slice length and whether the slice was nil.
func (d *decoder) count() (int, bool) {
	n := d.uint()
	if d.err != nil || n == 0 {
		return 0, true
	}
	if n-1 > uint64(len(d.s)) { // every element takes at least one byte
		d.err = errCorrupt
		return 0, true
	}
	return int(n - 1), false
}

func (d *decoder) actor() Actor { return Actor{Kind: d.str(), ID: d.str(), Name: d.str()} }

// decodeTicket decodes a stored record (binary, or JSON from schema 0).
func decodeTicket(v []byte, t *Ticket) error {
	if len(v) > 0 && v[0] == '{' {
		return json.Unmarshal(v, t)
	}
	if len(v) == 0 || v[0] < codecV1 || v[0] > codecV3 {
		return errCorrupt
	}
	version := v[0]
	d := decoder{s: string(v[1:])}
	t.ID = d.str()
	t.State = State(d.str())
	t.Channel = d.str()
	t.ChatID = d.str()
	t.UserID = d.str()
	t.UserName = d.str()
	t.Lang = d.str()
	t.Province = d.str()
	t.Commune = d.str()
	t.Topic = d.str()
	t.Priority = d.str()
	t.Created = d.time()
	t.Updated = d.time()
	t.Text = d.str()
	if n, isNil := d.count(); !isNil {
		t.Hits = make([]HitRef, n)
		for i := range t.Hits {
			t.Hits[i] = HitRef{ID: d.str(), Title: d.str(), Document: d.str(), Article: d.str(), Source: d.str()}
		}
	}
	if n, isNil := d.count(); !isNil {
		t.Messages = make([]ConvMessage, n)
		for i := range t.Messages {
			m := &t.Messages[i]
			m.At = d.time()
			m.From = d.actor()
			m.Text = d.str()
			m.Internal = d.bool()
			m.Direction = d.str()
			m.MessageID = d.str()
			if version < codecV2 {
				continue
			}
			if n, isNil := d.count(); !isNil {
				m.Files = make([]Attachment, n)
				for j := range m.Files {
					m.Files[j] = Attachment{Channel: d.str(), ID: d.str(), Name: d.str(), Mime: d.str(), Path: d.str(), URL: d.str()}
					m.Files[j].Size = int64(d.uint())
				}
			}
		}
	}
	t.Assignee = d.str()
	t.FirstResponseDue = d.time()
	t.ResolutionDue = d.time()
	t.FirstResponseAt = d.time()
	t.ResolvedAt = d.time()
	t.Source = d.str()
	if n, isNil := d.count(); !isNil {
		t.DeliveryFailures = make([]DeliveryFailure, n)
		for i := range t.DeliveryFailures {
			t.DeliveryFailures[i] = DeliveryFailure{At: d.time(), Reason: d.str()}
		}
	}
	t.Events = int(d.uint())
	if version == codecV3 {
		if t.Anonymised = d.time(); d.err == nil && t.Anonymised.IsZero() {
			d.err = fmt.Errorf("%w: anonymised record without its time", errCorrupt)
		}
	}
	if d.err == nil && len(d.s) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.s))
	}
	return d.err
}

// recordHead reads the last change time of a stored record and whether the
// ticket is anonymised, without decoding the rest: only codecV3 records are
// anonymised, and Updated comes right after the short fields.
func recordHead(v []byte) (updated time.Time, anonymised bool, err error) {
	if len(v) > 0 && (v[0] == '{' || v[0] == codecV3) {
		var tk Ticket
		if err := decodeTicket(v, &tk); err != nil {
			return time.Time{}, false, err
		}
		return tk.Updated, !tk.Anonymised.IsZero(), nil
	}
	if len(v) == 0 || v[0] < codecV1 || v[0] > codecV3 {
		return time.Time{}, false, errCorrupt
	}
	d := decoder{s: string(v[1:])}
	for range 11 { // ID … Priority, as encodeTicket writes them
		d.str()
	}
	d.time() // Created
	updated = d.time()
	return updated, false, d.err
}

// recordHash is the audit hash of a ticket: SHA-256 of its JSON encoding.
func recordHash(t *Ticket) (string, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	return sum(b), nil
}
