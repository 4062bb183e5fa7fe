package bot

import "time"

// SetEraseHook lets a test know when Run has carried out a stored request
// (with the erasure's error). Call it before Run.
func SetEraseHook(e *Eraser, f func(error)) { e.onErased = f }

// SetEraseTick replaces Run's minute ticker, which also paces retention.
// Call it before Run.
func SetEraseTick(e *Eraser, tick <-chan time.Time) { e.retentionTick = tick }
