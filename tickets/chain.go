package tickets

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// load reads ticket seq. The result is a decoded copy.
func (t *Tx) load(seq uint64) (*Ticket, error) {
	b, err := t.bucket(bucketTickets)
	if err != nil {
		return nil, err
	}
	return loadFrom(b, seq)
}

// loadFrom reads ticket seq from the tickets bucket b (List looks the
// bucket up once for all the tickets it returns).
func loadFrom(b *bolt.Bucket, seq uint64) (*Ticket, error) {
	v := b.Get(be64(seq))
	if v == nil {
		return nil, notFound(FormatID(seq))
	}
	tk := new(Ticket)
	if err := decodeTicket(v, tk); err != nil {
		return nil, fmt.Errorf("tickets: decode %s: %w", FormatID(seq), err)
	}
	return tk, nil
}

// commit writes tk as changed by ev, appends ev to the ticket's log (chained
// to the previous event) and moves the index entries from old (nil for a new
// ticket) to tk. It is the only writer of tickets and events. ev is stored
// sealed under the ticket's key (made here when the ticket has none), and
// its hash covers the sealed form. A view (EventViewed) is not a change of
// the ticket: it leaves Updated alone, so views neither reorder the ticket
// nor postpone its retention.
func (t *Tx) commit(seq uint64, old, tk *Ticket, ev Event) error {
	tb, eb, err := t.logBuckets()
	if err != nil {
		return err
	}
	key, err := t.ticketKey(seq, true)
	if err != nil {
		return err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return err
	}
	tk.Events++
	if ev.Kind != EventViewed {
		tk.Updated = ev.At
	}
	hash, err := recordHash(tk)
	if err != nil {
		return fmt.Errorf("tickets: encode %s: %w", tk.ID, err)
	}
	rec := encodeTicket(tk)
	ev.Ticket, ev.Seq, ev.Record = tk.ID, tk.Events, hash
	if ev.Seq > 1 {
		prev := eb.Get(eventKey(seq, ev.Seq-1))
		if prev == nil {
			return fmt.Errorf("tickets: %s: event %d missing; run verify", tk.ID, ev.Seq-1)
		}
		var p Event
		if err := json.Unmarshal(prev, &p); err != nil {
			return fmt.Errorf("tickets: %s: decode event %d: %w", tk.ID, ev.Seq-1, err)
		}
		ev.Prev = p.Hash
	}
	ev = seal(aead, ev)
	ev.Hash = ev.computeHash()
	evb, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("tickets: encode event: %w", err)
	}
	if err := tb.Put(be64(seq), rec); err != nil {
		return fmt.Errorf("tickets: put %s: %w", tk.ID, err)
	}
	if err := eb.Put(eventKey(seq, ev.Seq), evb); err != nil {
		return fmt.Errorf("tickets: put event %s/%d: %w", tk.ID, ev.Seq, err)
	}
	if err := t.reindex(seq, old, tk); err != nil {
		return err
	}
	return t.reindexTerms(seq, old, tk)
}

// Events returns ticket id's log, oldest first, with the sealed fields
// opened. Once the ticket is anonymised its key is gone: those fields come
// back empty and the event's Erased is set; kinds, times, states and the
// notes of erasures and views stay readable.
func (t *Tx) Events(id string) ([]Event, error) {
	seq, err := ParseID(id)
	if err != nil {
		return nil, err
	}
	tk, err := t.load(seq)
	if err != nil {
		return nil, err
	}
	eb, err := t.bucket(bucketEvents)
	if err != nil {
		return nil, err
	}
	key, err := t.ticketKey(seq, false)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	out := make([]Event, 0, tk.Events)
	prefix := be64(seq)
	c := eb.Cursor()
	for k, v := c.Seek(prefix); k != nil && len(k) == 12 && string(k[:8]) == string(prefix); k, v = c.Next() {
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("tickets: %s: decode event: %w", tk.ID, err)
		}
		out = append(out, unseal(aead, e))
	}
	return out, nil
}
