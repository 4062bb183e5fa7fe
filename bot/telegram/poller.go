package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
)

// Defaults of PollerOptions.
const (
	DefaultPollTimeout = 50 * time.Second
	DefaultMaxBackoff  = 30 * time.Second
	minBackoff         = 500 * time.Millisecond
)

// bucketMeta is the poller's bbolt bucket: "offset:<bot id>" → the next
// getUpdates offset, decimal. Keyed by the bot's public id (the token's
// part before ':') so a data directory can change bots safely.
var bucketMeta = []byte("tg_meta")

// PollerOptions configure a Poller; the zero value works.
type PollerOptions struct {
	// PollTimeout is the long-poll timeout sent to Telegram, in whole
	// seconds; default DefaultPollTimeout. A negative value asks for short
	// polling (timeout 0), for tests.
	PollTimeout time.Duration
	// HTTPClient sends the requests. Its Timeout must exceed PollTimeout;
	// default a client with Timeout = PollTimeout + 15 s.
	HTTPClient *http.Client
	// Limit is the most updates per getUpdates (1..100); default 100.
	Limit int
	// MaxBackoff caps the wait after 5xx and network errors; default
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Now stamps Message.Received; default time.Now.
	Now func() time.Time
	// Sleep waits between attempts and must end early when ctx ends;
	// default a timer. Tests inject one that records the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger; default slog.Default().
	Logger *slog.Logger
	// Metrics counts supportbot_updates_failed_total for updates that
	// cannot be decoded (the Router counts the messages it handles); nil
	// counts nothing.
	Metrics *bot.Metrics
	// OnPoll, when set, is told the outcome of every getUpdates (and of
	// the deleteWebhook before the first): ok true once Telegram answered,
	// false when the call failed; at is Now() when it ended. Readiness and
	// `supportbot status` use it: a poller is healthy only once a
	// getUpdates has succeeded, and while one did lately. It is called
	// from Run's goroutine and must not block.
	OnPoll func(ok bool, at time.Time)
}

// Poller receives updates by long polling into the inbox. Run it once per
// bot token: Telegram refuses two pollers (ErrConflict).
type Poller struct {
	api    *apiClient
	in     *bot.Inbox
	opts   PollerOptions
	key    []byte
	offset atomic.Int64 // next offset, as last stored
}

// NewPoller returns a poller for the bot token on apiURL ("" means
// DefaultAPIURL) storing into in. An empty token is an error.
func NewPoller(token, apiURL string, in *bot.Inbox, opts PollerOptions) (*Poller, error) {
	if in == nil {
		return nil, errors.New("telegram: NewPoller: nil inbox")
	}
	if opts.PollTimeout == 0 {
		opts.PollTimeout = DefaultPollTimeout
	}
	if opts.PollTimeout < 0 {
		opts.PollTimeout = 0
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: opts.PollTimeout + 15*time.Second}
	}
	if opts.Limit <= 0 || opts.Limit > 100 {
		opts.Limit = 100
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
	api, err := newAPIClient(token, apiURL, opts.HTTPClient)
	if err != nil {
		return nil, fmt.Errorf("telegram: NewPoller: %w", err)
	}
	botID, _, _ := strings.Cut(token, ":")
	return &Poller{api: api, in: in, opts: opts, key: []byte("offset:" + botID)}, nil
}

// Offset is the next getUpdates offset as last stored (0 before Run has
// read it).
func (p *Poller) Offset() int64 { return p.offset.Load() }

