package schedules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Directory lists the officers reminders may go to. package bot implements
// it over its officers bucket (bot.OfficerDirectory).
type Directory interface {
	// EachOfficer calls fn for every officer the bot knows, registered or
	// not, reading through tx (which may be a write transaction: it must
	// not write). An error from fn stops the walk and is returned.
	EachOfficer(tx *bolt.Tx, fn func(Officer) error) error
}

// OfficerLookup is what a Directory may also implement: whether the
// officer with key officerKey (Officer.Key) is still in it, read through
// tx. A fan-out lists its recipients once, then serves them over several
// transactions; with it, an officer whose data was erased meanwhile
// (ForgetOfficer, in the transaction that deletes them from the
// directory) is skipped instead of being reminded, and written down, again.
type OfficerLookup interface {
	Known(tx *bolt.Tx, officerKey string) bool
}

// DirectoryFunc adapts a function to Directory.
type DirectoryFunc func(tx *bolt.Tx, fn func(Officer) error) error

// EachOfficer calls f.
func (f DirectoryFunc) EachOfficer(tx *bolt.Tx, fn func(Officer) error) error { return f(tx, fn) }

// Enqueuer queues replies in the caller's transaction: *outbox.Outbox.
type Enqueuer interface {
	EnqueueTx(tx *bolt.Tx, rs ...outbox.Reply) error
}

var (
	_ Enqueuer  = (*outbox.Outbox)(nil)
	_ Directory = DirectoryFunc(nil)
)

// Options configure Reminders. Directory and Outbox are required.
type Options struct {
	Calendar  *Calendar        // default: the embedded calendar
	Directory Directory        // required
	Outbox    Enqueuer         // required: where reminders are queued
	Now       func() time.Time // default time.Now
	Logger    *slog.Logger     // default: no logs
	Metrics   Metrics          // default: none

	// TriageChannel is the Slack channel that gets, the day after each
	// deadline, the units that have not confirmed. "" sends none.
	TriageChannel string
	// TriageLang is the language of that list ("vi" default, or "en").
	TriageLang string
	// PendingAt is when, on the day after a deadline, the list goes out
	// (default "09:00" local).
	PendingAt string
	// LateAfter: a reminder that goes out more than this after its time
	// (after downtime) is marked late, "(nhắc muộn)" (default 15 minutes).
	LateAfter time.Duration
	// BatchSize is how many recipients one write transaction of a fan-out
	// covers (default 500).
	BatchSize int
}

// Defaults of Options.
const (
	DefaultPendingAt = "09:00"
	DefaultLateAfter = 15 * time.Minute
	DefaultBatchSize = 500
	// pendingWindow: a list for the ministry missed by more than this
	// (downtime) is not sent any more.
	pendingWindow = 7 * 24 * time.Hour
	// slotAfter is the fan-out slot of the ministry's list.
	slotAfter = "after"
)

// Errors callers branch on.
var (
	ErrUnknownDeadline = errors.New("schedules: unknown deadline")
	ErrNoOccurrence    = errors.New("schedules: the deadline has no coming occurrence")
)

// Reminders sends the deadline reminders, exactly once per recipient and
// (deadline, occurrence, offset), stops them for units that have
// confirmed, makes up missed reminders after downtime, and posts the units
// still pending the day after a deadline. Register it on an Engine. Safe
// for concurrent use; fan-outs run one at a time.
type Reminders struct {
	db        *bolt.DB
	dir       Directory
	out       Enqueuer
	now       func() time.Time
	log       *slog.Logger
	metrics   Metrics
	triage    string
	triageLng string
	pendH     int
	pendM     int
	lateAfter time.Duration
	batch     int

	cal atomic.Pointer[Calendar]

	mu sync.Mutex // serialises ticks and manual reminders (fan-outs)

	afterBatch func() error // test seam: runs after each committed batch
}

