package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// JobFunc is a scheduled job. now is the engine's clock when the job starts
// (not the nominal tick). A returned error is logged and counted; the job
// runs again at its next tick. A panic is recovered and logged the same way.
type JobFunc func(ctx context.Context, now time.Time) error

// EngineOptions configures an Engine. Every zero value works.
type EngineOptions struct {
	// Now is the clock (default time.Now). Tests inject a fake one and drive
	// the engine with RunDue instead of Run.
	Now func() time.Time
	// Logger receives skips, failures and recovered panics (default
	// slog.Default()).
	Logger *slog.Logger
	// Location is the zone of specs without a CRON_TZ= prefix (default
	// Asia/Ho_Chi_Minh).
	Location *time.Location
	// MaxWait bounds how long Run sleeps before it reads the clock again, so
	// a suspended host or a wall-clock jump is noticed (default one minute).
	MaxWait time.Duration
	// Metrics, if set, counts supportbot_schedule_runs_total{job,result}
	// (result: ok, error, panic, skipped).
	Metrics Metrics
}

// Engine runs named jobs on cron schedules. It is an actor: Run blocks until
// its context ends and then waits for the jobs still running. Add may be
// called before or during Run. Safe for concurrent use.
//
// Specs are robfig/cron standard specs: five fields (minute hour day-of-month
// month day-of-week), descriptors (@daily, @every 5m) and an optional
// CRON_TZ=Zone prefix. A spec that can never fire (0 0 30 2 *) is refused.
//
// Each job is wrapped SkipIfStillRunning then Recover (see
// ../shared/notes/libraries.md §5; the reverse order would disable a job for
// good after one panic): a tick that finds the previous run still going is
// skipped, and a panic is logged as a failure. Runs missed while the process
// was down are not made up by the engine: a job that needs catch-up keeps its
// own record (the reminders do, see Reminders.CatchUp).
type Engine struct {
	now     func() time.Time
	log     *slog.Logger
	loc     *time.Location
	maxWait time.Duration
	metrics Metrics

	mu      sync.Mutex // guards entries, ctx and wake
	entries []*engineEntry
	ctx     context.Context // the Run context, nil before Run
	wake    chan struct{}   // closed and replaced when Add changes the schedule

	wg sync.WaitGroup // running jobs
}

type engineEntry struct {
	name     string
	spec     string
	schedule cron.Schedule
	job      JobFunc
	wrapped  cron.Job // SkipIfStillRunning(Recover(run job))
	next     time.Time
}

// EntryInfo describes one registered job.
type EntryInfo struct {
	Name string
	Spec string
	Next time.Time // the next tick after the engine's clock
}

// ErrNeverFires is returned (wrapped) by Add and ParseSpec for a spec that
// parses but has no future time, such as 0 0 30 2 * (30 February).
var ErrNeverFires = errors.New("schedule never fires")

// ErrDuplicateJob is returned by Add for a name already registered.
var ErrDuplicateJob = errors.New("job name already registered")

// NewEngine returns an Engine with no jobs.
func NewEngine(opts EngineOptions) *Engine {
	e := &Engine{
		now:     opts.Now,
		log:     opts.Logger,
		loc:     opts.Location,
		maxWait: opts.MaxWait,
		metrics: opts.Metrics,
		wake:    make(chan struct{}),
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.loc == nil {
		e.loc = VietnamLocation()
	}
	if e.maxWait <= 0 {
		e.maxWait = time.Minute
	}
	if e.metrics == nil {
		e.metrics = noMetrics{}
	}
	e.metrics.Help("supportbot_schedule_runs_total", "Scheduled job runs by job and result (ok, error, panic, skipped).")
	return e
}

// ParseSpec parses a five-field cron spec (with optional CRON_TZ= prefix or
// descriptor) and checks that it fires at least once in the next eight years
// from now, in loc when the spec has no zone of its own.
func ParseSpec(spec string, loc *time.Location, now time.Time) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w", spec, err)
	}
	if loc == nil {
		loc = VietnamLocation()
	}
	if s.Next(now.In(loc)).IsZero() {
		return nil, fmt.Errorf("cron spec %q: %w", spec, ErrNeverFires)
	}
	return s, nil
}

// Add registers job under name (unique, used in logs and metrics) on spec.
// It returns an error for an empty name, a duplicate name, a spec that does
// not parse, or one that never fires.
func (e *Engine) Add(name, spec string, job JobFunc) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("schedules: add job: empty name")
	}
	if job == nil {
		return fmt.Errorf("schedules: add job %q: nil job", name)
	}
	now := e.now()
	s, err := ParseSpec(spec, e.loc, now)
	if err != nil {
		return fmt.Errorf("schedules: add job %q: %w", name, err)
	}
	en := &engineEntry{name: name, spec: spec, schedule: s, job: job}
	logger := cronLogger{log: e.log.With("job", name), metrics: e.metrics, job: name}
	en.wrapped = cron.NewChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)).Then(cron.FuncJob(func() { e.runOne(en) }))
	en.next = s.Next(now.In(e.loc))

	e.mu.Lock()
	defer e.mu.Unlock()
	for _, o := range e.entries {
		if o.name == name {
			return fmt.Errorf("schedules: add job %q: %w", name, ErrDuplicateJob)
		}
	}
	e.entries = append(e.entries, en)
	close(e.wake)
	e.wake = make(chan struct{})
	return nil
}

