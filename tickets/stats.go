package tickets

import (
	"slices"
	"strings"
	"time"
)

// Stats is a snapshot of the tickets at a moment, for the staff's
// dashboard: the open queue by state and topic, what is breaching now and
// how fast staff answered over a period.
type Stats struct {
	Open     int            // open tickets
	ByState  map[State]int  // open tickets by state
	ByTopic  map[string]int // open tickets by topic (TopicOther for none)
	Breached int            // open tickets past a target at the moment

	// FirstResponses counts the tickets whose first response was given in
	// the period; MedianFirstResponse is the median time from creation to
	// it (zero when there were none).
	FirstResponses      int
	MedianFirstResponse time.Duration
}

// Stats counts the open tickets at now and the first responses given from
// since up to now. It reads every ticket, so it is for an occasional
// dashboard, not for each message.
func (t *Tx) Stats(now, since time.Time) (Stats, error) {
	all, err := t.List(Filter{})
	if err != nil {
		return Stats{}, err
	}
	s := Stats{ByState: map[State]int{}, ByTopic: map[string]int{}}
	var waits []time.Duration
	for _, tk := range all {
		if at := tk.FirstResponseAt; !at.IsZero() && !at.Before(since) && !at.After(now) {
			waits = append(waits, at.Sub(tk.Created))
		}
		if !tk.Open() {
			continue
		}
		s.Open++
		s.ByState[tk.State]++
		topic := tk.Topic
		if topic == "" {
			topic = TopicOther
		}
		s.ByTopic[topic]++
		if tk.SLAAt(now).Breached() {
			s.Breached++
		}
	}
	s.FirstResponses = len(waits)
	s.MedianFirstResponse = median(waits)
	return s, nil
}

// Count is one line of a breakdown: a label in the reader's language and
// how many open tickets it holds.
type Count struct {
	Label string
	N     int
}

// OpenByState lists the open tickets by state, labelled in lang ("vi" or
// "en"), in the order of OpenStates, leaving out the states with none.
func (s Stats) OpenByState(lang string) []Count {
	var out []Count
	for _, st := range OpenStates {
		if n := s.ByState[st]; n > 0 {
			out = append(out, Count{StateLabel(st, lang), n})
		}
	}
	return out
}

// OpenByTopic lists the open tickets by topic, labelled in lang, in the
// order of Topics, leaving out the topics with none.
func (s Stats) OpenByTopic(lang string) []Count {
	var out []Count
	for _, tp := range Topics {
		if n := s.ByTopic[tp]; n > 0 {
			out = append(out, Count{TopicLabel(tp, lang), n})
		}
	}
	return out
}

// median returns the median of ds (the mean of the two middle values for
// an even count), zero for none. It sorts ds.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return ds[n/2-1] + (ds[n/2]-ds[n/2-1])/2
}

// SortByDue orders ts by their earliest pending SLA target at now (for a
// breached ticket, the earliest missed one), the most urgent first; tickets
// with no pending target (no longer open) go last. Ties go to the oldest
// ID. It is the order of Breached and DueSoon, for lists the caller
// selected itself.
func SortByDue(ts []*Ticket, now time.Time) {
	due := make(map[*Ticket]time.Time, len(ts))
	for _, tk := range ts {
		due[tk] = tk.SLAAt(now).NextDue
	}
	slices.SortStableFunc(ts, func(a, b *Ticket) int {
		da, db := due[a], due[b]
		switch {
		case da.IsZero() != db.IsZero():
			if da.IsZero() {
				return 1
			}
			return -1
		case !da.Equal(db):
			return da.Compare(db)
		}
		return strings.Compare(a.ID, b.ID)
	})
}
