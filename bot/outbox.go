package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// The Outbox is the one durable queue for every outgoing message of every
// channel. A Reply is stored in bbolt in the transaction that caused it
// (EnqueueTx) and deleted only in the transaction that records its
// delivery, so a crash loses nothing.
//
// Run drains it through a pipeline of stages, one file each:
//
//	dedupe (outbox_dedupe.go) → rate limit (outbox_ratelimit.go, ratelimit.go)
//	→ send with retry (outbox_retry.go) → record (outbox_record.go)
//
// Delivery is in order per chat: the next message of a chat waits until the
// previous one is recorded. A chat waiting to retry (a 429, a 5xx, a network
// error) holds no worker, so it never delays other chats. Retries never
// give up; only a failure the Sender calls permanent (blocked by the user,
// chat not found) ends an item, which then goes to a dead-letter bucket and
// to OutboxOptions.OnFailed.
//
// The crash window: a message Telegram accepted is recorded in a bbolt
// transaction right after Send returns (one fsync: about half a millisecond
// on this machine's idle disk, a few under load). That transaction is
// shared with the records of the sends finishing at the same time (a group
// commit: OutboxOptions.Batch, the Router's own, as cmd wires it; else a
// tickets.GroupCommit of the outbox's own), so delivery is not capped at
// one fsync per message and the outbox does not take bbolt's single writer
// from the Router; the window grows at most by the commit already in
// progress and a 1 ms gathering wait. If the process dies inside that window the message
// is sent again after restart. Neither Telegram nor Slack offers an
// idempotency key, so a window there must be; the alternative, recording
// before sending, would lose messages instead. Within one process nothing is sent twice: a message
// whose record fails is recorded again, not resent (outbox_dedupe.go), and
// a send in flight at shutdown is allowed to finish and be recorded.
//
// Buckets: bot_outbox (the queue, keyed by a global sequence, so a cursor
// reads it in enqueue order) and bot_outbox_dead (refused messages).
// Every method is safe for concurrent use; Run runs once at a time.
type Outbox struct {
	db       *bolt.DB
	now      func() time.Time
	after    func(time.Duration) <-chan time.Time
	metrics  *Metrics
	log      *slog.Logger
	onSent   func(tx *bolt.Tx, r Reply, sentID string) error
	onFailed func(tx *bolt.Tx, r Reply, err error) error
	workers  int
	timeout  time.Duration

	mu       sync.RWMutex // guards channels
	channels map[Channel]outChannel

	stages  []outboxStage
	depth   atomic.Int64  // items in the bucket
	wake    chan struct{} // an enqueue committed: look for new items
	running atomic.Bool
}

// outChannel is what Register recorded for one channel.
type outChannel struct {
	sender  Sender
	limits  Limits
	limiter *RateLimiter
}

// OutboxOptions configure an Outbox; the zero value works.
type OutboxOptions struct {
	Now     func() time.Time // default time.Now
	Metrics *Metrics         // nil: no metrics
	Logger  *slog.Logger     // nil: no logs

	// OnSent runs inside the transaction that deletes a delivered item,
	// with the channel's id of the sent message (the Router links it to
	// the ticket). An error rolls that transaction back; the item is not
	// sent again, only recorded again later, with backoff. After five
	// failures it is recorded without OnSent, with an error in the log,
	// so that one bad callback cannot block a chat for ever. A panic
	// counts as an error.
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
	// refused for good to the dead-letter bucket (the Router records it
	// on the ticket). Errors, shared transactions and repeated calls are
	// as for OnSent.
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
}

// Defaults of OutboxOptions.
const (
	DefaultOutboxWorkers     = 16
	DefaultOutboxSendTimeout = 30 * time.Second
)

