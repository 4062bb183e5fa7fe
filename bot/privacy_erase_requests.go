package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Stored erase requests. An officer's /xoadulieu, once confirmed, stores
// its request in the transaction that answers the press (RequestErase),
// so that the request is never lost and the officer's turn stays short;
// Eraser.Run carries the requests out one by one, deleting each in the
// final transaction of its erasure. A crash mid-way leaves the request
// stored, and Run runs it again: every step of an erasure can be run
// twice.

// bucketEraseRequests holds the erasures asked for and not yet carried out.
var bucketEraseRequests = []byte("bot_erase_requests") // seq -> EraseRequest JSON

// eraseRunEvery is how often Run looks for stored requests (and whether
// retention is due) without being woken.
const eraseRunEvery = time.Minute

// RequestErase stores req in tx for Eraser.Run to carry out, and wakes the
// Erasers running on tx's database when tx commits. Errors: ErrInvalidErase,
// or bbolt's.
func RequestErase(tx *bolt.Tx, req EraseRequest) error {
	if err := req.check(); err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketEraseRequests)
	if err != nil {
		return fmt.Errorf("bot: request erase: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("bot: request erase: %w", err)
	}
	v, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("bot: request erase: %w", err)
	}
	if err := b.Put(seqKey(seq), v); err != nil {
		return fmt.Errorf("bot: request erase: %w", err)
	}
	db := tx.DB()
	tx.OnCommit(func() { running.wake(db) })
	return nil
}

// running knows the Erasers whose Run runs, by database, so that a request
// stored by whoever holds the transaction (the Router) wakes them.
var running = &runningErasers{m: map[*bolt.DB]map[*Eraser]bool{}}

type runningErasers struct {
	mu sync.Mutex // guards m
	m  map[*bolt.DB]map[*Eraser]bool
}

func (r *runningErasers) add(e *Eraser) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m[e.db] == nil {
		r.m[e.db] = map[*Eraser]bool{}
	}
	r.m[e.db][e] = true
}

func (r *runningErasers) remove(e *Eraser) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m[e.db], e)
	if len(r.m[e.db]) == 0 {
		delete(r.m, e.db)
	}
}

func (r *runningErasers) wake(db *bolt.DB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for e := range r.m[db] {
		e.Wake()
	}
}

// Wake tells Run a request is waiting. It never blocks; wake-ups coalesce.
func (e *Eraser) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run carries out stored requests until ctx ends: at once, when woken
// (Wake, RequestErase) and every minute. Before anything else, it
// re-applies the register if this database has not had all of it applied
// (a file put back by hand: privacy_erase_meta.go). Alongside, it finishes
// the follow-ups of confirmed erasures (privacy_erase_followup.go),
// including those a stopped process left, and, when
// EraserOptions.Retention is set, applies retention once a day
// (ApplyRetention). A failed erasure or re-application is logged and tried
// again a minute later; Run returns nil once ctx ends and everything it
// started has stopped.
func (e *Eraser) Run(ctx context.Context) error {
	running.add(e)
	defer running.remove(e)
	e.mu.Lock()
	e.finishLeftJobs()
	e.mu.Unlock()
	e.reapplyIfDue(ctx)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs before wg.Wait
	wg.Go(func() { e.followUpLoop(ctx) })
	tick := e.retentionTick
	if tick == nil {
		t := time.NewTicker(eraseRunEvery)
		defer t.Stop()
		tick = t.C
	}
	bad := map[string]bool{} // requests that cannot be decoded, reported once
	for first := true; ; first = false {
		if !first {
			e.reapplyIfDue(ctx) // one that failed; otherwise a read
		}
		e.runRequests(ctx, bad)
		if err := e.retentionIfDue(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("retention failed; trying again later", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-e.wake:
		case <-tick:
		}
	}
}

// runRequests carries out the stored requests, oldest first, each once
// in this pass: one that fails waits for the next pass.
func (e *Eraser) runRequests(ctx context.Context, bad map[string]bool) {
	tried := map[string]bool{}
	for ctx.Err() == nil {
		var (
			key []byte
			req EraseRequest
		)
		err := e.db.View(func(tx *bolt.Tx) error {
			key = nil
			c := tx.Bucket(bucketEraseRequests).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if tried[string(k)] || bad[string(k)] {
					continue
				}
				req = EraseRequest{}
				if err := json.Unmarshal(v, &req); err != nil || req.check() != nil {
					bad[string(k)] = true
					e.log.Error("an erase request cannot be read; it stays stored for an operator", "request", fmt.Sprintf("%x", k), "err", err)
					continue
				}
				key = bytes.Clone(k)
				return nil
			}
			return nil
		})
		if err != nil {
			e.log.Error("cannot read the erase requests; trying again later", "err", err)
			return
		}
		if key == nil {
			return
		}
		tried[string(key)] = true
		e.mu.Lock()
		_, err = e.erase(ctx, req, eraseMode{record: true, confirm: true, scrub: true, reqKey: key})
		e.mu.Unlock()
		switch {
		case errors.Is(err, ErrNothingToErase):
			// Erased meanwhile (an operator's erasure of the same
			// officer deletes their requests, so hardly ever).
			e.log.Info("an erase request found nothing stored about its officer", "request", fmt.Sprintf("%x", key))
			if derr := e.dropRequest(key, req); derr != nil && ctx.Err() == nil {
				e.log.Error("cannot drop an erase request; trying again in a minute", "request", fmt.Sprintf("%x", key), "err", derr)
			}
		case err != nil && ctx.Err() == nil:
			e.log.Error("erasure failed; trying again in a minute", "request", fmt.Sprintf("%x", key), "err", err)
		}
		if e.onErased != nil {
			e.onErased(err)
		}
	}
}

// dropRequest deletes the stored request key of an officer the bot holds
// nothing about and, when the request names a chat, answers it as
// /xoadulieu does then (txtPrivacyEraseNothing): with the same care as a
// confirmation (NoTrace, a follow-up that scrubs once it is sent).
func (e *Eraser) dropRequest(key []byte, req EraseRequest) error {
	told := false
	err := e.db.Update(func(tx *bolt.Tx) error {
		told = false
		b := tx.Bucket(bucketEraseRequests)
		if b.Get(key) == nil {
			return nil
		}
		if err := b.Delete(key); err != nil {
			return err
		}
		if req.ChatID == "" {
			return nil
		}
		lang := normLang(req.Lang)
		if lang == "" {
			lang = LangVI
		}
		if err := e.out.EnqueueTx(tx, Reply{Channel: req.Channel, ChatID: req.ChatID, Text: tr(lang, txtPrivacyEraseNothing), NoTrace: true}); err != nil {
			return fmt.Errorf("queue the answer: %w", err)
		}
		if err := e.putFollowUp(tx, req.Channel, req.ChatID); err != nil {
			return err
		}
		told = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: drop an erase request: %w", err)
	}
	if told {
		e.wakeFollowUp()
	}
	return nil
}

// Pending returns how many erase requests wait to be carried out.
func (e *Eraser) Pending() (int, error) {
	n := 0
	err := e.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketEraseRequests).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bot: erase requests: %w", err)
	}
	return n, nil
}
