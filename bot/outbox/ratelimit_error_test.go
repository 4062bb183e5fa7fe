package outbox_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
)

func TestRateLimitErrorWrapsKindAndCause(t *testing.T) {
	kind, cause := errors.New("x: rate limited (429)"), errors.New("sendMessage: Too Many Requests")
	var err error = fmt.Errorf("send: %w", &outbox.RateLimitError{Wait: 3 * time.Second, Kind: kind, Err: cause})
	var rl *outbox.RateLimitError
	if !errors.Is(err, kind) || !errors.Is(err, cause) || !errors.As(err, &rl) || rl.RetryAfter() != 3*time.Second {
		t.Errorf("%v: want the kind, the cause and a 3 s RetryAfter", err)
	}
}
