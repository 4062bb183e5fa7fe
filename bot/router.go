package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// Searcher answers questions from the knowledge base. *knowledge.Index
// satisfies it. Search must be read-only and safe for concurrent use.
type Searcher interface {
	Search(ctx context.Context, q string, o knowledge.Options) (knowledge.Result, error)
}

// SearchFunc adapts a function to Searcher.
type SearchFunc func(ctx context.Context, q string, o knowledge.Options) (knowledge.Result, error)

// Search calls f.
func (f SearchFunc) Search(ctx context.Context, q string, o knowledge.Options) (knowledge.Result, error) {
	return f(ctx, q, o)
}

// DefaultWorkers is the size of the Router's worker pool when
// RouterOptions.Workers is 0. Handling mostly waits, for search and for the
// fsync of its transaction, so more workers than cores pay off: concurrent
// handlers share one commit (tickets.Store.Batch, a group commit), and the
// more wait for a commit, the fewer commits per update (32 handled bursts
// about 15% faster than 16 on the 2-core target machine).
const DefaultWorkers = 32

// maxLoaded bounds how many inbox entries the Router holds in memory
// (queued or in flight) at once; the rest wait in bbolt.
const maxLoaded = 1024

// RouterOptions tune a Router; the zero value works.
type RouterOptions struct {
	Workers int              // handlers running at once; 0 means DefaultWorkers
	Now     func() time.Time // clock for state (tickets, focus, registration); nil means time.Now
	Metrics *Metrics         // nil: no metrics
	Logger  *slog.Logger     // nil: no logs
	// PruneEvery is how often Run deletes the dedupe keys, questions,
	// links and failed inbox entries past their retention (SeenRetention,
	// QuestionRetention, LinkRetention, FailedRetention); it also prunes
	// once when it starts. 0 means DefaultPruneInterval; negative is
	// refused.
	PruneEvery time.Duration
	// BotUsername is the bot's own username (getMe), with or without the
	// leading '@'. When set, a command addressed to another bot
	// ("/help@other_bot", compared case-insensitively) is ignored: no
	// reply, but the entry is marked handled. Empty accepts "/cmd@anybot",
	// for the console and tests.
	BotUsername string
	// Staff is the staff channel where tickets are worked (staff.go); the
	// zero value has none.
	Staff StaffOptions
	// Deadlines is the deadline calendar with its reminders' state, for
	// /han, /theodoi, /bothoi and /support deadlines (deadlines.go): cmd
	// passes its *schedules.Reminders. Nil: those commands say the
	// calendar is not enabled.
	Deadlines Deadlines
	// Retention is how long a closed ticket keeps its officer's personal
	// data before it is anonymised, as the privacy notice tells officers
	// (the Eraser applies it): 0 means DefaultRetention, negative means
	// no limit.
	Retention time.Duration
	// Eraser carries out the erasures officers confirm with /xoadulieu
	// (RequestErase wakes every Eraser running on the database when a
	// request commits); the Router wakes its follow-ups when a declined
	// notice leaves a scrub owed. Nil: the scrub waits for a later one.
	Eraser *Eraser
}

// Router drains the Inbox: it handles each entry, in order per chat (per
// thread where the channel has threads, see orderKey), with a bounded pool
// of workers, and writes every consequence (state and replies) in one bbolt
// transaction per entry. One Router per Inbox.
type Router struct {
	db      *bolt.DB
	in      *Inbox
	kb      Searcher
	st      *tickets.Store
	out     *Outbox
	workers int
	now     func() time.Time
	metrics *Metrics
	log     *slog.Logger

	pruneEvery  time.Duration
	botUsername string // RouterOptions.BotUsername without '@'
	staff       StaffOptions
	deadlines   Deadlines
	retention   time.Duration // RouterOptions.Retention, the default applied
	eraser      *Eraser

	onHandled func(Message)    // test seam: called after an entry's commit
	pruneTick <-chan time.Time // test seam: replaces the pruning ticker
	onPruned  func(err error)  // test seam: called after each pruning run
}

// panicError is a panic of a handler caught inside a transaction, where
// the transaction machinery would otherwise turn it into a bare error.
type panicError struct {
	val   any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.val) }

// guard runs fn, turning a panic into a *panicError with its stack.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{val: p, stack: debug.Stack()}
		}
	}()
	return fn()
}