// New returns Reminders over db, creating its buckets.
func New(db *bolt.DB, opts Options) (*Reminders, error) {
	switch {
	case db == nil:
		return nil, errors.New("schedules: New: nil db")
	case opts.Directory == nil:
		return nil, errors.New("schedules: New: nil directory")
	case opts.Outbox == nil:
		return nil, errors.New("schedules: New: nil outbox")
	case opts.LateAfter < 0 || opts.BatchSize < 0:
		return nil, errors.New("schedules: New: negative option")
	}
	r := &Reminders{db: db, dir: opts.Directory, out: opts.Outbox, now: opts.Now, log: opts.Logger,
		metrics: opts.Metrics, triage: opts.TriageChannel, triageLng: opts.TriageLang,
		lateAfter: opts.LateAfter, batch: opts.BatchSize}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.metrics == nil {
		r.metrics = noMetrics{}
	}
	if r.lateAfter == 0 {
		r.lateAfter = DefaultLateAfter
	}
	if r.batch == 0 {
		r.batch = DefaultBatchSize
	}
	if r.triageLng != "en" {
		r.triageLng = "vi"
	}
	pa := opts.PendingAt
	if pa == "" {
		pa = DefaultPendingAt
	}
	var err error
	if r.pendH, r.pendM, err = parseClock(pa); err != nil {
		return nil, fmt.Errorf("schedules: New: pending at: %w", err)
	}
	cal := opts.Calendar
	if cal == nil {
		cal = DefaultCalendar()
	}
	r.cal.Store(cal)
	if err := db.Update(CreateBuckets); err != nil {
		return nil, err
	}
	r.metrics.Help("supportbot_reminders_sent_total", "Deadline reminders queued, by deadline and kind (on_time, late, manual).")
	r.metrics.Help("supportbot_reminders_skipped_total", "Deadline reminders not sent, by reason (passed, superseded, confirmed, removed).")
	r.metrics.Help("supportbot_deadline_lists_total", "Lists of units pending after a deadline posted to the triage channel.")
	return r, nil
}

// Calendar returns the calendar in use.
func (r *Reminders) Calendar() *Calendar { return r.cal.Load() }

// SetCalendar replaces the calendar (kb reload, SIGHUP). Fan-outs already
// started finish with the deadlines they found; one whose deadline is gone
// is dropped.
func (r *Reminders) SetCalendar(c *Calendar) {
	if c != nil {
		r.cal.Store(c)
	}
}

// Register adds the reminders' job to e: a tick every minute. The first
// tick after start makes up what was missed while the process was down
// and resumes fan-outs cut short (see Tick).
func (r *Reminders) Register(e *Engine) error {
	if err := e.Add("reminders", "* * * * *", r.Tick); err != nil {
		return err
	}
	return r.registerPrune(e)
}

// fire is one reminder slot due in a tick.
type fire struct {
	d    *Deadline
	occ  time.Time
	slot string // "7d", or slotAfter
	at   time.Time
}

// Tick sends what fell due since the last tick: every reminder whose time
// is in (last tick, now], and the ministry's lists. After downtime, an
// occurrence whose deadline has passed is skipped (logged and recorded as
// an Event); of several reminders missed for one occurrence only the latest
// is sent, marked late; the first tick ever sends nothing missed. Then it
// runs every fan-out not finished (also those a crash cut short). Errors
// are bbolt's; a failed tick is retried whole at the next one (nothing is
// sent twice).
func (r *Reminders) Tick(ctx context.Context, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cal := r.Calendar()
	var last time.Time
	if err := r.db.View(func(tx *bolt.Tx) error { last = lastTick(tx); return nil }); err != nil {
		return err
	}
	var start []fanout
	var skipped []Event
	if !last.IsZero() && now.After(last) {
		start, skipped = r.due(cal, last, now)
	}
	err := r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFanouts)
		for _, f := range start {
			if b.Get(f.key()) != nil {
				continue
			}
			v, _ := json.Marshal(f)
			if err := b.Put(f.key(), v); err != nil {
				return err
			}
		}
		for _, e := range skipped {
			if err := addEvent(tx, e); err != nil {
				return err
			}
		}
		if now.After(last) {
			return putLastTick(tx, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedules: tick: %w", err)
	}
	for _, e := range skipped {
		r.metrics.Inc("supportbot_reminders_skipped_total", "reason", e.Note)
		r.log.Warn("reminder skipped", "deadline", e.Deadline, "occurrence", e.Occurrence, "slot", e.Slot, "reason", e.Note)
	}
	return r.resume(ctx, now)
}

