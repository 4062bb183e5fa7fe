package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// DefaultSendTimeout bounds one Bot API request of the Sender.
const DefaultSendTimeout = 30 * time.Second

// SenderOptions configure a Sender; the zero value works.
type SenderOptions struct {
	// HTTPClient sends the requests; default a client with Timeout. Its
	// Transport is wrapped to see HTTP statuses.
	HTTPClient *http.Client
	// Timeout of one request when HTTPClient is nil; default DefaultSendTimeout.
	Timeout time.Duration
	// Logger gets what the caller cannot act on (an unanswerable button
	// press); default slog.Default().
	Logger *slog.Logger
}

// Sender delivers the outbox's replies to Telegram. It implements
// bot.Sender and is safe for concurrent use.
type Sender struct {
	b   *tgbot.Bot
	red redactor
	log *slog.Logger
}

var _ bot.Sender = (*Sender)(nil)

// NewSender returns a Sender for the bot token on apiURL ("" means
// DefaultAPIURL). It makes no request.
func NewSender(token, apiURL string, opts SenderOptions) (*Sender, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("telegram: NewSender: empty bot token")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL // never WithServerURL(""): it would blank the URL
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultSendTimeout
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: opts.Timeout}
	}
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = statusTransport{base: base}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	red := redactor(token)
	b, err := tgbot.New(token,
		tgbot.WithServerURL(strings.TrimRight(apiURL, "/")),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(opts.Timeout, &c),
		tgbot.WithErrorsHandler(func(err error) { opts.Logger.Warn("telegram library", "err", red.str(err.Error())) }),
	)
	if err != nil {
		return nil, red.err(fmt.Errorf("telegram: NewSender: %w", err))
	}
	return &Sender{b: b, red: red, log: opts.Logger}, nil
}

// ErrorKind names the kind of an error Send returned, for the outbox's
// supportbot_send_errors_total{kind}; see the package function ErrorKind.
func (s *Sender) ErrorKind(err error) string { return ErrorKind(err) }

// Limits are Telegram's limits for the outbox: one message per second per
// chat, 20 per minute per group, 30 per second in all, 4,096 characters.
func (s *Sender) Limits() bot.Limits { return bot.TelegramLimits() }

// Send delivers r and returns the sent message_id. r.Text is Telegram
// HTML; it goes through SanitizeHTML first, so that a stray '<' or '&'
// does not cost the officer the formatting. A Reply with
// CallbackID answers that button press instead: r.Text, tags stripped, is
// the toast, and no message is sent (a press too old to answer is a
// permanent ErrBadRequest).
//
// Failures: 429 → retry with a *RateLimitError (RetryAfter); 5xx, network
// errors and timeouts → retry (ErrServer, ErrNetwork); 403 → permanent
// (ErrForbidden); 400 "chat not found" → permanent (ErrChatNotFound); a
// group upgraded to a supergroup → permanent (ErrMigrated, the new chat id
// in the message); any other 400, such as HTML Telegram cannot parse, is
// retried once at once as plain text with the tags stripped, so the
// officer still gets the answer, and is permanent (ErrBadRequest) only if
// that fails too. A retried send may rarely be delivered twice, when
// Telegram accepted it but the answer was lost: the Bot API has no
// idempotency key.
func (s *Sender) Send(ctx context.Context, r bot.Reply) (sentID string, retry bool, err error) {
	if r.CallbackID != "" {
		// A reply to a button press is the toast Telegram shows briefly;
		// every press needs one, or the client keeps spinning.
		retry, err := s.answer(ctx, r.CallbackID, truncateRunes(StripHTML(r.Text), 200))
		return "", retry, err
	}
	chat, err := chatID(r.ChatID)
	if err != nil {
		return "", false, err
	}
	p := s.params(chat, r, SanitizeHTML(r.Text), models.ParseModeHTML)
	id, status, err := s.send(ctx, p)
	if err == nil {
		return id, false, nil
	}
	retry, err = s.classify(err, status, r.ChatID)
	if retry || !errors.Is(err, ErrBadRequest) {
		return "", retry, err
	}
	// Telegram refused the message itself (most often its HTML): send it
	// once more as plain text.
	plain := s.params(chat, r, StripHTML(r.Text), "")
	id, status, err2 := s.send(ctx, plain)
	if err2 == nil {
		s.log.Warn("telegram: sent as plain text after Telegram refused the HTML", "chat", r.ChatID, "err", err)
		return id, false, nil
	}
	retry, err2 = s.classify(err2, status, r.ChatID)
	return "", retry, fmt.Errorf("%w (as HTML: %v)", err2, err)
}

