package bot

// Tests of each stage of the outbox pipeline on its own; outbox_test.go
// tests them together through Run.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	_ outboxStage = (*dedupeStage)(nil)
	_ outboxStage = (*rateLimitStage)(nil)
	_ outboxStage = (*retryStage)(nil)
	_ outboxStage = (*recordStage)(nil)
)

var obiEpoch = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// obiQueued opens a db with the outbox buckets and one queued item.
func obiQueued(t *testing.T, r Reply) (*bolt.DB, *outDelivery) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o, err := NewOutbox(db, OutboxOptions{Now: func() time.Time { return obiEpoch }})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(r.Channel, SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", false, nil }), TelegramLimits())
	if err := o.Enqueue(r); err != nil {
		t.Fatal(err)
	}
	return db, &outDelivery{seq: 1, item: outItem{Reply: r, Enqueued: obiEpoch}, now: func() time.Time { return obiEpoch }}
}

func obiQueuedCount(t *testing.T, db *bolt.DB, bucket []byte) int {
	t.Helper()
	n := 0
	if err := db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucket).Stats().KeyN; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDedupeStage(t *testing.T) {
	r := Reply{Channel: Telegram, ChatID: "1", Text: "x"}
	t.Run("queued and not sent: go on", func(t *testing.T) {
		db, d := obiQueued(t, r)
		if err := newDedupeStage(db).exec(context.Background(), d); err != nil || d.skipSend || d.done {
			t.Errorf("err %v skipSend %v done %v", err, d.skipSend, d.done)
		}
	})
	t.Run("sent already: only record", func(t *testing.T) {
		db, d := obiQueued(t, r)
		d.sent, d.sentID = true, "77"
		if err := newDedupeStage(db).exec(context.Background(), d); err != nil || !d.skipSend {
			t.Errorf("err %v skipSend %v", err, d.skipSend)
		}
	})
	t.Run("no longer queued: done", func(t *testing.T) {
		db, d := obiQueued(t, r)
		d.seq = 99
		if err := newDedupeStage(db).exec(context.Background(), d); err != nil || !d.done {
			t.Errorf("err %v done %v", err, d.done)
		}
	})
}

func TestRateLimitStage(t *testing.T) {
	now := obiEpoch
	l := TelegramLimits()
	d := func(r Reply, rl *RateLimiter) *outDelivery {
		return &outDelivery{item: outItem{Reply: r}, ch: outChannel{limiter: rl}, now: func() time.Time { return now }}
	}
	rl := NewRateLimiter(l)
	first := d(Reply{Channel: Telegram, ChatID: "1"}, rl)
	second := d(Reply{Channel: Telegram, ChatID: "1"}, rl)
	toast := d(Reply{Channel: Telegram, CallbackID: "cb"}, rl)
	for _, tc := range []struct {
		name string
		d    *outDelivery
		want time.Time
	}{
		{"first message goes", first, time.Time{}},
		{"second waits a second and the margin", second, now.Add(time.Second + l.Margin)},
		{"a button answer is not limited", toast, time.Time{}},
	} {
		if err := (rateLimitStage{}).exec(context.Background(), tc.d); err != nil || !tc.d.notBefore.Equal(tc.want) {
			t.Errorf("%s: err %v notBefore %v, want %v", tc.name, err, tc.d.notBefore, tc.want)
		}
	}
}

// obiRetryAfter is a 429 error.
type obiRetryAfter time.Duration

func (e obiRetryAfter) Error() string             { return "429" }
func (e obiRetryAfter) RetryAfter() time.Duration { return time.Duration(e) }

// obiKinder is a Sender that names its error kinds.
type obiKinder struct{ SenderFunc }

func (obiKinder) ErrorKind(err error) string { return "forbidden" }