// due computes the slots in (last, now].
func (r *Reminders) due(cal *Calendar, last, now time.Time) (start []fanout, skipped []Event) {
	for _, d := range cal.Deadlines {
		from := last.AddDate(0, 0, -2)
		to := now.AddDate(0, 0, d.maxOffset()+1)
		for _, occ := range d.between(from, to) {
			var fs []fire
			for _, off := range d.Offsets {
				at := d.FireAt(occ, off)
				if at.After(last) && !at.After(now) {
					fs = append(fs, fire{d: d, occ: occ, slot: strconv.Itoa(off) + "d", at: at})
				}
			}
			ok := OccurrenceKey(occ)
			if len(fs) > 0 {
				slices.SortFunc(fs, func(a, b fire) int { return a.at.Compare(b.at) })
				keep := fs[len(fs)-1]
				for _, f := range fs[:len(fs)-1] {
					skipped = append(skipped, Event{Type: "skipped", Deadline: d.ID, Occurrence: ok, Slot: f.slot, At: now, Note: "superseded"})
				}
				if Passed(occ, now) {
					skipped = append(skipped, Event{Type: "skipped", Deadline: d.ID, Occurrence: ok, Slot: keep.slot, At: now, Note: "passed"})
				} else {
					start = append(start, fanout{Deadline: d.ID, Occurrence: ok, Slot: keep.slot,
						Late: now.Sub(keep.at) > r.lateAfter, Created: now})
				}
			}
			if r.triage != "" {
				day := DueEnd(occ)
				at := time.Date(day.Year(), day.Month(), day.Day(), r.pendH, r.pendM, 0, 0, day.Location())
				if at.After(last) && !at.After(now) {
					if now.Sub(at) > pendingWindow {
						skipped = append(skipped, Event{Type: "skipped", Deadline: d.ID, Occurrence: ok, Slot: slotAfter, At: now, Note: "passed"})
					} else {
						start = append(start, fanout{Deadline: d.ID, Occurrence: ok, Slot: slotAfter, Late: now.Sub(at) > r.lateAfter, Created: now})
					}
				}
			}
		}
	}
	return start, skipped
}

