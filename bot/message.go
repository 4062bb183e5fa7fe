package bot

import "time"

// Chat kinds a channel reports in Message.ChatType, whatever its own names.
const (
	ChatPrivate = "private" // one person and the bot (Telegram private chat, Slack DM, the console)
	ChatGroup   = "group"   // several people (Telegram group or supergroup, a Slack channel)
)

// Role is who is speaking, as the channel established it. It decides what
// the sender may do: officers ask and open tickets; staff work tickets.
type Role string

const (
	// RoleOfficer is a commune or province officer (Telegram, the console).
	// The zero value, so that entries stored before roles existed are
	// officers'.
	RoleOfficer Role = ""
	// RoleStaff is a ministry staff member: a member of the Slack staff
	// group (or triage channel). Staff act on tickets as a tickets.Actor
	// of kind tickets.ActorStaff.
	RoleStaff Role = "staff"
	// RoleGuest is someone on a staff channel who is not staff: they may
	// ask the knowledge base, nothing else.
	RoleGuest Role = "guest"
)

// Message is one inbound update translated by a channel into the
// channel-neutral form the Router handles. It is stored in the inbox before
// the channel acknowledges the update, so it must be self-contained.
type Message struct {
	Channel  Channel `json:"channel"`
	SourceID string  `json:"source_id"` // unique per channel (Telegram update_id, Slack event_id or envelope): the idempotency key
	ChatID   string  `json:"chat_id"`
	ChatType string  `json:"chat_type,omitempty"` // ChatPrivate or ChatGroup
	Thread   string  `json:"thread,omitempty"`    // the thread the message is in (Slack thread_ts)
	UserID   string  `json:"user_id"`
	UserName string  `json:"user_name,omitempty"`
	LangCode string  `json:"lang_code,omitempty"` // the client's language (Telegram language_code)
	Role     Role    `json:"role,omitempty"`

	Text string `json:"text,omitempty"`
	// BadText says the text arrived damaged: invalid UTF-8 that the
	// channel's JSON decoding replaced with U+FFFD before the core saw it.
	// The officer is told, as for invalid bytes in Text.
	BadText   bool   `json:"bad_text,omitempty"`
	MessageID string `json:"message_id,omitempty"`  // the channel's id of this message
	ReplyToID string `json:"reply_to_id,omitempty"` // id of the (bot) message this one replies to
	Files     []File `json:"files,omitempty"`       // photos and documents sent with it
	// FileProblem says why an attachment was not taken ("too_big",
	// "unsupported"), so that the bot tells the sender; the text is kept.
	FileProblem string `json:"file_problem,omitempty"`

	CallbackData string `json:"callback_data,omitempty"` // button payload when the update is a button press
	CallbackID   string `json:"callback_id,omitempty"`   // to answer the button press
	TriggerID    string `json:"trigger_id,omitempty"`    // Slack: opens a view in answer to this press or command (expires in ~3 s)

	// Command is a slash command the channel received as such (Slack
	// "/support"), with its arguments in Text.
	Command string `json:"command,omitempty"`
	// ViewID, ViewMeta and Values are a submitted View (Slack
	// view_submission): which form, its context, and its inputs by ID.
	ViewID   string            `json:"view_id,omitempty"`
	ViewMeta string            `json:"view_meta,omitempty"`
	Values   map[string]string `json:"values,omitempty"`

	Received time.Time `json:"received"`
}
