package slack

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Run receives events until ctx ends.
//
// With an app token it speaks Socket Mode: it learns the bot's identity
// (auth.test), then keeps a socketmode connection, restarting slack-go's
// RunContext (which reconnects by itself, but returns on some failures)
// with a backoff up to MaxBackoff. Envelopes are read at once and handed to
// Workers workers, all of one conversation to the same one; each is
// translated, stored in the inbox and only then acked. An envelope that
// could not be stored is not acked, so Slack delivers it again; one Slack
// delivers twice is stored once. A message slack-go cannot parse is logged
// and acked by its envelope ID. Client events (connecting, hello, errors)
// carry no request and are never acked.
//
// Without an app token (HTTP mode) Run only waits for ctx: Handler does
// the work.
//
// Run returns nil when ctx ends, and an error wrapping ErrUnauthorized
// when Slack refuses a token. Call it once at a time.
func (r *Receiver) Run(ctx context.Context) error {
	if r.opts.AppToken == "" {
		<-ctx.Done()
		return nil
	}
	var b backoff
	for {
		_, _, err := r.whoami(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrUnauthorized) {
			return err
		}
		wait := b.next(r.opts.MaxBackoff)
		r.log.Warn("slack: auth.test failed; retrying", "err", err, "wait", wait)
		if r.opts.Sleep(ctx, wait) != nil {
			return nil
		}
	}

	var smOpts []socketmode.Option
	if r.opts.PingInterval > 0 {
		smOpts = append(smOpts, socketmode.OptionPingInterval(r.opts.PingInterval))
	}
	sm := socketmode.New(r.api, smOpts...)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	workers := make([]chan socketmode.Event, r.opts.Workers)
	for i := range workers {
		workers[i] = make(chan socketmode.Event, 64)
		wg.Go(func() {
			for evt := range workers[i] {
				if ctx.Err() == nil { // else left unacked: Slack delivers events again
					r.handleSocket(ctx, sm, evt)
				}
			}
		})
	}
	var fatal error
	wg.Go(func() {
		defer cancel()
		fatal = r.keepConnected(ctx, sm)
	})

	// The dispatcher: read Events at once, so that slack-go's reader never
	// waits on us (its ping deadline would drop the connection).
dispatch:
	for {
		select {
		case <-ctx.Done():
			break dispatch
		case evt := <-sm.Events:
			w := workers[shard(evt, len(workers))]
			select {
			case w <- evt:
			case <-ctx.Done():
				break dispatch
			}
		}
	}
	for _, w := range workers {
		close(w)
	}
	wg.Wait()
	return fatal
}

// keepConnected runs slack-go's RunContext again whenever it returns,
// until ctx ends or a token is refused.
func (r *Receiver) keepConnected(ctx context.Context, sm *socketmode.Client) error {
	var b backoff
	for {
		err := sm.RunContext(ctx)
		r.connection(false)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && isAuthError(err) {
			return fmt.Errorf("%w: socket mode: %v", ErrUnauthorized, err)
		}
		wait := b.next(r.opts.MaxBackoff)
		r.log.Warn("slack: socket mode ended; reconnecting", "err", err, "wait", wait)
		if r.opts.Sleep(ctx, wait) != nil {
			return nil
		}
	}
}

// shard picks the worker of an event by conversation, so that what one
// conversation says keeps its order into the inbox, while different
// conversations are stored side by side (and share their commits): a
// message by its channel and thread, a command or a press by its user.
func shard(evt socketmode.Event, n int) int {
	key := ""
	if evt.Request != nil {
		key = conversationKey(evt)
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

func conversationKey(evt socketmode.Event) string {
	switch d := evt.Data.(type) {
	case slack.SlashCommand:
		return d.UserID
	case slack.InteractionCallback:
		return d.User.ID
	}
	var probe struct {
		Event struct {
			Channel  string `json:"channel"`
			ThreadTS string `json:"thread_ts"`
			User     string `json:"user"`
		} `json:"event"`
	}
	if jsonUnmarshal(evt.Request.Payload, &probe) == nil {
		return firstNonEmpty(probe.Event.Channel+"/"+probe.Event.ThreadTS, probe.Event.User)
	}
	return evt.Request.EnvelopeID
}

// handleSocket handles one event of the socketmode client.
func (r *Receiver) handleSocket(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	var env envelope
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		env.event = evt.Request.Payload
	case socketmode.EventTypeSlashCommand:
		if c, ok := evt.Data.(slack.SlashCommand); ok {
			env.command = &c
		}
	case socketmode.EventTypeInteractive:
		if c, ok := evt.Data.(slack.InteractionCallback); ok {
			env.interaction = &c
		}
	case socketmode.EventTypeErrorBadMessage:
		bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
		r.ackBad(ctx, sm, bad)
		return
	case socketmode.EventTypeConnected:
		r.log.Info("slack: socket mode connected")
		return
	case socketmode.EventTypeHello:
		r.connection(true)
		return
	case socketmode.EventTypeConnectionError:
		r.connection(false)
		r.log.Warn("slack: socket mode", "event", string(evt.Type), "data", fmt.Sprint(evt.Data))
		return
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		r.log.Warn("slack: socket mode", "event", string(evt.Type), "data", fmt.Sprint(evt.Data))
		return
	case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect, socketmode.EventTypeInvalidAuth:
		// Connecting: slack-go opens a new connection (the first, or
		// after Slack asked to refresh one): down until its hello.
		r.connection(false)
		return
	default:
		return
	}
	if evt.Request == nil { // only Slack's envelopes are acked
		return
	}
	payload, ok := r.accept(ctx, env)
	if !ok {
		return
	}
	if err := sm.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		r.log.Warn("slack: ack failed", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}

// ackBad logs a message slack-go could not parse and acks it by its
// envelope ID, so that Slack stops sending it.
func (r *Receiver) ackBad(ctx context.Context, sm *socketmode.Client, bad *socketmode.ErrorBadMessage) {
	r.opts.Metrics.Inc("supportbot_updates_failed_total")
	if bad == nil {
		return
	}
	var probe struct {
		EnvelopeID string `json:"envelope_id"`
	}
	_ = jsonUnmarshal(bad.Message, &probe)
	r.log.Error("slack: undecodable socket mode message; acked and dropped",
		"envelope", probe.EnvelopeID, "err", bad.Cause, "message", string(truncate(bad.Message, 2000)))
	if probe.EnvelopeID == "" {
		return
	}
	if err := sm.AckCtx(ctx, probe.EnvelopeID, nil); err != nil {
		r.log.Warn("slack: ack failed", "envelope", probe.EnvelopeID, "err", err)
	}
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
