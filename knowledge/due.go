package knowledge

import (
	"cmp"
	"slices"
	"time"
)

// Due is an entry staff must check soon: it expires, or its review falls
// due (see Entry.ReviewDue), before the horizon asked for.
type Due struct {
	ID     string    `json:"id"`
	Path   string    `json:"path"`
	Title  string    `json:"title"`
	Reason string    `json:"reason"` // "expires" or "review"
	Date   time.Time `json:"date"`   // the expiry or review date; in the past when overdue
}

// DueWithin lists the entries whose expiry or review date falls before
// now+within (overdue ones included), soonest first; an entry due for
// both appears once, for the earlier. Entries without either date (the
// imported official texts) are never due.
func (ix *Index) DueWithin(now time.Time, within time.Duration) []Due {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return nil
	}
	horizon := now.Add(within)
	var out []Due
	for _, id := range ix.st.ids {
		e := ix.st.entries[id]
		d := Due{ID: e.ID, Path: e.Path, Title: e.Title}
		if r := e.ReviewDue(); !r.IsZero() && r.Before(horizon) {
			d.Reason, d.Date = "review", r
		}
		if x := e.Expires; !x.IsZero() && x.Before(horizon) && (d.Reason == "" || x.Before(d.Date)) {
			d.Reason, d.Date = "expires", x
		}
		if d.Reason != "" {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Due) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) })
	return out
}
