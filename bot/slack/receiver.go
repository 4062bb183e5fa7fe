package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
)

// Defaults of ReceiverOptions.
const (
	DefaultWorkers       = 32
	DefaultLookupTimeout = time.Second
	DefaultMaxBackoff    = 30 * time.Second
	minBackoff           = 500 * time.Millisecond
)

// MaxFileSize is the largest file the bot takes from Slack (and fetches):
// bigger ones are left out with FileProblem "too_big".
const MaxFileSize = 20 << 20

// ReceiverOptions configure a Receiver. AppToken or SigningSecret is
// required; the rest may stay zero.
type ReceiverOptions struct {
	// AppToken (xapp-…) selects Socket Mode: Run connects to Slack.
	AppToken string
	// SigningSecret checks the requests of HTTP mode (Handler). Without
	// it Handler refuses everything.
	SigningSecret string
	// APIURL is the Web API base URL; default DefaultAPIURL. A missing
	// trailing slash is added.
	APIURL string
	// HTTPClient sends Web API requests; default a client with
	// DefaultTimeout.
	HTTPClient *http.Client
	// StaffGroup is the user group (S…) whose members are staff. When
	// empty, the members of TriageChannel are; with neither, no one is.
	StaffGroup    string
	TriageChannel string
	// Validate checks a submitted modal before it is stored: it returns
	// the error text of each input ID that is wrong (in lang, "vi" or
	// "en"), and the modal stays open showing them. Nil accepts all.
	Validate func(viewID string, values map[string]string, lang string) map[string]string
	// Lang of the texts this package shows ("vi", the default, or "en")
	// when the user's own locale is unknown.
	Lang string
	// Workers handle Socket Mode envelopes, each envelope of one
	// conversation by the same worker (so in order); default
	// DefaultWorkers.
	Workers int
	// PingInterval is how long Socket Mode waits for Slack's PING before
	// it reconnects; default slack-go's 30 s.
	PingInterval time.Duration
	// LookupTimeout bounds users.info and the staff list, which run
	// before an ack; default DefaultLookupTimeout.
	LookupTimeout time.Duration
	// MaxBackoff caps the wait between Socket Mode restarts; default
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Now stamps Message.Received and is the clock of the caches and the
	// signature check; default time.Now.
	Now func() time.Time
	// Sleep waits between restarts and must end early when ctx ends;
	// default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger; default slog.Default().
	Logger *slog.Logger
	// Metrics counts supportbot_slack_refused_total{reason} and
	// supportbot_updates_failed_total; nil counts nothing.
	Metrics *bot.Metrics
	// OnConnection, when set, is told when the Socket Mode connection
	// comes up (up true: Slack's hello arrived) and when it goes down
	// (a disconnect, a connection error, or slack-go's loop ended); at is
	// Now(). Readiness and `supportbot status` use it. It is never called
	// in HTTP mode, and must not block.
	OnConnection func(up bool, at time.Time)
}

// Inbox is where the Receiver stores what it receives: *bot.Inbox. Add
// must have stored msgs durably when it returns nil, and skip those seen
// before (same Channel and SourceID).
type Inbox interface {
	Add(msgs []bot.Message, also func(tx *bolt.Tx) error) (added int, err error)
}

var _ Inbox = (*bot.Inbox)(nil)

// Receiver takes Slack's events into the inbox: Run for Socket Mode,
// Handler for HTTP. Safe for concurrent use.
type Receiver struct {
	api   *slack.Client
	in    Inbox
	opts  ReceiverOptions
	log   *slog.Logger
	users *users
	staff *staff

	self   selfID
	replay *replay  // HTTP mode: signatures and event IDs seen
	refuse refusals // HTTP mode: refusals by reason
}

