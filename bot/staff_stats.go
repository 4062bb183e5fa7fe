package bot

import (
	"fmt"
	"strings"
	"time"
)

// supportStats answers "/support stats": the open tickets by state and by
// topic, how many are past an SLA target now, and the median time to the
// first response since Monday 00:00, Vietnam time.
func (t *turn) supportStats(lang string) error {
	since := weekStart(t.now)
	s, err := t.tk.Stats(t.now, since)
	if err != nil {
		return fmt.Errorf("support stats: %w", err)
	}
	var b strings.Builder
	b.WriteString(tr(lang, supStatsHead, formatTime(lang, t.now)))
	b.WriteString("\n" + tr(lang, supStatsOpen, s.Open))
	if s.Open > 0 {
		b.WriteString("\n" + tr(lang, supStatsByState))
		for _, c := range s.OpenByState(lang) {
			fmt.Fprintf(&b, "\n• %s: %d", esc(c.Label), c.N)
		}
		b.WriteString("\n" + tr(lang, supStatsByTopic))
		for _, c := range s.OpenByTopic(lang) {
			fmt.Fprintf(&b, "\n• %s: %d", esc(c.Label), c.N)
		}
	}
	b.WriteString("\n" + tr(lang, supStatsBreached, s.Breached))
	if s.FirstResponses > 0 {
		b.WriteString("\n" + tr(lang, supStatsFirst, formatTime(lang, since), duration(lang, s.MedianFirstResponse), s.FirstResponses))
	} else {
		b.WriteString("\n" + tr(lang, supStatsNoFirst, formatTime(lang, since)))
	}
	t.ephemeral(b.String())
	return nil
}

// weekStart returns the Monday 00:00, Vietnam time, of the week of now.
func weekStart(now time.Time) time.Time {
	l := now.In(vietnamTime)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, vietnamTime)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}
