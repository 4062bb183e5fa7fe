package tickets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bbolt never overwrites a page it frees: a deleted value (an officer's
// name, a message) stays readable in the file until the page happens to be
// reused, which may be never. ScrubFreePages overwrites those pages, so
// that an erasure leaves no byte of what it erased in the database file.
//
// Why it is safe, in bbolt v1.5 terms:
//
//   - Each pass holds a write transaction and changes nothing in it (it
//     rolls back: a commit would allocate pages). While it is held no
//     other writer can allocate, and so write, a free page.
//   - tx.Page reports "free" for every page in bbolt's free-page cache:
//     free pages and pending ones (freed by a commit that readers older
//     than it may still be reading), each page of a freed run by itself.
//     That answer comes from the free list, not from the page's bytes, so
//     it holds for any page id, whatever the page holds. Pages from the
//     newest meta's high-water mark to the end of the file belong to
//     nothing either (a commit that crashed may have written there).
//   - A pending page must not be touched while a read transaction that
//     began before the commit that freed it is open. bbolt itself decides
//     that: each write transaction, as it begins, releases the pending
//     pages no open reader can reach (it knows every reader's txid,
//     registered under the meta lock), and the count still pending is
//     published in db.Stats().PendingPageN when that transaction closes.
//     So a pass begins and rolls back write transactions until one
//     leaves no page pending, then begins one more: if no commit came in
//     between (the transaction ID is the same), the free pages are the
//     same and every one of them is released, so no reader can reach them,
//     and no later reader will (a reader sees the newest meta, which
//     references no free page). It waits between tries, without holding
//     the write lock, until ctx ends.
//
// This is stricter than waiting for db.Stats().OpenTxN to reach 0: bbolt
// counts a reader in OpenTxN only after it has taken its meta page and
// released the meta lock, so a reader could be a few instructions from
// being counted while already holding a meta that references a freshly
// freed page. The txid registration has no such gap. It also means the
// write lock is never held while waiting for a long reader (a backup), so
// the router's writes are stalled only for the scrub itself.
//
// The scrub is cut into passes, each ending once it has written
// scrubPassWrite bytes or held the lock for scrubPassHold (see there): it
// rolls back, so that the writers queued behind it commit, and fsyncs.
// The next pass waits as the first did (their commits freed pages,
// pending until their readers are gone) and asks bbolt for the free pages
// afresh: a page free in one pass may hold another writer's live data in
// the next. The passes sweep the file once, in page order, each from
// where the previous one stopped. That sweep erases everything that
// commits before the scrub began deleted: a page behind the sweep was
// either zeroed when the sweep passed it or was not free then, and so has
// held, since, only data that was live after those commits (a page is
// always written whole). Pages that other writers free behind the sweep
// while it runs are left to the next scrub: going back for them would
// never end while the router commits, every commit freeing a few pages.
//
// Writes go through a second file descriptor (pwrite, as bbolt's own
// commits; on Linux its read-only mmap shows the same page cache, so the
// mapping never holds a stale copy of a zeroed page). Each pass fsyncs
// what it wrote after its rollback, before the next pass: an fsync writes
// out every dirty page of the file, other writers' too (all the commits of
// a database opened with NoSync: 49 of a 54 ms pass in
// BenchmarkEraseOfficer1000In100k when it was done holding the lock), so
// it must not hold the writers up. Nothing needs the lock for it: the
// page cache holds one copy of each page, so a writer that reuses a page
// after the rollback writes over the zeros in the cache, and the disk gets
// its data whichever fsync comes first; until that writer's commit writes
// its meta, no meta references the page, whatever the disk holds there.
// Closing that descriptor does not drop bbolt's lock: bbolt locks with
// flock, which belongs to its own open file.
//
// The options of OpenDB do not change this: the hash-map free list keeps
// the same cache the array one does; NoFreelistSync only means the free
// list is rebuilt by a scan at open, after which the unreachable pages are
// free pages like any other; the page size is read from the open database.
//
// What this does not reach: copies of the file (backups), blocks the file
// system or the disk remapped elsewhere (journal, SSD wear levelling), and
// a meta fallback: if the newest meta page were later found damaged, bbolt
// would fall back to the previous one, whose tree may use pages the scrub
// zeroed (bbolt may reuse them for new data as well, so that fallback was
// never safe once pages were released).

// ScrubStats says what one ScrubFreePages did, summed over its passes.
type ScrubStats struct {
	Pages        int           // free pages overwritten with zeros
	Bytes        int64         // bytes written
	Free         int           // unreferenced pages examined (free list and beyond the high-water mark)
	Passes       int           // write transactions that scrubbed, each writing at most scrubPassWrite bytes (4 MiB)
	MaxPassBytes int64         // the most bytes one pass wrote
	Waited       time.Duration // time spent waiting for older readers to finish, write lock not held
	Took         time.Duration // time the write lock was held, all passes together
	MaxLock      time.Duration // the longest single hold: what one writer may wait for the scrub
	Synced       time.Duration // time spent in fsync, write lock not held
}

// scrubPassWrite bounds what one pass writes while it holds bbolt's write
// lock, which every writer (the router handling a question, the outbox
// recording a send) waits for, and so what is left dirty for the next
// fsync, which may be a writer's: bbolt's commit fdatasyncs the file, all
// of its dirty pages, if it comes before the pass's own. A pass writing
// 4 MiB holds the lock ~3 ms and its fsync takes ~4 ms here
// (BenchmarkScrubFreePages100k), well inside the 100 ms p99 the router is
// held to, while the ~20 MB a large erasure frees still takes only a
// handful of passes.
const scrubPassWrite = 4 << 20

// scrubPassHold is how long a pass goes on walking the file's pages and
// reading the free ones before it ends. Neither is bounded by
// scrubPassWrite: the walk reads the header of every page, live ones
// included, a page fault each where the mapping is cold (~45 ms for a
// 400 MB file, ~6 ms warm), and a free page already zero costs a read
// and writes nothing. A pass always gets somewhere, whatever the clock
// says.
const scrubPassHold = 8 * time.Millisecond

// scrubWalkCheck is how many page ids the walk goes through between two
// looks at the clock.
const scrubWalkCheck = 256

// scrubChunk is how much of the file one read covers: large enough that
// the system calls cost little, small enough to stay in cache.
const scrubChunk = 1 << 20

// scrubMaxWait bounds the pause between tries while readers pin pages.
const scrubMaxWait = 10 * time.Millisecond

// errNoStats is returned for a database opened with NoStatistics: the
// scrub reads bbolt's pending-page count from its statistics.
var errNoStats = errors.New("tickets: scrub: the database was opened with NoStatistics; the scrub needs bbolt's statistics")

// ScrubFreePages overwrites with zeros every page of db's file that holds
// no live data (bbolt's free and pending pages, and the file beyond the
// high-water mark), skipping those already zero, and fsyncs the file. Run
// it after a transaction that deleted personal data has committed: once it
// returns without error, nothing that transaction deleted is left in the
// file.
//
// It works in passes, each holding the write lock while it writes at most
// 4 MiB or for about 8 ms (Took sums the holds, MaxLock is the longest),
// then fsyncing without it: other writers wait for a pass, not for the
// whole scrub; readers do not wait. Before each pass it waits until no
// read transaction can still see a page it would zero (readers that began
// before the commit that freed it), without holding the write lock. If
// ctx ends first, it returns ctx's error with what the passes before did
// (nothing, if it ends before the first). A pass that ctx stops while
// writing fsyncs what it wrote before it returns ctx's error, which is
// harmless: zeros in free pages.
//
// db must be writable and keep its statistics (not NoStatistics). Do not
// call it while holding a transaction of db in the same goroutine. Errors
// other than ctx's are I/O failures or bbolt's (ErrDatabaseNotOpen, ...).
func ScrubFreePages(ctx context.Context, db *bolt.DB) (ScrubStats, error) {
	return scrubFreePages(ctx, db, nil)
}

// scrubFreePages is ScrubFreePages, calling between, if not nil, after
// each pass but the last with the stats so far, once the pass has fsynced
// and before the next one waits: where other writers commit.
func scrubFreePages(ctx context.Context, db *bolt.DB, between func(ScrubStats)) (ScrubStats, error) {
	var st ScrubStats
	if err := needStats(db); err != nil {
		return st, err
	}
	f, err := os.OpenFile(db.Path(), os.O_RDWR, 0)
	if err != nil {
		return st, fmt.Errorf("tickets: scrub: %w", err)
	}
	defer f.Close()
	w := &wiper{f: f, buf: make([]byte, scrubChunk), zero: make([]byte, scrubChunk), st: &st}
	var from int64 // where the sweep goes on: the pass before stopped there
	for done := false; !done; {
		waitStart := time.Now()
		tx, err := beginSettled(ctx, db)
		st.Waited += time.Since(waitStart)
		if err != nil {
			return st, err
		}
		locked := time.Now()
		written := st.Bytes
		from, done, err = w.pass(ctx, tx, from)
		if rerr := tx.Rollback(); err == nil && rerr != nil {
			err = fmt.Errorf("tickets: scrub: %w", rerr)
		}
		held := time.Since(locked)
		st.Passes++
		st.Took += held
		st.MaxLock = max(st.MaxLock, held)
		st.MaxPassBytes = max(st.MaxPassBytes, st.Bytes-written)
		// After an error too (ctx's, say): the zeros written are made
		// durable all the same.
		if st.Bytes > written {
			syncStart := time.Now()
			serr := f.Sync()
			st.Synced += time.Since(syncStart)
			if err == nil && serr != nil {
				err = fmt.Errorf("tickets: scrub: sync: %w", serr)
			}
		}
		if err != nil {
			return st, err
		}
		if !done && between != nil {
			between(st)
		}
	}
	return st, nil
}

// needStats refuses a database without statistics: with NoStatistics,
// PendingPageN would read 0 whatever is pending.
func needStats(db *bolt.DB) error {
	if err := db.View(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("tickets: scrub: %w", err)
	}
	if db.Stats().TxN == 0 {
		return errNoStats
	}
	return nil
}

// beginSettled returns a write transaction in which no free page is still
// pending, so none is reachable by any reader (see the top of this file).
func beginSettled(ctx context.Context, db *bolt.DB) (*bolt.Tx, error) {
	wait := time.Millisecond
	prevID, settled := -1, false
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("tickets: scrub: waiting for older readers: %w", err)
		}
		tx, err := db.Begin(true)
		if err != nil {
			return nil, fmt.Errorf("tickets: scrub: %w", err)
		}
		if settled && tx.ID() == prevID {
			return tx, nil
		}
		prevID = tx.ID()
		tx.Rollback()
		// Any writer's close since ours (rollback or commit) may have
		// overwritten the figure; a commit changes the next ID, and a
		// rollback leaves the same free pages, none more pending.
		if settled = db.Stats().PendingPageN == 0; settled {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("tickets: scrub: waiting for older readers: %w", ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, scrubMaxWait)
	}
}

