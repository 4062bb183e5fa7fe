package outbox

// Tests of each stage of the outbox pipeline on its own; outbox_test.go
// tests them together through Run.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

var (
	_ stage = (*dedupeStage)(nil)
	_ stage = (*resolveStage)(nil)
	_ stage = (*rateLimitStage)(nil)
	_ stage = (*retryStage)(nil)
	_ stage = (*recordStage)(nil)
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
	o, err := New(db, Options{Now: func() time.Time { return obiEpoch }})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(r.Channel, SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", false, nil }), TelegramLikeLimits())
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
	l := TelegramLikeLimits()
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
		if tc.want.IsZero() && tc.d.item.Reply.ChatID != "" && tc.d.slot == nil {
			t.Errorf("%s: no slot taken", tc.name)
		}
		tc.d.endSlot() // the send completed at once
	}
	// A send still in flight holds its slot: the chat's next message
	// waits for its completion, then the window.
	inflight := d(Reply{Channel: Telegram, ChatID: "2"}, rl)
	next := d(Reply{Channel: Telegram, ChatID: "2"}, rl)
	if err := (rateLimitStage{}).exec(context.Background(), inflight); err != nil || inflight.slot == nil {
		t.Fatalf("in flight: err %v slot %v", err, inflight.slot)
	}
	now = now.Add(3 * time.Second)
	if err := (rateLimitStage{}).exec(context.Background(), next); err != nil || next.notBefore.Before(now.Add(time.Second)) {
		t.Errorf("behind a send in flight: err %v notBefore %v, want at least %v", err, next.notBefore, now.Add(time.Second))
	}
	inflight.endSlot() // completes at now
	next.notBefore = time.Time{}
	if err := (rateLimitStage{}).exec(context.Background(), next); err != nil || !next.notBefore.Equal(now.Add(time.Second+l.Margin)) {
		t.Errorf("after the completion: err %v notBefore %v, want %v", err, next.notBefore, now.Add(time.Second+l.Margin))
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
			m := NewTestMetrics()
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
		s := newRecordStage(nil, db, func(_ *bolt.Tx, _ Reply, id string) error { got = id; return nil }, nil, nil, log, &depth, new(atomic.Int64))
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
		s := newRecordStage(nil, db, nil, func(_ *bolt.Tx, _ Reply, err error) error { got = err; return nil }, nil, log, &depth, new(atomic.Int64))
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
		s := newRecordStage(nil, db, func(*bolt.Tx, Reply, string) error { return errors.New("busy") }, nil, nil, log, &depth, new(atomic.Int64))
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
		s := newRecordStage(nil, db, func(*bolt.Tx, Reply, string) error { calls++; return nil }, nil, nil, log, &depth, new(atomic.Int64))
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
			if d := backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %s, want %s..%s", n, d, want/2, want)
			}
		}
	}
}

