package outbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	bolt "go.etcd.io/bbolt"
)

// obClock is a simulated clock for one outbox with one worker: waiting
// (After) jumps the clock straight to the deadline. With a single worker the
// outbox only waits when nothing is in flight, so nothing happens "between"
// now and the deadline and the jump is exact.
type obClock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

var obEpoch = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func newOBClock() *obClock { return &obClock{t: obEpoch} }

func (c *obClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *obClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	ch := make(chan time.Time, 1)
	ch <- c.t
	c.mu.Unlock()
	return ch
}

// obSend is one call of a fake Sender.
type obSend struct {
	Reply outbox.Reply
	At    time.Time
	Err   error
}

// obSender records every call and answers with fail (nil: success).
type obSender struct {
	now  func() time.Time
	fail func(r outbox.Reply, call int) (retry bool, err error) // call counts this chat's calls from 1

	mu    sync.Mutex // guards the fields below
	calls []obSend
	per   map[string]int
}

func (s *obSender) Send(_ context.Context, r outbox.Reply) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.per == nil {
		s.per = make(map[string]int)
	}
	s.per[r.ChatID]++
	var retry bool
	var err error
	if s.fail != nil {
		retry, err = s.fail(r, s.per[r.ChatID])
	}
	s.calls = append(s.calls, obSend{Reply: r, At: s.now(), Err: err})
	if err != nil {
		return "", retry, err
	}
	return fmt.Sprintf("m%d", len(s.calls)), false, nil
}

func (s *obSender) Calls() []obSend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]obSend(nil), s.calls...)
}

// delivered returns the texts delivered to each chat, in order.
func (s *obSender) delivered() map[string][]string {
	out := make(map[string][]string)
	for _, c := range s.Calls() {
		if c.Err == nil {
			out[c.Reply.ChatID] = append(out[c.Reply.ChatID], c.Reply.Text)
		}
	}
	return out
}

// obRetryAfter is a 429.
type obRetryAfter struct{ wait time.Duration }

func (e obRetryAfter) Error() string             { return fmt.Sprintf("429: retry after %s", e.wait) }
func (e obRetryAfter) RetryAfter() time.Duration { return e.wait }

func obOpenDB(t testing.TB, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func obTempDB(t testing.TB) *bolt.DB {
	t.Helper()
	db := obOpenDB(t, filepath.Join(t.TempDir(), "outbox.db"))
	t.Cleanup(func() { db.Close() })
	return db
}

// obCounter counts callback calls and says when n were seen.
type obCounter struct {
	mu   sync.Mutex
	n    int
	want int
	done chan struct{}
}

func newOBCounter(want int) *obCounter { return &obCounter{want: want, done: make(chan struct{})} }

func (c *obCounter) add() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.n == c.want {
		close(c.done)
	}
	return c.n
}

func (c *obCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// obRun runs o until done is closed (or ctx of the test ends), then stops
// it and waits for Run to return.
func obRun(t testing.TB, o *outbox.Outbox, done <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- o.Run(ctx) }()
	select {
	case <-done:
	case err := <-errc:
		cancel()
		t.Fatalf("Run returned early: %v", err)
	case <-time.After(20 * time.Second): // a hang guard, not a timing assertion
		cancel()
		<-errc
		t.Fatal("outbox did not deliver within 20s (hang)")
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func obReply(chat, text string) outbox.Reply {
	return outbox.Reply{Channel: outbox.Telegram, ChatID: chat, Text: text}
}

// obSplitSentences returns a splitter that cuts a text after every n-th
// ". ": the outbox's tests need a splitter, not Telegram's.
func obSplitSentences(n int) func(string) []string {
	return func(s string) []string {
		var parts []string
		cur, k := "", 0
		for _, p := range strings.SplitAfter(s, ". ") {
			if p == "" {
				continue
			}
			cur += p
			if k++; k == n {
				parts, cur, k = append(parts, cur), "", 0
			}
		}
		if cur != "" {
			parts = append(parts, cur)
		}
		return parts
	}
}
