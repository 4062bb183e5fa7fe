package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mostvn/supportbot/schedules"
)

// reloadOnHangup is the actor that re-reads the knowledge files and the
// deadlines file on SIGHUP,
// so that staff who edited or imported entries need not restart the bot:
// searches keep being answered from the old index while the new one is
// built (knowledge.Index.Reload).
func (w *wiring) reloadOnHangup(ctx context.Context) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
		}
		w.reloadCalendar()
		res, err := w.reloadKB() // admin_kb.go: a malformed file keeps the index in service
		if err != nil {
			w.log.Error("knowledge reload failed; the previous index stays in service", "err", err)
			continue
		}
		w.log.Info("knowledge reloaded", "entries", res.Entries, "took", res.Took)
	}
}

// reloadCalendar re-reads the deadlines file; a broken file is logged with
// its line and the calendar in service stays.
func (w *wiring) reloadCalendar() {
	cal, err := schedules.LoadCalendar(w.cfg.DeadlinesFile)
	if err != nil {
		w.log.Error("deadlines reload failed; the previous calendar stays in service", "err", err)
		return
	}
	w.reminders.SetCalendar(cal)
	w.log.Info("deadlines reloaded")
}