// obiQueuedChats opens a db with the outbox buckets and one queued item for
// each of n chats, c0 to c(n-1), with sequences 1 to n.
func obiQueuedChats(t *testing.T, n int) (*bolt.DB, []*outDelivery) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := func() time.Time { return obiEpoch }
	o, err := New(db, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(Telegram, SenderFunc(func(context.Context, Reply) (string, bool, error) { return "", false, nil }), Limits{})
	rs := make([]Reply, n)
	ds := make([]*outDelivery, n)
	for i := range rs {
		rs[i] = Reply{Channel: Telegram, ChatID: fmt.Sprint("c", i), Text: "x"}
		ds[i] = &outDelivery{seq: uint64(i + 1), item: outItem{Reply: rs[i], Enqueued: obiEpoch}, now: now,
			sent: true, sentID: fmt.Sprint("m", i)}
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	return db, ds
}

// TestRecordStageGroupCommit holds the first record's transaction open
// until the records of seven other chats are queued behind it, so that they
// must share the next transaction, and checks what each callback did as
// seen after commit.
func TestRecordStageGroupCommit(t *testing.T) {
	const n = 8
	log := slog.New(slog.DiscardHandler)

	// run records ds concurrently with onSent for c1..c7 (c0 leads alone),
	// and returns the transaction each chat's OnSent was committed in.
	run := func(t *testing.T, db *bolt.DB, ds []*outDelivery, depth *atomic.Int64,
		onSent func(tx *bolt.Tx, r Reply) error) map[string][]int {
		t.Helper()
		var mu sync.Mutex // guards committed
		committed := make(map[string][]int)
		leading, release := make(chan struct{}), make(chan struct{})
		g := tickets.NewGroupCommit(db)
		s := newRecordStage(g.Do, db, func(tx *bolt.Tx, r Reply, id string) error {
			if r.ChatID == "c0" {
				close(leading)
				<-release
			} else if err := onSent(tx, r); err != nil {
				return err
			}
			if want := "m" + strings.TrimPrefix(r.ChatID, "c"); id != want {
				return fmt.Errorf("OnSent(%s) id %q, want %q", r.ChatID, id, want)
			}
			txid := tx.ID()
			tx.OnCommit(func() {
				mu.Lock()
				committed[r.ChatID] = append(committed[r.ChatID], txid)
				mu.Unlock()
			})
			return nil
		}, nil, nil, log, depth, new(atomic.Int64))

		errs := make(chan error, n)
		var wg sync.WaitGroup
		exec := func(d *outDelivery) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.exec(context.Background(), d)
			}()
		}
		exec(ds[0])
		<-leading
		for _, d := range ds[1:] {
			exec(d)
		}
		// Wait (yielding, not sleeping) until c1..c7 are queued behind c0's
		// open transaction; the leader is committing, not gathering.
		for hang := time.Now().Add(10 * time.Second); ; runtime.Gosched() {
			queued := g.Queued()
			if queued == n-1 {
				break
			}
			if time.Now().After(hang) { // a hang guard, not a timing assertion
				close(release)
				wg.Wait()
				t.Fatalf("%d records queued behind the open transaction, want %d", queued, n-1)
			}
		}
		close(release)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("exec: %v", err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		return committed
	}

	t.Run("queued records share one transaction", func(t *testing.T) {
		db, ds := obiQueuedChats(t, n)
		var depth atomic.Int64
		depth.Store(n)
		committed := run(t, db, ds, &depth, func(*bolt.Tx, Reply) error { return nil })
		shared := -1
		for i, d := range ds {
			chat := d.item.Reply.ChatID
			txs := committed[chat]
			if len(txs) != 1 || !d.done {
				t.Errorf("%s: committed in %v, done %v; want once", chat, txs, d.done)
				continue
			}
			if i == 0 {
				continue
			}
			if shared < 0 {
				shared = txs[0]
			}
			if txs[0] != shared || txs[0] == committed["c0"][0] {
				t.Errorf("%s committed in tx %d; want the one tx after c0's (%d), shared by c1..c7 (%d)",
					chat, txs[0], committed["c0"][0], shared)
			}
		}
		if q := obiQueuedCount(t, db, outboxBucket); q != 0 || depth.Load() != 0 {
			t.Errorf("%d items queued, depth %d; want 0 and 0", q, depth.Load())
		}
	})

	t.Run("a failing record does not take the others with it", func(t *testing.T) {
		db, ds := obiQueuedChats(t, n)
		var depth atomic.Int64
		depth.Store(n)
		var calls atomic.Int64
		committed := run(t, db, ds, &depth, func(tx *bolt.Tx, r Reply) error {
			calls.Add(1)
			// What every record writes is rolled back with the shared
			// transaction, or committed once.
			b, err := tx.CreateBucketIfNotExists([]byte("test_links"))
			if err != nil {
				return err
			}
			k := []byte(r.ChatID)
			if b.Get(k) != nil {
				return fmt.Errorf("%s linked twice", r.ChatID)
			}
			if err := b.Put(k, []byte("1")); err != nil {
				return err
			}
			switch r.ChatID {
			case "c3":
				return errors.New("ticket store broken")
			case "c5":
				panic("callback bug")
			}
			return nil
		})
		for _, d := range ds {
			chat := d.item.Reply.ChatID
			bad := chat == "c3" || chat == "c5"
			if got := len(committed[chat]); bad && (got != 0 || d.done || d.tries != 1 || d.notBefore.IsZero()) {
				t.Errorf("%s: committed %d times, done %v, tries %d; want kept for a later try", chat, got, d.done, d.tries)
			} else if !bad && (got != 1 || !d.done) {
				t.Errorf("%s: committed %d times, done %v; want once", chat, got, d.done)
			}
		}
		if calls.Load() <= n-1 {
			t.Errorf("%d OnSent calls: the shared transaction was not rolled back and retried alone", calls.Load())
		}
		if q := obiQueuedCount(t, db, outboxBucket); q != 2 || depth.Load() != 2 {
			t.Errorf("%d items queued, depth %d; want the 2 failed ones", q, depth.Load())
		}
		if links := obiQueuedCount(t, db, []byte("test_links")); links != n-3 {
			t.Errorf("%d links committed, want %d (c1..c7 but c3 and c5)", links, n-3)
		}
	})
}

