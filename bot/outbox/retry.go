package outbox

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"
)

// retryStage sends an item and decides when to try again. The Sender
// classifies its failures (retry or not); this stage only decides when:
//   - an error with RetryAfter() time.Duration (a 429) waits that long;
//   - any other retryable error (5xx, network) backs off exponentially
//     with jitter, capped at backoffCap, and is retried for ever;
//   - a permanent error (403 blocked, 400 chat not found) goes to record.
//
// The send gets its own deadline and is not cancelled with Run's context:
// a message half-sent at shutdown should finish and be recorded, not be
// sent again after restart.
type retryStage struct {
	timeout time.Duration
	metrics Metrics
	log     *slog.Logger
}

func newRetryStage(timeout time.Duration, m Metrics, log *slog.Logger) *retryStage {
	if m == nil {
		m = noMetrics{}
	}
	return &retryStage{timeout: timeout, metrics: m, log: log}
}

// retryAfterError is what a Sender's error may implement to say how long
// to wait (Telegram's parameters.retry_after).
type retryAfterError interface{ RetryAfter() time.Duration }

// errorKinder is what a Sender may implement to name the kind of its
// errors for supportbot_send_errors_total{kind}: rate_limited, server,
// network, forbidden, bad_request or other.
type errorKinder interface{ ErrorKind(err error) string }

func (s *retryStage) exec(ctx context.Context, d *outDelivery) error {
	if d.skipSend {
		return nil
	}
	r := d.item.Reply
	if d.item.Unsplit && d.parts == nil && d.ch.limits.Split != nil && splittable(r) {
		// Queued while the channel had no Sender: cut it now, and send
		// one part per attempt, each through the rate limit.
		d.parts = splitReply(r, d.ch.limits.Split)
	}
	last := true
	if len(d.parts) > 1 {
		r, last = d.parts[d.part], d.part == len(d.parts)-1
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	sentID, retry, err := d.ch.sender.Send(sctx, r)
	cancel()
	done := d.now()
	limited := d.slot != nil
	d.slot.Done(done) // the server saw it, if at all, by now
	d.slot = nil
	if err == nil {
		if limited {
			d.sentAt = append(d.sentAt, done) // for the limit log, written with the record
		}
		if d.part == 0 {
			d.sentID = sentID // the first part's id names the message (its Ref is there)
		}
		if !last {
			s.metrics.Inc("supportbot_messages_out_total", "channel", string(r.Channel))
			d.part++
			d.attempts = 0
			d.notBefore = d.now() // the next part, as soon as the limits let it
			return nil
		}
		d.sent = true
		return nil
	}

	kind := sendErrorKind(d.ch.sender, err, retry)
	s.metrics.Inc("supportbot_send_errors_total", "channel", string(r.Channel), "kind", kind)
	if !retry {
		d.failed = err
		return nil
	}
	d.attempts++
	wait := backoff(d.attempts)
	var ra retryAfterError
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		wait = ra.RetryAfter()
	}
	d.notBefore = d.now().Add(wait)
	attrs := []any{"channel", r.Channel, "chat", r.ChatID, "seq", d.seq, "kind", kind,
		"attempt", d.attempts, "wait", wait, "err", err}
	if r.NoTrace {
		// An erasure's confirmation: its chat is the erased officer's id.
		attrs = append(attrs[:2], attrs[4:]...)
	}
	s.log.Warn("outbox: send failed, will retry", attrs...)
	return nil
}

// sendErrorKind names the kind of a send error: the Sender's own word if it
// implements ErrorKind, else a guess from the error.
func sendErrorKind(s Sender, err error, retry bool) string {
	if k, ok := s.(errorKinder); ok {
		if kind := k.ErrorKind(err); kind != "" {
			return kind
		}
	}
	var ra retryAfterError
	var ne net.Error
	switch {
	case errors.As(err, &ra):
		return "rate_limited"
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded):
		return "network"
	case retry:
		return "server"
	default:
		return "other"
	}
}
