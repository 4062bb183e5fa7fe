package schedules_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// fgFindSchedules lists the entries ("bucket: key") of the schedules'
// buckets whose key or value holds needle.
func fgFindSchedules(t *testing.T, db *bolt.DB, needle string) []string {
	t.Helper()
	var out []string
	err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if !bytes.HasPrefix(name, []byte("schedules_")) {
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				if bytes.Contains(k, []byte(needle)) || bytes.Contains(v, []byte(needle)) {
					out = append(out, fmt.Sprintf("%s: %q", name, k))
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fgForget(t *testing.T, db *bolt.DB, officer string) int {
	t.Helper()
	var n int
	err := db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = schedules.ForgetOfficer(tx, officer)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An officer's erasure removes their follows, the records of reminders
// sent to them and their key from confirmations and events; their
// commune's confirmation stays (the commune did report), without who made
// it; other officers' entries stay as they were.
func TestForgetOfficerDeletesTheirEntries(t *testing.T) {
	e := newRemEnv(t, []schedules.Officer{offA1, offA2, offB1, offU1}, schedules.Options{})
	e.clk.Set(vn(2026, 12, 1, 10, 0))
	occ := vn(2026, 12, 20, 0, 0)
	err := e.db.Update(func(tx *bolt.Tx) error {
		for _, f := range []struct {
			o        schedules.Officer
			deadline string
			follow   bool
		}{
			{offA2, "t-province", true}, {offA2, "t-once", false}, {offU1, "t-commune", true}, {offB1, "t-province", true},
		} {
			op := schedules.Unfollow
			if f.follow {
				op = schedules.Follow
			}
			if err := op(tx, f.o, f.deadline); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := e.r.Remind(t.Context(), "t-commune"); err != nil || res.Sent != 4 {
		t.Fatalf("remind: %+v, %v; want the four followers reminded", res, err)
	}
	confirmedAt := map[string]time.Time{}
	err = e.db.Update(func(tx *bolt.Tx) error {
		for i, o := range []schedules.Officer{offA2, offU1, offB1} {
			at := vn(2026, 12, 2, 9, i)
			confirmedAt[o.Key()] = at
			if _, err := schedules.ConfirmTx(tx, "t-commune", occ, o.Unit(), o.Key(), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A2: two follow choices, one fired record, the commune's confirmation
	// and its event rewritten.
	if n := fgForget(t, e.db, offA2.Key()); n != 5 {
		t.Errorf("ForgetOfficer(A2) = %d entries, want 5", n)
	}
	if got := fgFindSchedules(t, e.db, offA2.Key()); len(got) != 0 {
		t.Errorf("A2's key is still in %q", got)
	}
	err = e.db.View(func(tx *bolt.Tx) error {
		cal := remCalendar(t)
		if schedules.Follows(tx, offA2, cal.Get("t-province")) || !schedules.Follows(tx, offA2, cal.Get("t-once")) {
			t.Error("A2's own follow choices survive: want the defaults of their audience back")
		}
		if !schedules.Follows(tx, offB1, cal.Get("t-province")) {
			t.Error("B1's follow of t-province is gone")
		}
		c := schedules.ConfirmedTx(tx, "t-commune", occ, offA1.Unit())
		if c == nil || c.Who != "" || !c.At.Equal(confirmedAt[offA2.Key()]) {
			t.Errorf("the commune's confirmation = %+v, want it kept, at its time, by nobody named", c)
		}
		if c := schedules.ConfirmedTx(tx, "t-commune", occ, offB1.Unit()); c == nil || c.Who != offB1.Key() {
			t.Errorf("B1's confirmation = %+v, want it untouched", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.r.Pending("t-commune", occ)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Submitted != 3 || rep.Pending != 0 {
		t.Errorf("pending report: %d submitted, %d pending; want the three units still submitted", rep.Submitted, rep.Pending)
	}
	if got := fgFindSchedules(t, e.db, offA1.Key()); len(got) != 1 {
		t.Errorf("A1's entries %q, want their fired record", got)
	}

	// U1, a unit of their own: the confirmation goes, the event stays
	// without their key.
	if n := fgForget(t, e.db, offU1.Key()); n != 4 {
		t.Errorf("ForgetOfficer(U1) = %d entries, want 4", n)
	}
	if got := fgFindSchedules(t, e.db, offU1.Key()); len(got) != 0 {
		t.Errorf("U1's key is still in %q", got)
	}
	err = e.db.View(func(tx *bolt.Tx) error {
		if c := schedules.ConfirmedTx(tx, "t-commune", occ, offU1.Unit()); c != nil {
			t.Errorf("U1's own confirmation survives: %+v", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := schedules.Events(e.db, 0)
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, ev := range evs {
		if ev.Type != "confirmed" || ev.Unit == nil {
			t.Fatalf("event %+v, want a confirmation with its unit", ev)
		}
		who = append(who, ev.Unit.Kind+"/"+ev.Who)
	}
	if strings.Join(who, ",") != "commune/,officer/,commune/"+offB1.Key() {
		t.Errorf("events (unit kind/who) %q, want the three kept, B1's only naming its officer", who)
	}
	if n := fgForget(t, e.db, offU1.Key()); n != 0 {
		t.Errorf("forgetting U1 again = %d entries, want 0", n)
	}
}

// fgDirectory is a directory from which officers can be erased while a
// fan-out runs; it implements OfficerLookup.
type fgDirectory struct {
	mu       sync.Mutex // guards officers
	officers []schedules.Officer
}

func (d *fgDirectory) EachOfficer(_ *bolt.Tx, fn func(schedules.Officer) error) error {
	d.mu.Lock()
	list := append([]schedules.Officer(nil), d.officers...)
	d.mu.Unlock()
	for _, o := range list {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (d *fgDirectory) Known(_ *bolt.Tx, key string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range d.officers {
		if o.Key() == key {
			return true
		}
	}
	return false
}

func (d *fgDirectory) erase(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, o := range d.officers {
		if o.Key() == key {
			d.officers = append(d.officers[:i], d.officers[i+1:]...)
			return
		}
	}
}

// An officer erased while a reminder fan-out is under way (after the
// recipients were listed) is neither reminded nor recorded afterwards.
func TestForgetOfficerDuringAFanOut(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &remClock{t: vn(2026, 12, 1, 10, 0)}
	dir := &fgDirectory{officers: []schedules.Officer{offA1, offA2, offB1}}
	r, err := schedules.New(db, schedules.Options{Calendar: remCalendar(t), Directory: dir, Outbox: remOutbox{},
		Now: clk.Now, BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	schedules.SetAfterBatch(r, func() error {
		if batches++; batches == 1 { // A1 served; erase A2 before their batch
			dir.erase(offA2.Key())
			fgForget(t, db, offA2.Key())
		}
		return nil
	})
	res, err := r.Remind(t.Context(), "t-commune")
	if err != nil {
		t.Fatal(err)
	}
	e := &remEnv{db: db}
	got := byChat(e.sent(t), "t-commune")
	if res.Sent != 2 || got["101"] != 1 || got["201"] != 1 || got["102"] != 0 {
		t.Errorf("reminded %v (sent %d), want A1 and B1 only", got, res.Sent)
	}
	if got := fgFindSchedules(t, db, offA2.Key()); len(got) != 0 {
		t.Errorf("the erased officer is in %q", got)
	}
}

// A staff member on the rota, erased: the notices naming them go, and
// the escalations that called them stay without their id.
func TestForgetOfficerStaffNoticesAndEscalations(t *testing.T) {
	const lan, hoa = "U024BE7LH", "U0H2K8P4R"
	clk := &slaClock{t: vnTime(2026, 11, 30, 8, 0)}
	e := openSLAEnv(t, t.TempDir(), clk)
	n, err := schedules.NewRotaNotices(schedules.RotaNoticesOptions{DB: e.db, Outbox: slaOutbox{}, Triage: "CTRIAGE",
		Rota: loadExampleRota(t), Lang: "en", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{vnTime(2026, 11, 30, 8, 29), vnTime(2026, 11, 30, 8, 30), vnTime(2026, 12, 4, 18, 0)} {
		if err := n.Run(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	t0 := vnTime(2026, 11, 30, 9, 0)
	clk.Set(t0)
	tk := e.ticket(t, tickets.PriorityUrgent, "radiation", "Máy X-quang hỏng")
	w := newSLAWatch(t, e, func(time.Time) string { return lan })
	clk.Set(t0.Add(31 * time.Minute))
	if err := w.Escalate(context.Background(), clk.Now()); err != nil {
		t.Fatal(err)
	}

	if got := fgForget(t, e.db, "slack:"+lan); got != 3 { // DM, handover, one escalation
		t.Errorf("ForgetOfficer(Lan) = %d entries, want 3", got)
	}
	if got := fgFindSchedules(t, e.db, lan); len(got) != 0 {
		t.Errorf("Lan's id is still in %q", got)
	}
	notices, err := schedules.Notices(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 {
		t.Errorf("notices %v, want Hòa's DM only", notices)
	}
	for k := range notices {
		if !strings.HasSuffix(k, "|"+hoa) {
			t.Errorf("notice %q kept, want Hòa's", k)
		}
	}
	escs, err := w.Escalations(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(escs) != 1 || escs[0].User != "" || escs[0].Level != schedules.LevelOnCall {
		t.Errorf("escalations %+v, want the on-call level kept, calling nobody named", escs)
	}
}

// ForgetOfficer wants an officer key and a write transaction.
func TestForgetOfficerRefusesBadInput(t *testing.T) {
	e := newRemEnv(t, nil, schedules.Options{})
	for _, key := range []string{"", "12345", "telegram:", ":12345"} {
		err := e.db.Update(func(tx *bolt.Tx) error { _, err := schedules.ForgetOfficer(tx, key); return err })
		if err == nil {
			t.Errorf("ForgetOfficer(%q): no error", key)
		}
	}
	err := e.db.View(func(tx *bolt.Tx) error { _, err := schedules.ForgetOfficer(tx, offA1.Key()); return err })
	if err == nil {
		t.Error("ForgetOfficer in a read-only transaction: no error")
	}
}

// fgConfirmed returns the stored bytes of every confirmation, by key.
func fgConfirmed(t testing.TB, db *bolt.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("schedules_confirmed"))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error { out[string(k)] = string(v); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Only the erased officer's confirmations change: another officer whose
// key begins with theirs ("telegram:55" beside "telegram:5") keeps
// theirs byte for byte, as does everyone else's.
func TestForgetOfficerConfirmationsOfOthersUntouched(t *testing.T) {
	e := newRemEnv(t, nil, schedules.Options{})
	occ := vn(2026, 12, 20, 0, 0)
	at := vn(2026, 12, 2, 9, 0)
	commune := func(name string) schedules.Unit {
		return schedules.Unit{Kind: schedules.UnitCommune, Province: "Lào Cai", Commune: name}
	}
	own := func(officer string) schedules.Unit {
		return schedules.Unit{Kind: schedules.UnitOfficer, Officer: officer}
	}
	confs := []struct {
		unit schedules.Unit
		who  string
	}{
		{commune("Xã A"), "telegram:5"},
		{commune("Xã B"), "telegram:55"},
		{commune("Xã C"), "telegram:7"},
		{own("telegram:5"), "telegram:5"},
		{own("telegram:55"), "telegram:55"},
	}
	err := e.db.Update(func(tx *bolt.Tx) error {
		for _, c := range confs {
			if _, err := schedules.ConfirmTx(tx, "t-commune", occ, c.unit, c.who, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := fgConfirmed(t, e.db)
	fgForget(t, e.db, "telegram:5")
	after := fgConfirmed(t, e.db)

	err = e.db.View(func(tx *bolt.Tx) error {
		if c := schedules.ConfirmedTx(tx, "t-commune", occ, commune("Xã A")); c == nil || c.Who != "" || !c.At.Equal(at) {
			t.Errorf("Xã A's confirmation by the erased officer = %+v, want it kept, at its time, by nobody named", c)
		}
		if c := schedules.ConfirmedTx(tx, "t-commune", occ, own("telegram:5")); c != nil {
			t.Errorf("the erased officer's own confirmation survives: %+v", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for k, v := range before {
		if after[k] != v {
			changed++
		}
	}
	for _, u := range []schedules.Unit{commune("Xã B"), commune("Xã C"), own("telegram:55")} {
		k := "t-commune\x00" + schedules.OccurrenceKey(occ) + "\x00" + u.Key()
		if before[k] == "" || after[k] != before[k] {
			t.Errorf("%s's confirmation changed: %q, was %q", u.Key(), after[k], before[k])
		}
	}
	if changed != 2 {
		t.Errorf("%d confirmations changed, want 2 (Xã A's rewritten, the officer's own deleted)", changed)
	}
}

// BenchmarkForgetOfficerConfirmations is the confirmations' share of an
// erasure's write transaction in a store of two years of monthly reports
// from every commune, the officer having confirmed none of them.
func BenchmarkForgetOfficerConfirmations(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bot.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	occ := vn(2024, 1, 20, 0, 0)
	err = db.Update(func(tx *bolt.Tx) error {
		for m := 0; m < 24; m++ {
			for u := 0; u < 3321; u++ {
				unit := schedules.Unit{Kind: schedules.UnitCommune, Province: "Hà Nội", Commune: fmt.Sprintf("Xã %d", u)}
				if _, err := schedules.ConfirmTx(tx, "t-commune", occ.AddDate(0, m, 0), unit, fmt.Sprintf("telegram:%d", 1000000+u), occ); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		err := db.Update(func(tx *bolt.Tx) error { _, err := schedules.ForgetOfficer(tx, "telegram:5"); return err })
		if err != nil {
			b.Fatal(err)
		}
	}
}
