package tickets

import (
	"fmt"
	"time"
)

// Targets are the SLA targets of one priority, measured from creation.
type Targets struct {
	FirstResponse time.Duration // first public reply by staff
	Resolution    time.Duration // resolved; working hours when a Calendar is set
}

// SLAPolicy holds the targets per priority. Zero fields take the defaults.
type SLAPolicy struct {
	Normal Targets
	Urgent Targets
}

// DefaultSLA returns the default targets: urgent 30 min first response and
// 8 h resolution; normal 4 h and 72 h. The team works round the clock, so
// they are wall-clock unless a Calendar is configured.
func DefaultSLA() SLAPolicy {
	return SLAPolicy{
		Normal: Targets{FirstResponse: 4 * time.Hour, Resolution: 72 * time.Hour},
		Urgent: Targets{FirstResponse: 30 * time.Minute, Resolution: 8 * time.Hour},
	}
}

func (p SLAPolicy) withDefaults() (SLAPolicy, error) {
	d := DefaultSLA()
	for _, f := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"normal first response", &p.Normal.FirstResponse, d.Normal.FirstResponse},
		{"normal resolution", &p.Normal.Resolution, d.Normal.Resolution},
		{"urgent first response", &p.Urgent.FirstResponse, d.Urgent.FirstResponse},
		{"urgent resolution", &p.Urgent.Resolution, d.Urgent.Resolution},
	} {
		if *f.v < 0 {
			return p, &ValidationError{Field: "SLA " + f.name, Problem: fmt.Sprintf("is negative (%s)", *f.v), Accepted: "a positive duration, or 0 for the default"}
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return p, nil
}

// For returns the targets of a priority (PriorityNormal for anything else).
func (p SLAPolicy) For(priority string) Targets {
	if priority == PriorityUrgent {
		return p.Urgent
	}
	return p.Normal
}

// due returns the first-response and resolution due times of a ticket
// created at created. First response is always wall-clock: someone is on
// call at night. Resolution counts working hours when cal is set.
func (p SLAPolicy) due(priority string, created time.Time, cal *Calendar) (first, resolution time.Time) {
	t := p.For(priority)
	first = created.Add(t.FirstResponse)
	if cal == nil {
		return first, created.Add(t.Resolution)
	}
	return first, cal.Add(created, t.Resolution).UTC()
}

// SLAStatus says where a ticket stands against its targets at a moment.
type SLAStatus struct {
	FirstResponseBreached bool
	ResolutionBreached    bool
	NextDue               time.Time // the earliest target still pending; zero when none
}

// Breached reports whether any target is missed.
func (s SLAStatus) Breached() bool { return s.FirstResponseBreached || s.ResolutionBreached }

// SLAAt returns the ticket's SLA status at now. Only open tickets can breach:
// a resolved, closed or cancelled ticket has no pending target.
func (t *Ticket) SLAAt(now time.Time) SLAStatus {
	var s SLAStatus
	if !t.Open() {
		return s
	}
	if t.FirstResponseAt.IsZero() && !t.FirstResponseDue.IsZero() {
		s.FirstResponseBreached = now.After(t.FirstResponseDue)
		s.NextDue = t.FirstResponseDue
	}
	if !t.ResolutionDue.IsZero() {
		s.ResolutionBreached = now.After(t.ResolutionDue)
		if s.NextDue.IsZero() || t.ResolutionDue.Before(s.NextDue) {
			s.NextDue = t.ResolutionDue
		}
	}
	return s
}
