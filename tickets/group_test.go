package tickets_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

// A failing function in a shared commit fails alone: the others commit,
// and nothing of the failing one is written.
func TestBatchIsolatesAFailingCall(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range 16 {
		wg.Go(func() {
			errs[i] = s.Batch(func(tx *tickets.Tx) error {
				n := question(fmt.Sprintf("câu %d", i))
				n.Source = fmt.Sprintf("batch:%d", i)
				if _, _, err := tx.Create(n); err != nil {
					return err
				}
				if i == 7 {
					return boom // after its write: the write must be rolled back
				}
				if i == 9 {
					panic("a caller's bug")
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		switch i {
		case 7:
			if !errors.Is(err, boom) {
				t.Errorf("call 7: %v, want boom", err)
			}
		case 9:
			if err == nil {
				t.Errorf("call 9 panicked but returned nil")
			}
		default:
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
	}
	all, err := s.List(tickets.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 14 {
		t.Fatalf("%d tickets, want 14", len(all))
	}
	for _, tk := range all {
		if tk.Source == "batch:7" || tk.Source == "batch:9" {
			t.Errorf("failed call's ticket %s was written", tk.ID)
		}
	}
	mustVerify(t, s)
}
