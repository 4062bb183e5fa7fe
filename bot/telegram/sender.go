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
	"github.com/mostvn/supportbot/bot/outbox"
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

	// Fetchers read the files of a Reply that another channel holds (an
	// attachment a staff member sent on Slack). Nil: such files cannot be
	// sent, and a note says so under the text.
	Fetchers outbox.Fetchers
	// FileDir is where relative File.Paths are; default the working
	// directory.
	FileDir string
	// UploadTimeout bounds one sendDocument when HTTPClient is nil: an
	// upload of up to MaxUploadSize on a commune's link takes longer than
	// a message. Default DefaultUploadTimeout.
	UploadTimeout time.Duration
}

// DefaultUploadTimeout bounds one upload of the Sender.
const DefaultUploadTimeout = 3 * time.Minute

// Sender delivers the outbox's replies to Telegram. It implements
// bot.Sender and is safe for concurrent use.
type Sender struct {
	b        *tgbot.Bot
	up       *tgbot.Bot // the same bot with the upload timeout, for sendDocument
	red      redactor
	log      *slog.Logger
	fetchers outbox.Fetchers
	fileDir  string
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
	if opts.UploadTimeout <= 0 {
		opts.UploadTimeout = DefaultUploadTimeout
	}
	uc := c
	if opts.HTTPClient == nil {
		uc.Timeout = opts.UploadTimeout
	}
	up, err := tgbot.New(token,
		tgbot.WithServerURL(strings.TrimRight(apiURL, "/")),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(opts.UploadTimeout, &uc),
		tgbot.WithErrorsHandler(func(err error) { opts.Logger.Warn("telegram library", "err", red.str(err.Error())) }),
	)
	if err != nil {
		return nil, red.err(fmt.Errorf("telegram: NewSender: %w", err))
	}
	return &Sender{b: b, up: up, red: red, log: opts.Logger, fetchers: opts.Fetchers, fileDir: opts.FileDir}, nil
}

// ErrorKind names the kind of an error Send returned, for the outbox's
// supportbot_send_errors_total{kind}; see the package function ErrorKind.
func (s *Sender) ErrorKind(err error) string { return ErrorKind(err) }

// Limits are Telegram's limits for the outbox (APILimits): one message per
// second per chat, 20 per minute per group (a negative chat id), 30 per
// second in all, texts cut by SplitHTML at 4,096 UTF-16 units.
func (s *Sender) Limits() bot.Limits { return APILimits() }

// Send delivers r according to its Kind and returns the sent message_id:
//
//   - KindMessage and KindEphemeral (Telegram has none: in a private chat
//     a message is private anyway) send r.Text, then r.Fields as
//     "<b>label:</b> value" lines, as one HTML message, then each of
//     r.Files as a document (see sendFiles). r.Name is already in the
//     text.
//   - KindUpdate edits the message r.EditID in r.ChatID (editMessageText);
//     see edit.
//   - KindAnswer answers the button press r.CallbackID: r.Text, tags
//     stripped and cut to 200 characters, is the toast, and no message is
//     sent (a press too old to answer is a permanent ErrBadRequest). So
//     is a Reply of no Kind that is a toast as queued before kinds
//     existed (see legacyToast).
//   - KindView, and any kind this version does not know, fail at once
//     with outbox.ErrUnsupported (permanent).
//
// r.Text is Telegram HTML; it goes through SanitizeHTML first, so that a
// stray '<' or '&' does not cost the officer the formatting.
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
	switch {
	case r.Kind == outbox.KindAnswer, legacyToast(r):
		// A reply to a button press is the toast Telegram shows briefly;
		// every press needs one, or the client keeps spinning.
		retry, err := s.answer(ctx, r.CallbackID, truncateRunes(StripHTML(r.Text), 200))
		return "", retry, err
	case r.Kind == outbox.KindUpdate:
		return s.edit(ctx, r)
	case r.Kind == outbox.KindMessage, r.Kind == outbox.KindEphemeral:
		return s.message(ctx, r)
	default:
		return "", false, fmt.Errorf("telegram: send %q%s: %w", r.Kind, toChat(r), outbox.ErrUnsupported)
	}
}

// legacyToast reports whether r, of no Kind, is a button-press answer as
// the core queued them before kinds existed: a CallbackID and no chat (the
// outbox's rule), or a CallbackID with the chat and nothing but a short
// text, which is what the core's toast still queues. A message that only
// carries the press's id along (the first part of a split text) is not
// one: taking it for a toast would lose its text.
func legacyToast(r bot.Reply) bool {
	if r.Kind != outbox.KindMessage || r.CallbackID == "" {
		return false
	}
	if r.ChatID == "" {
		return true
	}
	return len(r.Buttons) == 0 && len(r.Keyboard) == 0 && !r.RemoveKB && len(r.Fields) == 0 && len(r.Files) == 0 &&
		r.Ref == "" && r.ReplyToID == "" && utf8.RuneCountInString(StripHTML(r.Text)) <= 200
}