func TestResolveStage(t *testing.T) {
	const ref = "triage:HT-000001"
	for _, tc := range []struct {
		name      string
		stored    *refValue // the ref as recorded, nil: none yet
		r         Reply
		waits     int       // refWaits before
		since     time.Time // refSince before
		wantEdit  string
		wantThr   string
		wantWait  bool
		wantError error
	}{
		{name: "update, parent sent", stored: &refValue{id: "111.1"},
			r: Reply{Channel: Slack, ChatID: "C1", Kind: KindUpdate, Ref: ref}, wantEdit: "111.1"},
		{name: "thread, parent sent", stored: &refValue{id: "111.1"},
			r: Reply{Channel: Slack, ChatID: "C1", ThreadRef: ref}, wantThr: "111.1"},
		{name: "parent not sent yet", r: Reply{Channel: Slack, ChatID: "C1", ThreadRef: ref}, wantWait: true},
		{name: "parent dead", stored: &refValue{dead: true},
			r: Reply{Channel: Slack, ChatID: "C1", Kind: KindUpdate, Ref: ref}, wantError: ErrRefDead},
		{name: "waited too long", r: Reply{Channel: Slack, ChatID: "C1", ThreadRef: ref},
			waits: 9999, since: obiEpoch.Add(-RefWaitLimit), wantError: ErrRefUnknown},
		{name: "an explicit EditID needs no ref", r: Reply{Channel: Slack, ChatID: "C1", Kind: KindUpdate, Ref: ref, EditID: "9.9"},
			wantEdit: "9.9"},
		{name: "a message's own Ref is not resolved", r: Reply{Channel: Slack, ChatID: "C1", Ref: ref}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := obiQueued(t, Reply{Channel: Slack, ChatID: "C0", Text: "x"})
			if tc.stored != nil {
				v := *tc.stored
				v.at = obiEpoch
				if err := db.Update(func(tx *bolt.Tx) error { return putRef(tx, Slack, "C1", ref, v) }); err != nil {
					t.Fatal(err)
				}
			}
			d := &outDelivery{item: outItem{Reply: tc.r}, refWaits: tc.waits, refSince: tc.since,
				now: func() time.Time { return obiEpoch }}
			if err := newResolveStage(db).exec(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			if d.item.Reply.EditID != tc.wantEdit || d.item.Reply.Thread != tc.wantThr {
				t.Errorf("EditID %q Thread %q, want %q %q", d.item.Reply.EditID, d.item.Reply.Thread, tc.wantEdit, tc.wantThr)
			}
			if got := !d.notBefore.IsZero(); got != tc.wantWait {
				t.Errorf("waits %v (until %v), want %v", got, d.notBefore, tc.wantWait)
			}
			if tc.wantWait && (d.notBefore.Sub(obiEpoch) > refWaitCap || d.attempts != 0) {
				t.Errorf("waits %s with %d attempts: a ref wait is short and no failure", d.notBefore.Sub(obiEpoch), d.attempts)
			}
			if !errors.Is(d.failed, tc.wantError) || (tc.wantError != nil) != d.skipSend {
				t.Errorf("failed %v skipSend %v, want %v", d.failed, d.skipSend, tc.wantError)
			}
		})
	}
}