// Entries lists the registered jobs sorted by next tick.
func (e *Engine) Entries() []EntryInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]EntryInfo, 0, len(e.entries))
	for _, en := range e.entries {
		out = append(out, EntryInfo{Name: en.name, Spec: en.spec, Next: en.next})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Next.Before(out[j].Next) })
	return out
}

// runOne is the innermost job: it runs en.job with the Run context (or a
// background one for RunDue outside Run) and logs a failure.
func (e *Engine) runOne(en *engineEntry) {
	e.mu.Lock()
	ctx := e.ctx
	e.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	start := e.now()
	err := en.job(ctx, start)
	if err != nil {
		e.metrics.Inc("supportbot_schedule_runs_total", "job", en.name, "result", "error")
		e.log.Error("scheduled job failed; it runs again at its next tick", "job", en.name, "err", err)
		return
	}
	e.metrics.Inc("supportbot_schedule_runs_total", "job", en.name, "result", "ok")
}

// RunDue starts, each in its own goroutine, every job whose tick is at or
// before now, advances those entries past now, and waits for the jobs it
// started. Run calls it on every wake-up; tests call it with a fake clock
// instead of Run. A tick missed by more than one period runs once.
func (e *Engine) RunDue(now time.Time) {
	var wg sync.WaitGroup
	e.start(now, &wg)
	wg.Wait()
}

// start launches the due jobs, counting them in wg and e.wg.
func (e *Engine) start(now time.Time, wg *sync.WaitGroup) {
	e.mu.Lock()
	var due []*engineEntry
	for _, en := range e.entries {
		if !en.next.IsZero() && !en.next.After(now) {
			due = append(due, en)
			en.next = en.schedule.Next(now.In(e.loc))
		}
	}
	e.mu.Unlock()
	for _, en := range due {
		wg.Add(1)
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer wg.Done()
			en.wrapped.Run()
		}()
	}
}

// nextWake returns the earliest tick and the current wake channel.
func (e *Engine) nextWake() (time.Time, chan struct{}) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var next time.Time
	for _, en := range e.entries {
		if en.next.IsZero() {
			continue
		}
		if next.IsZero() || en.next.Before(next) {
			next = en.next
		}
	}
	return next, e.wake
}

// Run runs the jobs at their ticks until ctx ends, then waits for the jobs
// still running (their ctx is ctx, so they should return promptly) and
// returns nil. It must be called once.
func (e *Engine) Run(ctx context.Context) error {
	e.mu.Lock()
	if e.ctx != nil {
		e.mu.Unlock()
		return errors.New("schedules: engine already running")
	}
	e.ctx = ctx
	e.mu.Unlock()
	defer e.wg.Wait()

	var detached sync.WaitGroup // Run does not wait per batch; e.wg covers all
	for {
		now := e.now()
		e.start(now, &detached)
		next, wake := e.nextWake()
		wait := e.maxWait
		if !next.IsZero() {
			if d := next.Sub(now); d < wait {
				wait = d
			}
		}
		if wait < 0 {
			wait = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// cronLogger adapts slog to cron.Logger for the wrappers: SkipIfStillRunning
// logs "skip" at Info, Recover logs a panic at Error.
type cronLogger struct {
	log     *slog.Logger
	metrics Metrics
	job     string
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.metrics.Inc("supportbot_schedule_runs_total", "job", l.job, "result", "skipped")
		l.log.Warn("scheduled job skipped: the previous run is still going", kv...)
		return
	}
	l.log.Info(msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.metrics.Inc("supportbot_schedule_runs_total", "job", l.job, "result", "panic")
	l.log.Error("scheduled job panicked; it runs again at its next tick", append([]any{"err", err, "cron", msg}, kv...)...)
}

// Metrics is what the schedules package reports to: *bot.Metrics satisfies
// it. A nil Metrics in options reports nowhere.
type Metrics interface {
	// Help sets the HELP text of a counter.
	Help(name, help string)
	// Inc adds one to the counter name with the labels kv (pairs).
	Inc(name string, kv ...string)
}

type noMetrics struct{}

func (noMetrics) Help(string, string)   {}
func (noMetrics) Inc(string, ...string) {}

var (
	vnOnce sync.Once
	vnLoc  *time.Location
)

// VietnamLocation returns Asia/Ho_Chi_Minh (UTC+7, no DST) from the embedded
// tzdata; if loading fails it falls back to a fixed +07:00 zone.
func VietnamLocation() *time.Location {
	vnOnce.Do(func() {
		l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			l = time.FixedZone("ICT", 7*3600)
		}
		vnLoc = l
	})
	return vnLoc
}