// Errors callers branch on.
var (
	// ErrNoSender: a Reply names a channel no Sender was registered for.
	ErrNoSender = errors.New("outbox: no sender registered for the channel")
	// ErrInvalidReply: a Reply without a channel, or without both a chat
	// and a button press to answer.
	ErrInvalidReply = errors.New("outbox: invalid reply")
	// ErrOutboxRunning: Run was called while it was already running.
	ErrOutboxRunning = errors.New("outbox: already running")
)

// The buckets the outbox owns.
var (
	outboxBucket = []byte("bot_outbox")      // key: the global sequence (seqKey); value: outItem JSON
	outboxDead   = []byte("bot_outbox_dead") // key: the item's sequence; value: DeadLetter JSON
)

// outItem is one queued message as stored.
type outItem struct {
	Reply    Reply     `json:"reply"`
	Enqueued time.Time `json:"enqueued"`
}

// DeadLetter is a message the Sender refused for good, kept for staff.
type DeadLetter struct {
	Seq      uint64    `json:"seq"`
	Reply    Reply     `json:"reply"`
	Enqueued time.Time `json:"enqueued"`
	Failed   time.Time `json:"failed"`
	Error    string    `json:"error"`
	Attempts int       `json:"attempts"`
}

// NewOutbox opens the outbox in db, creating its buckets. db stays the
// caller's to close (after Run has returned).
func NewOutbox(db *bolt.DB, opts OutboxOptions) (*Outbox, error) {
	if db == nil {
		return nil, errors.New("outbox: nil db")
	}
	o := &Outbox{
		db:       db,
		now:      opts.Now,
		after:    opts.After,
		metrics:  opts.Metrics,
		log:      opts.Logger,
		onSent:   opts.OnSent,
		onFailed: opts.OnFailed,
		workers:  opts.Workers,
		timeout:  opts.SendTimeout,
		channels: make(map[Channel]outChannel),
		wake:     make(chan struct{}, 1),
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.after == nil {
		o.after = time.After
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.workers <= 0 {
		o.workers = DefaultOutboxWorkers
	}
	if o.timeout <= 0 {
		o.timeout = DefaultOutboxSendTimeout
	}

	var n int
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(outboxBucket)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(outboxDead); err != nil {
			return err
		}
		n = b.Stats().KeyN
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: create buckets: %w", err)
	}
	o.depth.Store(int64(n))

	o.stages = []outboxStage{
		newDedupeStage(o.db),
		newRateLimitStage(),
		newRetryStage(o.timeout, o.metrics, o.log),
		newRecordStage(opts.Batch, o.db, o.onSent, o.onFailed, o.metrics, o.log, &o.depth),
	}

	o.metrics.Help("supportbot_messages_out_total", "Messages delivered, by channel.")
	o.metrics.Help("supportbot_send_errors_total", "Failed send attempts, by channel and kind (rate_limited, server, network, forbidden, bad_request, other).")
	o.metrics.GaugeFunc("supportbot_outbox_depth", "Messages waiting in the outbox.", func() float64 {
		n, _ := o.Depth()
		return float64(n)
	})
	o.metrics.GaugeFunc("supportbot_outbox_oldest_seconds", "Age of the oldest message waiting in the outbox.", func() float64 {
		_, age := o.Depth()
		return age.Seconds()
	})
	return o, nil
}

// Register names the Sender and the limits of a channel. Call it before
// the first Enqueue of that channel and before Run; registering again
// replaces the sender and starts the limits afresh.
func (o *Outbox) Register(ch Channel, s Sender, l Limits) {
	o.mu.Lock()
	o.channels[ch] = outChannel{sender: s, limits: l, limiter: NewRateLimiter(l)}
	o.mu.Unlock()
}

func (o *Outbox) channel(ch Channel) (outChannel, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	c, ok := o.channels[ch]
	return c, ok
}

// EnqueueTx queues replies inside the caller's write transaction: they are
// sent only if tx commits, and Run hears of them when it does. A text
// longer than its channel's MaxLen becomes several items, in order, cut by
// SplitHTML; the buttons and keyboard go on the last part, the reply-to and
// the button-press answer on the first. Errors: ErrInvalidReply,
// ErrNoSender (wrapped), or bbolt's.
func (o *Outbox) EnqueueTx(tx *bolt.Tx, rs ...Reply) error {
	b := tx.Bucket(outboxBucket)
	if b == nil {
		return fmt.Errorf("outbox: bucket %q missing", outboxBucket)
	}
	now := o.now()
	added := 0
	for _, r := range rs {
		parts, err := o.split(r)
		if err != nil {
			return err
		}
		for _, p := range parts {
			seq, err := b.NextSequence()
			if err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			v, err := json.Marshal(outItem{Reply: p, Enqueued: now})
			if err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			if err := b.Put(seqKey(seq), v); err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			added++
		}
	}
	if added > 0 {
		tx.OnCommit(func() {
			o.depth.Add(int64(added))
			select {
			case o.wake <- struct{}{}:
			default: // a wake-up is already pending; it will see these too
			}
		})
	}
	return nil
}

// Enqueue queues replies in a transaction of its own. See EnqueueTx.
func (o *Outbox) Enqueue(rs ...Reply) error {
	return o.db.Update(func(tx *bolt.Tx) error { return o.EnqueueTx(tx, rs...) })
}

// split validates r and cuts its text to the channel's MaxLen.
func (o *Outbox) split(r Reply) ([]Reply, error) {
	if r.Channel == "" || (r.ChatID == "" && r.CallbackID == "") {
		return nil, fmt.Errorf("%w: channel %q, chat %q", ErrInvalidReply, r.Channel, r.ChatID)
	}
	c, ok := o.channel(r.Channel)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoSender, r.Channel)
	}
	if c.limits.Split == nil || r.ChatID == "" {
		return []Reply{r}, nil // a button-press toast is the Sender's to shorten
	}
	texts := c.limits.Split(r.Text)
	if len(texts) <= 1 {
		return []Reply{r}, nil
	}
	parts := make([]Reply, len(texts))
	for i, t := range texts {
		p := Reply{Channel: r.Channel, ChatID: r.ChatID, Text: t, TicketID: r.TicketID}
		if i == 0 {
			p.ReplyToID, p.CallbackID = r.ReplyToID, r.CallbackID
		}
		if i == len(texts)-1 {
			p.Buttons, p.Keyboard, p.RemoveKB = r.Buttons, r.Keyboard, r.RemoveKB
		}
		parts[i] = p
	}
	return parts, nil
}

