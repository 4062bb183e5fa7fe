package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// runGroup runs the long-running parts of the process (HTTP server, router,
// outbox, poller, console) as actors, in the manner of oklog/run: every
// actor gets the same context; the first actor to return, with or without
// an error, cancels it for the rest; run returns only when every actor has
// returned. Each actor must return soon after its context is done.
//
// A runGroup is not safe for concurrent use; add every actor, then call run
// once.
type runGroup struct {
	actors []actor
	log    *slog.Logger
}

type actor struct {
	name string
	run  func(ctx context.Context) error
}

// add registers an actor under a name used in logs and errors.
func (g *runGroup) add(name string, run func(ctx context.Context) error) {
	g.actors = append(g.actors, actor{name: name, run: run})
}

// run starts every actor and waits for all of them. It returns the error of
// the first actor that stopped (wrapped with its name), or nil when that
// actor returned nil or the stop came from the parent context (a signal).
// Errors of actors that return after the stop began are logged, not
// returned: they are usually consequences of the stop.
func (g *runGroup) run(parent context.Context) error {
	if len(g.actors) == 0 {
		return nil
	}
	log := g.log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(g.actors))
	var wg sync.WaitGroup
	for _, a := range g.actors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := runActor(ctx, a)
			results <- result{a.name, err}
		}()
	}

	var first error
	firstSeen := false
	for range g.actors {
		r := <-results
		switch {
		case !firstSeen:
			firstSeen = true
			if parent.Err() == nil {
				if r.err != nil {
					first = fmt.Errorf("%s: %w", r.name, r.err)
					log.Error("stopping: part failed", "part", r.name, "err", r.err)
				} else {
					log.Info("stopping: part finished", "part", r.name)
				}
			} else if r.err != nil && !errors.Is(r.err, context.Canceled) {
				log.Warn("part stopped with error", "part", r.name, "err", r.err)
			}
			cancel()
		case r.err != nil && !errors.Is(r.err, context.Canceled):
			log.Warn("part stopped with error", "part", r.name, "err", r.err)
		default:
			log.Debug("part stopped", "part", r.name)
		}
	}
	wg.Wait()
	return first
}

// runActor runs one actor, turning a panic into an error so that one
// broken part stops the process cleanly instead of killing it mid-write.
func runActor(ctx context.Context, a actor) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return a.run(ctx)
}
