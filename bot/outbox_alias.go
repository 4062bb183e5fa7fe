package bot

import "github.com/mostvn/supportbot/bot/outbox"

// The outbox is package outbox; these names keep the core's code and its
// callers compiling. New code should use package outbox directly.
type (
	Outbox        = outbox.Outbox
	OutboxOptions = outbox.Options
	DeadLetter    = outbox.DeadLetter
	Limits        = outbox.Limits
	RateLimiter   = outbox.RateLimiter
	Slot          = outbox.Slot
	SenderFunc    = outbox.SenderFunc
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
