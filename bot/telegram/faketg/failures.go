package faketg

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Failure is one injected failure of a method.
type Failure struct {
	// Code is the HTTP status and error_code (429, 502, 403, 400, 409, ...).
	Code int
	// Description overrides the text Telegram would send for Code.
	Description string
	// RetryAfter is parameters.retry_after in seconds (429).
	RetryAfter int
	// MigrateTo is parameters.migrate_to_chat_id (400 after a group
	// became a supergroup).
	MigrateTo int64
	// Drop closes the connection without an answer (a network error).
	Drop bool
	// Stall holds the request without answering until the client gives
	// up (its timeout or context) or the server closes.
	Stall bool
}

// Descriptions Telegram sends with each error code.
var descriptions = map[int]string{
	400: "Bad Request: chat not found",
	401: "Unauthorized",
	403: "Forbidden: bot was blocked by the user",
	404: "Not Found",
	409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
	500: "Internal Server Error",
}

// FailNext makes the next call of method (case-insensitive) fail with
// code; retryAfter (seconds) is sent as parameters.retry_after. Several
// calls queue several failures, used in order.
func (s *Server) FailNext(method string, code, retryAfter int) {
	s.Fail(method, Failure{Code: code, RetryAfter: retryAfter})
}

// DropNext makes the next call of method end with a closed connection.
func (s *Server) DropNext(method string) { s.Fail(method, Failure{Drop: true}) }

// StallNext makes the next call of method hang until the client gives up.
func (s *Server) StallNext(method string) { s.Fail(method, Failure{Stall: true}) }

// Fail queues a failure for the next call of method.
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(method)
	s.failures[k] = append(s.failures[k], f)
}

// ClearFailures drops every injected failure not used yet.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failures)
}

// Block makes every later sendMessage to chatID fail with 403 "Forbidden:
// bot was blocked by the user", as after the officer blocked the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// RateLimited counts the 429 answers given, injected or enforced.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// RateLimitedBy counts the 429s given by Options.EnforceLimits, by the
// limit broken: LimitChat, LimitGroup or LimitGlobal.
func (s *Server) RateLimitedBy() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.limitedBy))
	for k, v := range s.limitedBy {
		out[k] = v
	}
	return out
}

func (s *Server) takeFailure(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(method)
	q := s.failures[k]
	if len(q) == 0 {
		return Failure{}, false
	}
	f := q[0]
	s.failures[k] = q[1:]
	if f.Code == http.StatusTooManyRequests {
		s.rateLimited++
	}
	return f, true
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Failure) {
	switch {
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without an answer
	case f.Stall:
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		return
	case f.Code == http.StatusBadGateway || f.Code == http.StatusGatewayTimeout:
		// Telegram's front end answers these with an HTML page, not JSON.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		_, _ = io.WriteString(w, fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n",
			f.Code, http.StatusText(f.Code), f.Code, http.StatusText(f.Code)))
		return
	}
	desc := f.Description
	if desc == "" {
		desc = descriptions[f.Code]
	}
	if desc == "" && f.Code == http.StatusTooManyRequests {
		desc = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
	}
	if desc == "" {
		desc = http.StatusText(f.Code)
	}
	writeError(w, f.Code, desc, f.RetryAfter, f.MigrateTo)
}