// Run deletes any webhook (keeping pending updates), then polls until ctx
// ends, storing each batch with the next offset in one inbox transaction
// before asking for more. It returns nil when ctx ends, an error wrapping
// ErrConflict on 409 (another poller on this token, or a webhook set
// again) and one wrapping ErrUnauthorized when the token is refused. 429
// waits retry_after; 5xx, network errors and storage errors back off up
// to MaxBackoff and go on.
func (p *Poller) Run(ctx context.Context) error {
	log := p.opts.Logger.With("channel", "telegram")
	var b backoff
	for {
		err := p.api.call(ctx, "deleteWebhook", map[string]any{"drop_pending_updates": false}, nil)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		p.polled(false)
		wait, fatal := p.judge(err, &b)
		if fatal != nil {
			return fatal
		}
		log.Warn("telegram: deleteWebhook failed; retrying", "err", err, "wait", wait)
		if p.opts.Sleep(ctx, wait) != nil {
			return nil
		}
	}
	offset, err := p.loadOffset()
	if err != nil {
		return err
	}
	p.offset.Store(offset)
	log.Info("telegram: polling", "offset", offset)

	b = backoff{}
	// The first getUpdates does not wait: whether Telegram answers is
	// known at once (OnPoll, readiness), not a long-poll timeout later.
	first := true
	for {
		if ctx.Err() != nil {
			return nil
		}
		timeout := p.opts.PollTimeout
		if first {
			timeout = 0
		}
		raws, err := p.getUpdates(ctx, offset, timeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			p.polled(false)
			wait, fatal := p.judge(err, &b)
			if fatal != nil {
				return fatal
			}
			log.Warn("telegram: getUpdates failed; retrying", "err", err, "wait", wait)
			if p.opts.Sleep(ctx, wait) != nil {
				return nil
			}
			continue
		}
		p.polled(true)
		first = false
		if len(raws) == 0 {
			b = backoff{}
			if p.opts.PollTimeout == 0 && p.opts.Sleep(ctx, minBackoff) != nil {
				return nil // short polling must not spin
			}
			continue
		}
		msgs, next, err := p.convert(raws, offset, log)
		if err != nil {
			wait := b.next(p.opts.MaxBackoff)
			log.Error("telegram: undecodable getUpdates answer; retrying", "err", err, "wait", wait)
			if p.opts.Sleep(ctx, wait) != nil {
				return nil
			}
			continue
		}
		_, err = p.in.Add(msgs, func(tx *bolt.Tx) error { return p.saveOffsetTx(tx, next) })
		if err != nil {
			// Not stored, so not confirmed: the next getUpdates with the
			// same offset brings the batch again.
			wait := b.next(p.opts.MaxBackoff)
			log.Error("telegram: storing updates failed; retrying", "err", err, "wait", wait)
			if p.opts.Sleep(ctx, wait) != nil {
				return nil
			}
			continue
		}
		b = backoff{}
		offset = next
		p.offset.Store(next)
	}
}

// polled reports a getUpdates outcome to OnPoll.
func (p *Poller) polled(ok bool) {
	if p.opts.OnPoll != nil {
		p.opts.OnPoll(ok, p.opts.Now())
	}
}

// judge decides what an error of deleteWebhook or getUpdates means: a wait
// before the next attempt, or a fatal error that stops the poller.
func (p *Poller) judge(err error, b *backoff) (wait time.Duration, fatal error) {
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case ae.Code == http.StatusConflict:
			return 0, fmt.Errorf("%w: %s", ErrConflict, ae.Description)
		case ae.Code == http.StatusUnauthorized || ae.Code == http.StatusNotFound:
			return 0, fmt.Errorf("%w: %s", ErrUnauthorized, ae.Error())
		case ae.Code == http.StatusTooManyRequests:
			return max(ae.RetryAfter, time.Second), nil
		}
	}
	return b.next(p.opts.MaxBackoff), nil
}

func (p *Poller) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]json.RawMessage, error) {
	params := map[string]any{
		"timeout":         int(timeout / time.Second),
		"limit":           p.opts.Limit,
		"allowed_updates": []string{"message", "edited_message", "callback_query"},
	}
	if offset > 0 {
		params["offset"] = offset
	}
	var raws []json.RawMessage
	if err := p.api.call(ctx, "getUpdates", params, &raws); err != nil {
		return nil, err
	}
	return raws, nil
}

// convert decodes a batch. An update that go-telegram's types cannot
// decode is skipped (and counted), never allowed to block the updates
// after it; next is one past the greatest update_id.
func (p *Poller) convert(raws []json.RawMessage, offset int64, log *slog.Logger) (msgs []bot.Message, next int64, err error) {
	next = offset
	now := p.opts.Now()
	for _, raw := range raws {
		var id struct {
			ID *int64 `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &id); err != nil || id.ID == nil {
			return nil, 0, fmt.Errorf("telegram: getUpdates: update without update_id: %.200s", raw)
		}
		next = max(next, *id.ID+1)
		var u models.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			log.Error("telegram: skipping undecodable update", "update_id", *id.ID, "err", err)
			p.opts.Metrics.Inc("supportbot_updates_failed_total")
			continue
		}
		if m, ok := Convert(&u, now); ok {
			markDamaged(&m, raw)
			msgs = append(msgs, m)
		}
	}
	return msgs, next, nil
}

// loadOffset reads the stored offset. It goes through Inbox.Add (which
// runs its callback in a transaction) because the inbox owns the db.
func (p *Poller) loadOffset() (int64, error) {
	var off int64
	_, err := p.in.Add(nil, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if v := b.Get(p.key); v != nil {
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("stored offset %q: %w", v, err)
			}
			off = n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("telegram: read offset: %w", err)
	}
	return off, nil
}

func (p *Poller) saveOffsetTx(tx *bolt.Tx, next int64) error {
	b, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("telegram: offset bucket: %w", err)
	}
	return b.Put(p.key, []byte(strconv.FormatInt(next, 10)))
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
