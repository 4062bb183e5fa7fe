package schedules_test

import (
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// slaClock is a settable clock.
type slaClock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *slaClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *slaClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// slaOutbox stands in for the outbox: it stores replies in a bucket of
// the caller's transaction, so that a rolled-back enqueue leaves nothing.
type slaOutbox struct{}

var slaOutboxBucket = []byte("test_outbox")

func (slaOutbox) EnqueueTx(tx *bolt.Tx, rs ...outbox.Reply) error {
	return storeReplies(tx, slaOutboxBucket, rs...)
}

var _ schedules.StaffOutbox = slaOutbox{}

// slaEnv is a data directory with its database and ticket store.
type slaEnv struct {
	dir string
	db  *bolt.DB
	st  *tickets.Store
	clk *slaClock
}

// openSLAEnv opens (or reopens, after close) the database in dir.
func openSLAEnv(t *testing.T, dir string, clk *slaClock) *slaEnv {
	t.Helper()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := tickets.NewStore(db, tickets.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &slaEnv{dir: dir, db: db, st: st, clk: clk}
}

func (e *slaEnv) close(t *testing.T) {
	t.Helper()
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
}

// sent returns every reply enqueued so far, in order.
func (e *slaEnv) sent(t *testing.T) []outbox.Reply {
	t.Helper()
	return storedReplies(t, e.db, slaOutboxBucket)
}

// ticket creates a ticket at the clock's time.
func (e *slaEnv) ticket(t *testing.T, priority, topic, text string) *tickets.Ticket {
	t.Helper()
	tk, _, err := e.st.Create(tickets.NewTicket{Channel: "telegram", UserID: "42", ChatID: "42", UserName: "Cán bộ xã",
		Priority: priority, Topic: topic, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

var slaStaff = tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U0STAFF1", Name: "Lan"}

// vnTime is a local time in Vietnam.
func vnTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, schedules.VietnamLocation())
}