func (s *Sender) params(chat any, r bot.Reply, text string, mode models.ParseMode) *tgbot.SendMessageParams {
	disabled := true
	p := &tgbot.SendMessageParams{
		ChatID:             chat,
		Text:               text,
		ParseMode:          mode,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: &disabled},
		ReplyMarkup:        replyMarkup(r),
	}
	if id, err := strconv.Atoi(r.ReplyToID); err == nil && id > 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: id, AllowSendingWithoutReply: true}
	}
	return p
}

func (s *Sender) send(ctx context.Context, p *tgbot.SendMessageParams) (id string, status int, err error) {
	rec := &statusRecord{}
	m, err := s.b.SendMessage(context.WithValue(ctx, statusKey{}, rec), p)
	if err != nil {
		return "", rec.code, err
	}
	return strconv.Itoa(m.ID), rec.code, nil
}

// answer answers a button press.
func (s *Sender) answer(ctx context.Context, id, toast string) (retry bool, err error) {
	rec := &statusRecord{}
	_, err = s.b.AnswerCallbackQuery(context.WithValue(ctx, statusKey{}, rec),
		&tgbot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: toast})
	if err == nil {
		return false, nil
	}
	return s.classify(err, rec.code, "")
}

// classify turns a library error into the bot.Sender contract.
func (s *Sender) classify(err error, status int, chat string) (retry bool, out error) {
	err = s.red.err(err)
	where := "telegram: send"
	if chat != "" {
		where += " to chat " + chat
	}
	var tmr *tgbot.TooManyRequestsError
	var mig *tgbot.MigrateError
	var netErr net.Error
	switch {
	case errors.As(err, &tmr):
		return true, &RateLimitError{Wait: max(time.Duration(tmr.RetryAfter)*time.Second, time.Second), Err: fmt.Errorf("%s: %w", where, err)}
	case errors.As(err, &mig):
		return false, fmt.Errorf("%s: %w: new chat id %d: %w", where, ErrMigrated, mig.MigrateToChatID, err)
	case errors.Is(err, tgbot.ErrorForbidden):
		return false, fmt.Errorf("%s: %w: %w", where, ErrForbidden, err)
	case errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "chat not found"):
		return false, fmt.Errorf("%s: %w: %w", where, ErrChatNotFound, err)
	case errors.Is(err, tgbot.ErrorBadRequest):
		return false, fmt.Errorf("%s: %w: %w", where, ErrBadRequest, err)
	case status >= 500:
		return true, fmt.Errorf("%s: %w (HTTP %d): %w", where, ErrServer, status, err)
	case errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorNotFound):
		// The token was revoked or mistyped: every send fails until an
		// operator fixes it. Keep the replies queued rather than drop them.
		return true, fmt.Errorf("%s: %w: %w", where, ErrUnauthorized, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr), status == 0:
		return true, fmt.Errorf("%s: %w: %w", where, ErrNetwork, err)
	default:
		return false, fmt.Errorf("%s: %w", where, err)
	}
}

// chatID turns the bot's chat id into what the Bot API takes: a number,
// or an @channel name.
func chatID(s string) (any, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if strings.HasPrefix(s, "@") && len(s) > 1 {
		return s, nil
	}
	return nil, fmt.Errorf("telegram: send: chat id %q: %w", s, ErrChatNotFound)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// statusTransport records the HTTP status of each answer in the request's
// statusRecord: go-telegram reports a 5xx with an HTML body only as a
// decode error, and the status is what tells a retryable failure.
type statusTransport struct{ base http.RoundTripper }

type statusKey struct{}

type statusRecord struct{ code int }

func (t statusTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if resp != nil {
		if rec, ok := req.Context().Value(statusKey{}).(*statusRecord); ok {
			rec.code = resp.StatusCode
		}
	}
	return resp, err
}
