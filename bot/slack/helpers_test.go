package slack_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

// quiet is a logger for tests that drops everything.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// recInbox is a real bot.Inbox that also remembers every message it was
// asked to add, and how many it stored.
type recInbox struct {
	in *bot.Inbox

	mu     sync.Mutex // guards msgs and stored
	msgs   []bot.Message
	stored []bot.Message
	fail   bool // when set, Add fails (a full disk)
}

func newInbox(t *testing.T) *recInbox {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	in, err := bot.NewInbox(db)
	if err != nil {
		t.Fatal(err)
	}
	return &recInbox{in: in}
}

func (r *recInbox) Add(msgs []bot.Message, also func(tx *bolt.Tx) error) (int, error) {
	r.mu.Lock()
	fail := r.fail
	r.msgs = append(r.msgs, msgs...)
	r.mu.Unlock()
	if fail {
		return 0, io.ErrShortWrite
	}
	n, err := r.in.Add(msgs, also)
	if err == nil && n > 0 {
		r.mu.Lock()
		r.stored = append(r.stored, msgs...)
		r.mu.Unlock()
	}
	return n, err
}

func (r *recInbox) setFail(v bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = v
}

// asked returns how many messages Add was given, stored or not.
func (r *recInbox) asked() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// Stored returns the messages stored (new ones only).
func (r *recInbox) Stored() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.stored...)
}

func (r *recInbox) pending(t *testing.T) int {
	t.Helper()
	n, err := r.in.Pending()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var _ slack.Inbox = (*recInbox)(nil)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newFake starts a fake Slack with two users: S1 (staff, in group
// SSTAFF and the triage channel) and G1 (a guest).
func newFake(t *testing.T, opts fakeslack.Options) *fakeslack.Server {
	t.Helper()
	fs := fakeslack.New(opts)
	t.Cleanup(fs.Close)
	fs.AddUser(fakeslack.User{ID: "S1", Name: "lan", DisplayName: "Chị Lan", Locale: "vi-VN"})
	fs.AddUser(fakeslack.User{ID: "G1", Name: "guest", RealName: "Guest Person", Locale: "en-US"})
	fs.SetGroup("SSTAFF", "S1", "S2")
	fs.SetMembers("CTRIAGE", "S1", "S2", "S3", "UBOT")
	return fs
}

// ctxT returns a context that ends with the test, at most 20 s.
func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// runReceiver runs r.Run until the returned stop is called (or the test
// ends); stop returns Run's error.
func runReceiver(t *testing.T, r *slack.Receiver) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// socketReceiver returns a Socket Mode receiver on fs.
func socketReceiver(t *testing.T, fs *fakeslack.Server, in slack.Inbox, opts slack.ReceiverOptions) *slack.Receiver {
	t.Helper()
	opts.AppToken = fakeslack.AppToken
	opts.APIURL = fs.URL()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	if opts.StaffGroup == "" && opts.TriageChannel == "" {
		opts.StaffGroup = "SSTAFF"
	}
	r, err := slack.NewReceiver(fakeslack.BotToken, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
