package tickets

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// VerifyReport is the outcome of Store.Verify.
type VerifyReport struct {
	Tickets  int       `json:"tickets"`
	Events   int       `json:"events"`
	Problems []Problem `json:"problems"`
	// Omitted counts problems left out of Problems (at most maxProblems are kept).
	Omitted int `json:"omitted,omitempty"`
}

// Problem is one inconsistency Verify found.
type Problem struct {
	Ticket string `json:"ticket,omitempty"` // "" for store-wide problems
	Event  int    `json:"event,omitempty"`  // event seq, 0 when not about one event
	What   string `json:"what"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Ticket != "" {
		b.WriteString(p.Ticket)
		if p.Event > 0 {
			fmt.Fprintf(&b, " event %d", p.Event)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.What)
	return b.String()
}

// OK reports whether no problem was found.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

const maxProblems = 1000

func (r *VerifyReport) add(ticket string, event int, format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.Omitted++
		return
	}
	r.Problems = append(r.Problems, Problem{Ticket: ticket, Event: event, What: fmt.Sprintf(format, args...)})
}

// Verify checks the whole store in one read transaction (a consistent
// snapshot; writers are not blocked): every ID from 1 to the last issued is
// present; each ticket's events are numbered 1..n without gap, each hash
// matches its content and chains to the previous event; the transitions
// replay to the ticket's state; the last event's record hash matches the
// stored ticket (so an edited ticket is caught); and every index entry is
// present and none is stale. Problems are reported, not returned as errors;
// err is for I/O failures and ctx cancellation.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	var r VerifyReport
	err := s.view(func(btx *bolt.Tx) error {
		r = VerifyReport{}
		t := s.Tx(btx)
		tb, eb, err := t.logBuckets()
		if err != nil {
			return err
		}
		expected := map[string]int{} // index bucket → entries that should exist
		gaps := readGaps(btx)        // numbers a restore skipped: never issued
		next := uint64(1)
		c := tb.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if r.Tickets%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if len(k) != 8 {
				r.add("", 0, "tickets bucket holds a key of %d bytes", len(k))
				continue
			}
			seq := binary.BigEndian.Uint64(k)
			if next < seq {
				r.missing(next, seq-1, gaps)
			}
			next = seq + 1
			r.Tickets++
			s.verifyTicket(t, eb, seq, v, expected, &r)
		}
		if last := tb.Sequence(); next <= last {
			r.missing(next, last, gaps)
		} else if next-1 > last {
			r.add("", 0, "ticket %s is beyond the last issued ID %s", FormatID(next-1), FormatID(last))
		}
		if n := eb.Stats().KeyN; n != r.Events {
			r.add("", 0, "events bucket holds %d events, tickets account for %d", n, r.Events)
		}
		for _, name := range keyBuckets() {
			b, err := t.bucket(name)
			if err != nil {
				return err
			}
			if n := b.Stats().KeyN; n != expected[string(name)] {
				r.add("", 0, "index %s holds %d entries, tickets account for %d (stale entries)", name, n, expected[string(name)])
			}
		}
		return nil
	})
	return r, err
}

// missing reports the tickets from..to (inclusive) as missing, except the
// numbers a restore skipped. A corrupt key can make the run astronomically
// long: it lists up to the report's cap and counts the rest without walking
// them.
func (r *VerifyReport) missing(from, to uint64, gaps []gapRange) {
	for n := from; n <= to && n != 0; {
		end := to
		skipped := false
		for _, g := range gaps {
			if g.from <= n && n <= g.to {
				n, skipped = g.to+1, true
				break
			}
			if g.from > n && g.from-1 < end {
				end = g.from - 1
			}
		}
		if skipped {
			continue
		}
		for ; n <= end && len(r.Problems) < maxProblems; n++ {
			r.add(FormatID(n), 0, "ticket missing (IDs are never deleted)")
		}
		if n <= end {
			r.Omitted += int(min(end-n+1, uint64(math.MaxInt32)))
			n = end + 1
		}
		if end == math.MaxUint64 {
			return
		}
	}
}

func (s *Store) verifyTicket(t *Tx, eb *bolt.Bucket, seq uint64, raw []byte, expected map[string]int, r *VerifyReport) {
	id := FormatID(seq)
	var tk Ticket
	if err := decodeTicket(raw, &tk); err != nil {
		r.add(id, 0, "record does not decode: %v", err)
		return
	}
	if tk.ID != id {
		r.add(id, 0, "record says it is %s", tk.ID)
	}
	var (
		n     int
		prev  string
		state State
		last  Event
	)
	prefix := be64(seq)
	c := eb.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		n++
		r.Events++
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			r.add(id, n, "event does not decode: %v", err)
			continue
		}
		if len(k) != 12 || int(binary.BigEndian.Uint32(k[8:])) != e.Seq {
			r.add(id, n, "event stored under the wrong key")
		}
		if e.Seq != n {
			r.add(id, n, "event %d found where %d was expected (deleted or inserted event)", e.Seq, n)
			n = e.Seq
		}
		if e.Ticket != id {
			r.add(id, e.Seq, "event belongs to %s", e.Ticket)
		}
		if h := e.computeHash(); h != e.Hash {
			r.add(id, e.Seq, "event content does not match its hash (edited)")
		}
		if e.Prev != prev {
			r.add(id, e.Seq, "event does not chain to the previous one (edited or deleted history)")
		}
		switch {
		case e.Kind == EventCreated:
			if e.Seq != 1 {
				r.add(id, e.Seq, "created event is not the first")
			}
			state = e.To
		case e.Kind == EventTransition:
			if e.From != state || !CanMove(e.From, e.To) {
				r.add(id, e.Seq, "transition %s → %s does not follow state %s", e.From, e.To, state)
			}
			state = e.To
		}
		prev, last = e.Hash, e
	}
	switch {
	case n == 0:
		r.add(id, 0, "no events")
		return
	case n != tk.Events:
		r.add(id, 0, "record counts %d events, log has %d", tk.Events, n)
	}
	if h, err := recordHash(&tk); err != nil || last.Record != h {
		r.add(id, 0, "record differs from the one its last event wrote (edited ticket)")
	}
	if state != tk.State {
		r.add(id, 0, "record state %s, log ends in %s", tk.State, state)
	}
	for _, ix := range indexes {
		key := ix.key(seq, &tk)
		if key == nil {
			continue
		}
		expected[string(ix.bucket)]++
		if b := t.tx.Bucket(ix.bucket); b == nil || b.Get(key) == nil {
			r.add(id, 0, "missing from the %s index", ix.name)
		}
	}
	if tk.Source != "" {
		expected[string(bucketSource)]++
		if got, _ := t.sourceSeq(tk.Source); got != seq {
			r.add(id, 0, "source %q indexed to %s", tk.Source, FormatID(got))
		}
	}
}
