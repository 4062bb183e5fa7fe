package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/mostvn/supportbot/schedules"
)

// supportDeadlines answers "/support deadlines [id] [date]" for staff,
// ephemeral: for one occurrence of a deadline, the units that have
// reported it as submitted and those still pending, by province
// (schedules.PendingTx, RenderPending). The occurrence is the date given
// (dd/mm/yyyy or yyyymmdd), else the current one: of the last due date and
// the next, the nearer to today (the last on a tie). Without an id, the
// deadline whose current occurrence is nearest to today, then the others'
// ids.
func (t *turn) supportDeadlines(lang, rest string) error {
	cal := t.calendar()
	if cal == nil {
		t.ephemeral(tr(lang, supDeadlinesOff))
		return nil
	}
	args := strings.Fields(rest)
	var d *schedules.Deadline
	if len(args) > 0 {
		if d = cal.Get(strings.ToLower(args[0])); d == nil {
			var b strings.Builder
			for _, d := range cal.Deadlines {
				fmt.Fprintf(&b, "\n• <code>%s</code> — %s", esc(d.ID), esc(shorten(d.Title.In(lang), 80)))
			}
			t.ephemeral(tr(lang, supDeadlinesUnknown, esc(shorten(args[0], 60)), b.String()))
			return nil
		}
	} else {
		best := time.Duration(-1)
		for _, c := range cal.Deadlines {
			if occ, ok := currentOccurrence(c, t.now); ok {
				if dist := absDuration(occ.Sub(midnightIn(t.now, occ.Location()))); best < 0 || dist < best {
					d, best = c, dist
				}
			}
		}
		if d == nil {
			t.ephemeral(tr(lang, supDeadlinesNoOcc, "—"))
			return nil
		}
	}
	occ, ok := currentOccurrence(d, t.now)
	if len(args) > 1 {
		date, err := parseDueDate(args[1])
		if err != nil {
			t.ephemeral(tr(lang, supDeadlinesBadDate, esc(shorten(args[1], 40))))
			return nil
		}
		if next := d.Occurrences(date, 1); len(next) == 0 || !next[0].Equal(date) {
			near := "—"
			if ok {
				near = schedules.FormatDate(occ)
			}
			t.ephemeral(tr(lang, supDeadlinesNotDue, schedules.FormatDate(date), esc(d.ID), near))
			return nil
		}
		occ, ok = date, true
	}
	if !ok {
		t.ephemeral(tr(lang, supDeadlinesNoOcc, esc(d.ID)))
		return nil
	}
	rep, err := t.r.deadlines.PendingTx(t.tx, d.ID, occ)
	if err != nil {
		return fmt.Errorf("support deadlines %s: %w", d.ID, err)
	}
	text := schedules.RenderPending(rep, lang)
	if len(args) == 0 && len(cal.Deadlines) > 1 {
		var b strings.Builder
		for _, c := range cal.Deadlines {
			if c == d {
				continue
			}
			fmt.Fprintf(&b, "\n• <code>%s</code>", esc(c.ID))
			if o, ok := currentOccurrence(c, t.now); ok {
				b.WriteString(" (" + schedules.FormatDate(o) + ")")
			}
		}
		text += "\n\n" + tr(lang, supDeadlinesOthers, b.String())
	}
	t.ephemeral(text)
	return nil
}

// currentOccurrence is the occurrence of d staff look at by default: of
// the last due date (today or before) and the next, the nearer to now's
// date; the last on a tie.
func currentOccurrence(d *schedules.Deadline, now time.Time) (time.Time, bool) {
	last, okLast := d.Last(now)
	next, okNext := d.Next(now)
	switch {
	case !okLast:
		return next, okNext
	case !okNext:
		return last, true
	}
	today := midnightIn(now, last.Location())
	if next.Sub(today) < today.Sub(last) {
		return next, true
	}
	return last, true
}

// parseDueDate reads a due date staff type: dd/mm/yyyy or yyyymmdd.
func parseDueDate(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2/1/2006", s, schedules.VietnamLocation()); err == nil {
		return t, nil
	}
	return schedules.ParseOccurrence(s)
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
