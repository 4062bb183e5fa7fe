package outbox

import (
	"fmt"
	"time"
)

// RateLimitError is what a Sender returns for a 429: the outbox waits at
// least Wait before the next attempt (it reads RetryAfter). Kind is the
// channel's sentinel (telegram.ErrRateLimited, slack.ErrRateLimited) and
// Err the cause; errors.Is finds both.
type RateLimitError struct {
	Wait time.Duration
	Kind error
	Err  error
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v, retry after %s: %v", e.Kind, e.Wait, e.Err)
}

// RetryAfter is how long the channel asked to wait.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

// Unwrap exposes the channel's sentinel and the cause.
func (e *RateLimitError) Unwrap() []error { return []error{e.Kind, e.Err} }
