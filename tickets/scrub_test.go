package tickets_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

var scrubBucket = []byte("scrub_test")

// openScrubDB opens a data directory's database as the bot does, closed
// at cleanup (closing twice is harmless).
func openScrubDB(t testing.TB, dir string) *bolt.DB {
	t.Helper()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatalf("OpenDB: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fileHolds reports which of needles occur in the database file's bytes.
func fileHolds(t testing.TB, dir string, needles ...string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, tickets.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, n := range needles {
		if bytes.Contains(data, []byte(n)) {
			found = append(found, n)
		}
	}
	return found
}

// checkTree runs bbolt's own consistency check (every page reachable or
// free, exactly once; keys in order).
func checkTree(t testing.TB, db *bolt.DB) {
	t.Helper()
	err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("tx.Check: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// liveValue is the value stored under live key i: long enough that the
// live data spans many pages.
func liveValue(i int) []byte {
	return []byte(strings.Repeat(fmt.Sprintf("live %04d; ", i), 40))
}

func liveKey(i int) []byte { return fmt.Appendf(nil, "live/%04d", i) }

func putLive(t testing.TB, db *bolt.DB, n int) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(scrubBucket)
		if err != nil {
			return err
		}
		for i := range n {
			if err := b.Put(liveKey(i), liveValue(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func assertLive(t testing.TB, db *bolt.DB, n int) {
	t.Helper()
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(scrubBucket)
		if b == nil {
			return errors.New("bucket gone")
		}
		for i := range n {
			if got := b.Get(liveKey(i)); !bytes.Equal(got, liveValue(i)) {
				return fmt.Errorf("live value %d: got %.40q", i, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func scrub(t testing.TB, db *bolt.DB) tickets.ScrubStats {
	t.Helper()
	st, err := tickets.ScrubFreePages(context.Background(), db)
	if err != nil {
		t.Fatalf("ScrubFreePages: %v", err)
	}
	return st
}

// An officer's name and words, deleted and committed, are still in the
// file until the scrub; after it no byte of them is, and the database is
// whole: bbolt's check, the page walk of OpenDB and every live value.
func TestScrubFreePagesErasesDeletedData(t *testing.T) {
	const live = 300
	var (
		key      = "officer/telegram:987654321"
		small    = "Nguyễn Thị Bí Mật hỏi về giấy phép kinh doanh"
		large    = strings.Repeat("Trần Văn Riêng Tư, 0912 345 678, xã Thử Nghiệm. ", 400) // overflow pages
		nested   = "officer-bucket-777"
		nestedV  = "Lê Kín Đáo nhắn: hồ sơ của tôi ở đâu?"
		secrets  = []string{key, small, "Trần Văn Riêng Tư", nested, nestedV}
		dir      = t.TempDir()
		db       = openScrubDB(t, dir)
		wantGone = func(when string) {
			t.Helper()
			if found := fileHolds(t, dir, secrets...); len(found) > 0 {
				t.Fatalf("%s: the file still holds %q", when, found)
			}
		}
	)
	putLive(t, db, live)
	err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(scrubBucket)
		if err := b.Put([]byte(key), []byte(small)); err != nil {
			return err
		}
		if err := b.Put([]byte("large"), []byte(large)); err != nil {
			return err
		}
		nb, err := b.CreateBucket([]byte(nested))
		if err != nil {
			return err
		}
		return nb.Put([]byte("msg"), []byte(nestedV))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(scrubBucket)
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
		if err := b.Delete([]byte("large")); err != nil {
			return err
		}
		return b.DeleteBucket([]byte(nested))
	})
	if err != nil {
		t.Fatal(err)
	}
	if found := fileHolds(t, dir, secrets...); len(found) != len(secrets) {
		t.Fatalf("before the scrub the file holds only %q of %q: the test shows nothing", found, secrets)
	}

	st := scrub(t, db)
	t.Logf("first scrub: %+v", st)
	if st.Pages == 0 || st.Bytes == 0 {
		t.Errorf("first scrub wrote nothing: %+v", st)
	}
	wantGone("after the scrub")
	checkTree(t, db)
	assertLive(t, db, live)

	if st := scrub(t, db); st.Pages != 0 || st.Bytes != 0 {
		t.Errorf("second scrub with nothing freed since wrote %d pages (%d bytes)", st.Pages, st.Bytes)
	}

	// The database keeps working: writes reuse the zeroed pages.
	putLive(t, db, live+50)
	checkTree(t, db)
	db.Close()
	db = openScrubDB(t, dir)
	assertLive(t, db, live+50)
	checkTree(t, db)
	wantGone("after reopening")
}

// What a commit that crashed may have left beyond the high-water mark
// (the end of the pages the newest meta counts) is zeroed too, including
// a last page shorter than the others.
func TestScrubFreePagesZerosBeyondHighWaterMark(t *testing.T) {
	dir, db := newScrubFixture(t, 50)
	var hwm int64
	if err := db.View(func(tx *bolt.Tx) error { hwm = tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	const stray = "Phạm Văn Chưa Ghi Xong 0987 654 321"
	f, err := os.OpenFile(filepath.Join(dir, tickets.DBFile), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	// Once where the next page would go, once at the very end (growing
	// the file by a part of a page).
	for _, off := range []int64{hwm, max(fi.Size(), hwm+int64(os.Getpagesize()))} {
		if _, err := f.WriteAt([]byte(stray), off); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	if len(fileHolds(t, dir, stray)) == 0 {
		t.Fatal("the stray bytes are not in the file: the test shows nothing")
	}

	st := scrub(t, db)
	if st.Pages < 2 {
		t.Errorf("scrub wrote %d pages, want both stray ones: %+v", st.Pages, st)
	}
	if found := fileHolds(t, dir, stray); len(found) > 0 {
		t.Fatalf("the file still holds %q", found)
	}
	checkTree(t, db)
	db.Close()
	db = openScrubDB(t, dir)
	assertLive(t, db, 50)
	checkTree(t, db)
}

// A read transaction that began before the deleting commit may still read
// the freed pages: the scrub waits for it, returns ctx's error when ctx
// ends first, and has then written nothing; once the reader is gone it
// scrubs.
func TestScrubFreePagesWaitsForOlderReaders(t *testing.T) {
	const secret = "Đỗ Thị Đang Được Đọc, thôn Bốn"
	dir, db := newScrubFixture(t, 50)
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scrubBucket).Put([]byte("officer"), []byte(secret))
	}); err != nil {
		t.Fatal(err)
	}
	old, err := db.Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { old.Rollback() }()
	// InitialMmapSize (OpenDB) spares this commit a remap, which would
	// wait for the reader this goroutine holds.
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scrubBucket).Delete([]byte("officer"))
	}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	st, err := tickets.ScrubFreePages(ctx, db)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("scrub with an older reader open: err %v, want the deadline (%+v)", err, st)
	}
	if st.Pages != 0 || st.Bytes != 0 {
		t.Errorf("the stopped scrub wrote %d pages", st.Pages)
	}
	if got := old.Bucket(scrubBucket).Get([]byte("officer")); string(got) != secret {
		t.Fatalf("the older reader reads %q, want its snapshot's %q", got, secret)
	}
	if len(fileHolds(t, dir, secret)) == 0 {
		t.Fatal("the stopped scrub erased the page the reader still reads")
	}

	done := make(chan error, 1)
	go func() {
		_, err := tickets.ScrubFreePages(context.Background(), db)
		done <- err
	}()
	if err := old.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("scrub after the reader left: %v", err)
	}
	assertScrubbed(t, db, dir, "", 50, secret)
}

// A context already ended stops the scrub before it writes anything.
func TestScrubFreePagesCancelledContext(t *testing.T) {
	dir, db := newScrubFixture(t, 20)
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scrubBucket).Delete(liveKey(3))
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st, err := tickets.ScrubFreePages(ctx, db)
	if !errors.Is(err, context.Canceled) || st.Pages != 0 {
		t.Fatalf("cancelled scrub: %+v, %v", st, err)
	}
	if len(fileHolds(t, dir, string(liveValue(3)))) == 0 {
		t.Fatal("the cancelled scrub wrote")
	}
}

// concValue is the value of key k at generation gen: a reader can tell a
// whole value from a damaged one by the value alone.
func concValue(k, gen int) []byte {
	unit := fmt.Sprintf("k=%d g=%d;", k, gen)
	return []byte(strings.Repeat(unit, 1+(k*37+gen*11)%300))
}

func checkConcValue(k int, v []byte) error {
	var gen int
	if _, err := fmt.Sscanf(string(v), "k=%d g=%d;", new(int), &gen); err != nil {
		return fmt.Errorf("key %d: unreadable value %.40q", k, v)
	}
	if want := concValue(k, gen); !bytes.Equal(v, want) {
		return fmt.Errorf("key %d gen %d: damaged value %.60q", k, gen, v)
	}
	return nil
}

// Readers and writers running while the scrub runs in a loop see every
// value whole (a zeroed page under a reader would show as a damaged value
// or a panic), and the database stays consistent. Besides short reads,
// one reader keeps its snapshot open across several commits and reads it
// again: the pages those commits free are the ones a careless scrub would
// zero under it.
func TestScrubFreePagesConcurrentReadersWriters(t *testing.T) {
	const keys, writers, readers, commits = 200, 2, 2, 120
	dir := t.TempDir()
	db := openScrubDB(t, dir)
	bk := []byte("scrub_conc")
	key := func(k int) []byte { return fmt.Appendf(nil, "%05d", k) }
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bk)
		if err != nil {
			return err
		}
		for k := range keys {
			if err := b.Put(key(k), concValue(k, 0)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// readAll checks every value of tx's snapshot and returns a copy.
	readAll := func(tx *bolt.Tx) (map[string]string, error) {
		seen := map[string]string{}
		err := tx.Bucket(bk).ForEach(func(k, v []byte) error {
			var n int
			fmt.Sscanf(string(k), "%d", &n)
			seen[string(k)] = string(v)
			return checkConcValue(n, v)
		})
		return seen, err
	}

	var (
		wwg, rwg sync.WaitGroup
		done     = make(chan struct{})
		mu       sync.Mutex // guards the counts below
		cond     = sync.NewCond(&mu)
		commitN  int
		finished bool
		scrubs   int
		pages    int
		held     int
	)
	for w := range writers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for c := range commits {
				err := db.Update(func(tx *bolt.Tx) error {
					b := tx.Bucket(bk)
					for range 8 {
						k := rng.IntN(keys)
						if rng.IntN(4) == 0 {
							if err := b.Delete(key(k)); err != nil {
								return err
							}
							continue
						}
						if err := b.Put(key(k), concValue(k, c+1)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				commitN++
				cond.Broadcast()
				mu.Unlock()
			}
		}()
	}
	for r := range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 2))
			for {
				select {
				case <-done:
					return
				default:
				}
				// A walk over a stretch of keys: leaf and branch pages.
				err := db.View(func(tx *bolt.Tx) error {
					c := tx.Bucket(bk).Cursor()
					i := 0
					for k, v := c.Seek(key(rng.IntN(keys))); k != nil && i < 30; k, v = c.Next() {
						var n int
						fmt.Sscanf(string(k), "%d", &n)
						if err := checkConcValue(n, v); err != nil {
							return err
						}
						i++
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				// A bot's reads come and go; readers back to back with
				// no gap would keep pages pending, and the scrub waiting.
				time.Sleep(time.Millisecond)
			}
		}()
	}
	rwg.Add(1)
	go func() { // the slow reader
		defer rwg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			err := db.View(func(tx *bolt.Tx) error {
				before, err := readAll(tx)
				if err != nil {
					return err
				}
				mu.Lock()
				for target := commitN + 3; commitN < target && !finished; {
					cond.Wait()
				}
				held++
				mu.Unlock()
				after, err := readAll(tx)
				if err != nil {
					return fmt.Errorf("snapshot read again: %w", err)
				}
				if len(after) != len(before) {
					return fmt.Errorf("snapshot read again: %d keys, first %d", len(after), len(before))
				}
				for k, v := range before {
					if after[k] != v {
						return fmt.Errorf("snapshot read again: key %s changed", k)
					}
				}
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond) // room for the scrub, as above
		}
	}()
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			st, err := tickets.ScrubFreePages(ctx, db)
			cancel()
			if err != nil {
				t.Errorf("scrub: %v", err)
				return
			}
			mu.Lock()
			scrubs++
			pages += st.Pages
			mu.Unlock()
		}
	}()
	wwg.Wait()
	mu.Lock()
	finished = true
	cond.Broadcast()
	mu.Unlock()
	close(done)
	rwg.Wait()
	t.Logf("%d scrubs during %d commits wrote %d pages; the slow reader held %d snapshots", scrubs, writers*commits, pages, held)

	scrub(t, db)
	checkTree(t, db)
	db.Close()
	db = openScrubDB(t, dir)
	checkTree(t, db)
	if err := db.View(func(tx *bolt.Tx) error {
		_, err := readAll(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// Without bbolt's statistics the scrub cannot tell pending pages from
// free ones: it refuses rather than guess, and writes nothing.
func TestScrubFreePagesRefusesWithoutStatistics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nostats.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoStatistics: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	putLive(t, db, 20)
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scrubBucket).Delete(liveKey(3))
	}); err != nil {
		t.Fatal(err)
	}
	st, err := tickets.ScrubFreePages(context.Background(), db)
	if err == nil {
		t.Fatalf("scrub without statistics succeeded: %+v", st)
	}
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !bytes.Contains(data, liveValue(3)) {
		t.Fatal("the refused scrub wrote")
	}
}

// secretMark begins every value putSecrets stores, and no other byte
// sequence the scrub tests write.
const secretMark = "BÍ-MẬT-CÁN-BỘ#"

// putSecrets stores about size bytes of an officer's data, in values of
// one to four pages (leaf and overflow pages), under keys "secret/...",
// and returns their keys.
func putSecrets(t testing.TB, db *bolt.DB, size int) [][]byte {
	t.Helper()
	var keys [][]byte
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(scrubBucket)
		if err != nil {
			return err
		}
		for total := 0; total < size; {
			i := len(keys)
			unit := fmt.Sprintf("%s%05d Nguyễn Văn Riêng %d; ", secretMark, i, i*7919)
			v := []byte(strings.Repeat(unit, 1+(i%4)*4096/len(unit)))
			k := fmt.Appendf(nil, "secret/%05d", i)
			if err := b.Put(k, v); err != nil {
				return err
			}
			keys = append(keys, k)
			total += len(v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func deleteKeys(t testing.TB, db *bolt.DB, keys [][]byte) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(scrubBucket)
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A scrub with more to write than one pass may: the router's writes go on
// between the passes (each commit reusing free pages, some of them not
// yet scrubbed, and freeing others), and at the end nothing deleted
// before the scrub is left in the file, every value written before or
// during it reads back whole, and bbolt finds the tree sound.
func TestScrubFreePagesWritersCommitBetweenPasses(t *testing.T) {
	const live = 200
	dir, db := newScrubFixture(t, live)
	deleteKeys(t, db, putSecrets(t, db, 4*tickets.ScrubPassWrite))
	if len(fileHolds(t, dir, secretMark)) == 0 {
		t.Fatal("before the scrub the file does not hold the deleted data: the test shows nothing")
	}

	// The writer between passes: each time new values, taking free pages
	// (the first time more than a pass scrubs, so that some are pages the
	// sweep has not reached yet), and half of its values of the time
	// before deleted (freeing pages, pending until the next pass begins).
	between := func(k, i int) []byte { return fmt.Appendf(nil, "between/%03d/%04d", k, i) }
	betweenValue := func(k, i int) []byte {
		return []byte(strings.Repeat(fmt.Sprintf("ghi giữa lượt %d, giá trị %d; ", k, i), 1+(i%3)*150))
	}
	kept := map[string][]byte{}
	var written []int // values written by each commit
	st, err := tickets.ScrubFreePagesBetween(context.Background(), db, func(tickets.ScrubStats) {
		k := len(written)
		n, size := 0, 60*4096
		if k == 0 {
			size = tickets.ScrubPassWrite * 3 / 2
		}
		err := db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(scrubBucket)
			for total := 0; total < size; n++ {
				v := betweenValue(k, n)
				if err := b.Put(between(k, n), v); err != nil {
					return err
				}
				total += len(v)
			}
			if k == 0 {
				return nil
			}
			for i := 0; i < written[k-1]; i += 2 {
				if err := b.Delete(between(k-1, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("commit between passes: %v", err)
			return
		}
		for i := range n {
			kept[string(between(k, i))] = betweenValue(k, i)
		}
		if k > 0 {
			for i := 0; i < written[k-1]; i += 2 {
				delete(kept, string(between(k-1, i)))
			}
		}
		written = append(written, n)
	})
	if err != nil {
		t.Fatalf("ScrubFreePages: %v (%+v)", err, st)
	}
	t.Logf("scrub: %+v; commits between its passes wrote %v values", st, written)
	if len(written) < 2 {
		t.Fatalf("%d commits between passes (%d passes): the test shows nothing", len(written), st.Passes)
	}
	assertScrubbed(t, db, dir, "after the scrub ", live, secretMark, "secret/")
	assertKept := func(db *bolt.DB) {
		t.Helper()
		err := db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(scrubBucket)
			for k, v := range kept {
				if got := b.Get([]byte(k)); !bytes.Equal(got, v) {
					return fmt.Errorf("%s: got %.40q", k, got)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	assertKept(db)
	db.Close()
	db = openScrubDB(t, dir)
	checkTree(t, db)
	assertLive(t, db, live)
	assertKept(db)
}

// Each pass writes at most ScrubPassWrite bytes, so that a writer waits
// for that much at most; the stats add the passes up.
func TestScrubFreePagesBoundsEachPass(t *testing.T) {
	dir, db := newScrubFixture(t, 100)
	deleteKeys(t, db, putSecrets(t, db, 3*tickets.ScrubPassWrite+tickets.ScrubPassWrite/2))

	var perPass []int64 // bytes written by each pass
	var before int64
	st, err := tickets.ScrubFreePagesBetween(context.Background(), db, func(st tickets.ScrubStats) {
		perPass = append(perPass, st.Bytes-before)
		before = st.Bytes
	})
	if err != nil {
		t.Fatalf("ScrubFreePages: %v", err)
	}
	perPass = append(perPass, st.Bytes-before)
	t.Logf("scrub: %+v; bytes written by each pass: %v", st, perPass)
	if st.Bytes < 3*tickets.ScrubPassWrite {
		t.Fatalf("the scrub wrote %d bytes, less than three passes' worth: the test shows nothing", st.Bytes)
	}
	if len(perPass) != st.Passes {
		t.Errorf("Passes is %d, the scrub made %d", st.Passes, len(perPass))
	}
	var most int64
	for i, n := range perPass {
		if n > tickets.ScrubPassWrite {
			t.Errorf("pass %d wrote %d bytes, more than %d", i+1, n, tickets.ScrubPassWrite)
		}
		most = max(most, n)
	}
	if st.MaxPassBytes != most {
		t.Errorf("MaxPassBytes is %d, the most one pass wrote was %d", st.MaxPassBytes, most)
	}
	if st.MaxLock <= 0 || st.MaxLock > st.Took {
		t.Errorf("MaxLock %v, Took %v: the longest hold is one of those summed", st.MaxLock, st.Took)
	}
	assertScrubbed(t, db, dir, "after the scrub ", 100, secretMark)
}

// A context that ends between passes stops the scrub there: it returns
// ctx's error with what the passes before did, durable, and the next scrub
// finishes the work.
func TestScrubFreePagesStopsBetweenPasses(t *testing.T) {
	dir, db := newScrubFixture(t, 100)
	deleteKeys(t, db, putSecrets(t, db, 3*tickets.ScrubPassWrite))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := tickets.ScrubFreePagesBetween(ctx, db, func(tickets.ScrubStats) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("scrub cancelled after its first pass: err %v, want ctx's (%+v)", err, st)
	}
	if st.Passes != 1 || st.Bytes == 0 {
		t.Errorf("stats of the stopped scrub: %+v, want its one pass, which wrote", st)
	}
	if len(fileHolds(t, dir, secretMark)) == 0 {
		t.Fatal("the scrub stopped after one pass left none of the deleted data: the test shows nothing")
	}
	st = scrub(t, db)
	assertScrubbed(t, db, dir, fmt.Sprintf("after the next scrub (%+v) ", st), 100, secretMark)
}

// Every pass waits for older readers as the first does: a reader that
// began before a commit between passes may read the pages that commit
// freed, some of them not yet scrubbed, and the next pass waits for it
// (until ctx ends) rather than zero them.
func TestScrubFreePagesWaitsForOlderReadersBetweenPasses(t *testing.T) {
	const late = "Hoàng Thị Xoá Giữa Chừng, thôn Năm"
	dir, db := newScrubFixture(t, 50)
	secrets := putSecrets(t, db, 2*tickets.ScrubPassWrite)
	// After the secrets in the file: pages the first pass does not reach.
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(scrubBucket).Put([]byte("officer"), []byte(strings.Repeat(late, 200)))
	}); err != nil {
		t.Fatal(err)
	}
	deleteKeys(t, db, secrets)

	var old *bolt.Tx
	defer func() {
		if old != nil {
			old.Rollback()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	st, err := tickets.ScrubFreePagesBetween(ctx, db, func(tickets.ScrubStats) {
		if old != nil {
			return
		}
		var err error
		if old, err = db.Begin(false); err != nil {
			t.Error(err)
			return
		}
		if err := db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(scrubBucket).Delete([]byte("officer"))
		}); err != nil {
			t.Error(err)
		}
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("scrub with a reader older than a commit between its passes: err %v, want the deadline (%+v)", err, st)
	}
	if st.Passes != 1 {
		t.Errorf("the scrub made %d passes, want only the one before the reader", st.Passes)
	}
	if got := old.Bucket(scrubBucket).Get([]byte("officer")); string(got) != strings.Repeat(late, 200) {
		t.Fatalf("the older reader reads %.60q, want its snapshot's value", got)
	}
	if err := old.Rollback(); err != nil {
		t.Fatal(err)
	}
	old = nil

	scrub(t, db)
	assertScrubbed(t, db, dir, "after the reader left and a scrub, ", 50, secretMark, late)
}