// wiper zeros the non-zero free pages of one file, a pass at a time.
type wiper struct {
	f         *os.File
	ps        int64
	buf, zero []byte
	st        *ScrubStats

	// Of the pass under way:
	writeLeft int64     // what it may still write
	until     time.Time // when it should end
	moved     bool      // whether it got anywhere: it may end
}

// spent reports whether the pass under way should end, once it has made
// some progress.
func (w *wiper) spent() bool {
	return w.moved && (w.writeLeft <= 0 || time.Now().After(w.until))
}

// pass zeros the free pages of tx's database from byte offset from on,
// until it has written scrubPassWrite bytes or run for scrubPassHold; the
// caller fsyncs. tx must be settled. It returns where it stopped, and done
// when that is the end of the file.
func (w *wiper) pass(ctx context.Context, tx *bolt.Tx, from int64) (next int64, done bool, err error) {
	ps := int64(tx.DB().Info().PageSize)
	w.ps, w.writeLeft, w.until, w.moved = ps, scrubPassWrite, time.Now().Add(scrubPassHold), false
	hwm := tx.Size() / ps
	fi, err := w.f.Stat()
	if err != nil {
		return from, false, fmt.Errorf("tickets: scrub: %w", err)
	}
	// Runs of consecutive free page ids, as byte ranges [start, end).
	var start, end int64 = -1, -1
	flush := func() (stopped int64, err error) {
		if start < 0 {
			return -1, nil
		}
		reached, err := w.wipe(ctx, start, end)
		w.st.Free += int((reached - start + ps - 1) / ps)
		if err == nil && reached < end {
			stopped = reached
		} else {
			stopped = -1
		}
		start, end = -1, -1
		return stopped, err
	}
	// Page by page, not skipping a live page's overflow by its header:
	// where the pass before stopped, the structure may have changed, and
	// the page there may be in the middle of a live run, its "header"
	// data. Whether a page is free is the free list's answer, whatever the
	// page holds.
	first := max(2, from/ps)
	for id := first; id < hwm; id++ {
		if start < 0 && (id-first)%scrubWalkCheck == scrubWalkCheck-1 {
			w.moved = true // walked that far: the next pass starts further on
			if w.spent() {
				return id * ps, false, nil
			}
		}
		info, err := tx.Page(int(id))
		if err != nil {
			return id * ps, false, fmt.Errorf("tickets: scrub: page %d: %w", id, err)
		}
		if info == nil {
			break
		}
		if info.Type != "free" {
			if stopped, err := flush(); err != nil || stopped >= 0 {
				return stopped, false, err
			}
			continue
		}
		if end != id*ps {
			if stopped, err := flush(); err != nil || stopped >= 0 {
				return stopped, false, err
			}
			start = id * ps
		}
		end = (id + 1) * ps
	}
	if stopped, err := flush(); err != nil || stopped >= 0 {
		return stopped, false, err
	}
	tailFrom := max(from, hwm*ps)
	if tailFrom >= fi.Size() {
		return fi.Size(), true, nil
	}
	reached, err := w.wipeSparse(ctx, tailFrom, fi.Size())
	w.st.Free += int((reached - tailFrom + ps - 1) / ps)
	return reached, err == nil && reached >= fi.Size(), err
}

