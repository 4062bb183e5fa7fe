package tickets_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// clock is a settable time source for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	// A Monday morning in Hà Nội.
	return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens a store in a fresh data directory, closed at cleanup.
func openStore(t testing.TB, opts tickets.Options) (*tickets.Store, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatalf("OpenDB: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := tickets.NewStore(db, opts)
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	return s, dir
}

var (
	staff   = tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U1", Name: "Lan"}
	staff2  = tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U2", Name: "Minh"}
	officer = tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:777", Name: "Hùng"}
)

func question(text string) tickets.NewTicket {
	return tickets.NewTicket{Channel: "telegram", UserID: "777", ChatID: "777", UserName: "Hùng",
		Province: "Hà Nội", Topic: "ip", Text: text}
}

func create(t testing.TB, s *tickets.Store, n tickets.NewTicket) *tickets.Ticket {
	t.Helper()
	tk, created, err := s.Create(n)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if !created {
		t.Fatalf("Create(%q): not created", n.Source)
	}
	return tk
}

func transition(t testing.TB, s *tickets.Store, id string, to tickets.State, a tickets.Actor) *tickets.Ticket {
	t.Helper()
	var tk *tickets.Ticket
	err := s.Update(func(tx *tickets.Tx) error {
		var err error
		tk, err = tx.Transition(id, to, a, "")
		return err
	})
	if err != nil {
		t.Fatalf("Transition %s → %s: %v", id, to, err)
	}
	return tk
}

func addMessage(t testing.TB, s *tickets.Store, id string, m tickets.ConvMessage) *tickets.Ticket {
	t.Helper()
	var tk *tickets.Ticket
	err := s.Update(func(tx *tickets.Tx) error {
		var err error
		tk, err = tx.AddMessage(id, m)
		return err
	})
	if err != nil {
		t.Fatalf("AddMessage %s: %v", id, err)
	}
	return tk
}

func mustVerify(t testing.TB, s *tickets.Store) {
	t.Helper()
	rep, err := s.Verify(t.Context())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("Verify found problems: %v", rep.Problems)
	}
}

func asValidation(t *testing.T, err error) *tickets.ValidationError {
	t.Helper()
	var ve *tickets.ValidationError
	if !errors.Is(err, tickets.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	return ve
}
