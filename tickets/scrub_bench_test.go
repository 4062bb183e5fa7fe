package tickets_test

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// BenchmarkScrubFreePages100k is the scrub after an erasure in a file the
// size of 100,000 tickets (~300 MB: one ~3 KB value per ticket, standing
// for its record, events and index entries), the erasure deleting 1,000
// tickets' worth spread over the file. first-ms is the scrub right after
// the erasure, second-ms one more with nothing freed since (what a scrub
// costs once the file is clean); lock-ms is how long the first held the
// write lock in all, in passes (passes), and sync-ms how long it spent in
// fsync, without the lock; max-lock-ms is the longest hold of either
// scrub: what another writer may wait for one.
func BenchmarkScrubFreePages100k(b *testing.B) {
	const tickets100k, perTicket, erased = 100_000, 3 << 10, 1_000
	dir := b.TempDir()
	db := openScrubDB(b, dir)
	bk := []byte("bench_tickets")
	key := func(i int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }
	rng := rand.New(rand.NewPCG(1, 2))
	value := make([]byte, perTicket)
	db.NoSync = true // filling only; the erasures below are fsynced
	for start := 0; start < tickets100k; start += 5_000 {
		err := db.Update(func(tx *bolt.Tx) error {
			bu, err := tx.CreateBucketIfNotExists(bk)
			if err != nil {
				return err
			}
			for i := start; i < start+5_000; i++ {
				for j := range value {
					value[j] = byte(' ' + rng.IntN(95))
				}
				if err := bu.Put(key(i), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	db.NoSync = false
	scrub(b, db) // what the fill itself freed: not the figure asked for
	var first, second, lock, maxLock, synced time.Duration
	var pages, free, passes int
	var bytes int64
	round := 0
	for b.Loop() {
		// 1,000 tickets spread over the file, as one officer's are.
		err := db.Update(func(tx *bolt.Tx) error {
			bu := tx.Bucket(bk)
			for i := range erased {
				if err := bu.Delete(key(i*(tickets100k/erased) + round)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		round++
		start := time.Now()
		st1, err := tickets.ScrubFreePages(context.Background(), db)
		if err != nil {
			b.Fatal(err)
		}
		first += time.Since(start)
		start = time.Now()
		st2, err := tickets.ScrubFreePages(context.Background(), db)
		if err != nil {
			b.Fatal(err)
		}
		second += time.Since(start)
		lock += st1.Took
		synced += st1.Synced
		maxLock = max(maxLock, st1.MaxLock, st2.MaxLock)
		passes += st1.Passes
		pages += st1.Pages
		bytes += st1.Bytes
		free += st1.Free
	}
	n := float64(round)
	if fi, err := os.Stat(filepath.Join(dir, tickets.DBFile)); err == nil {
		var hwm int64
		db.View(func(tx *bolt.Tx) error { hwm = tx.Size(); return nil })
		b.Logf("file: %.0f MB, %.1f MB of it beyond the high-water mark", float64(fi.Size())/(1<<20), float64(fi.Size()-hwm)/(1<<20))
	}
	b.ReportMetric(float64(first.Microseconds())/1e3/n, "first-ms")
	b.ReportMetric(float64(second.Microseconds())/1e3/n, "second-ms")
	b.ReportMetric(float64(lock.Microseconds())/1e3/n, "lock-ms")
	b.ReportMetric(float64(maxLock.Microseconds())/1e3, "max-lock-ms")
	b.ReportMetric(float64(passes)/n, "passes")
	b.ReportMetric(float64(synced.Microseconds())/1e3/n, "sync-ms")
	b.ReportMetric(float64(pages)/n, "pages-written")
	b.ReportMetric(float64(bytes)/n, "bytes-written")
	b.ReportMetric(float64(free)/n, "free-pages")
}
