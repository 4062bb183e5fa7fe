package telegram

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Errors callers branch on; the returned errors wrap them (errors.Is).
var (
	// ErrConflict: Telegram answered 409, because another process polls
	// this bot token or a webhook is set. The poller stops with it.
	ErrConflict = errors.New("telegram: another process is polling this bot token (or a webhook is set)")
	// ErrUnauthorized: Telegram refused the token (401/404). The poller
	// stops with it.
	ErrUnauthorized = errors.New("telegram: the bot token was refused (check SUPPORTBOT_TELEGRAM_TOKEN)")

	// Send failures, one per kind of the outbox's metrics.
	ErrRateLimited  = errors.New("telegram: rate limited (429)")
	ErrServer       = errors.New("telegram: server error")
	ErrNetwork      = errors.New("telegram: network error")
	ErrForbidden    = errors.New("telegram: forbidden: the bot was blocked by the user or removed from the chat")
	ErrChatNotFound = errors.New("telegram: chat not found")
	ErrBadRequest   = errors.New("telegram: bad request")
	ErrMigrated     = errors.New("telegram: the group became a supergroup with a new chat id")
	// ErrNotEditable: a KindUpdate's message is gone, too old to edit
	// (Telegram allows edits for 48 hours in some chats) or not the bot's,
	// or the Reply names none. Permanent; it is not an ErrBadRequest, so
	// no plain-text attempt is made.
	ErrNotEditable = errors.New("telegram: the message to edit was not found or can no longer be edited")
	// ErrFileTooBig: a file is over what the Bot API lets a bot download
	// (MaxFileSize) or upload (MaxUploadSize).
	ErrFileTooBig = errors.New("telegram: file too big")
)

// RateLimitError is the error of a 429 (outbox.RateLimitError with Kind
// ErrRateLimited): the outbox waits at least its RetryAfter.
type RateLimitError = outbox.RateLimitError

// APIError is an answer of the Bot API with ok=false (or a non-200 status)
// to one of the requests this package makes itself (getUpdates,
// deleteWebhook, setWebhook).
type APIError struct {
	Method      string
	Code        int // HTTP status / error_code
	Description string
	RetryAfter  time.Duration // parameters.retry_after on 429
}

func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.Description)
}

// ErrorKind names the kind of a Sender error for metrics
// (supportbot_send_errors_total{kind}): rate_limited, server, network,
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
	case errors.Is(err, ErrForbidden):
		return "forbidden"
	case errors.Is(err, ErrChatNotFound), errors.Is(err, ErrBadRequest), errors.Is(err, ErrMigrated), errors.Is(err, ErrNotEditable):
		return "bad_request"
	default:
		return "other"
	}
}

// redactor removes a token from texts.
type redactor string

func (r redactor) str(s string) string {
	if r == "" {
		return s
	}
	return strings.ReplaceAll(s, string(r), "<token>")
}

// err returns err with the token removed from its text, keeping the
// chain for errors.Is/As.
func (r redactor) err(err error) error {
	if err == nil || r == "" || !strings.Contains(err.Error(), string(r)) {
		return err
	}
	return &redacted{msg: r.str(err.Error()), err: err}
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