// message sends a KindMessage: the files are read first, so that a file
// that cannot be read is mentioned in the text itself, then the text,
// then the files.
func (s *Sender) message(ctx context.Context, r bot.Reply) (sentID string, retry bool, err error) {
	chat, err := chatID(r.ChatID)
	if err != nil {
		return "", false, err
	}
	uploads, failed := s.readFiles(ctx, r.Files)
	text := withNote(renderText(r), failed)
	if text == "" && len(uploads) > 0 {
		// Only files (a relayed attachment without words): the documents
		// are the message, and the first carries the buttons.
		return s.sendFiles(ctx, chat, r, uploads, true)
	}
	sentID, retry, err = s.sendText(ctx, chat, r, text)
	if err != nil || len(uploads) == 0 {
		return sentID, retry, err
	}
	// The text went: from here on nothing may make the outbox send it
	// again, so files that fail are reported in a note, not an error.
	_, _, _ = s.sendFiles(ctx, chat, r, uploads, false)
	return sentID, false, nil
}

// sendText sends text with r's keyboard and reply. The outbox has cut
// r.Text to fit, but the fields and a note about files come on top: a
// text that then overflows goes as several messages (SplitHTML), the
// first replying, the last carrying the keyboard; sentID is the first's.
func (s *Sender) sendText(ctx context.Context, chat any, r bot.Reply, text string) (sentID string, retry bool, err error) {
	parts := []string{text}
	if len(r.Fields) > 0 || text != r.Text {
		parts = SplitHTML(text, MaxLen)
	}
	for i, part := range parts {
		pr := r
		if i > 0 {
			pr.ReplyToID = ""
		}
		if i < len(parts)-1 {
			pr.Buttons, pr.Keyboard, pr.RemoveKB = nil, nil, false
		}
		id, retry, err := s.deliver(ctx, namedChat(r), part, func(ctx context.Context, text string, mode models.ParseMode) (string, int, error) {
			return s.send(ctx, s.params(chat, pr, text, mode))
		})
		if err != nil {
			// A retry sends the parts that went again: rare (a part
			// failing right after its sibling went) and better than none.
			return "", retry, err
		}
		if i == 0 {
			sentID = id
		}
	}
	return sentID, false, nil
}

// deliver sends text as HTML through try and, if Telegram refuses the
// message itself (most often its HTML), once more as plain text.
func (s *Sender) deliver(ctx context.Context, chat, text string,
	try func(ctx context.Context, text string, mode models.ParseMode) (id string, status int, err error),
) (sentID string, retry bool, err error) {
	id, status, err := try(ctx, SanitizeHTML(text), models.ParseModeHTML)
	if err == nil {
		return id, false, nil
	}
	retry, err = s.classify(err, status, chat)
	if retry || !errors.Is(err, ErrBadRequest) {
		return "", retry, err
	}
	id, status, err2 := try(ctx, StripHTML(text), "")
	if err2 == nil {
		if chat == "" {
			s.log.Warn("telegram: sent as plain text after Telegram refused the HTML", "err", err)
		} else {
			s.log.Warn("telegram: sent as plain text after Telegram refused the HTML", "chat", chat, "err", err)
		}
		return id, false, nil
	}
	retry, err2 = s.classify(err2, status, chat)
	return "", retry, fmt.Errorf("%w (as HTML: %v)", err2, err)
}

// namedChat is the chat id errors and logs may name: none for a NoTrace
// reply (an erasure's confirmation), whose chat is an erased officer's id
// and must not outlive the erasure in the logs.
func namedChat(r bot.Reply) string {
	if r.NoTrace {
		return ""
	}
	return r.ChatID
}

func toChat(r bot.Reply) string {
	if c := namedChat(r); c != "" {
		return " to chat " + c
	}
	return ""
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
		return true, &RateLimitError{Wait: max(time.Duration(tmr.RetryAfter)*time.Second, time.Second), Kind: ErrRateLimited, Err: fmt.Errorf("%s: %w", where, err)}
	case errors.As(err, &mig):
		return false, fmt.Errorf("%s: %w: new chat id %d: %w", where, ErrMigrated, mig.MigrateToChatID, err)
	case errors.Is(err, tgbot.ErrorForbidden):
		return false, fmt.Errorf("%s: %w: %w", where, ErrForbidden, err)
	case errors.Is(err, tgbot.ErrorBadRequest) && notEditable(err):
		return false, fmt.Errorf("%s: %w: %w", where, ErrNotEditable, err)
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
