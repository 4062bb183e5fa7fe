package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Errors callers branch on; the errors of this package wrap them
// (errors.Is).
var (
	// ErrUnauthorized: Slack refused a token (invalid_auth, not_authed,
	// token_revoked, account_inactive). Run stops with it.
	ErrUnauthorized = errors.New("slack: a token was refused (check SUPPORTBOT_SLACK_BOT_TOKEN / SUPPORTBOT_SLACK_APP_TOKEN)")

	// Send failures, one per kind of the outbox's metrics.
	ErrRateLimited     = errors.New("slack: rate limited (429)")
	ErrServer          = errors.New("slack: server error")
	ErrNetwork         = errors.New("slack: network error")
	ErrChannelNotFound = errors.New("slack: channel not found, archived or the bot is not in it")
	ErrExpiredTrigger  = errors.New("slack: the trigger_id expired (a view must be opened within 3 s of the press)")
	ErrBadRequest      = errors.New("slack: request refused")

	// ErrFileTooBig: a file is larger than MaxFileSize.
	ErrFileTooBig = errors.New("slack: file too big")
)

// RateLimitError is the error of a 429 (outbox.RateLimitError with Kind
// ErrRateLimited): the outbox waits at least its RetryAfter.
type RateLimitError = outbox.RateLimitError

// retryableCodes are Slack error codes ("ok": false) worth another try.
var retryableCodes = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true,
	"request_timeout": true, "team_added_to_org": true,
}

// authCodes are Slack error codes that mean the token is no good.
var authCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "token_revoked": true,
	"account_inactive": true, "token_expired": true, "no_permission": true,
	"missing_scope": true,
}

// classify turns an error of a Web API call into the outbox's terms:
// whether to retry, and an error wrapping one of the sentinels above.
// ctx is the caller's: a call cut short by it is retried (the outbox is
// shutting down or timed the attempt out).
func classify(ctx context.Context, method string, err error) (retry bool, out error) {
	if err == nil {
		return false, nil
	}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return true, &RateLimitError{Wait: rl.RetryAfter, Kind: ErrRateLimited, Err: fmt.Errorf("%s: %w", method, err)}
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return true, &RateLimitError{Kind: ErrRateLimited, Err: fmt.Errorf("%s: %w", method, err)}
		case sc.Code >= 500:
			return true, fmt.Errorf("%w: %s: %v", ErrServer, method, err)
		default:
			return false, fmt.Errorf("%w: %s: %v", ErrBadRequest, method, err)
		}
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		code := se.Err
		switch {
		case code == "ratelimited" || code == "rate_limited":
			return true, &RateLimitError{Kind: ErrRateLimited, Err: fmt.Errorf("%s: %w", method, err)}
		case retryableCodes[code]:
			return true, fmt.Errorf("%w: %s: %s", ErrServer, method, code)
		case code == "channel_not_found" || code == "not_in_channel" || code == "is_archived" ||
			code == "user_not_in_channel" || code == "message_not_found":
			return false, fmt.Errorf("%w: %s: %s", ErrChannelNotFound, method, code)
		case code == "expired_trigger_id" || code == "invalid_trigger_id" || code == "exchanged_trigger_id":
			return false, fmt.Errorf("%w: %s: %s", ErrExpiredTrigger, method, code)
		case authCodes[code]:
			return false, fmt.Errorf("%w: %s: %s", ErrUnauthorized, method, code)
		default:
			return false, fmt.Errorf("%w: %s: %s", ErrBadRequest, method, code)
		}
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true, fmt.Errorf("%w: %s: %v", ErrNetwork, method, err)
	}
	if _, ok := errors.AsType[net.Error](err); ok || isTransport(err) {
		return true, fmt.Errorf("%w: %s: %v", ErrNetwork, method, err)
	}
	// A request slack-go refused to build (empty trigger, bad view) or an
	// answer it could not decode: permanent.
	return false, fmt.Errorf("%w: %s: %v", ErrBadRequest, method, err)
}

// isTransport reports errors of the HTTP client that are not net.Errors
// (a connection closed mid-answer).
func isTransport(err error) bool {
	s := err.Error()
	return strings.Contains(s, "EOF") || strings.Contains(s, "connection reset") ||
		strings.Contains(s, "connection refused")
}

// isAuthError reports whether err means a token was refused.
func isAuthError(err error) bool {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return authCodes[se.Err]
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return sc.Code == http.StatusUnauthorized || sc.Code == http.StatusNotFound
	}
	switch err.Error() { // socketmode returns these as plain errors
	case "invalid_auth", "not_authed", "token_revoked", "account_inactive":
		return true
	}
	return false
}

// ErrorKind names the kind of an error Send returned, for the outbox's
// supportbot_send_errors_total{kind}: rate_limited, server, network,
// forbidden, bad_request or other.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrServer):
		return "server"
	case errors.Is(err, ErrNetwork):
		return "network"
	case errors.Is(err, ErrUnauthorized):
		return "forbidden"
	case errors.Is(err, ErrChannelNotFound), errors.Is(err, ErrExpiredTrigger), errors.Is(err, ErrBadRequest):
		return "bad_request"
	default:
		return "other"
	}
}