// wipe zeros [from, to), reading it first and writing only the pages
// (runs of them, coalesced) that are not already zero, until the pass is
// spent; it returns how far it got. The last page may be short
// (a file not a whole number of pages long).
func (w *wiper) wipe(ctx context.Context, from, to int64) (reached int64, err error) {
	off := from
	for off < to {
		if err := ctx.Err(); err != nil {
			return off, fmt.Errorf("tickets: scrub: stopped: %w", err)
		}
		if w.spent() {
			return off, nil
		}
		// Whole pages only, unless the range ends with a short one: so
		// that what this chunk writes cannot exceed what is left.
		n := min(to-off, int64(len(w.buf)), w.writeLeft)
		if n < to-off {
			n -= n % w.ps
		}
		if n <= 0 {
			return off, nil // less than a page left to write
		}
		if _, err := w.f.ReadAt(w.buf[:n], off); err != nil {
			return off, fmt.Errorf("tickets: scrub: read at %d: %w", off, err)
		}
		w.moved = true
		dirty := int64(-1) // start of the current run of non-zero pages in buf
		for p := int64(0); p < n; p += w.ps {
			end := min(p+w.ps, n)
			if !bytes.Equal(w.buf[p:end], w.zero[:end-p]) {
				if dirty < 0 {
					dirty = p
				}
				continue
			}
			if dirty >= 0 {
				if err := w.write(off+dirty, p-dirty); err != nil {
					return off, err
				}
				dirty = -1
			}
		}
		if dirty >= 0 {
			if err := w.write(off+dirty, n-dirty); err != nil {
				return off, err
			}
		}
		off += n
	}
	return off, nil
}

