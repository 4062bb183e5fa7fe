package tickets

import (
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// groupCommit runs concurrent callers' functions in shared transactions, so
// N creators pay for one fsync instead of N (group commit). Unlike
// bolt.DB.Batch (a 10 ms timer) a lone caller commits at once; a leader
// waits at most gatherWait, and only while fewer calls are queued than the
// last commit carried. No goroutine is started: a waiting caller is handed
// the leader role when its turn comes.
type groupCommit struct {
	mu      sync.Mutex    // guards pending, running and last
	pending []*groupCall  // calls waiting for the next commit
	running bool          // a leader is committing
	last    int           // size of the last batch committed
	joined  chan struct{} // signalled (non-blocking) when a call joins pending
}

type groupCall struct {
	fn   func(*Tx) error
	err  error
	done bool          // set (under mu) once err is final
	wake chan struct{} // receives when done, or when the call must lead
}

// Batch runs fn in a write transaction shared with concurrent Batch callers
// and returns when that transaction is committed (fsynced) or has failed.
// If any function of a shared transaction fails, the transaction is rolled
// back and every function is run again alone, so fn may run more than once:
// it must only change the database through its Tx, and must set any result
// variables afresh on each run. fn's error is returned as is.
func (s *Store) Batch(fn func(*Tx) error) error {
	g := &s.group
	c := &groupCall{fn: fn, wake: make(chan struct{}, 1)}
	g.mu.Lock()
	if g.joined == nil {
		g.joined = make(chan struct{}, 1)
	}
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

	s.commitGroup(batch)

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

// gatherWait bounds how long a leader waits for callers to join.
const gatherWait = time.Millisecond

// gather waits (at most gatherWait, with mu held on entry and exit) until as
// many calls are pending as the last batch had. Under steady concurrency the
// callers of the last commit are just resubmitting; without the wait,
// batches split into two alternating halves and each pays its own fsync.
func (g *groupCommit) gather() {
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
var errSolo = errors.New("tickets: batch member failed")

func (s *Store) commitGroup(batch []*groupCall) {
	err := s.db.Update(func(btx *bolt.Tx) error {
		tx := s.Tx(btx)
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
		c.err = s.db.Update(func(btx *bolt.Tx) error { return safeCall(c.fn, s.Tx(btx)) })
	}
}

// safeCall turns a panic in fn into an error so that a panicking caller
// cannot leave the group without a leader.
func safeCall(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("tickets: batch function panicked: %v", p)
		}
	}()
	return fn(tx)
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
