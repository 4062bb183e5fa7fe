package tickets

import (
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// GroupCommit runs the functions of concurrent callers in shared bbolt write
// transactions, so that N callers pay for one fsync and take bbolt's single
// writer once instead of N times (group commit). It is safe for concurrent
// use; make one per database with NewGroupCommit and share it among every
// writer that should group.
//
// Unlike bolt.DB.Batch (a 10 ms timer) a lone call commits at once. Calls
// arriving while a commit runs queue and form the next batch; its leader
// waits at most gatherWait (1 ms), and only while fewer calls are queued
// than the last commit carried. No goroutine is started: a waiting caller is
// handed the leader role when its turn comes, so the batch is bounded by the
// number of callers.
//
// The contract for fn: if any function of a shared transaction fails or
// panics, the transaction is rolled back and every function of the batch is
// run again alone, in a transaction of its own. A function may therefore run
// more than once and must be idempotent: change the database only through
// the tx it is given, set any result variables afresh on each run, and put
// effects seen outside the database in tx.OnCommit (bbolt runs it only if
// the transaction commits). fn must not keep the tx, nor values read from
// it, after it returns.
type GroupCommit struct {
	db *bolt.DB

	mu      sync.Mutex    // guards pending, running and last
	pending []*groupCall  // calls waiting for the next commit
	running bool          // a leader is committing
	last    int           // size of the last batch committed
	joined  chan struct{} // signalled (non-blocking) when a call joins pending
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	err  error
	done bool          // set (under mu) once err is final
	wake chan struct{} // receives when done, or when the call must lead
}

// NewGroupCommit returns a group commit over db, which must be writable and
// stay open while the group is used.
func NewGroupCommit(db *bolt.DB) *GroupCommit {
	return &GroupCommit{db: db, joined: make(chan struct{}, 1)}
}

// Do runs fn in a write transaction shared with concurrent Do callers and
// returns when that transaction is committed (fsynced) or has failed. fn's
// own error is returned as is; a panic in fn comes back as an error. fn may
// run more than once: see the contract on GroupCommit.
func (g *GroupCommit) Do(fn func(*bolt.Tx) error) error {
	c := &groupCall{fn: fn, wake: make(chan struct{}, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	select {
	case g.joined <- struct{}{}:
	default:
	}
	if g.running {
		g.mu.Unlock()
		<-c.wake
		g.mu.Lock()
		if c.done {
			g.mu.Unlock()
			return c.err
		}
		// Woken to lead: c is still pending and is committed below.
	}
	g.running = true
	g.gather()
	batch := g.pending
	g.pending = nil
	g.last = len(batch)
	g.mu.Unlock()

	g.commit(batch)

	g.mu.Lock()
	for _, b := range batch {
		b.done = true
		if b != c {
			b.wake <- struct{}{}
		}
	}
	if len(g.pending) > 0 {
		g.pending[0].wake <- struct{}{} // hand over: the next leader commits what arrived meanwhile
	} else {
		g.running = false
	}
	g.mu.Unlock()
	return c.err
}

// Queued reports how many calls are waiting for the next commit, not
// counting those of a commit in progress: a gauge for metrics and tests.
func (g *GroupCommit) Queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.pending)
}

// gatherWait bounds how long a leader waits for callers to join.
const gatherWait = time.Millisecond

// gather waits (at most gatherWait, with mu held on entry and exit) until as
// many calls are pending as the last batch had. Under steady concurrency the
// callers of the last commit are just resubmitting; without the wait,
// batches split into two alternating halves and each pays its own fsync.
func (g *GroupCommit) gather() {
	if len(g.pending) >= g.last {
		return
	}
	timer := time.NewTimer(gatherWait)
	defer timer.Stop()
	for len(g.pending) < g.last {
		g.mu.Unlock()
		select {
		case <-g.joined:
			g.mu.Lock()
		case <-timer.C:
			g.mu.Lock()
			return
		}
	}
}

// errSolo marks a shared transaction abandoned because one function failed.
var errSolo = errors.New("tickets: group commit member failed")

// commit runs batch in one transaction; if that fails, each call alone.
func (g *GroupCommit) commit(batch []*groupCall) {
	err := g.db.Update(func(tx *bolt.Tx) error {
		for _, c := range batch {
			if c.err = safeCall(c.fn, tx); c.err != nil {
				return errSolo
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(batch) == 1 && errors.Is(err, errSolo) {
		return // c.err already holds the function's own error
	}
	for _, c := range batch {
		c.err = g.db.Update(func(tx *bolt.Tx) error { return safeCall(c.fn, tx) })
	}
}

// safeCall turns a panic in fn into an error so that a panicking caller
// cannot leave the group without a leader and its batch-mates waiting for
// ever.
func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("tickets: group commit: function panicked: %v", p)
		}
	}()
	return fn(tx)
}

// Batch runs fn in a write transaction shared with concurrent Batch and
// Create callers (a GroupCommit over the store's database) and returns when
// that transaction is committed (fsynced) or has failed. fn's error is
// returned as is; a panic in fn comes back as an error. If any function of
// a shared transaction fails, the transaction is rolled back and every
// function is run again alone, so fn may run more than once: it must only
// change the database through its Tx, and must set any result variables
// afresh on each run.
func (s *Store) Batch(fn func(*Tx) error) error {
	return s.group.Do(func(btx *bolt.Tx) error { return fn(s.Tx(btx)) })
}

// Create opens a ticket like Tx.Create in its own transaction, sharing the
// commit (one fsync) with concurrent Create and Batch callers. It returns once
// the ticket is durable.
func (s *Store) Create(n NewTicket) (tk *Ticket, created bool, err error) {
	if _, err := validateNew(n); err != nil {
		return nil, false, err // refuse bad input before it can fail a shared commit
	}
	err = s.Batch(func(tx *Tx) error {
		var err error
		tk, created, err = tx.Create(n)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return tk, created, nil
}
