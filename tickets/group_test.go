package tickets_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// openBolt opens a bare bbolt file with one bucket, "kv", for GroupCommit.
func openBolt(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "group.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("kv")); return err }); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestGroupCommit holds the first call's transaction open until seven more
// calls are queued behind it, so that they must share the next transaction.
func TestGroupCommit(t *testing.T) {
	const n = 8

	// run calls Do for k0..k7 concurrently (k0 leads alone, held open until
	// the rest are queued), each putting its key then calling body, and
	// returns Do's errors, how often each fn ran and the transaction each
	// key was committed in (seen by tx.OnCommit).
	run := func(t *testing.T, g *tickets.GroupCommit, body func(tx *bolt.Tx, i int) error) ([]error, []int, map[int][]int) {
		t.Helper()
		var mu sync.Mutex // guards runs and committed
		runs := make([]int, n)
		committed := make(map[int][]int)
		leading, release := make(chan struct{}), make(chan struct{})
		errs := make([]error, n)
		var wg sync.WaitGroup
		do := func(i int) {
			wg.Go(func() {
				errs[i] = g.Do(func(tx *bolt.Tx) error {
					mu.Lock()
					runs[i]++
					mu.Unlock()
					if i == 0 {
						close(leading)
						<-release
					}
					b := tx.Bucket([]byte("kv"))
					k := fmt.Appendf(nil, "k%d", i)
					if b.Get(k) != nil {
						return fmt.Errorf("k%d written twice", i)
					}
					if err := b.Put(k, []byte("1")); err != nil {
						return err
					}
					if err := body(tx, i); err != nil {
						return err
					}
					txid := tx.ID()
					tx.OnCommit(func() {
						mu.Lock()
						committed[i] = append(committed[i], txid)
						mu.Unlock()
					})
					return nil
				})
			})
		}
		do(0)
		<-leading
		for i := 1; i < n; i++ {
			do(i)
		}
		// Wait (yielding, not sleeping) until they are all queued.
		for hang := time.Now().Add(10 * time.Second); g.Queued() != n-1; runtime.Gosched() {
			if time.Now().After(hang) { // a hang guard, not a timing assertion
				close(release)
				wg.Wait()
				t.Fatalf("%d calls queued behind the open transaction, want %d", g.Queued(), n-1)
			}
		}
		close(release)
		wg.Wait()
		if q := g.Queued(); q != 0 {
			t.Errorf("%d calls still queued after all returned", q)
		}
		return errs, runs, committed
	}

	t.Run("a lone call commits at once", func(t *testing.T) {
		db := openBolt(t)
		g := tickets.NewGroupCommit(db)
		// A lone caller must not wait for company: with no commit running
		// and none before it, Do returns committed without any other call.
		for i := range 3 {
			if err := g.Do(func(tx *bolt.Tx) error {
				return tx.Bucket([]byte("kv")).Put(fmt.Appendf(nil, "solo%d", i), []byte("1"))
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.View(func(tx *bolt.Tx) error {
			if got := tx.Bucket([]byte("kv")).Stats().KeyN; got != 3 {
				return fmt.Errorf("%d keys committed, want 3", got)
			}
			return nil
		}); err != nil {
			t.Error(err)
		}
	})

	t.Run("queued calls share one transaction", func(t *testing.T) {
		g := tickets.NewGroupCommit(openBolt(t))
		errs, runs, committed := run(t, g, func(*bolt.Tx, int) error { return nil })
		shared := -1
		for i := range n {
			if errs[i] != nil || runs[i] != 1 || len(committed[i]) != 1 {
				t.Errorf("k%d: err %v, ran %d, committed in %v; want nil, once, once", i, errs[i], runs[i], committed[i])
				continue
			}
			if i == 0 {
				continue
			}
			if shared < 0 {
				shared = committed[i][0]
			}
			if committed[i][0] != shared || shared == committed[0][0] {
				t.Errorf("k%d committed in tx %d; want the one tx after k0's (%d), shared by k1..k7 (%d)",
					i, committed[i][0], committed[0][0], shared)
			}
		}
	})

	t.Run("a failing or panicking call is rolled back alone", func(t *testing.T) {
		db := openBolt(t)
		g := tickets.NewGroupCommit(db)
		boom := errors.New("boom")
		errs, runs, committed := run(t, g, func(_ *bolt.Tx, i int) error {
			switch i {
			case 3:
				return boom // after its write: the write must be rolled back
			case 5:
				panic("a caller's bug")
			}
			return nil
		})
		for i := range n {
			switch {
			case i == 3 && !errors.Is(errs[i], boom), i == 5 && errs[i] == nil:
				t.Errorf("k%d: err %v, want its own failure", i, errs[i])
			case i != 3 && i != 5 && errs[i] != nil:
				t.Errorf("k%d: %v", i, errs[i])
			}
			bad := i == 3 || i == 5
			if got := len(committed[i]); bad && got != 0 || !bad && got != 1 {
				t.Errorf("k%d committed %d times", i, got)
			}
		}
		// k1..k7 ran in the shared transaction up to the first failure, then
		// each alone: at least one of them ran twice, none more.
		total := 0
		for i := 1; i < n; i++ {
			if runs[i] < 1 || runs[i] > 2 {
				t.Errorf("k%d ran %d times; want once or twice", i, runs[i])
			}
			total += runs[i]
		}
		if total <= n-1 {
			t.Errorf("k1..k7 ran %d times: the shared transaction was not rolled back and retried alone", total)
		}
		if err := db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("kv"))
			for i := range n {
				got := b.Get(fmt.Appendf(nil, "k%d", i)) != nil
				if want := i != 3 && i != 5; got != want {
					t.Errorf("k%d stored %v, want %v", i, got, want)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

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
