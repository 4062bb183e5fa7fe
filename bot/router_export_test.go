package bot

// SetHandledHook lets a benchmark time each entry from its arrival in the
// inbox to the commit of its handling.
func SetHandledHook(r *Router, f func(Message)) { r.onHandled = f }