func TestRetryStage(t *testing.T) {
	now := obiEpoch
	for _, tc := range []struct {
		name       string
		sender     Sender
		attempts   int // before
		sent       bool
		permanent  bool
		minWait    time.Duration
		maxWait    time.Duration
		metricKind string
	}{
		{name: "success", sender: SenderFunc(func(context.Context, Reply) (string, bool, error) { return "5", false, nil }), sent: true},
		{name: "429 waits retry_after", metricKind: "rate_limited", minWait: 9 * time.Second, maxWait: 9 * time.Second,
			sender: SenderFunc(func(context.Context, Reply) (string, bool, error) {
				return "", true, fmt.Errorf("send: %w", obiRetryAfter(9*time.Second))
			})},
		{name: "first 5xx backs off about a second", metricKind: "server", minWait: 500 * time.Millisecond, maxWait: time.Second,
			sender: SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", true, errors.New("502") })},
		{name: "fifth 5xx backs off about 16s", attempts: 4, metricKind: "server", minWait: 8 * time.Second, maxWait: 16 * time.Second,
			sender: SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", true, errors.New("502") })},
		{name: "backoff is capped", attempts: 40, metricKind: "server", minWait: 30 * time.Second, maxWait: time.Minute,
			sender: SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", true, errors.New("502") })},
		{name: "permanent", permanent: true, metricKind: "other",
			sender: SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", false, errors.New("400 chat not found") })},
		{name: "the sender names the kind", permanent: true, metricKind: "forbidden",
			sender: obiKinder{func(context.Context, Reply) (string, bool, error) { return "", false, errors.New("403") }}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMetrics()
			d := &outDelivery{item: outItem{Reply: Reply{Channel: Telegram, ChatID: "1"}}, ch: outChannel{sender: tc.sender},
				attempts: tc.attempts, now: func() time.Time { return now }}
			s := newRetryStage(time.Second, m, slog.New(slog.DiscardHandler))
			if err := s.exec(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			if d.sent != tc.sent || (d.failed != nil) != tc.permanent {
				t.Errorf("sent %v failed %v", d.sent, d.failed)
			}
			wait := time.Duration(0)
			if !d.notBefore.IsZero() {
				wait = d.notBefore.Sub(now)
			}
			if wait < tc.minWait || wait > tc.maxWait {
				t.Errorf("wait %s, want %s..%s", wait, tc.minWait, tc.maxWait)
			}
			var b strings.Builder
			if err := m.WritePrometheus(&b); err != nil {
				t.Fatal(err)
			}
			if tc.metricKind != "" && !strings.Contains(b.String(), `kind="`+tc.metricKind+`"} 1`) {
				t.Errorf("metrics lack kind %s:\n%s", tc.metricKind, b.String())
			}
		})
	}
}

func TestRecordStage(t *testing.T) {
	r := Reply{Channel: Telegram, ChatID: "1", Text: "x", TicketID: "HT-000001"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Run("sent: deleted, OnSent with the id", func(t *testing.T) {
		db, d := obiQueued(t, r)
		var got string
		var depth atomic.Int64
		depth.Store(1)
		s := newRecordStage(db, func(_ *bolt.Tx, _ Reply, id string) error { got = id; return nil }, nil, nil, log, &depth)
		d.sent, d.sentID = true, "77"
		if err := s.exec(context.Background(), d); err != nil || !d.done || got != "77" || depth.Load() != 0 {
			t.Errorf("err %v done %v OnSent %q depth %d", err, d.done, got, depth.Load())
		}
		if n := obiQueuedCount(t, db, outboxBucket); n != 0 {
			t.Errorf("%d items left", n)
		}
	})
	t.Run("refused: dead letter, OnFailed", func(t *testing.T) {
		db, d := obiQueued(t, r)
		var got error
		var depth atomic.Int64
		s := newRecordStage(db, nil, func(_ *bolt.Tx, _ Reply, err error) error { got = err; return nil }, nil, log, &depth)
		d.failed = errors.New("403 blocked")
		if err := s.exec(context.Background(), d); err != nil || !d.done || got == nil {
			t.Errorf("err %v done %v OnFailed %v", err, d.done, got)
		}
		if q, dead := obiQueuedCount(t, db, outboxBucket), obiQueuedCount(t, db, outboxDead); q != 0 || dead != 1 {
			t.Errorf("queued %d dead %d, want 0 and 1", q, dead)
		}
	})
	t.Run("callback error: kept, retried later, not resent", func(t *testing.T) {
		db, d := obiQueued(t, r)
		var depth atomic.Int64
		s := newRecordStage(db, func(*bolt.Tx, Reply, string) error { return errors.New("busy") }, nil, nil, log, &depth)
		d.sent = true
		if err := s.exec(context.Background(), d); err != nil || d.done || d.notBefore.IsZero() || d.tries != 1 {
			t.Errorf("err %v done %v notBefore %v tries %d", err, d.done, d.notBefore, d.tries)
		}
		if n := obiQueuedCount(t, db, outboxBucket); n != 1 {
			t.Errorf("%d items queued, want the item kept", n)
		}
	})
	t.Run("recorded already: no second callback", func(t *testing.T) {
		db, d := obiQueued(t, r)
		var depth atomic.Int64
		calls := 0
		s := newRecordStage(db, func(*bolt.Tx, Reply, string) error { calls++; return nil }, nil, nil, log, &depth)
		d.sent = true
		for range 2 {
			d.done = false
			if err := s.exec(context.Background(), d); err != nil {
				t.Fatal(err)
			}
		}
		if calls != 1 || !d.done {
			t.Errorf("OnSent called %d times, done %v", calls, d.done)
		}
	})
}

func TestOutboxBackoffBounds(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 7: time.Minute, 100: time.Minute} {
		for range 50 {
			if d := outboxBackoff(n); d < want/2 || d > want {
				t.Fatalf("outboxBackoff(%d) = %s, want %s..%s", n, d, want/2, want)
			}
		}
	}
}
