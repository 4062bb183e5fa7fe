package tickets

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Priority of a ticket; it selects the SLA targets.
const (
	PriorityNormal = "normal"
	PriorityUrgent = "urgent"
)

// Message directions, seen from the bot: "in" came from the officer, "out"
// goes (or went) to the officer.
const (
	DirIn  = "in"
	DirOut = "out"
)

// Actor kinds.
const (
	ActorOfficer = "officer"
	ActorStaff   = "staff"
	ActorSystem  = "system"
)

// Actor is who did something: an officer, a staff member or the system.
type Actor struct {
	Kind string `json:"kind"` // ActorOfficer, ActorStaff or ActorSystem
	ID   string `json:"id"`   // e.g. "telegram:12345", "slack:U024BE7LH"
	Name string `json:"name,omitempty"`
}

// HitRef is one knowledge-base hit the officer saw before the ticket was opened.
type HitRef struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Document string `json:"document,omitempty"`
	Article  string `json:"article,omitempty"`
	Source   string `json:"source,omitempty"`
}

// ConvMessage is one entry of a ticket's conversation. Only messages with
// Direction DirOut and Internal false are shown to the officer; internal
// notes are for staff only.
type ConvMessage struct {
	At        time.Time `json:"at"`
	From      Actor     `json:"from"`
	Text      string    `json:"text"`
	Internal  bool      `json:"internal,omitempty"`
	Direction string    `json:"direction"`            // DirIn or DirOut
	MessageID string    `json:"message_id,omitempty"` // the channel's id of the message, when known
	// Files are the photos and documents sent with the message.
	Files []Attachment `json:"files,omitempty"`
}

// Attachment is a file that came with a conversation message: where it is
// held (the channel and its file id, or a path or URL the bot keeps), so
// that it can be forwarded to the other side.
type Attachment struct {
	Channel string `json:"channel,omitempty"` // the channel that holds the file
	ID      string `json:"id,omitempty"`      // the channel's file id
	Name    string `json:"name,omitempty"`
	Mime    string `json:"mime,omitempty"`
	Size    int64  `json:"size,omitempty"`
	Path    string `json:"path,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Public reports whether the officer sees (or wrote) the message.
func (m ConvMessage) Public() bool { return !m.Internal }

// staffAnswer reports whether m is a public reply by staff: what Promote
// turns into a draft and Similar shows as the answer.
func (m ConvMessage) staffAnswer() bool {
	return !m.Internal && m.Direction == DirOut && m.From.Kind == ActorStaff
}

// DeliveryFailure is a reply the outbox could not deliver for good.
type DeliveryFailure struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Ticket is one support case. Values returned by the store are copies.
type Ticket struct {
	ID       string    `json:"id"` // "HT-000042"
	State    State     `json:"state"`
	Channel  string    `json:"channel"` // telegram, slack, console
	ChatID   string    `json:"chat_id"`
	UserID   string    `json:"user_id"`
	UserName string    `json:"user_name,omitempty"`
	Lang     string    `json:"lang"` // "vi" or "en"
	Province string    `json:"province"`
	Commune  string    `json:"commune"`
	Topic    string    `json:"topic"`
	Priority string    `json:"priority"`
	Created  time.Time `json:"created_at"`
	Updated  time.Time `json:"updated_at"`
	Text     string    `json:"text"` // the question
	Hits     []HitRef  `json:"hits"`

	Messages []ConvMessage `json:"messages"`
	Assignee string        `json:"assignee"` // staff Actor.ID; empty until claimed

	FirstResponseDue time.Time `json:"first_response_due"`
	ResolutionDue    time.Time `json:"resolution_due"`
	FirstResponseAt  time.Time `json:"first_response_at,omitzero"`
	ResolvedAt       time.Time `json:"resolved_at,omitzero"`

	Source           string            `json:"source,omitempty"` // idempotency key, e.g. "telegram:12345"
	DeliveryFailures []DeliveryFailure `json:"delivery_failures"`

	// Anonymised is when the reporter's personal data was erased (Tx.Anonymise);
	// zero for a ticket that still holds it.
	Anonymised time.Time `json:"anonymised_at,omitzero"`

	// Events is the number of events in the ticket's log; Verify checks it.
	Events int `json:"events"`
}

// Open reports whether the ticket still needs work.
func (t *Ticket) Open() bool { return t.State.Open() }

// Reporter is the channel-qualified officer key, "telegram:12345"; "" once
// the ticket is anonymised (so the reporter index no longer lists it).
func (t *Ticket) Reporter() string {
	if t.UserID == "" {
		return ""
	}
	return t.Channel + ":" + t.UserID
}

// PublicMessages returns the conversation as the officer sees it.
func (t *Ticket) PublicMessages() []ConvMessage {
	var out []ConvMessage
	for _, m := range t.Messages {
		if m.Public() {
			out = append(out, m)
		}
	}
	return out
}

// NewTicket is what a caller supplies to Tx.Create.
type NewTicket struct {
	// Reporter.
	Channel  string // required: telegram, slack, console
	UserID   string // required
	ChatID   string
	UserName string
	Lang     string // "vi" (default) or "en"

	Province string // one of Provinces (any spelling NormalizeProvince accepts) or "" for unknown
	Commune  string // as written
	Topic    string // one of Topics; "" means "other"
	Priority string // PriorityNormal (default) or PriorityUrgent
	Text     string // required, at most MaxTextLen characters
	Hits     []HitRef

	// Source makes Create idempotent: a second Create with the same non-empty
	// Source returns the first ticket. Use channel + update/event id,
	// e.g. "telegram:12345".
	Source string
}

// idPrefix starts every ticket ID.
const idPrefix = "HT-"

// FormatID renders a sequence number as a ticket ID: 42 → "HT-000042".
func FormatID(seq uint64) string { return fmt.Sprintf("%s%06d", idPrefix, seq) }

// ParseID accepts "HT-000042", "ht-42", "HT42" or "42" and returns the
// sequence number. Officers read IDs over the phone, so leading zeros and
// case do not matter.
func ParseID(s string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "HT")
	t = strings.TrimPrefix(t, "-")
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n == 0 || t == "" || t[0] == '+' {
		return 0, &ValidationError{Field: "ticket ID", Problem: fmt.Sprintf("%q is not a ticket ID", s), Accepted: "HT-000042 or 42"}
	}
	return n, nil
}
