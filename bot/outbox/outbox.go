package outbox

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outbox is the durable queue of outgoing messages (see the package
// documentation). Make one with New, Register each channel's Sender, and
// Run it.
type Outbox struct {
	db        *bolt.DB
	now       func() time.Time
	after     func(time.Duration) <-chan time.Time
	metrics   Metrics
	log       *slog.Logger
	onSent    func(tx *bolt.Tx, r Reply, sentID string) error
	onFailed  func(tx *bolt.Tx, r Reply, err error) error
	keepRef   func(tx *bolt.Tx, ch Channel, chat, ref string) bool
	workers   int
	timeout   time.Duration
	maxLoaded int

	bulkWorkers int // of workers, how many bulk items may hold at once
	bulkLoaded  int // of maxLoaded, how many bulk items Run may hold

	mu       sync.RWMutex // guards channels
	channels map[Channel]outChannel

	parkedMu sync.Mutex // guards parked
	parked   map[Channel]int

	stages     []stage
	depth      atomic.Int64  // items in the bucket
	dead       atomic.Int64  // dead letters in their bucket
	wake       chan struct{} // an enqueue committed: look for new items
	registered chan struct{} // Register was called: look at the parked channels
	running    atomic.Bool
	peakLoaded atomic.Int64 // the most items a Run held in memory (tests)

	forgets *forgetGuard  // Forgets not committed yet, and items forgotten for Run to drop
	forgot  chan struct{} // a Forget committed: drop the forgotten items held in memory

	// unclean: at New, the limit log said a Run was in progress: the last
	// process was killed, its sends in flight unrecorded (see seedLimiter).
	unclean bool
	seeded  map[Channel]bool // channels whose limiter was seeded; guarded by mu
}

// outChannel is what Register recorded for one channel.
type outChannel struct {
	sender  Sender
	limits  Limits
	limiter *RateLimiter
}

// Options configure an Outbox; the zero value works.
type Options struct {
	Now     func() time.Time // default time.Now
	Metrics Metrics          // nil: no metrics (*bot.Metrics satisfies it)
	Logger  *slog.Logger     // nil: no logs

	// OnSent runs inside the transaction that deletes a delivered item,
	// with the channel's id of the sent message (the Router links it to
	// the ticket). An error rolls that transaction back; the item is not
	// sent again, only recorded again later, with backoff. After five
	// failures it is recorded without OnSent, with an error in the log,
	// so that one bad callback cannot block a chat for ever. A panic
	// counts as an error. Superseded updates (see the package doc) are
	// deleted without it.
	//
	// The transaction may carry the records of other items too (a group
	// commit). If one of them fails, it is rolled back and each item is
	// recorded again in a transaction of its own, so OnSent may be called
	// more than once for an item, but it takes effect in exactly one
	// committed transaction: it must change state only through tx, and do
	// anything seen outside the database in tx.OnCommit. It must not
	// start another bbolt transaction (deadlock), and is called from
	// several goroutines, one at a time.
	OnSent func(tx *bolt.Tx, r Reply, sentID string) error
	// OnFailed runs inside the transaction that moves an item the Sender
	// refused for good (or whose ref is dead) to the dead-letter bucket
	// (the Router records it on the ticket). Errors, shared transactions
	// and repeated calls are as for OnSent.
	OnFailed func(tx *bolt.Tx, r Reply, err error) error

	// Workers is how many sends may be in flight at once (default 16).
	// A worker stays with its item until the record is committed, a
	// commit shared with the Router that takes a few milliseconds under
	// load, so Workers also bounds deliveries to Workers per commit: 16
	// keep up with 1,000 replies/s on a loaded disk. Rate limits are
	// unaffected: a send in flight holds its slot (see RateLimiter).
	Workers int
	// SendTimeout bounds one Send (default 30s). A send in flight when
	// Run's context ends is not cancelled but given this long to finish,
	// so that its result is recorded rather than sent again later.
	SendTimeout time.Duration
	// MaxLoaded bounds the queued items Run holds in memory (default
	// 1,024); the rest stay in bbolt and are loaded, in order, as items
	// finish.
	MaxLoaded int
	// BulkWorkers bounds the workers bulk replies (Reply.Bulk) may hold
	// at once, so that the others are free for interactive replies
	// however long the broadcast (default: Workers less a quarter of
	// them, at least one kept back; at least 1). Bulk items also take at
	// most three quarters of MaxLoaded: an answer enqueued behind a
	// backlog of thousands of announcements is loaded at once.
	BulkWorkers int
	// After replaces time.After for the outbox's waits. With Now it lets
	// a test or a benchmark drive a simulated clock.
	After func(time.Duration) <-chan time.Time

	// Batch, when set, runs the record of a finished send in a write
	// transaction shared with other writers of the same database, and
	// returns once it is committed: wire it to tickets.Store.Batch, the
	// Router's group commit, so that one fsync serves the handling of
	// inbound messages and the records of delivered ones, and the two do
	// not take turns at bbolt's single writer. It must honour the contract
	// of tickets.Store.Batch: fn may run more than once (a shared
	// transaction is rolled back and each function run alone when one
	// fails), fn's error comes back as is, a panic in fn comes back as an
	// error (tickets.GroupCommit states it). Nil: the outbox groups its own
	// records with a tickets.GroupCommit over its database.
	Batch func(fn func(tx *bolt.Tx) error) error

	// KeepRef, when set, is asked by Prune about each ref older than
	// RefRetention, inside Prune's transaction; true keeps it. The core
	// keeps the refs of a ticket's triage card and thread posts while the
	// ticket still holds personal data, so that an erasure years later
	// can still edit those posts.
	KeepRef func(tx *bolt.Tx, ch Channel, chat, ref string) bool
}

// Defaults of Options, and how long the outbox keeps what it keeps.
const (
	DefaultWorkers     = 16
	DefaultSendTimeout = 30 * time.Second
	DefaultMaxLoaded   = 1024

	// DeadLetterRetention is how long Prune keeps a dead letter, counted
	// from its failure: long enough for staff to look into it.
	DeadLetterRetention = 30 * 24 * time.Hour
	// RefRetention is how long Prune keeps a ref, counted from the last
	// send or update under it: a ticket's card stays editable, and its
	// thread reachable, while the ticket is worked.
	RefRetention = 90 * 24 * time.Hour
)

// Errors callers branch on.
var (
	// ErrInvalidReply: a Reply without what its kind needs (see
	// EnqueueTx).
	ErrInvalidReply = errors.New("outbox: invalid reply")
	// ErrNoSender: a Reply names a channel no Sender was registered for.
	// EnqueueTx no longer returns it (such replies wait for their
	// channel); it is kept for callers that branch on it.
	ErrNoSender = errors.New("outbox: no sender registered for the channel")
	// ErrRunning: Run was called while it was already running.
	ErrRunning = errors.New("outbox: already running")
	// ErrRefDead: the message a Reply refers to (its Ref for an update,
	// its ThreadRef) became a dead letter, so the Reply does too. It is
	// the error OnFailed gets and the dead letter records.
	ErrRefDead = errors.New("outbox: the referenced message was never delivered")
	// ErrRefUnknown: a Reply waited RefWaitLimit for the message it
	// refers to and none was recorded; it became a dead letter.
	ErrRefUnknown = errors.New("outbox: the referenced message is unknown")
)

// The buckets the outbox owns.
var (
	outboxBucket = []byte("bot_outbox")      // key: the global sequence (seqKey); value: outItem JSON
	outboxDead   = []byte("bot_outbox_dead") // key: the item's sequence; value: DeadLetter JSON
	outboxRefs   = []byte("bot_outbox_refs") // key: refKey; value: refValue
)

// outItem is one queued message as stored.
type outItem struct {
	Reply    Reply     `json:"reply"`
	Enqueued time.Time `json:"enqueued"`
	// Unsplit: the channel was not registered at enqueue, so the text
	// was not cut to its length; it is cut at send time.
	Unsplit bool `json:"unsplit,omitempty"`
}

// New opens the outbox in db, creating its buckets. db stays the caller's
// to close (after Run has returned).
func New(db *bolt.DB, opts Options) (*Outbox, error) {
	if db == nil {
		return nil, errors.New("outbox: nil db")
	}
	o := &Outbox{
		db:         db,
		now:        opts.Now,
		after:      opts.After,
		metrics:    opts.Metrics,
		log:        opts.Logger,
		onSent:     opts.OnSent,
		onFailed:   opts.OnFailed,
		keepRef:    opts.KeepRef,
		workers:    opts.Workers,
		timeout:    opts.SendTimeout,
		maxLoaded:  opts.MaxLoaded,
		channels:   make(map[Channel]outChannel),
		seeded:     make(map[Channel]bool),
		parked:     make(map[Channel]int),
		wake:       make(chan struct{}, 1),
		registered: make(chan struct{}, 1),
		forgot:     make(chan struct{}, 1),
	}
	if o.now == nil {
		o.now = time.Now
	}
	o.forgets = newForgetGuard(o.now)
	if o.after == nil {
		o.after = time.After
	}
	if o.metrics == nil {
		o.metrics = noMetrics{}
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.workers <= 0 {
		o.workers = DefaultWorkers
	}
	if o.timeout <= 0 {
		o.timeout = DefaultSendTimeout
	}
	if o.maxLoaded <= 0 {
		o.maxLoaded = DefaultMaxLoaded
	}
	o.bulkWorkers = opts.BulkWorkers
	if o.bulkWorkers <= 0 || o.bulkWorkers > o.workers {
		o.bulkWorkers = max(1, o.workers-max(1, o.workers/4))
	}
	o.bulkLoaded = max(1, o.maxLoaded-o.maxLoaded/4)

	var n, dead int
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(outboxBucket)
		if err != nil {
			return err
		}
		d, err := tx.CreateBucketIfNotExists(outboxDead)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(outboxRefs); err != nil {
			return err
		}
		lim, err := tx.CreateBucketIfNotExists(outboxLimits)
		if err != nil {
			return err
		}
		o.unclean = lim.Get(runKey) != nil
		n, dead = b.Stats().KeyN, d.Stats().KeyN
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: create buckets: %w", err)
	}
	o.depth.Store(int64(n))
	o.dead.Store(int64(dead))

	o.stages = []stage{
		newDedupeStage(o.db),
		newResolveStage(o.db),
		newRateLimitStage(),
		newForgetStage(o.db, o.forgets),
		newRetryStage(o.timeout, o.metrics, o.log),
		newRecordStage(opts.Batch, o.db, o.onSent, o.onFailed, o.metrics, o.log, &o.depth, &o.dead),
	}

	o.metrics.Help("supportbot_messages_out_total", "Messages delivered, by channel.")
	o.metrics.Help("supportbot_send_errors_total", "Failed send attempts, by channel and kind (rate_limited, server, network, forbidden, bad_request, other).")
	o.metrics.Help("supportbot_outbox_superseded_total", "Updates not sent because a newer update of the same message was pending, by channel.")
	o.metrics.GaugeFunc("supportbot_outbox_depth", "Messages waiting in the outbox.", func() float64 {
		n, _ := o.Depth()
		return float64(n)
	})
	o.metrics.GaugeFunc("supportbot_outbox_oldest_seconds", "Age of the oldest message waiting in the outbox.", func() float64 {
		_, age := o.Depth()
		return age.Seconds()
	})
	o.metrics.GaugeFunc("supportbot_outbox_dead_letters", "Messages refused for good, kept for staff (see DeadLetterRetention).", func() float64 {
		return float64(o.dead.Load())
	})
	const parkedHelp = "Messages waiting for a channel with no registered sender (switched off)."
	if v, ok := o.metrics.(GaugeVecFuncer); ok {
		v.GaugeVecFunc("supportbot_outbox_parked", parkedHelp, "channel", func() map[string]float64 {
			out := make(map[string]float64)
			for ch, n := range o.Parked() {
				out[string(ch)] = float64(n)
			}
			return out
		})
	} else {
		o.metrics.GaugeFunc("supportbot_outbox_parked", parkedHelp, func() float64 {
			n := 0
			for _, c := range o.Parked() {
				n += c
			}
			return float64(n)
		})
	}
	return o, nil
}

// Register names the Sender and the limits of a channel. It may be called
// at any time, also while Run runs: items queued for the channel until then
// are delivered from then on. Registering again replaces the sender and
// starts the limits afresh from the limit log.
//
// The channel's RateLimiter is seeded from the limit log (limitlog.go):
// the completion times of the sends the outbox recorded, also by earlier
// processes, so that the limits hold across a restart as if the process
// had never stopped. If the last process was killed, the chats with
// messages still queued also count as just sent to (their send may have
// been in flight): they wait one window.
func (o *Outbox) Register(ch Channel, s Sender, l Limits) {
	rl := NewRateLimiter(l)
	o.mu.Lock()
	first := !o.seeded[ch]
	o.seeded[ch] = true
	o.mu.Unlock()
	if err := o.seedLimiter(ch, rl, o.unclean && first, o.now()); err != nil {
		// Not fatal: the limiter starts empty, as before it was persisted,
		// and the channel's 429s (honoured) make up for it.
		o.log.Error("outbox: read the limit log; the rate limiter starts empty", "channel", ch, "err", err)
	}
	o.mu.Lock()
	o.channels[ch] = outChannel{sender: s, limits: l, limiter: rl}
	o.mu.Unlock()
	select {
	case o.registered <- struct{}{}:
	default: // a notice is already pending; Run will see this channel too
	}
}

func (o *Outbox) channel(ch Channel) (outChannel, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	c, ok := o.channels[ch]
	return c, ok
}

// Parked returns, per channel with no registered Sender, how many of its
// items the running Run has found queued (nil when none, or not running).
func (o *Outbox) Parked() map[Channel]int {
	o.parkedMu.Lock()
	defer o.parkedMu.Unlock()
	if len(o.parked) == 0 {
		return nil
	}
	out := make(map[Channel]int, len(o.parked))
	for ch, n := range o.parked {
		out[ch] = n
	}
	return out
}

// setParked publishes Run's count of parked items.
func (o *Outbox) setParked(p map[Channel]int) {
	o.parkedMu.Lock()
	o.parked = p
	o.parkedMu.Unlock()
}

// Depth returns how many messages wait in the outbox and how long the
// oldest has waited (0 when empty). On a bbolt error the age is 0. The
// count is raised just after an enqueue commits, so it may briefly lag
// what a reader sees: to wait until everything is sent, use IdleTx.
func (o *Outbox) Depth() (n int, oldest time.Duration) {
	n = int(o.depth.Load())
	if n == 0 {
		return 0, 0
	}
	var enq time.Time
	err := o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxBucket)
		if b == nil {
			return nil
		}
		_, v := b.Cursor().First() // keys are in enqueue order: the first is the oldest
		if v == nil {
			return nil
		}
		var it outItem
		if err := json.Unmarshal(v, &it); err != nil {
			return err
		}
		enq = it.Enqueued
		return nil
	})
	if err != nil || enq.IsZero() {
		return n, 0
	}
	return n, max(o.now().Sub(enq), 0)
}

// IdleTx reports whether nothing waits in the outbox, as tx sees it, for a
// channel with a registered Sender: items parked for a channel that is not
// registered do not count. tx must be of the outbox's database; Drained in
// package bot reads it together with the inbox.
func (o *Outbox) IdleTx(tx *bolt.Tx) (bool, error) {
	if tx.DB() != o.db {
		return false, errors.New("outbox: idle: a transaction of another database")
	}
	b := tx.Bucket(outboxBucket)
	if b == nil {
		return true, nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var it struct {
			Reply struct {
				Channel Channel `json:"channel"`
			} `json:"reply"`
		}
		if json.Unmarshal(v, &it) != nil {
			continue // unreadable: left for an operator, never delivered
		}
		if _, ok := o.channel(it.Reply.Channel); ok {
			return false, nil
		}
	}
	return true, nil
}

// seqKey is the 8-byte big-endian key of a sequence: a cursor reads the
// queue in enqueue order.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}
