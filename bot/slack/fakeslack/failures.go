package fakeslack

import (
	"net/http"
	"strconv"
)

// Failure is one injected failure of a method.
type Failure struct {
	// Status is the HTTP status (429, 500, 502, 503); 0 means 200 with
	// Error.
	Status int
	// RetryAfter is the Retry-After header of a 429, in seconds.
	RetryAfter int
	// Error is the "error" of an "ok": false answer ("channel_not_found",
	// "expired_trigger_id", "ratelimited", ...).
	Error string
}

// Fail queues f for the next call of method; several calls queue several
// failures, used in order.
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f)
}

// FailNext makes the next n calls of method fail with f.
func (s *Server) FailNext(method string, n int, f Failure) {
	for range n {
		s.Fail(method, f)
	}
}

// takeFailureLocked pops the next failure of method; s.mu must be held.
func (s *Server) takeFailureLocked(method string) (Failure, bool) {
	q := s.failures[method]
	if len(q) == 0 {
		return Failure{}, false
	}
	s.failures[method] = q[1:]
	return q[0], true
}

// writeFailure answers with f.
func writeFailure(w http.ResponseWriter, f Failure) {
	switch {
	case f.Status == http.StatusTooManyRequests:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		http.Error(w, "rate limited", f.Status)
	case f.Status != 0 && f.Status != http.StatusOK:
		http.Error(w, "<html>server error</html>", f.Status)
	default:
		writeErr(w, f.Error)
	}
}