// errReplan says the decision taken before the write transaction no longer
// holds inside it; the entry is planned again.
var errReplan = errors.New("bot: plan changed")

// StoreBatch adapts st's group commit (tickets.Store.Batch) to
// OutboxOptions.Batch, so that the outbox records deliveries in the
// transactions the Router commits its handling in: one fsync for both.
func StoreBatch(st *tickets.Store) func(fn func(tx *bolt.Tx) error) error {
	return func(fn func(tx *bolt.Tx) error) error {
		return st.Batch(func(tx *tickets.Tx) error { return fn(tx.Bolt()) })
	}
}

// NewRouter returns a Router over the given parts, creating its buckets in
// db. db must be the database in and st use, and out must enqueue into it.
func NewRouter(db *bolt.DB, in *Inbox, kb Searcher, st *tickets.Store, out *Outbox, opts RouterOptions) (*Router, error) {
	switch {
	case db == nil:
		return nil, errors.New("bot: NewRouter: nil db")
	case in == nil:
		return nil, errors.New("bot: NewRouter: nil inbox")
	case kb == nil:
		return nil, errors.New("bot: NewRouter: nil searcher")
	case st == nil:
		return nil, errors.New("bot: NewRouter: nil ticket store")
	case out == nil:
		return nil, errors.New("bot: NewRouter: nil outbox")
	case opts.Workers < 0:
		return nil, fmt.Errorf("bot: NewRouter: %d workers", opts.Workers)
	case opts.PruneEvery < 0:
		return nil, fmt.Errorf("bot: NewRouter: prune interval %v", opts.PruneEvery)
	}
	var err error
	r := &Router{db: db, in: in, kb: kb, st: st, out: out, workers: opts.Workers,
		now: opts.Now, metrics: opts.Metrics, log: opts.Logger, pruneEvery: opts.PruneEvery,
		botUsername: strings.TrimPrefix(strings.TrimSpace(opts.BotUsername), "@"), deadlines: opts.Deadlines,
		retention: opts.Retention, eraser: opts.Eraser}
	if r.staff, err = opts.Staff.check(); err != nil {
		return nil, err
	}
	if r.workers == 0 {
		r.workers = DefaultWorkers
	}
	if r.pruneEvery == 0 {
		r.pruneEvery = DefaultPruneInterval
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.retention == 0 {
		r.retention = DefaultRetention
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketOfficers, bucketQuestions, bucketLinks, bucketRetention, bucketBotSent} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bot: router: %w", err)
	}
	m := r.metrics
	m.Help("supportbot_messages_in_total", "Inbound messages handled, by channel.")
	m.Help("supportbot_answers_total", "Questions answered, by the search verdict.")
	m.Help("supportbot_tickets_opened_total", "Tickets opened from conversations, by channel.")
	m.Help("supportbot_search_seconds", "Time spent in knowledge search per question.")
	m.Help("supportbot_updates_failed_total", "Inbound messages whose handling failed or panicked; they are kept for operators (Inbox.Failed).")
	m.Help("supportbot_tickets_resolved_total", "Tickets resolved by staff, by the officer's channel.")
	m.Help("supportbot_feedback_total", "Presses of the answer feedback buttons, by value (ok, no).")
	m.Help("supportbot_deadline_confirmations_total", "Presses of a reminder's \"report submitted\" that recorded a unit's first confirmation.")
	m.Help("supportbot_deadline_follows_total", "Deadlines followed (/theodoi) and stopped (/bothoi) by officers, by action.")
	m.Help("supportbot_deadline_calendars_total", "Deadline calendars (.ics) sent to officers by /han.")
	m.Help("supportbot_inbox_poison_total", "Inbox entries that could not be decoded and were set aside unhandled (see Inbox.Failed).")
	m.GaugeFunc("supportbot_inbox_failed", "Failed inbox entries kept for operators (Inbox.Failed), pruned after FailedRetention.", func() float64 {
		n, err := in.FailedCount()
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	})
	return r, nil
}

// Commands returns the command menu in lang ("vi" or "en"), for Telegram's
// setMyCommands.
func (r *Router) Commands(lang string) []Command { return commands(lang) }