// Whence values of lseek(2) that find the data of a sparse file.
const (
	seekData = 3
	seekHole = 4
)

// wipeSparse is wipe for the end of the file, which bbolt grows ahead of
// its pages by up to 16 MiB with a truncate: mostly a hole, which reads as
// zeros and would cost a read of every byte. It asks the file system
// where the data is; where it cannot say, it reads all.
func (w *wiper) wipeSparse(ctx context.Context, from, to int64) (reached int64, err error) {
	for off := from; off < to; {
		data, err := w.f.Seek(off, seekData)
		if errors.Is(err, syscall.ENXIO) {
			return to, nil // no data from off on
		}
		if err != nil {
			return w.wipe(ctx, off, to)
		}
		hole, err := w.f.Seek(data, seekHole)
		if err != nil {
			return w.wipe(ctx, off, to)
		}
		// Data is reported in file system blocks; keep to whole pages.
		start, end := max(off, data-data%w.ps), min(to, hole)
		if start >= to {
			return to, nil
		}
		got, err := w.wipe(ctx, start, end)
		if err != nil || got < end {
			return got, err
		}
		off = max(end, off+1)
	}
	return to, nil
}

func (w *wiper) write(off, n int64) error {
	if _, err := w.f.WriteAt(w.zero[:n], off); err != nil {
		return fmt.Errorf("tickets: scrub: write at %d: %w", off, err)
	}
	w.writeLeft -= n
	w.st.Pages += int((n + w.ps - 1) / w.ps)
	w.st.Bytes += n
	return nil
}
