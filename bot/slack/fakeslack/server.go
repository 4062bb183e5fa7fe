package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// Tokens and identities the fake uses unless Options say otherwise.
const (
	BotToken  = "xoxb-fake-bot-token"
	AppToken  = "xapp-fake-app-token"
	BotUserID = "UBOT"
	BotID     = "BBOT"
	TeamID    = "T0001"
)

// Options configure a Server; the zero value works.
type Options struct {
	BotToken string // default BotToken
	AppToken string // default AppToken
	// PageSize is how many members conversations.members returns per
	// page; default 2, so that tests see pagination.
	PageSize int
	// OnAck runs in the websocket's reader when an ack arrives, before
	// it is recorded.
	OnAck func(Ack)
}

// Call is one Web API request: its method and parameters.
type Call struct {
	Method string
	Params map[string]string
}

// Post is one accepted chat.postMessage, chat.update,
// chat.postEphemeral, views.open or views.publish.
type Post struct {
	Method   string
	Channel  string
	User     string // chat.postEphemeral, views.publish
	TS       string // the message's ts (new, or the one updated)
	ThreadTS string
	Text     string          // the top-level text
	Blocks   json.RawMessage // the blocks as sent (views: the view)
	Trigger  string          // views.open
}

// Upload is one file shared with files.completeUploadExternal.
type Upload struct {
	ID       string
	Name     string
	Data     []byte
	Channel  string
	ThreadTS string
}

// User is a Slack user for users.info.
type User struct {
	ID          string
	Name        string // the handle
	RealName    string
	DisplayName string
	Locale      string // e.g. "vi-VN"
}

// Server is the fake Slack. Create it with New and Close it when done.
type Server struct {
	srv  *httptest.Server
	opts Options
	up   websocket.Upgrader

	// mu guards every field below.
	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	calls     []Call
	posts     []Post
	uploads   []Upload
	pendingUp map[string]*Upload // by file id, between getUploadURL and complete
	files     map[string][]byte  // served at /files/<id>
	users     map[string]User
	groups    map[string][]string
	members   map[string][]string
	chanErr   map[string]string
	failures  map[string][]Failure
	nextTS    int64
	nextFile  int
	nextView  int
	sock      *socketState
}

// New starts a fake Slack.
func New(opts Options) *Server {
	if opts.BotToken == "" {
		opts.BotToken = BotToken
	}
	if opts.AppToken == "" {
		opts.AppToken = AppToken
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 2
	}
	s := &Server{
		opts: opts,
		// slack-go dials with Origin https://api.slack.com.
		up:        websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		changed:   make(chan struct{}),
		pendingUp: map[string]*Upload{},
		files:     map[string][]byte{},
		users:     map[string]User{},
		groups:    map[string][]string{},
		members:   map[string][]string{},
		chanErr:   map[string]string{},
		failures:  map[string][]Failure{},
		nextTS:    1700000000_000100,
		sock:      newSocketState(),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/upload/", s.serveUpload)
	mux.HandleFunc("/files/", s.serveFile)
	mux.HandleFunc("/ws", s.serveSocket)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the Web API base URL, ending with a slash.
func (s *Server) URL() string { return s.srv.URL + "/api/" }

// Close closes the websocket connections and stops the server.
func (s *Server) Close() {
	s.closeSockets()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Wait blocks until cond returns true, re-checking it after every change
// of the fake's state (a request, an ack, a connection). cond must not
// hold locks the server's methods need.
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
			return fmt.Errorf("fakeslack: wait: %w", ctx.Err())
		}
	}
}

// notifyLocked wakes Wait; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Calls returns every Web API call so far, or those of the given methods.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Posts returns the accepted posts, or those of the given methods.
func (s *Server) Posts(methods ...string) []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Post
	for _, p := range s.posts {
		if len(methods) == 0 || contains(methods, p.Method) {
			out = append(out, p)
		}
	}
	return out
}

// Uploads returns the files shared so far.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// AddUser makes users.info know u.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// SetGroup sets the members of a user group.
func (s *Server) SetGroup(id string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = members
}

// SetMembers sets the members of a channel.
func (s *Server) SetMembers(channel string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[channel] = members
}

// SetChannelError makes posts to channel fail with code
// ("channel_not_found", "is_archived", ...); "" clears it.
func (s *Server) SetChannelError(channel, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.chanErr, channel)
	} else {
		s.chanErr[channel] = code
	}
}

// AddFile serves data as a Slack file and returns its url_private; a
// download needs the bot token.
func (s *Server) AddFile(id string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[id] = data
	return s.srv.URL + "/files/" + id
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// params reads a request's parameters: the query, a form body, or the
// top-level fields of a JSON body (strings as they are, other values as
// JSON text).
func params(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json" && len(body) > 0:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			var str string
			if json.Unmarshal(v, &str) == nil {
				out[k] = str
			} else {
				out[k] = string(v)
			}
		}
	case len(body) > 0:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			out[k] = v[0]
		}
	}
	return out, nil
}

// token is the request's token: the Authorization header or the token
// parameter.
func token(r *http.Request, p map[string]string) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	return p["token"]
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

// ts returns the next message ts; s.mu must be held.
func (s *Server) tsLocked() string {
	s.nextTS += 100
	return strconv.FormatInt(s.nextTS/1_000_000, 10) + "." + fmt.Sprintf("%06d", s.nextTS%1_000_000)
}
