package bot

import (
	"context"
	"time"
)

// Channel names where a message came from or goes to.
type Channel string

const (
	Telegram Channel = "telegram"
	Slack    Channel = "slack"
	Console  Channel = "console"
)

// Message is one inbound update translated by a channel into the
// channel-neutral form the Router handles. It is stored in the inbox before
// the channel acknowledges the update, so it must be self-contained.
type Message struct {
	Channel  Channel `json:"channel"`
	SourceID string  `json:"source_id"` // unique per channel (Telegram update_id, Slack event_id): the idempotency key
	ChatID   string  `json:"chat_id"`
	ChatType string  `json:"chat_type,omitempty"` // "private", "group", "supergroup", "channel"
	UserID   string  `json:"user_id"`
	UserName string  `json:"user_name,omitempty"`
	LangCode string  `json:"lang_code,omitempty"` // the client's language (Telegram language_code)

	Text      string `json:"text,omitempty"`
	MessageID string `json:"message_id,omitempty"`  // the channel's id of this message
	ReplyToID string `json:"reply_to_id,omitempty"` // id of the (bot) message this one replies to

	CallbackData string `json:"callback_data,omitempty"` // button payload when the update is a button press
	CallbackID   string `json:"callback_id,omitempty"`   // to answer the button press

	Received time.Time `json:"received"`
}

// Button is one inline button; Data is at most 64 bytes (Telegram's limit).
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
}

// Reply is one outgoing message. Text uses Telegram's HTML subset
// (<b>, <i>, <a href>, <code>) with every piece of user text escaped; each
// channel renders it for its medium.
type Reply struct {
	Channel    Channel    `json:"channel"`
	ChatID     string     `json:"chat_id"`
	Text       string     `json:"text"`
	Buttons    [][]Button `json:"buttons,omitempty"`     // inline keyboard
	Keyboard   [][]string `json:"keyboard,omitempty"`    // one-time reply keyboard (e.g. the 34 provinces)
	RemoveKB   bool       `json:"remove_kb,omitempty"`   // remove a reply keyboard
	ReplyToID  string     `json:"reply_to_id,omitempty"` // reply to this message id
	CallbackID string     `json:"callback_id,omitempty"` // answer this button press (Text may then be a short toast)
	TicketID   string     `json:"ticket_id,omitempty"`   // the ticket this reply belongs to: delivery failures are recorded on it, and the sent message id is linked to it
}

// Sender delivers one Reply on one channel. It classifies failures; the
// outbox decides when to retry. retry is true for 429, 5xx and network
// errors; an error that implements RetryAfter() time.Duration asks the outbox
// to wait at least that long. retry false with an error is permanent (blocked
// by the user, chat not found) and is recorded, never retried.
// sentID is the channel's id of the delivered message.
type Sender interface {
	Send(ctx context.Context, r Reply) (sentID string, retry bool, err error)
}