// Depth returns how many messages wait in the outbox and how long the
// oldest has waited (0 when empty). On a bbolt error the age is 0. The
// count is raised just after an enqueue commits, so it may briefly lag
// what a reader sees: to wait until everything is sent, use Drained.
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

// Drained reports whether nothing waits in in or in o, read in one
// transaction: every message stored in in before the call has been handled
// and every reply that caused has been through its Sender (sent, or kept as
// a dead letter). Unlike Depth, which is raised in a hook just after an
// enqueue commits, it never lags a commit that a reader can already see.
// in and o must share one database.
func Drained(in *Inbox, o *Outbox) (bool, error) {
	if in.db != o.db {
		return false, errors.New("bot: drained: the inbox and the outbox use different databases")
	}
	empty := false
	err := o.db.View(func(tx *bolt.Tx) error {
		p, _ := tx.Bucket(bucketInboxPending).Cursor().First()
		q, _ := tx.Bucket(outboxBucket).Cursor().First()
		empty = p == nil && q == nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("bot: drained: %w", err)
	}
	return empty, nil
}

// DeadLetters returns the messages the Sender refused for good, oldest
// first.
func (o *Outbox) DeadLetters() ([]DeadLetter, error) {
	var out []DeadLetter
	err := o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(outboxDead)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var d DeadLetter
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: dead letters: %w", err)
	}
	return out, nil
}

// SenderFunc adapts a function to a Sender (tests, the console).
type SenderFunc = outbox.SenderFunc
