package schedules_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mostvn/supportbot/schedules"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestEngineRecoversAndRetries(t *testing.T) {
	clk := &remClock{t: vn(2026, 12, 1, 7, 59)}
	var logs syncBuf
	e := schedules.NewEngine(schedules.EngineOptions{Now: clk.Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	var panics, fails, oks atomic.Int32
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.Add("panics", "* * * * *", func(context.Context, time.Time) error { panics.Add(1); panic("boom") }))
	must(e.Add("fails", "*/2 * * * *", func(context.Context, time.Time) error { fails.Add(1); return errors.New("disk full") }))
	must(e.Add("daily", "CRON_TZ=Asia/Ho_Chi_Minh 0 8 * * *", func(_ context.Context, now time.Time) error {
		oks.Add(1)
		if !now.Equal(clk.Now()) {
			t.Errorf("job got %v, clock %v", now, clk.Now())
		}
		return nil
	}))
	for m := 1; m <= 4; m++ { // 08:00 .. 08:03
		clk.Set(vn(2026, 12, 1, 7, 59).Add(time.Duration(m) * time.Minute))
		e.RunDue(clk.Now())
	}
	if panics.Load() != 4 || fails.Load() != 2 || oks.Load() != 1 {
		t.Fatalf("runs: panics %d (want 4: a panic never disables a job), fails %d (want 2), daily %d (want 1)",
			panics.Load(), fails.Load(), oks.Load())
	}
	if !strings.Contains(logs.String(), "panicked") || !strings.Contains(logs.String(), "disk full") {
		t.Errorf("logs:\n%s", logs.String())
	}
	if got := e.Entries(); len(got) != 3 || got[0].Name != "panics" || !got[0].Next.Equal(vn(2026, 12, 1, 8, 4)) {
		t.Errorf("entries %+v", got)
	}
}

func TestEngineRefusesBadSpecs(t *testing.T) {
	e := schedules.NewEngine(schedules.EngineOptions{})
	job := func(context.Context, time.Time) error { return nil }
	if err := e.Add("feb30", "0 0 30 2 *", job); !errors.Is(err, schedules.ErrNeverFires) {
		t.Errorf("30 February: %v", err)
	}
	if err := e.Add("six", "0 0 8 * * *", job); err == nil {
		t.Error("six fields accepted")
	}
	if err := e.Add("tz", "CRON_TZ=Mars/Olympus 0 8 * * *", job); err == nil {
		t.Error("unknown zone accepted")
	}
	if err := e.Add("a", "@daily", job); err != nil {
		t.Fatal(err)
	}
	if err := e.Add("a", "@hourly", job); !errors.Is(err, schedules.ErrDuplicateJob) {
		t.Errorf("duplicate: %v", err)
	}
}

func TestEngineSkipsWhileRunning(t *testing.T) {
	clk := &remClock{t: vn(2026, 12, 1, 8, 0)}
	e := schedules.NewEngine(schedules.EngineOptions{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	if err := e.Add("slow", "* * * * *", func(context.Context, time.Time) error {
		if runs.Add(1) == 1 {
			close(started)
			<-release
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { e.RunDue(vn(2026, 12, 1, 8, 1)); close(done) }()
	<-started
	e.RunDue(vn(2026, 12, 1, 8, 2)) // still running: skipped, returns at once
	close(release)
	<-done
	e.RunDue(vn(2026, 12, 1, 8, 3))
	if runs.Load() != 2 {
		t.Fatalf("%d runs, want 2 (the 08:02 tick skipped)", runs.Load())
	}
}

// Run is an actor: it fires due jobs with the real timer and returns when
// its context ends, after the running jobs.
func TestEngineRun(t *testing.T) {
	e := schedules.NewEngine(schedules.EngineOptions{})
	ran := make(chan struct{}, 10)
	var inFlight atomic.Int32
	if err := e.Add("often", "@every 1ms", func(ctx context.Context, _ time.Time) error {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		select {
		case ran <- struct{}{}:
		default:
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.Run(ctx) }()
	<-ran
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if inFlight.Load() != 0 {
		t.Error("Run returned with a job running")
	}
}