// NewReceiver returns a Receiver storing into in with the bot token
// (xoxb-…). An empty token, a nil inbox, or neither AppToken nor
// SigningSecret is an error. It makes no request.
func NewReceiver(botToken string, in Inbox, opts ReceiverOptions) (*Receiver, error) {
	if bi, ok := in.(*bot.Inbox); in == nil || ok && bi == nil {
		return nil, errors.New("slack: NewReceiver: nil inbox")
	}
	if opts.AppToken == "" && opts.SigningSecret == "" {
		return nil, errors.New("slack: NewReceiver: neither an app token (Socket Mode) nor a signing secret (HTTP)")
	}
	if opts.AppToken != "" && !strings.HasPrefix(opts.AppToken, "xapp-") {
		return nil, errors.New("slack: NewReceiver: the app token must start with xapp-")
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.LookupTimeout <= 0 {
		opts.LookupTimeout = DefaultLookupTimeout
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	api, err := newClient(botToken, opts.AppToken, opts.APIURL, opts.HTTPClient)
	if err != nil {
		return nil, fmt.Errorf("slack: NewReceiver: %w", err)
	}
	log := opts.Logger.With("channel", "slack")
	r := &Receiver{
		api:    api,
		in:     in,
		opts:   opts,
		log:    log,
		users:  newUsers(api, opts.Now, opts.LookupTimeout),
		staff:  newStaff(api, opts.StaffGroup, opts.TriageChannel, opts.Now, opts.LookupTimeout, log),
		replay: newReplay(),
	}
	return r, nil
}

// selfID is the bot's own identity (auth.test), learnt once.
type selfID struct {
	mu     sync.Mutex // guards the fields below
	known  bool
	userID string // U… of the bot user
	botID  string // B… of the bot
}

// whoami returns the bot's user and bot IDs, asking auth.test the first
// time (and again after a failure).
func (r *Receiver) whoami(ctx context.Context) (userID, botID string, err error) {
	r.self.mu.Lock()
	defer r.self.mu.Unlock()
	if r.self.known {
		return r.self.userID, r.self.botID, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.LookupTimeout*5)
	defer cancel()
	res, err := r.api.AuthTestContext(ctx)
	if err != nil {
		if isAuthError(err) {
			return "", "", fmt.Errorf("%w: auth.test: %v", ErrUnauthorized, err)
		}
		return "", "", fmt.Errorf("slack: auth.test: %w", err)
	}
	r.self.known, r.self.userID, r.self.botID = true, res.UserID, res.BotID
	return res.UserID, res.BotID, nil
}

// connection reports the Socket Mode connection's state to OnConnection.
func (r *Receiver) connection(up bool) {
	if r.opts.OnConnection != nil {
		r.opts.OnConnection(up, r.opts.Now())
	}
}

// role returns the role of a Slack user: staff or guest.
func (r *Receiver) role(ctx context.Context, user string) bot.Role {
	if r.staff.is(ctx, user) {
		return bot.RoleStaff
	}
	return bot.RoleGuest
}

// store adds m to the inbox; the caller acks only when it returns nil.
func (r *Receiver) store(m bot.Message) error {
	if _, err := r.in.Add([]bot.Message{m}, nil); err != nil {
		return fmt.Errorf("slack: store %s: %w", m.SourceID, err)
	}
	return nil
}

// ackPayload is what an envelope is answered with: nil for an empty ack.
type ackPayload = any

// commandAck is the immediate answer to a slash command: shown only to
// the user who typed it, while the real answer comes through the outbox.
func commandAck(text string) map[string]any {
	return map[string]any{"response_type": "ephemeral", "text": text}
}

// accept translates, stores and answers one envelope of any kind: it is
// the part Socket Mode and HTTP share. ok false means "do not ack" (Slack
// redelivers an event; a button press or a modal shows the user it
// failed).
func (r *Receiver) accept(ctx context.Context, env envelope) (payload ackPayload, ok bool) {
	switch {
	case env.event != nil:
		m, keep, err := r.fromEvent(ctx, env.event)
		if err != nil {
			r.log.Error("slack: undecodable event; acked and dropped", "err", err)
			r.opts.Metrics.Inc("supportbot_updates_failed_total")
			return nil, true
		}
		if !keep {
			return nil, true
		}
		if err := r.store(m); err != nil {
			r.log.Error("slack: storing an event failed; not acked, Slack will retry", "err", err)
			return nil, false
		}
		return nil, true
	case env.command != nil:
		m := r.fromCommand(ctx, env.command)
		if err := r.store(m); err != nil {
			// Slack does not redeliver commands: tell the user.
			r.log.Error("slack: storing a command failed", "err", err)
			return commandAck(textsFor(m.LangCode).StoreFailed), true
		}
		return commandAck(textsFor(m.LangCode).Working), true
	case env.interaction != nil:
		m, keep, errs := r.fromInteraction(ctx, env.interaction)
		if len(errs) > 0 {
			return slack.NewErrorsViewSubmissionResponse(errs), true
		}
		if !keep {
			return nil, true
		}
		if err := r.store(m); err != nil {
			r.log.Error("slack: storing an interaction failed; not acked", "err", err)
			return nil, false
		}
		return nil, true
	}
	return nil, true
}

// envelope is one thing Slack sent, of one of three kinds.
type envelope struct {
	event       []byte                     // events_api: the event_callback payload
	command     *slack.SlashCommand        // slash_commands
	interaction *slack.InteractionCallback // interactive
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff doubles from minBackoff up to a cap; the zero value starts over.
type backoff struct{ d time.Duration }

func (b *backoff) next(limit time.Duration) time.Duration {
	if b.d == 0 {
		b.d = minBackoff
	} else {
		b.d = min(2*b.d, limit)
	}
	return min(b.d, limit)
}
