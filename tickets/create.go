package tickets

import (
	"fmt"
)

// Create opens a ticket from n. It is idempotent on n.Source: when a ticket
// with the same non-empty Source exists (a redelivered update), that ticket
// is returned with created false and nothing is written. Bad input returns a
// *ValidationError (errors.Is ErrInvalid) before anything is written.
// The SLA due times are computed from the store's policy and calendar.
func (t *Tx) Create(n NewTicket) (tk *Ticket, created bool, err error) {
	n, err = validateNew(n)
	if err != nil {
		return nil, false, err
	}
	if n.Source != "" {
		seq, err := t.sourceSeq(n.Source)
		if err != nil {
			return nil, false, err
		}
		if seq != 0 {
			tk, err := t.load(seq)
			return tk, false, err
		}
	}
	tb, err := t.bucket(bucketTickets)
	if err != nil {
		return nil, false, err
	}
	seq, err := tb.NextSequence()
	if err != nil {
		return nil, false, fmt.Errorf("tickets: next id: %w", err)
	}
	if err := t.reserve(seq); err != nil {
		return nil, false, err
	}
	now := t.stamp()
	first, resolution := t.s.sla.due(n.Priority, now, t.s.cal)
	tk = &Ticket{
		ID: FormatID(seq), State: StateNew,
		Channel: n.Channel, ChatID: n.ChatID, UserID: n.UserID, UserName: n.UserName, Lang: n.Lang,
		Province: n.Province, Commune: n.Commune, Topic: n.Topic, Priority: n.Priority,
		Created: now, Text: n.Text, Hits: append([]HitRef{}, n.Hits...),
		Messages: []ConvMessage{}, DeliveryFailures: []DeliveryFailure{},
		FirstResponseDue: first, ResolutionDue: resolution,
		Source: n.Source,
	}
	ev := Event{At: now, Actor: Actor{Kind: ActorOfficer, ID: tk.Reporter(), Name: n.UserName}, Kind: EventCreated, To: StateNew}
	if err := t.commit(seq, nil, tk, ev); err != nil {
		return nil, false, err
	}
	if n.Source != "" {
		sb, err := t.bucket(bucketSource)
		if err != nil {
			return nil, false, err
		}
		if err := sb.Put([]byte(n.Source), be64(seq)); err != nil {
			return nil, false, fmt.Errorf("tickets: source index: %w", err)
		}
	}
	return tk, true, nil
}

// Get returns the ticket with the given ID ("HT-000042", or any form ParseID
// accepts). Unknown IDs return ErrNotFound; malformed ones ErrInvalid.
func (t *Tx) Get(id string) (*Ticket, error) {
	seq, err := ParseID(id)
	if err != nil {
		return nil, err
	}
	return t.load(seq)
}

// BySource returns the ticket created from source, or ErrNotFound.
func (t *Tx) BySource(source string) (*Ticket, error) {
	seq, err := t.sourceSeq(source)
	if err != nil {
		return nil, err
	}
	if seq == 0 {
		return nil, fmt.Errorf("ticket with source %q: %w", source, ErrNotFound)
	}
	return t.load(seq)
}
