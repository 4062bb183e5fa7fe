package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Channel names where a message came from or goes to.
type Channel string

// The channels supportbot speaks on.
const (
	Telegram Channel = "telegram"
	Slack    Channel = "slack"
	Console  Channel = "console"
)

// Kind says what a Reply is. Each channel renders the kinds it supports
// and answers the rest with ErrUnsupported (a permanent failure).
type Kind string

const (
	// KindMessage is a new message in ChatID (and Thread). The zero value,
	// so that items queued before kinds existed are messages.
	KindMessage Kind = ""
	// KindUpdate replaces the content of a message the bot sent earlier:
	// the one recorded under Ref (Slack chat.update, Telegram
	// editMessageText). Pending updates of one Ref are coalesced: only the
	// newest is sent.
	KindUpdate Kind = "update"
	// KindEphemeral is shown only to UserID in ChatID (Slack
	// chat.postEphemeral). Channels without it send a private message.
	KindEphemeral Kind = "ephemeral"
	// KindAnswer answers the button press CallbackID (Telegram
	// answerCallbackQuery): a short toast, never counted against a send
	// limit.
	KindAnswer Kind = "answer"
	// KindView opens View for the user who pressed a button (Slack
	// views.open with TriggerID, which expires about 3 s after the press)
	// or publishes it as that user's home tab (View.Home).
	KindView Kind = "view"
)

// Button is one button. Data is the payload the press sends back; it is
// at most 64 bytes (Telegram's limit), and the core keeps it so.
type Button struct {
	Text  string `json:"text"`
	Data  string `json:"data"`
	Style string `json:"style,omitempty"` // "", "primary" or "danger": a hint channels may ignore
}

// Field is one labelled fact of a card ("Tỉnh" → "Lào Cai"), rendered
// as a Slack section field or a bold label on Telegram. Both parts use the
// core markup (see Reply).
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// File is an attachment: a photo or document travelling with a message.
// Exactly one of Path (a file the bot keeps, under its data directory)
// and URL is set on replies; inbound messages carry the channel's ID.
type File struct {
	From Channel `json:"from,omitempty"` // the channel that holds the file (whose Fetcher reads it)
	ID   string  `json:"id,omitempty"`   // the channel's file id (Telegram file_id, Slack F…)
	Name string  `json:"name,omitempty"` // file name as the sender gave it
	Mime string  `json:"mime,omitempty"`
	Size int64   `json:"size,omitempty"`
	Path string  `json:"path,omitempty"` // where the bot stored it
	URL  string  `json:"url,omitempty"`  // where the channel serves it (Slack url_private)
	// Data is the content of a small file the bot made itself (a
	// calendar, a few kilobytes), kept in the outbox item so that it
	// survives a restart with the reply; at most MaxInlineFile bytes.
	Data []byte `json:"data,omitempty"`
}

// MaxInlineFile bounds File.Data: bigger files go by Path.
const MaxInlineFile = 1 << 20

// Input is one field of a View.
type Input struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Multiline bool   `json:"multiline,omitempty"`
	Optional  bool   `json:"optional,omitempty"`
	Initial   string `json:"initial,omitempty"`
	// Checkbox makes the input a single checkbox labelled Label; its
	// submitted value is "true" when ticked.
	Checkbox bool `json:"checkbox,omitempty"`
}

// View is a form (Slack modal) or, with Home set, a user's home page (Slack
// App Home). Submitting it sends back ID, Meta and the inputs' values.
type View struct {
	ID     string  `json:"id"`             // what the submission is about: "reply", "resolve"
	Meta   string  `json:"meta,omitempty"` // opaque context, e.g. the ticket ID
	Title  string  `json:"title"`
	Submit string  `json:"submit,omitempty"`
	Text   string  `json:"text,omitempty"` // core markup shown above the inputs
	Inputs []Input `json:"inputs,omitempty"`
	Home   bool    `json:"home,omitempty"`
	// Sections are the blocks of a home page: each a text with its fields
	// and buttons.
	Sections []Section `json:"sections,omitempty"`
}