// resume runs every unfinished fan-out, oldest first.
func (r *Reminders) resume(ctx context.Context, now time.Time) error {
	var todo []fanout
	err := r.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFanouts).ForEach(func(_, v []byte) error {
			var f fanout
			if err := json.Unmarshal(v, &f); err != nil {
				return err
			}
			if !f.Done {
				todo = append(todo, f)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("schedules: read fan-outs: %w", err)
	}
	slices.SortFunc(todo, func(a, b fanout) int { return a.Created.Compare(b.Created) })
	var errs []error
	for _, f := range todo {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := r.run(ctx, f, now); err != nil {
			if errors.Is(err, errStop) {
				return err
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RemindResult is what a manual reminder did.
type RemindResult struct {
	Deadline   string    `json:"deadline"`
	Occurrence time.Time `json:"occurrence"`
	Slot       string    `json:"slot"`
	Sent       int       `json:"sent"` // reminders queued by this run
}

// Remind sends the current occurrence's reminder of deadlineID now to
// every follower whose unit has not confirmed it (an operator's nudge).
// Each call is a fan-out of its own (slot "now-N"), once per recipient;
// if the process dies during it, the next Tick finishes it. Errors:
// ErrUnknownDeadline, ErrNoOccurrence (wrapped), bbolt's.
func (r *Reminders) Remind(ctx context.Context, deadlineID string) (RemindResult, error) {
	d := r.Calendar().Get(deadlineID)
	if d == nil {
		return RemindResult{}, fmt.Errorf("%w: %q", ErrUnknownDeadline, deadlineID)
	}
	now := r.now()
	occ, ok := d.Next(now)
	if !ok {
		return RemindResult{}, fmt.Errorf("%w: %q", ErrNoOccurrence, deadlineID)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f := fanout{Deadline: d.ID, Occurrence: OccurrenceKey(occ), Created: now}
	err := r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFanouts)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		f.Slot = "now-" + strconv.FormatUint(seq, 10)
		v, _ := json.Marshal(f)
		return b.Put(f.key(), v)
	})
	if err != nil {
		return RemindResult{}, fmt.Errorf("schedules: remind %s: %w", deadlineID, err)
	}
	sent, err := r.run(ctx, f, now)
	return RemindResult{Deadline: d.ID, Occurrence: occ, Slot: f.Slot, Sent: sent}, err
}

// run delivers one fan-out: in transactions of at most BatchSize
// recipients, each reminder is queued in the outbox together with its
// fired record, so that a crash between two transactions neither repeats
// nor skips anyone when the fan-out is resumed. It returns how many were
// queued by this call.
func (r *Reminders) run(ctx context.Context, f fanout, now time.Time) (int, error) {
	d := r.Calendar().Get(f.Deadline)
	occ, err := ParseOccurrence(f.Occurrence)
	if d == nil || err != nil {
		r.metrics.Inc("supportbot_reminders_skipped_total", "reason", "removed")
		r.log.Warn("fan-out dropped: the deadline is no longer in the calendar", "deadline", f.Deadline, "occurrence", f.Occurrence)
		return 0, r.finish(f, 0)
	}
	if f.Slot == slotAfter {
		return 0, r.postPending(d, occ, f)
	}
	if Passed(occ, now) {
		r.metrics.Inc("supportbot_reminders_skipped_total", "reason", "passed")
		r.log.Warn("fan-out dropped: the deadline has passed", "deadline", f.Deadline, "occurrence", f.Occurrence, "slot", f.Slot)
		return 0, r.finish(f, 0)
	}
	var list []Officer
	err = r.db.View(func(tx *bolt.Tx) error {
		return r.dir.EachOfficer(tx, func(o Officer) error {
			if o.ChatID != "" && Follows(tx, o, d) {
				list = append(list, o)
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("schedules: list recipients of %s: %w", d.ID, err)
	}
	slices.SortFunc(list, func(a, b Officer) int {
		if a.Key() < b.Key() {
			return -1
		}
		if a.Key() > b.Key() {
			return 1
		}
		return 0
	})
	kind := "on_time"
	switch {
	case len(f.Slot) > 4 && f.Slot[:4] == "now-":
		kind = "manual"
	case f.Late:
		kind = "late"
	}
	total, confirmed := 0, 0
	for i := 0; i < len(list); i += r.batch {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		chunk := list[i:min(i+r.batch, len(list))]
		n, c := 0, 0
		lookup, _ := r.dir.(OfficerLookup)
		err := r.db.Update(func(tx *bolt.Tx) error {
			n, c = 0, 0
			fb := tx.Bucket(bucketFired)
			var rs []outbox.Reply
			for _, o := range chunk {
				k := firedKey(f, o.Key())
				if fb.Get(k) != nil {
					continue
				}
				if lookup != nil && !lookup.Known(tx, o.Key()) {
					continue // erased since the list was made
				}
				u := o.Unit()
				if ConfirmedTx(tx, d.ID, occ, u) != nil {
					c++
					continue
				}
				rs = append(rs, ReminderReply(d, occ, o, f.Late, now))
				v, _ := json.Marshal(fired{At: now, Unit: u.Key()})
				if err := fb.Put(k, v); err != nil {
					return err
				}
				n++
			}
			if len(rs) == 0 {
				return nil
			}
			return r.out.EnqueueTx(tx, rs...)
		})
		if err != nil {
			return total, fmt.Errorf("schedules: fan-out %s %s %s: %w", f.Deadline, f.Occurrence, f.Slot, err)
		}
		total += n
		confirmed += c
		for range n {
			r.metrics.Inc("supportbot_reminders_sent_total", "deadline", d.ID, "kind", kind)
		}
		if r.afterBatch != nil {
			if err := r.afterBatch(); err != nil {
				return total, err
			}
		}
	}
	for range confirmed {
		r.metrics.Inc("supportbot_reminders_skipped_total", "reason", "confirmed")
	}
	r.log.Info("reminders queued", "deadline", d.ID, "occurrence", f.Occurrence, "slot", f.Slot,
		"late", f.Late, "sent", total, "confirmed_units_skipped", confirmed, "followers", len(list))
	return total, r.finish(f, total)
}

// finish marks f done, adding sent to its count.
func (r *Reminders) finish(f fanout, sent int) error {
	return r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFanouts)
		if v := b.Get(f.key()); v != nil {
			var cur fanout
			if json.Unmarshal(v, &cur) == nil {
				f.Sent = cur.Sent
			}
		}
		f.Sent += sent
		f.Done = true
		v, _ := json.Marshal(f)
		return b.Put(f.key(), v)
	})
}

// postPending queues the ministry's list of units pending for occ in the
// transaction that marks the fan-out done: exactly once.
func (r *Reminders) postPending(d *Deadline, occ time.Time, f fanout) error {
	err := r.db.Update(func(tx *bolt.Tx) error {
		rep, err := r.pendingTx(tx, d, occ)
		if err != nil {
			return err
		}
		if r.triage != "" {
			err := r.out.EnqueueTx(tx, outbox.Reply{Channel: outbox.Slack, ChatID: r.triage, Text: RenderPending(rep, r.triageLng)})
			if err != nil {
				return err
			}
		}
		f.Done = true
		v, _ := json.Marshal(f)
		return tx.Bucket(bucketFanouts).Put(f.key(), v)
	})
	if err != nil {
		return fmt.Errorf("schedules: post pending %s %s: %w", d.ID, f.Occurrence, err)
	}
	r.metrics.Inc("supportbot_deadline_lists_total")
	r.log.Info("pending units posted", "deadline", d.ID, "occurrence", f.Occurrence, "channel", r.triage)
	return nil
}

// FollowedBy returns the deadlines officer follows, in calendar order
// (for /han).
func (r *Reminders) FollowedBy(tx *bolt.Tx, officer Officer) []*Deadline {
	var out []*Deadline
	for _, d := range r.Calendar().Deadlines {
		if Follows(tx, officer, d) {
			out = append(out, d)
		}
	}
	return out
}
