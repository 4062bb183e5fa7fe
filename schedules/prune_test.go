package schedules_test

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/schedules"
)

// The records that make each reminder go once are dropped
// FiredRetention after their occurrence, not before, and dropping them
// sends nothing again.
func TestPruneOldReminderRecords(t *testing.T) {
	e := newRemEnv(t, []schedules.Officer{offA1, offA2, offB1, offP1, offU1}, schedules.Options{})
	day := vn(2026, 12, 17, 0, 0) // 20/12 - 3 days
	e.tick(t, day.Add(-time.Minute))
	for _, at := range []time.Time{vn(2026, 12, 17, 8, 0), vn(2026, 12, 17, 8, 1)} {
		e.tick(t, at)
	}
	sent := len(e.sent(t))
	fired := func() int {
		n := 0
		if err := e.db.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket([]byte("schedules_fired")); b != nil {
				n = b.Stats().KeyN
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if sent == 0 || fired() != sent {
		t.Fatalf("%d reminders sent, %d fired records", sent, fired())
	}

	occ := vn(2026, 12, 20, 0, 0)
	if n, err := e.r.Prune(occ.Add(schedules.FiredRetention - time.Hour)); err != nil || n != 0 {
		t.Fatalf("Prune within the retention deleted %d (%v)", n, err)
	}
	n, err := e.r.Prune(occ.Add(schedules.FiredRetention + time.Hour))
	if err != nil || n < sent || fired() != 0 {
		t.Fatalf("Prune past the retention deleted %d (%v), %d fired records left", n, err, fired())
	}
	e.tick(t, occ.Add(schedules.FiredRetention+2*time.Hour))
	if got := len(e.sent(t)); got != sent {
		t.Errorf("after pruning, %d reminders in all, want still %d", got, sent)
	}
}