// Run drains the inbox until ctx is done, then waits for the entries being
// handled to finish and returns nil. Entries not handled yet stay in the
// inbox for the next Run. It returns an error only when the inbox cannot be
// read; an entry that cannot be decoded is set aside (see Inbox.Failed),
// counted in supportbot_inbox_poison_total, and the rest handled.
// Alongside, it prunes old bookkeeping at once and then every
// RouterOptions.PruneEvery (see SeenRetention); a failed pruning is logged
// and retried at the next interval, never stopping Run.
func (r *Router) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	jobs := make(chan inboxEntry)
	done := make(chan inboxEntry, r.workers) // each worker owes at most one
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: idle workers stop
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.pruneLoop(ctx)
	}()
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case e := <-jobs:
					r.handle(ctx, e)
					done <- e
				}
			}
		}()
	}

	d := newDispatch()
	reload := true
	for {
		if reload && d.loaded < maxLoaded {
			want := maxLoaded - d.loaded
			es, poison, err := r.in.loadPending(d.last, want)
			if err != nil {
				return fmt.Errorf("bot: router: %w", err)
			}
			for _, p := range poison {
				r.setAside(p)
				d.skip(p.seq)
			}
			reload = len(es) == want // a full page: there may be more
			d.add(es)
		}
		var send chan<- inboxEntry
		next, ok := d.peek()
		if ok {
			send = jobs
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.in.notify:
			reload = true
		case send <- next:
			d.started()
		case e := <-done:
			d.finished(e)
		}
	}
}

// handle handles one entry. A panic or an error marks it failed (kept in
// the inbox) and apologises to the officer with a ticket; an entry cut short
// by shutdown stays pending for the next run.
func (r *Router) handle(ctx context.Context, e inboxEntry) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("handler panicked", "seq", e.Seq, "channel", e.Msg.Channel, "source", e.Msg.SourceID,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.fail(e, fmt.Errorf("panic: %v", p))
		}
	}()
	err := r.process(ctx, e)
	var pe *panicError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		r.log.Error("handler panicked", "seq", e.Seq, "channel", e.Msg.Channel, "source", e.Msg.SourceID,
			"panic", fmt.Sprint(pe.val), "stack", string(pe.stack))
		r.fail(e, pe)
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		r.log.Info("handling interrupted by shutdown; entry stays pending", "seq", e.Seq)
	default:
		r.log.Error("handling failed", "seq", e.Seq, "channel", e.Msg.Channel, "source", e.Msg.SourceID, "err", err)
		r.fail(e, err)
	}
}

// process plans the entry reading only, searches without holding any
// transaction, then applies everything in one write transaction.
func (r *Router) process(ctx context.Context, e inboxEntry) error {
	for range 3 {
		var (
			p       plan
			lang    string
			pending bool
		)
		err := r.db.View(func(tx *bolt.Tx) error {
			if pending = isPendingTx(tx, e.Seq); !pending {
				return nil
			}
			o, err := loadOfficer(tx, e.Msg.Channel, e.Msg.UserID)
			if err != nil {
				return err
			}
			lang = o.lang(e.Msg.LangCode)
			p, err = r.classify(tx, &e, o, r.now())
			return err
		})
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if !pending {
			return nil // a replay: already handled
		}
		var res knowledge.Result
		noWords := false // the index found nothing to search in p.query
		if p.query != "" {
			res, err = r.search(ctx, p.query, lang)
			switch {
			case errors.Is(err, knowledge.ErrEmptyQuery):
				// Not a failure: letters the index drops (a lone "a",
				// only stop words) are answered like "?" is.
				res, noWords = knowledge.Result{}, true
			case err != nil:
				return err
			}
		}
		// A group commit shared with concurrent handlers (and ticket
		// creations): one fsync for many entries. fn may run more than
		// once; only the run that commits counts. A panic inside comes
		// back as a *panicError.
		err = r.st.Batch(func(ttx *tickets.Tx) error {
			return guard(func() error {
				tx := ttx.Bolt()
				if !isPendingTx(tx, e.Seq) {
					return nil
				}
				t, err := r.newTurn(tx, &e)
				if err != nil {
					return err
				}
				p2, err := r.classify(tx, &e, t.o, t.now)
				if err != nil {
					return err
				}
				if p2 != p {
					return errReplan
				}
				before := *t.o
				run := p
				if noWords {
					run.query, run.noWords = "", true
				}
				if err := t.run(run, res); err != nil {
					return err
				}
				if *t.o != before {
					if err := saveOfficer(tx, t.o); err != nil {
						return err
					}
				}
				if err := finishTx(tx, e, t.state, ""); err != nil {
					return err
				}
				counts := append(t.counts, metricEvent{"supportbot_messages_in_total", []string{"channel", string(e.Msg.Channel)}})
				// Registered before EnqueueTx's wake-up of the outbox, so
				// that whoever sees a reply delivered sees it counted.
				tx.OnCommit(func() {
					for _, c := range counts {
						r.metrics.Inc(c.name, c.kv...)
					}
				})
				if err := r.out.EnqueueTx(tx, t.replies...); err != nil {
					return fmt.Errorf("enqueue replies: %w", err)
				}
				return nil
			})
		})
		if errors.Is(err, errReplan) {
			continue
		}
		if err != nil {
			return fmt.Errorf("handle: %w", err)
		}
		if r.onHandled != nil {
			r.onHandled(e.Msg)
		}
		return nil
	}
	return errors.New("bot: the plan kept changing")
}

