package bot

import "time"

// SetHandledHook lets a benchmark time each entry from its arrival in the
// inbox to the commit of its handling.
func SetHandledHook(r *Router, f func(Message)) { r.onHandled = f }

// SetPruneHooks lets a test drive the pruning: Run prunes when tick fires
// (instead of every RouterOptions.PruneEvery) and calls done after each
// run, the one at start included. Call it before Run.
func SetPruneHooks(r *Router, tick <-chan time.Time, done func(error)) {
	r.pruneTick, r.onPruned = tick, done
}
