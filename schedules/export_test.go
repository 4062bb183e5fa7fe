package schedules

// SetAfterBatch installs a hook run after each committed transaction of a
// fan-out; returning ErrStop stops the fan-out there, as a kill -9 would.
func SetAfterBatch(r *Reminders, f func() error) { r.afterBatch = f }

// ErrStop is what a test hook returns to stop a fan-out.
var ErrStop = errStop
