package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestRunGroupFirstFailureStopsTheRest(t *testing.T) {
	var g runGroup
	boom := errors.New("boom")
	var stopped atomic.Int32
	for range 3 {
		g.add("waiter", func(ctx context.Context) error {
			<-ctx.Done()
			stopped.Add(1)
			return ctx.Err()
		})
	}
	g.add("failer", func(ctx context.Context) error { return boom })
	err := g.run(context.Background())
	if !errors.Is(err, boom) {
		t.Fatalf("run = %v, want boom", err)
	}
	if err.Error() != "failer: boom" {
		t.Errorf("error %q does not name the part", err)
	}
	if n := stopped.Load(); n != 3 {
		t.Errorf("run returned with %d of 3 parts stopped", n)
	}
}

func TestRunGroupParentCancelIsCleanStop(t *testing.T) {
	var g runGroup
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	g.add("a", func(ctx context.Context) error { close(started); <-ctx.Done(); return ctx.Err() })
	g.add("b", func(ctx context.Context) error { <-ctx.Done(); return nil })
	errc := make(chan error, 1)
	go func() { errc <- g.run(ctx) }()
	<-started
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("run after a signal = %v, want nil", err)
	}
}

func TestRunGroupFinishedPartStopsTheRest(t *testing.T) {
	// The console returns nil at end of input: the process must stop.
	var g runGroup
	g.add("console", func(ctx context.Context) error { return nil })
	g.add("router", func(ctx context.Context) error { <-ctx.Done(); return nil })
	if err := g.run(context.Background()); err != nil {
		t.Errorf("run = %v", err)
	}
}

func TestRunGroupPanicBecomesError(t *testing.T) {
	var g runGroup
	g.add("bad", func(ctx context.Context) error { panic("oops") })
	g.add("good", func(ctx context.Context) error { <-ctx.Done(); return nil })
	if err := g.run(context.Background()); err == nil || err.Error() != "bad: panic: oops" {
		t.Errorf("run = %v", err)
	}
}