// Section is one block of a home page.
type Section struct {
	Text    string   `json:"text"`
	Fields  []Field  `json:"fields,omitempty"`
	Buttons []Button `json:"buttons,omitempty"`
}

// Reply is one outgoing message of any channel.
//
// Text is written in the core's markup, a small subset of HTML: <b>, <i>,
// <a href="…">, <code>, with every other <, > and & escaped as entities and
// every piece of user text escaped. It was chosen because it is
// unambiguous and escapable; it is not any channel's format: Telegram
// sends it as its HTML parse mode, Slack converts it to mrkdwn, the console
// to plain text.
type Reply struct {
	Channel Channel `json:"channel"`
	ChatID  string  `json:"chat_id"`
	// Thread is the thread the reply goes to (Slack thread_ts). ThreadRef,
	// when set, names it by the Ref of its parent message instead, which
	// the outbox resolves at send time: a ticket's thread under its triage
	// post, before that post has been sent.
	Thread    string `json:"thread,omitempty"`
	ThreadRef string `json:"thread_ref,omitempty"`
	Kind      Kind   `json:"kind,omitempty"`

	Text     string     `json:"text"`
	Fields   []Field    `json:"fields,omitempty"`
	Buttons  [][]Button `json:"buttons,omitempty"`   // rows of buttons under the message
	Keyboard [][]string `json:"keyboard,omitempty"`  // one-time choice keyboard (e.g. the 34 provinces); channels without one show the choices as text
	RemoveKB bool       `json:"remove_kb,omitempty"` // remove a choice keyboard
	Files    []File     `json:"files,omitempty"`

	ReplyToID  string `json:"reply_to_id,omitempty"` // reply to this message id
	CallbackID string `json:"callback_id,omitempty"` // KindAnswer: the button press answered
	UserID     string `json:"user_id,omitempty"`     // KindEphemeral, KindView: the user who sees it
	TriggerID  string `json:"trigger_id,omitempty"`  // KindView: the channel's handle for opening it
	View       *View  `json:"view,omitempty"`        // KindView

	// Ref names the message for later: the outbox records the channel's
	// id of the sent message under it, so that a KindUpdate with the same
	// Ref edits it and a ThreadRef finds its thread. E.g.
	// "triage:HT-000042".
	Ref string `json:"ref,omitempty"`
	// EditID is the channel's id of the message a KindUpdate edits; the
	// outbox fills it from Ref before Send.
	EditID string `json:"edit_id,omitempty"`

	// TicketID is the ticket this reply belongs to: delivery failures are
	// recorded on it, and the sent message id is linked to it.
	TicketID string `json:"ticket_id,omitempty"`
	// Mentions are users of the channel to notify (Slack user IDs: the
	// on-call person on an urgent ticket); channels render them their way.
	Mentions []string `json:"mentions,omitempty"`
	// Name is whose words these are when not the bot's (a staff member's
	// display name on a relayed reply); channels may show it.
	Name string `json:"name,omitempty"`

	// Bulk marks a reply nobody is waiting on right now: one message of an
	// announcement or a round of reminders. Bulk replies go in a lane of
	// their own (see "The bulk lane" in the package doc): they use at most
	// Limits.BulkPerSecond of their channel's rate, at most
	// Options.BulkWorkers workers and part of Options.MaxLoaded, and an
	// interactive reply (Bulk false: an answer, a ticket's news) that is
	// ready goes before any bulk one, so a broadcast of thousands never
	// delays an officer's answer by more than a send. Order within an order
	// key is kept whatever the lane: an answer to a chat waits behind a
	// bulk message queued to that chat before it.
	Bulk bool `json:"bulk,omitempty"`

	// NoTrace asks the outbox to keep nothing about this reply once it is
	// delivered or refused: no ref, no limit-log entry of its chat (the
	// channel's global one names nobody and is kept), and no dead letter
	// if the channel refuses it for good (OnFailed is still called). For
	// the confirmation of an erasure, sent to the chat just forgotten
	// (see Forget): otherwise its chat id would be written again. The
	// rate limits still hold within the process.
	NoTrace bool `json:"no_trace,omitempty"`
}

