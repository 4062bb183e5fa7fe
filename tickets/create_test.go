package tickets_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

func TestCreateAssignsSequentialIDsAndSLA(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	a := create(t, s, question("Câu hỏi thứ nhất"))
	urgent := question("Câu hỏi khẩn")
	urgent.Priority = "urgent"
	b := create(t, s, urgent)
	if a.ID != "HT-000001" || b.ID != "HT-000002" {
		t.Fatalf("IDs = %s, %s; want HT-000001, HT-000002", a.ID, b.ID)
	}
	if a.State != tickets.StateNew || a.Priority != "normal" || a.Lang != "vi" || a.Topic != "ip" {
		t.Errorf("defaults: %+v", a)
	}
	now := c.Now().UTC()
	for _, tc := range []struct {
		tk            *tickets.Ticket
		first, resolv time.Duration
	}{{a, 4 * time.Hour, 72 * time.Hour}, {b, 30 * time.Minute, 8 * time.Hour}} {
		if !tc.tk.FirstResponseDue.Equal(now.Add(tc.first)) || !tc.tk.ResolutionDue.Equal(now.Add(tc.resolv)) {
			t.Errorf("%s %s: due %v / %v, want +%v / +%v", tc.tk.ID, tc.tk.Priority, tc.tk.FirstResponseDue, tc.tk.ResolutionDue, tc.first, tc.resolv)
		}
	}
	got, err := s.Get("ht-2")
	if err != nil || got.Text != "Câu hỏi khẩn" {
		t.Fatalf("Get(ht-2) = %+v, %v", got, err)
	}
}

func TestCreateIsIdempotentOnSource(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	n := question("Xin hướng dẫn khai báo thiết bị X-quang")
	n.Source = "telegram:12345"
	first := create(t, s, n)

	n.Text = "a redelivery may even differ"
	again, created, err := s.Create(n)
	if err != nil || created || again.ID != first.ID || again.Text != first.Text {
		t.Fatalf("redelivered Create = %s created=%v err=%v, want %s created=false", again.ID, created, err, first.ID)
	}
	// Inside a caller's transaction too.
	err = s.Update(func(tx *tickets.Tx) error {
		tk, created, err := tx.Create(n)
		if err == nil && (created || tk.ID != first.ID) {
			t.Errorf("Tx.Create redelivery: %s created=%v", tk.ID, created)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := s.List(tickets.Filter{})
	if len(all) != 1 {
		t.Fatalf("%d tickets after redelivery, want 1", len(all))
	}
	var tk *tickets.Ticket
	err = s.View(func(tx *tickets.Tx) (err error) { tk, err = tx.BySource(n.Source); return })
	if err != nil || tk.ID != first.ID {
		t.Fatalf("BySource = %v, %v", tk, err)
	}
}

func TestConcurrentRedeliveriesOpenOneTicket(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	var wg sync.WaitGroup
	ids := make([]string, 32)
	createdN := make([]bool, 32)
	for i := range 32 {
		wg.Go(func() {
			n := question("Cùng một tin nhắn")
			n.Source = "telegram:999"
			tk, created, err := s.Create(n)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i], createdN[i] = tk.ID, created
		})
	}
	wg.Wait()
	count := 0
	for i := range ids {
		if ids[i] != "HT-000001" {
			t.Errorf("creator %d got %s", i, ids[i])
		}
		if createdN[i] {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("%d creators report created, want 1", count)
	}
	mustVerify(t, s)
}

func TestCreateRefusesBadInputAndWritesNothing(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	long := strings.Repeat("ệ", tickets.MaxTextLen+1) // multi-byte: the limit counts characters
	cases := []struct {
		name, field, accepted string
		mod                   func(*tickets.NewTicket)
	}{
		{"text too long", "text", "at most 4096 characters", func(n *tickets.NewTicket) { n.Text = long }},
		{"invalid utf-8", "text", "UTF-8", func(n *tickets.NewTicket) { n.Text = "câu hỏi \xff\xfe" }},
		{"empty text", "text", "1 to 4096", func(n *tickets.NewTicket) { n.Text = "  " }},
		{"unknown province", "province", "Hà Nội", func(n *tickets.NewTicket) { n.Province = "Hà Tây" }},
		{"unknown topic", "topic", "decree-132", func(n *tickets.NewTicket) { n.Topic = "taxes" }},
		{"unknown priority", "priority", "normal, urgent", func(n *tickets.NewTicket) { n.Priority = "critical" }},
		{"no user", "user id", "non-empty", func(n *tickets.NewTicket) { n.UserID = "" }},
		{"bad name utf-8", "user name", "UTF-8", func(n *tickets.NewTicket) { n.UserName = "\xc3" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := question("Câu hỏi hợp lệ")
			tc.mod(&n)
			_, _, err := s.Create(n)
			ve := asValidation(t, err)
			if ve.Field != tc.field || !strings.Contains(err.Error(), tc.accepted) {
				t.Errorf("err = %q (field %q), want field %q naming %q", err, ve.Field, tc.field, tc.accepted)
			}
		})
	}
	ok := question(strings.Repeat("ệ", tickets.MaxTextLen))
	if tk := create(t, s, ok); tk.ID != "HT-000001" {
		t.Fatalf("first valid ticket is %s: a refused create used an ID", tk.ID)
	}
}

func TestUnknownIDs(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	create(t, s, question("Câu hỏi"))
	if _, err := s.Get("HT-000042"); !errors.Is(err, tickets.ErrNotFound) || !strings.Contains(err.Error(), "HT-000042") {
		t.Errorf("Get unknown = %v, want ErrNotFound naming the ID", err)
	}
	if _, err := s.Get("HX-1"); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("Get malformed = %v, want ErrInvalid", err)
	}
	err := s.Update(func(tx *tickets.Tx) error {
		_, err := tx.Transition("HT-000009", tickets.StateClaimed, staff, "")
		return err
	})
	if !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("Transition unknown = %v", err)
	}
}