// newTurn loads the sender's record for handling e inside tx.
func (r *Router) newTurn(tx *bolt.Tx, e *inboxEntry) (*turn, error) {
	o, err := loadOfficer(tx, e.Msg.Channel, e.Msg.UserID)
	if err != nil {
		return nil, err
	}
	if e.Msg.UserName != "" && o.Name != e.Msg.UserName && o.registered() {
		o.Name = e.Msg.UserName
	}
	m := e.Msg
	return &turn{r: r, tx: tx, tk: r.st.Tx(tx), e: e, m: &m, o: o, lang: o.lang(m.LangCode), now: r.now()}, nil
}

// search asks the knowledge base, timing it.
func (r *Router) search(ctx context.Context, q, lang string) (knowledge.Result, error) {
	start := time.Now() // a latency, not a business time: the wall clock, not r.now
	res, err := r.kb.Search(ctx, q, knowledge.Options{Limit: max(maxSuggest, 1+maxRelated), Lang: lang})
	r.metrics.Observe("supportbot_search_seconds", time.Since(start).Seconds())
	if err != nil {
		return knowledge.Result{}, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// OnSent is wired to OutboxOptions.OnSent: it links a delivered message
// about a ticket to the ticket, so that the officer's reply to it joins the
// ticket's conversation.
func (r *Router) OnSent(tx *bolt.Tx, rep Reply, sentID string) error {
	if err := r.sentHook(tx, rep, sentID); err != nil { // groups.go, broadcast.go
		return err
	}
	if rep.TicketID == "" || sentID == "" || rep.CallbackID != "" {
		return nil
	}
	if err := putLink(tx, rep.Channel, rep.ChatID, sentID, rep.TicketID, r.now()); err != nil {
		return fmt.Errorf("bot: link message %s to %s: %w", sentID, rep.TicketID, err)
	}
	return nil
}

// OnFailed is wired to OutboxOptions.OnFailed: a reply about a ticket that
// could not be delivered for good (blocked by the user, chat not found) is
// recorded on the ticket, where staff see it.
func (r *Router) OnFailed(tx *bolt.Tx, rep Reply, err error) error {
	if rep.Ref != "" && isAnnouncementRef(rep.Ref) { // broadcast.go
		return markAnnouncement(tx, rep, stFailed)
	}
	if rep.TicketID == "" {
		// Logged once, after commit: a shared group commit may run this twice.
		// A NoTrace reply (an erasure's confirmation) is to an erased
		// officer: their id stays out of the logs.
		attrs := []any{"channel", rep.Channel, "chat", rep.ChatID, "err", err}
		if rep.NoTrace {
			attrs = []any{"channel", rep.Channel, "err", err}
		}
		tx.OnCommit(func() { r.log.Warn("reply not delivered", attrs...) })
		return nil
	}
	reason := "delivery failed"
	if err != nil {
		reason = shorten(err.Error(), 200)
	}
	rerr := r.st.Tx(tx).RecordDeliveryFailure(rep.TicketID, reason)
	if errors.Is(rerr, tickets.ErrNotFound) {
		return nil
	}
	if rerr != nil {
		return fmt.Errorf("bot: record delivery failure on %s: %w", rep.TicketID, rerr)
	}
	return r.staffDeliveryFailed(tx, rep, reason)
}