// Sender delivers one Reply on one channel. It classifies failures; the
// outbox decides when to retry. retry is true for 429, 5xx and network
// errors; an error that implements RetryAfter() time.Duration asks the
// outbox to wait at least that long. retry false with an error is
// permanent (blocked by the user, chat not found, ErrUnsupported) and is
// recorded, never retried. sentID is the channel's id of the delivered
// message (Slack's ts, Telegram's message_id).
type Sender interface {
	Send(ctx context.Context, r Reply) (sentID string, retry bool, err error)
}

// SenderFunc adapts a function to a Sender (tests, the console).
type SenderFunc func(ctx context.Context, r Reply) (sentID string, retry bool, err error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, r Reply) (string, bool, error) { return f(ctx, r) }

var _ Sender = SenderFunc(nil)

// Limits are one channel's sending limits and length rules, supplied by
// the channel when it registers. A zero field means "no limit of that
// kind", so Limits{} (the console) sends as fast as the sender can.
// KindAnswer replies are never limited.
type Limits struct {
	PerChat           time.Duration // at least this long between two messages to one chat (Telegram: 1s; Slack: 1s per channel)
	PerGroupPerMinute int           // at most this many messages per minute to one group chat (Telegram: 20)
	GlobalPerSecond   int           // at most this many messages per second over the whole channel (Telegram: 30)
	// ReservedPerSecond is the part of GlobalPerSecond that bulk replies
	// (Reply.Bulk) may never use: it stays free for officers' answers
	// however long a broadcast runs. Bulk sends get GlobalPerSecond −
	// ReservedPerSecond a second (at least one; see BulkPerSecond). 0
	// reserves nothing: bulk replies then still go after interactive
	// ones, but may fill the channel's whole rate.
	ReservedPerSecond int
	// UpdatesPerMinute bounds KindUpdate over the whole channel (Slack's
	// tier-3 chat.update: about 50 a minute); 0 means updates count as
	// messages of their chat.
	UpdatesPerMinute int
	// IsGroup reports whether a chat is a group, to which PerGroupPerMinute
	// applies (Telegram: a negative chat id). Nil: no chat is.
	IsGroup func(chatID string) bool `json:"-"`
	// Split cuts a text that is too long for one message into parts, each
	// valid markup on its own (Telegram: 4,096 UTF-16 units). Nil: the
	// channel fits any length itself (Slack puts a long text in several
	// section blocks of one message).
	Split func(text string) []string `json:"-"`

	// Margin is added to every window above: slack for the server's own
	// bookkeeping (its clock's granularity, where in handling a request it
	// takes the time).
	Margin time.Duration
}

// Fetcher reads a file held by one channel, so that another channel can
// forward it (a photo an officer sent on Telegram, uploaded into a Slack
// thread). Each channel that receives files provides one; the caller
// closes the reader.
type Fetcher interface {
	Fetch(ctx context.Context, f File) (io.ReadCloser, error)
}

// Fetchers finds the Fetcher of a file's channel.
type Fetchers map[Channel]Fetcher

// Fetch reads f through the Fetcher of f.From.
func (fs Fetchers) Fetch(ctx context.Context, f File) (io.ReadCloser, error) {
	if x, ok := fs[f.From]; ok && x != nil {
		return x.Fetch(ctx, f)
	}
	return nil, fmt.Errorf("outbox: no fetcher for files of %q", f.From)
}

// ErrUnsupported is returned (as a permanent failure) by a Sender asked to
// send a kind of reply its channel cannot show.
var ErrUnsupported = errors.New("outbox: not supported by this channel")
