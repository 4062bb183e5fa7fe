package schedules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PendingReport is, for one occurrence of a deadline, which units have
// confirmed it and which have not, by province. The units expected are
// those of the deadline's current followers; a unit that confirmed without
// following counts as submitted.
type PendingReport struct {
	Deadline   *Deadline        `json:"deadline"`
	Occurrence time.Time        `json:"occurrence"`
	Submitted  int              `json:"submitted"`
	Pending    int              `json:"pending"`
	Provinces  []ProvinceStatus `json:"provinces"` // by province name; "" (unknown) last
}

// ProvinceStatus is one province's units.
type ProvinceStatus struct {
	Province  string       `json:"province"`
	Submitted []UnitStatus `json:"submitted,omitempty"`
	Pending   []UnitStatus `json:"pending,omitempty"`
}

// UnitStatus is one unit of a PendingReport.
type UnitStatus struct {
	Unit  Unit      `json:"unit"`
	Label string    `json:"label"`
	Who   string    `json:"who,omitempty"` // who confirmed (officer key)
	At    time.Time `json:"at,omitzero"`   // when
}

// Pending returns the units that have and have not confirmed occurrence
// occ of deadlineID. Errors: ErrUnknownDeadline (wrapped), bbolt's.
func (r *Reminders) Pending(deadlineID string, occ time.Time) (*PendingReport, error) {
	d := r.Calendar().Get(deadlineID)
	if d == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownDeadline, deadlineID)
	}
	var rep *PendingReport
	err := r.db.View(func(tx *bolt.Tx) error {
		var err error
		rep, err = r.pendingTx(tx, d, midnight(occ, d.loc))
		return err
	})
	return rep, err
}

// PendingTx is Pending inside the caller's transaction (for /support
// deadlines).
func (r *Reminders) PendingTx(tx *bolt.Tx, deadlineID string, occ time.Time) (*PendingReport, error) {
	d := r.Calendar().Get(deadlineID)
	if d == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownDeadline, deadlineID)
	}
	return r.pendingTx(tx, d, midnight(occ, d.loc))
}

func (r *Reminders) pendingTx(tx *bolt.Tx, d *Deadline, occ time.Time) (*PendingReport, error) {
	units := map[string]Unit{}
	err := r.dir.EachOfficer(tx, func(o Officer) error {
		if Follows(tx, o, d) {
			u := o.Unit()
			units[u.Key()] = u
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	conf := confirmations(tx, d.ID, occ)
	for k, c := range conf {
		if _, ok := units[k]; !ok {
			units[k] = c.Unit
		}
	}
	lang := r.triageLng
	byProv := map[string]*ProvinceStatus{}
	rep := &PendingReport{Deadline: d, Occurrence: occ}
	for k, u := range units {
		p := byProv[u.Province]
		if p == nil {
			p = &ProvinceStatus{Province: u.Province}
			byProv[u.Province] = p
		}
		us := UnitStatus{Unit: u, Label: u.Label(lang)}
		if c, ok := conf[k]; ok {
			us.Who, us.At = c.Who, c.At
			p.Submitted = append(p.Submitted, us)
			rep.Submitted++
		} else {
			p.Pending = append(p.Pending, us)
			rep.Pending++
		}
	}
	byLabel := func(a, b UnitStatus) int { return strings.Compare(a.Label, b.Label) }
	for _, p := range byProv {
		slices.SortFunc(p.Submitted, byLabel)
		slices.SortFunc(p.Pending, byLabel)
		rep.Provinces = append(rep.Provinces, *p)
	}
	slices.SortFunc(rep.Provinces, func(a, b ProvinceStatus) int {
		switch {
		case a.Province == b.Province:
			return 0
		case a.Province == "":
			return 1
		case b.Province == "":
			return -1
		}
		return strings.Compare(a.Province, b.Province)
	})
	return rep, nil
}
