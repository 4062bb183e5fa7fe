package bot

import (
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// outboxGroup runs the record functions of concurrently finishing sends in
// shared bbolt transactions, so that N records pay for one fsync and take
// bbolt's single writer once instead of N times (group commit).
//
// Unlike bolt.DB.Batch (a 10 ms timer) a lone record commits at once; a
// leader waits at most outboxGatherWait, and only while fewer records are
// queued than the last commit carried. No goroutine is started: a waiting
// caller is handed the leader role when its turn comes. Records queue only
// while a commit is running, so the batch is bounded by the number of
// workers.
//
// If any function of a shared transaction fails, the transaction is rolled
// back and every function is run again alone, in a transaction of its own:
// a function may run more than once and must be idempotent (set its
// results afresh, change the database only through its tx). Effects seen
// outside the database belong in tx.OnCommit, which bbolt runs only if the
// transaction commits.
type outboxGroup struct {
	db *bolt.DB

	mu      sync.Mutex    // guards pending, running and last
	pending []*outboxCall // calls waiting for the next commit
	running bool          // a leader is committing
	last    int           // size of the last batch committed
	joined  chan struct{} // signalled (non-blocking) when a call joins pending
}

type outboxCall struct {
	fn   func(*bolt.Tx) error
	err  error
	done bool          // set (under mu) once err is final
	wake chan struct{} // receives when done, or when the call must lead
}

func newOutboxGroup(db *bolt.DB) *outboxGroup {
	return &outboxGroup{db: db, joined: make(chan struct{}, 1)}
}

// outboxGatherWait bounds how long a leader waits for records to join.
const outboxGatherWait = time.Millisecond

// do runs fn in a write transaction shared with concurrent do callers and
// returns when that transaction is committed (fsynced) or has failed. fn's
// own error is returned as is; a panic in fn comes back as an error.
func (g *outboxGroup) do(fn func(*bolt.Tx) error) error {
	c := &outboxCall{fn: fn, wake: make(chan struct{}, 1)}
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

// gather waits (at most outboxGatherWait, with mu held on entry and exit)
// until as many calls are pending as the last batch had. Under steady load
// the workers of the last commit are just coming back with their next
// record; without the wait, batches split into two alternating halves and
// each pays its own fsync.
func (g *outboxGroup) gather() {
	if len(g.pending) >= g.last {
		return
	}
	timer := time.NewTimer(outboxGatherWait)
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

// errOutboxSolo marks a shared transaction abandoned because one function
// failed.
var errOutboxSolo = errors.New("outbox: batch member failed")

// commit runs batch in one transaction; if that fails, each call alone.
func (g *outboxGroup) commit(batch []*outboxCall) {
	err := g.db.Update(func(tx *bolt.Tx) error {
		for _, c := range batch {
			if c.err = outboxSafeCall(c.fn, tx); c.err != nil {
				return errOutboxSolo
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(batch) == 1 && errors.Is(err, errOutboxSolo) {
		return // c.err already holds the function's own error
	}
	for _, c := range batch {
		c.err = g.db.Update(func(tx *bolt.Tx) error { return outboxSafeCall(c.fn, tx) })
	}
}

// outboxSafeCall turns a panic in fn (an OnSent or OnFailed callback) into
// an error, so that a panicking callback cannot leave the group without a
// leader and its batch-mates waiting for ever.
func outboxSafeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox: record callback panicked: %v", p)
		}
	}()
	return fn(tx)
}
