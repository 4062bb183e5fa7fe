package tickets

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// Filter selects tickets for List. Empty fields match everything.
type Filter struct {
	State    []State // any of these states
	Open     bool    // only open states (new, claimed, in-progress, waiting-on-officer, reopened)
	Province string  // any form NormalizeProvince accepts
	Topic    string
	Assignee string // staff Actor.ID
	Channel  string // reporter's channel …
	UserID   string // … and user id
	Limit    int    // at most this many (newest first); 0 means all
}

type cond struct {
	ix    *index
	value string
}

// List returns the tickets matching f, newest first. It reads index keys
// only, intersects them, and decodes just the tickets it returns (plus those
// a non-indexed condition, a lone Channel or UserID, rejects). Unknown
// states, provinces or topics return a *ValidationError.
func (t *Tx) List(f Filter) ([]*Ticket, error) {
	states := States
	if len(f.State) > 0 {
		states = nil
		for _, s := range f.State {
			if !s.Valid() {
				_, err := ParseState(string(s))
				return nil, err
			}
			if !f.Open || s.Open() {
				states = append(states, s)
			}
		}
	} else if f.Open {
		states = OpenStates
	}
	var conds []cond
	if f.Assignee != "" {
		conds = append(conds, cond{idxAssignee, f.Assignee})
	}
	if f.Channel != "" && f.UserID != "" {
		conds = append(conds, cond{idxReporter, f.Channel + ":" + f.UserID})
	}
	if f.Province != "" {
		p, err := checkProvince(f.Province)
		if err != nil {
			return nil, err
		}
		conds = append(conds, cond{idxProvince, p})
	}
	if f.Topic != "" {
		tp, err := checkTopic(f.Topic)
		if err != nil {
			return nil, err
		}
		conds = append(conds, cond{idxTopic, tp})
	}
	if len(conds) == 0 {
		conds = []cond{{idxState, ""}}
	}

	var seqs []uint64
	for _, st := range states {
		var err error
		if seqs, err = t.scan(conds[0].ix, conds[0].value, st, seqs); err != nil {
			return nil, err
		}
	}
	for _, c := range conds[1:] {
		if len(seqs) == 0 {
			break
		}
		var other []uint64
		for _, st := range states {
			var err error
			if other, err = t.scan(c.ix, c.value, st, other); err != nil {
				return nil, err
			}
		}
		set := make(map[uint64]struct{}, len(other))
		for _, s := range other {
			set[s] = struct{}{}
		}
		seqs = slices.DeleteFunc(seqs, func(s uint64) bool { _, ok := set[s]; return !ok })
	}
	slices.SortFunc(seqs, func(a, b uint64) int { return cmp.Compare(b, a) }) // newest first

	n := len(seqs)
	if f.Limit > 0 && f.Limit < n {
		n = f.Limit
	}
	out := make([]*Ticket, 0, n)
	tb, err := t.bucket(bucketTickets)
	if err != nil {
		return nil, err
	}
	for _, seq := range seqs {
		tk, err := loadFrom(tb, seq)
		if err != nil {
			return nil, err
		}
		if (f.Channel != "" && tk.Channel != f.Channel) || (f.UserID != "" && tk.UserID != f.UserID) {
			continue
		}
		out = append(out, tk)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// Breached returns the open tickets that have missed a target at now, most
// overdue first.
func (t *Tx) Breached(now time.Time) ([]*Ticket, error) {
	open, err := t.List(Filter{Open: true})
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(open, func(tk *Ticket) bool { return !tk.SLAAt(now).Breached() })
	sortByDue(out, now)
	return out, nil
}

// DueSoon returns the open tickets not yet breached whose next target falls
// within the given duration after now, soonest first.
func (t *Tx) DueSoon(now time.Time, within time.Duration) ([]*Ticket, error) {
	open, err := t.List(Filter{Open: true})
	if err != nil {
		return nil, err
	}
	limit := now.Add(within)
	out := slices.DeleteFunc(open, func(tk *Ticket) bool {
		s := tk.SLAAt(now)
		return s.Breached() || s.NextDue.IsZero() || s.NextDue.After(limit)
	})
	sortByDue(out, now)
	return out, nil
}

// sortByDue orders by the earliest pending target (for breached tickets: the
// earliest missed one), oldest ID first on ties.
func sortByDue(ts []*Ticket, now time.Time) {
	due := func(tk *Ticket) time.Time { return tk.SLAAt(now).NextDue }
	sort.SliceStable(ts, func(i, j int) bool {
		di, dj := due(ts[i]), due(ts[j])
		if !di.Equal(dj) {
			return di.Before(dj)
		}
		return ts[i].ID < ts[j].ID
	})
}

// Get reads one ticket in its own transaction; see Tx.Get.
func (s *Store) Get(id string) (tk *Ticket, err error) {
	err = s.View(func(tx *Tx) error { tk, err = tx.Get(id); return err })
	return tk, err
}

// List runs Tx.List in its own read transaction.
func (s *Store) List(f Filter) (ts []*Ticket, err error) {
	err = s.View(func(tx *Tx) error { ts, err = tx.List(f); return err })
	return ts, err
}

// Events runs Tx.Events in its own read transaction.
func (s *Store) Events(id string) (evs []Event, err error) {
	err = s.View(func(tx *Tx) error { evs, err = tx.Events(id); return err })
	return evs, err
}
