package faketg

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// Token is the bot token the fake accepts when Options.Token is empty.
const Token = "123456:TEST-fake-token"

// BotUser is the bot's own account as getMe reports it.
var BotUser = models.User{ID: 999000, IsBot: true, FirstName: "Hỗ trợ", Username: "supportbot_test_bot"}

// Options configure a Server; the zero value works.
type Options struct {
	// Token is the only token accepted (others get 401); default Token.
	Token string
	// EnforceLimits refuses sendMessage beyond Telegram's limits with 429.
	EnforceLimits bool
	// Tolerance forgives sends this much early, so that a sender spacing
	// its messages by exactly 1 s is not refused for network jitter.
	// Default 10 ms; a negative value means none.
	Tolerance time.Duration
	// Now is the clock of the limits and of message dates; default time.Now.
	Now func() time.Time
	// FirstUpdateID is the update_id of the first pushed update; default 1000.
	FirstUpdateID int64
	// MaxPoll caps the long-poll timeout a getUpdates may ask for; default 50 s.
	MaxPoll time.Duration
	// BotUsername is the username getMe reports; default BotUser.Username.
	BotUsername string
}

// Call is one request the fake received: its method (as written in the
// URL) and its fields, JSON values kept as JSON text.
type Call struct {
	Method string
	Fields map[string]string
}

// Server is the fake Bot API. Create it with New and Close it when done.
type Server struct {
	srv  *httptest.Server
	opts Options

	closed    chan struct{}
	closeOnce sync.Once

	// mu guards every field below.
	mu          sync.Mutex
	changed     chan struct{} // closed and replaced whenever state changes
	calls       []Call
	queue       []queued // unconfirmed updates, in update_id order
	confirmed   []int64
	offsets     []int64 // offset of every getUpdates, in order
	nextUpdate  int64
	nextMsg     map[int64]int // chat id → last message_id used
	sent        []Sent
	answers     []Answer
	edits       []Edit
	textEdits   []TextEdit
	texts       map[msgKey]string // (chat, message_id) → text and markup now shown, for "not modified"
	docs        []Document
	files       map[string]*file // file_id → file, for getFile
	filePaths   map[string]*file // file_path → file, for downloads
	callbacks   map[string]bool  // callback query ids issued and not yet answered
	commands    map[string][]models.BotCommand
	webhook     string
	secret      string
	failures    map[string][]Failure
	blocked     map[int64]bool
	rateLimited int
	limitedBy   map[string]int // enforced 429s by limit
	poll        chan struct{}  // closed to end the active long poll with 409
	lim         limiter
}

// New starts a fake Bot API server.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = Token
	}
	if opts.Tolerance == 0 {
		opts.Tolerance = 10 * time.Millisecond
	} else if opts.Tolerance < 0 {
		opts.Tolerance = 0
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FirstUpdateID == 0 {
		opts.FirstUpdateID = 1000
	}
	if opts.MaxPoll <= 0 {
		opts.MaxPoll = 50 * time.Second
	}
	if opts.BotUsername == "" {
		opts.BotUsername = BotUser.Username
	}
	s := &Server{
		opts:       opts,
		closed:     make(chan struct{}),
		changed:    make(chan struct{}),
		nextUpdate: opts.FirstUpdateID,
		nextMsg:    map[int64]int{},
		callbacks:  map[string]bool{},
		commands:   map[string][]models.BotCommand{},
		failures:   map[string][]Failure{},
		blocked:    map[int64]bool{},
		lim:        newLimiter(),
		limitedBy:  map[string]int{},
		texts:      map[msgKey]string{},
		files:      map[string]*file{},
		filePaths:  map[string]*file{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the server URL to pass as the Bot API URL (no trailing slash).
func (s *Server) URL() string { return s.srv.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// Close ends held requests (long polls, stalls) and stops the server.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Wait blocks until cond returns true, re-checking it after every change
// of the fake's state (a request handled, an update pushed). It returns
// ctx's error if ctx ends first. cond must not hold locks of its own that
// the server's methods need.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("faketg: wait: %w", ctx.Err())
		case <-s.closed:
			return fmt.Errorf("faketg: wait: server closed")
		}
	}
}

// notifyLocked wakes Wait and long polls; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Calls returns every request received so far, or only those of the
// given methods (case-insensitive) when any are named.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || containsFold(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Webhook returns the URL and secret of the webhook set, if any.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

// SetWebhookURL sets a webhook as if another deployment had called
// setWebhook: getUpdates then answers 409 until deleteWebhook.
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = url
}

// Commands returns the command menu set for a language code ("" is the
// default menu).
func (s *Server) Commands(lang string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands[lang]...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.download(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" {
		writeError(w, http.StatusNotFound, "Not Found", 0, 0)
		return
	}
	fields, err := parseFields(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0, 0)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Fields: fields})
	s.notifyLocked()
	s.mu.Unlock()

	if token != s.opts.Token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0, 0)
		return
	}
	if f, ok := s.takeFailure(method); ok {
		s.fail(w, r, f)
		return
	}
	switch strings.ToLower(method) {
	case "getupdates":
		s.getUpdates(w, r, fields)
	case "sendmessage":
		s.sendMessage(w, fields)
	case "answercallbackquery":
		s.answerCallback(w, fields)
	case "editmessagereplymarkup":
		s.editMarkup(w, fields)
	case "editmessagetext":
		s.editText(w, fields)
	case "senddocument":
		s.sendDocument(w, r, fields)
	case "getfile":
		s.getFile(w, fields)
	case "setmycommands":
		s.setCommands(w, fields)
	case "getme":
		me := BotUser
		me.Username = s.opts.BotUsername
		writeOK(w, me)
	case "setwebhook":
		s.mu.Lock()
		s.webhook, s.secret = fields["url"], fields["secret_token"]
		s.notifyLocked()
		s.mu.Unlock()
		writeOK(w, true)
	case "deletewebhook":
		s.mu.Lock()
		s.webhook, s.secret = "", ""
		if fields["drop_pending_updates"] == "true" {
			s.queue = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
		writeOK(w, true)
	default:
		writeError(w, http.StatusNotFound, "Not Found: method not found", 0, 0)
	}
}

// parseFields reads a JSON, multipart or urlencoded body (and the query
// string) into one map; JSON strings are unquoted, other JSON values are
// kept as JSON text, as the multipart encoding of go-telegram sends them.
func parseFields(r *http.Request) (map[string]string, error) {
	fields := map[string]string{}
	for k, v := range r.URL.Query() {
		fields[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if err != nil {
			return nil, fmt.Errorf("read body: %w", err)
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return fields, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("invalid JSON body: %w", err)
		}
		for k, raw := range m {
			var str string
			if err := json.Unmarshal(raw, &str); err == nil {
				fields[k] = str
			} else {
				fields[k] = string(raw)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, fmt.Errorf("invalid multipart body: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			fields[k] = v[0]
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("invalid form body: %w", err)
		}
		for k, v := range r.PostForm {
			fields[k] = v[0]
		}
	}
	return fields, nil
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeError(w http.ResponseWriter, code int, desc string, retryAfter int, migrateTo int64) {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	params := map[string]any{}
	if retryAfter > 0 {
		params["retry_after"] = retryAfter
	}
	if migrateTo != 0 {
		params["migrate_to_chat_id"] = migrateTo
	}
	if len(params) > 0 {
		body["parameters"] = params
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func atoi64(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}
