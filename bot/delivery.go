package bot

import "github.com/mostvn/supportbot/bot/outbox"

// The delivery types live in package outbox, which schedules and channels
// use without the conversation code; the core names them here, with the
// outbox itself, so that its code and its callers read as before.
type (
	Channel       = outbox.Channel
	Reply         = outbox.Reply
	Button        = outbox.Button
	Sender        = outbox.Sender
	Field         = outbox.Field
	File          = outbox.File
	View          = outbox.View
	Input         = outbox.Input
	Kind          = outbox.Kind
	Outbox        = outbox.Outbox
	OutboxOptions = outbox.Options
	DeadLetter    = outbox.DeadLetter
	Limits        = outbox.Limits
	RateLimiter   = outbox.RateLimiter
	Slot          = outbox.Slot
	SenderFunc    = outbox.SenderFunc
)

// The channels, as the core names them.
const (
	Telegram = outbox.Telegram
	Slack    = outbox.Slack
	Console  = outbox.Console
)

// Constructors and errors of the outbox, as the core names them.
var (
	NewOutbox      = outbox.New
	NewRateLimiter = outbox.NewRateLimiter

	ErrNoSender      = outbox.ErrNoSender
	ErrInvalidReply  = outbox.ErrInvalidReply
	ErrOutboxRunning = outbox.ErrRunning
)

// Defaults of OutboxOptions.
const (
	DefaultOutboxWorkers     = outbox.DefaultWorkers
	DefaultOutboxSendTimeout = outbox.DefaultSendTimeout
)

// The core's metrics are what the outbox reports to.
var _ outbox.Metrics = (*Metrics)(nil)
