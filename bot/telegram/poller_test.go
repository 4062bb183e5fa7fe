package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// runPoller starts p.Run and returns a stop function that cancels it and
// returns Run's result.
func runPoller(t *testing.T, p *telegram.Poller) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var err error
	stopped := false
	stop = func() error {
		if !stopped {
			cancel()
			err = <-done
			stopped = true
		}
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func newPoller(t *testing.T, fake *faketg.Server, in *bot.Inbox, opts telegram.PollerOptions) *telegram.Poller {
	t.Helper()
	if opts.PollTimeout == 0 {
		opts.PollTimeout = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	p, err := telegram.NewPoller(fake.Token(), fake.URL(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitConfirmed waits until Telegram (the fake) saw every id confirmed:
// the poller asks for a greater offset only after storing them.
func waitConfirmed(t *testing.T, fake *faketg.Server, ids ...int64) {
	t.Helper()
	err := fake.Wait(waitCtx(t), func() bool {
		c := fake.Confirmed()
		for _, id := range ids {
			if !contains(c, id) {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("updates %v never confirmed (confirmed: %v): %v", ids, fake.Confirmed(), err)
	}
}

func TestPollerStoresBatchesBeforeConfirming(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	fake.SetWebhookURL("https://old.example/hook") // left by an earlier webhook deployment
	in := newInbox(t, openDB(t, t.TempDir()))
	a := fake.PushText(42, 42, "Thủ tục khai báo X-quang?")
	b := fake.Push(faketg.Msg{ChatID: 42, UserID: 42, Photo: true})
	c := fake.PushText(-100, 7, "xin chào")

	p := newPoller(t, fake, in, telegram.PollerOptions{})
	stop := runPoller(t, p)
	waitConfirmed(t, fake, a, b, c)
	if err := stop(); err != nil {
		t.Fatalf("Run after cancel = %v, want nil", err)
	}

	if got := pending(t, in); got != 3 {
		t.Errorf("inbox holds %d messages, want 3 (the photo too, with empty text)", got)
	}
	if url, _ := fake.Webhook(); url != "" {
		t.Errorf("webhook still set to %q: polling must delete it first", url)
	}
	if calls := fake.Calls("deleteWebhook"); len(calls) == 0 || calls[0].Fields["drop_pending_updates"] != "false" {
		t.Errorf("deleteWebhook calls %+v, want one keeping pending updates", calls)
	}
	gets := fake.Calls("getUpdates")
	if f := gets[0].Fields; f["allowed_updates"] != `["message","edited_message","callback_query"]` || f["timeout"] != "0" {
		t.Errorf("first getUpdates fields %v, want allowed_updates [message edited_message callback_query] and timeout 0 (answered at once)", f)
	}
	if f := gets[len(gets)-1].Fields; f["timeout"] != "5" {
		t.Errorf("later getUpdates fields %v, want timeout 5", f)
	}
	if want := c + 1; p.Offset() != want {
		t.Errorf("Offset() = %d, want %d", p.Offset(), want)
	}
	for _, id := range []int64{a, b, c} {
		if !stored(t, in, strconv.FormatInt(id, 10)) {
			t.Errorf("update %d not in the inbox", id)
		}
	}
}

func TestPollerRestartResumesAtStoredOffset(t *testing.T) {
	dir := t.TempDir()
	fake := newFake(t, faketg.Options{})
	db := openDB(t, dir)
	in := newInbox(t, db)
	first := []int64{fake.PushText(1, 1, "một"), fake.PushText(2, 2, "hai"), fake.PushText(1, 1, "ba")}

	stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{}))
	waitConfirmed(t, fake, first...)
	_ = stop()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	later := []int64{fake.PushText(2, 2, "bốn"), fake.PushText(3, 3, "năm")}
	db2 := openDB(t, dir)
	in2 := newInbox(t, db2)
	before := len(fake.Offsets())
	stop = runPoller(t, newPoller(t, fake, in2, telegram.PollerOptions{}))
	waitConfirmed(t, fake, later...)
	_ = stop()

	if got := fake.Offsets()[before]; got != first[2]+1 {
		t.Errorf("first getUpdates after restart used offset %d, want the stored %d", got, first[2]+1)
	}
	if got := pending(t, in2); got != 5 {
		t.Errorf("inbox holds %d messages after restart, want 5: none lost, none doubled", got)
	}
}

func TestPollerRecoversFromTransientErrors(t *testing.T) {
	cases := []struct {
		name     string
		inject   func(*faketg.Server)
		wantWait time.Duration
	}{
		{"429 waits retry_after", func(f *faketg.Server) { f.FailNext("getUpdates", http.StatusTooManyRequests, 7) }, 7 * time.Second},
		{"502 backs off", func(f *faketg.Server) { f.FailNext("getUpdates", http.StatusBadGateway, 0) }, 500 * time.Millisecond},
		{"500 backs off", func(f *faketg.Server) { f.FailNext("getUpdates", http.StatusInternalServerError, 0) }, 500 * time.Millisecond},
		{"closed connection backs off", func(f *faketg.Server) { f.DropNext("getUpdates") }, 500 * time.Millisecond},
		{"deleteWebhook 502 backs off", func(f *faketg.Server) { f.FailNext("deleteWebhook", http.StatusBadGateway, 0) }, 500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t, faketg.Options{})
			in := newInbox(t, openDB(t, t.TempDir()))
			id := fake.PushText(5, 5, "câu hỏi")
			tc.inject(fake)
			var sl sleeps
			stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{Sleep: sl.sleep}))
			waitConfirmed(t, fake, id)
			if err := stop(); err != nil {
				t.Fatalf("Run = %v, want nil after cancel", err)
			}
			if w := sl.all(); len(w) == 0 || w[0] != tc.wantWait {
				t.Errorf("waits %v, want first wait %v", w, tc.wantWait)
			}
			if got := pending(t, in); got != 1 {
				t.Errorf("inbox holds %d, want 1", got)
			}
		})
	}
}

func TestPollerBackoffIsCapped(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in := newInbox(t, openDB(t, t.TempDir()))
	id := fake.PushText(5, 5, "câu hỏi")
	for range 8 {
		fake.FailNext("getUpdates", http.StatusBadGateway, 0)
	}
	var sl sleeps
	stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{Sleep: sl.sleep, MaxBackoff: 3 * time.Second}))
	waitConfirmed(t, fake, id)
	_ = stop()
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
	got := sl.all()
	if len(got) != len(want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
}

func TestPollerRecoversFromTimeout(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in := newInbox(t, openDB(t, t.TempDir()))
	id := fake.PushText(5, 5, "câu hỏi")
	fake.StallNext("getUpdates")
	var sl sleeps
	p := newPoller(t, fake, in, telegram.PollerOptions{
		Sleep:       sl.sleep,
		PollTimeout: time.Second,
		HTTPClient:  &http.Client{Timeout: 1500 * time.Millisecond},
	})
	stop := runPoller(t, p)
	waitConfirmed(t, fake, id)
	_ = stop()
	if w := sl.all(); len(w) == 0 {
		t.Errorf("no backoff after the timed-out getUpdates")
	}
	if got := pending(t, in); got != 1 {
		t.Errorf("inbox holds %d, want 1", got)
	}
}

func TestPollerStopsOnConflict(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in := newInbox(t, openDB(t, t.TempDir()))
	fake.FailNext("getUpdates", http.StatusConflict, 0)
	p := newPoller(t, fake, in, telegram.PollerOptions{})
	err := p.Run(waitCtx(t))
	if !errors.Is(err, telegram.ErrConflict) {
		t.Fatalf("Run = %v, want ErrConflict", err)
	}
	if !strings.Contains(err.Error(), "another process is polling this bot token") {
		t.Errorf("error %q does not tell the operator what is wrong", err)
	}
}

func TestSecondPollerOnSameTokenGetsConflict(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in1 := newInbox(t, openDB(t, t.TempDir()))
	in2 := newInbox(t, openDB(t, t.TempDir()))
	ctx, cancel := context.WithCancel(waitCtx(t))
	defer cancel()
	errs := make(chan error, 2)
	for _, in := range []*bot.Inbox{in1, in2} {
		p := newPoller(t, fake, in, telegram.PollerOptions{})
		go func() { errs <- p.Run(ctx) }()
	}
	// Long polls of two pollers on one token overlap; Telegram ends the
	// older with 409, and that poller must stop with a clear error.
	first := <-errs
	cancel()
	second := <-errs
	if !errors.Is(first, telegram.ErrConflict) {
		t.Errorf("first poller to stop returned %v, want ErrConflict", first)
	}
	if second != nil {
		t.Errorf("the other poller returned %v, want nil after cancel", second)
	}
}

func TestPollerStopsOnUnauthorizedWithoutLeakingToken(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in := newInbox(t, openDB(t, t.TempDir()))
	const wrong = "777:wrong-secret-token"
	p, err := telegram.NewPoller(wrong, fake.URL(), in, telegram.PollerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(waitCtx(t))
	if !errors.Is(err, telegram.ErrUnauthorized) {
		t.Fatalf("Run = %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-token") {
		t.Errorf("error %q shows the token", err)
	}
}

func TestPollerNetworkErrorDoesNotLeakToken(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	url := fake.URL()
	fake.Close() // nothing listens any more
	in := newInbox(t, openDB(t, t.TempDir()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs strings.Builder
	p, err := telegram.NewPoller(faketg.Token, url, in, telegram.PollerOptions{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Sleep: func(c context.Context, d time.Duration) error {
			cancel() // one failed attempt is enough
			return c.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil: network errors are retried until cancel", err)
	}
	if !strings.Contains(logs.String(), "deleteWebhook failed") {
		t.Fatalf("no retry logged for the network error; logs:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), faketg.Token) {
		t.Errorf("logs show the bot token:\n%s", logs.String())
	}
}

func TestPollerKeepsUpdatesUnconfirmedWhenStorageFails(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	db := openDB(t, t.TempDir())
	in := newInbox(t, db)
	a := fake.PushText(5, 5, "một")
	var sl sleeps
	stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{Sleep: sl.sleep}))
	waitConfirmed(t, fake, a)
	if err := db.Close(); err != nil { // the disk is gone
		t.Fatal(err)
	}
	b := fake.PushText(5, 5, "hai")
	n := len(fake.Offsets())
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.Offsets()) >= n+3 }); err != nil {
		t.Fatal(err)
	}
	_ = stop()
	if contains(fake.Confirmed(), b) {
		t.Errorf("update %d confirmed to Telegram although it could not be stored", b)
	}
	for _, off := range fake.Offsets()[n:] {
		if off > b {
			t.Errorf("getUpdates offset %d skips the unstored update %d", off, b)
		}
	}
}

func TestNewPollerRefusesEmptyToken(t *testing.T) {
	in := newInbox(t, openDB(t, t.TempDir()))
	if _, err := telegram.NewPoller("  ", "", in, telegram.PollerOptions{}); err == nil {
		t.Error("NewPoller accepted an empty token")
	}
	if _, err := telegram.NewPoller("1:x", "ftp://x", in, telegram.PollerOptions{}); err == nil {
		t.Error("NewPoller accepted an ftp API URL")
	}
}

func TestPollerSkipsUndecodableUpdate(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in := newInbox(t, openDB(t, t.TempDir()))
	bad := fake.PushRaw(`{"message":{"message_id":"not-a-number","date":1,"chat":{"id":5,"type":"private"},"text":"x"}}`)
	good := fake.PushText(5, 5, "câu hỏi sau")
	metrics := bot.NewMetrics()
	stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{Metrics: metrics}))
	waitConfirmed(t, fake, bad, good)
	_ = stop()
	if got := pending(t, in); got != 1 {
		t.Errorf("inbox holds %d, want the good update only", got)
	}
	var out strings.Builder
	if err := metrics.WritePrometheus(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "supportbot_updates_failed_total 1") {
		t.Errorf("undecodable update not counted:\n%s", out.String())
	}
}

// Edits and attachments reach the inbox: before, an edit was dropped
// without a word.
func TestPollerStoresEditsAndFiles(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	in := newInbox(t, openDB(t, t.TempDir()))
	a := fake.PushText(42, 42, "Hạn nộp báo cáo?")
	b := fake.PushEdit(42, 42, 1, "Hạn nộp báo cáo quý?")
	c, _ := fake.PushPhoto(42, 42, []byte{0xff, 0xd8, 0xff}, "/ticket màn hình lỗi")
	stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{}))
	waitConfirmed(t, fake, a, b, c)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, in); got != 3 {
		t.Errorf("inbox holds %d messages, want 3 (the edit and the photo too)", got)
	}
}
