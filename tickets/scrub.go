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
//   - It holds a write transaction and changes nothing in it (it rolls
//     back: a commit would allocate pages). While it is held no other
//     writer can allocate, and so write, a free page.
//   - tx.Page reports "free" for every page in bbolt's free-page cache:
//     free pages and pending ones (freed by a commit that readers older
//     than it may still be reading), each page of a freed run by itself.
//     Pages from the newest meta's high-water mark to the end of the file
//     belong to nothing either (a commit that crashed may have written
//     there).
//   - A pending page must not be touched while a read transaction that
//     began before the commit that freed it is open. bbolt itself decides
//     that: each write transaction, as it begins, releases the pending
//     pages no open reader can reach (it knows every reader's txid,
//     registered under the meta lock), and the count still pending is
//     published in db.Stats().PendingPageN when that transaction closes.
//     So the scrub begins and rolls back write transactions until one
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
// Writes go through a second file descriptor (pwrite, as bbolt's own
// commits; on Linux its read-only mmap shows the same page cache, so the
// mapping never holds a stale copy of a zeroed page), and are fsynced
// before the transaction ends. Closing that descriptor does not drop bbolt's lock:
// bbolt locks with flock, which belongs to its own open file.
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

// ScrubStats says what one ScrubFreePages did.
type ScrubStats struct {
	Pages  int           // free pages overwritten with zeros
	Bytes  int64         // bytes written
	Free   int           // unreferenced pages examined (free list and beyond the high-water mark)
	Waited time.Duration // time spent waiting for older readers to finish
	Took   time.Duration // the whole scrub, write lock held
}

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
// it after a transaction that deleted personal data has committed.
//
// It waits until no read transaction can still see a page it would zero
// (readers that began before the commit that freed it), without holding
// the write lock; if ctx ends first it returns ctx's error and has written
// nothing. While it writes it holds the write lock (Took): other writers
// wait, readers do not. A scrub that ctx stops while writing returns ctx's
// error after fsyncing what it wrote, which is harmless: zeros in free pages.
//
// db must be writable and keep its statistics (not NoStatistics). Do not
// call it while holding a transaction of db in the same goroutine. Errors
// other than ctx's are I/O failures or bbolt's (ErrDatabaseNotOpen, ...).
func ScrubFreePages(ctx context.Context, db *bolt.DB) (ScrubStats, error) {
	var st ScrubStats
	start := time.Now()
	tx, err := beginSettled(ctx, db)
	st.Waited = time.Since(start)
	if err != nil {
		return st, err
	}
	locked := time.Now()
	err = scrub(ctx, tx, &st)
	if rerr := tx.Rollback(); err == nil && rerr != nil {
		err = fmt.Errorf("tickets: scrub: %w", rerr)
	}
	st.Took = time.Since(locked)
	return st, err
}

// beginSettled returns a write transaction in which no free page is still
// pending, so none is reachable by any reader (see the top of this file).
func beginSettled(ctx context.Context, db *bolt.DB) (*bolt.Tx, error) {
	// With NoStatistics, PendingPageN would read 0 whatever is pending.
	if err := db.View(func(*bolt.Tx) error { return nil }); err != nil {
		return nil, fmt.Errorf("tickets: scrub: %w", err)
	}
	if db.Stats().TxN == 0 {
		return nil, errNoStats
	}
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

// scrub zeros the free pages of tx's database; tx must be settled.
func scrub(ctx context.Context, tx *bolt.Tx, st *ScrubStats) error {
	ps := int64(tx.DB().Info().PageSize)
	hwm := tx.Size() / ps
	f, err := os.OpenFile(tx.DB().Path(), os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("tickets: scrub: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("tickets: scrub: %w", err)
	}
	w := &wiper{f: f, ps: ps, buf: make([]byte, scrubChunk), zero: make([]byte, scrubChunk), st: st}

	// Runs of consecutive free page ids, as byte ranges [from, to).
	var from, to int64 = -1, -1
	flush := func() error {
		if from < 0 {
			return nil
		}
		err := w.wipe(ctx, from, to)
		from, to = -1, -1
		return err
	}
	for id := int64(2); id < hwm; {
		info, err := tx.Page(int(id))
		if err != nil {
			return fmt.Errorf("tickets: scrub: page %d: %w", id, err)
		}
		if info == nil {
			break
		}
		if info.Type != "free" {
			if err := flush(); err != nil {
				return err
			}
			// A live page's header is trusted (OpenDB walked it): its
			// overflow pages are its own, not pages to look at.
			switch info.Type {
			case "branch", "leaf", "freelist":
				id += int64(info.OverflowCount)
			}
			id++
			continue
		}
		st.Free++
		if to != id*ps {
			if err := flush(); err != nil {
				return err
			}
			from = id * ps
		}
		to = (id + 1) * ps
		id++
	}
	if err := flush(); err != nil {
		return err
	}
	if tail := fi.Size() - hwm*ps; tail > 0 {
		st.Free += int((tail + ps - 1) / ps)
		if err := w.wipeSparse(ctx, hwm*ps, fi.Size()); err != nil {
			return err
		}
	}
	if w.wrote {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("tickets: scrub: sync: %w", err)
		}
	}
	return nil
}

// wiper zeros the non-zero pages of byte ranges of one file.
type wiper struct {
	f         *os.File
	ps        int64
	buf, zero []byte
	st        *ScrubStats
	wrote     bool
}

// wipe zeros [from, to), reading it first and writing only the pages
// (runs of them, coalesced) that are not already zero. The last page may
// be short (a file not a whole number of pages long).
func (w *wiper) wipe(ctx context.Context, from, to int64) error {
	for off := from; off < to; {
		if err := ctx.Err(); err != nil {
			return w.stop(err)
		}
		n := min(to-off, int64(len(w.buf)))
		if _, err := w.f.ReadAt(w.buf[:n], off); err != nil {
			return fmt.Errorf("tickets: scrub: read at %d: %w", off, err)
		}
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
					return err
				}
				dirty = -1
			}
		}
		if dirty >= 0 {
			if err := w.write(off+dirty, n-dirty); err != nil {
				return err
			}
		}
		off += n
	}
	return nil
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
func (w *wiper) wipeSparse(ctx context.Context, from, to int64) error {
	for off := from; off < to; {
		data, err := w.f.Seek(off, seekData)
		if errors.Is(err, syscall.ENXIO) {
			return nil // no data from off on
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
			return nil
		}
		if err := w.wipe(ctx, start, end); err != nil {
			return err
		}
		off = max(end, off+1)
	}
	return nil
}

func (w *wiper) write(off, n int64) error {
	if _, err := w.f.WriteAt(w.zero[:n], off); err != nil {
		return fmt.Errorf("tickets: scrub: write at %d: %w", off, err)
	}
	w.wrote = true
	w.st.Pages += int((n + w.ps - 1) / w.ps)
	w.st.Bytes += n
	return nil
}

// stop ends a scrub that ctx cancelled, keeping what was written durable.
func (w *wiper) stop(cause error) error {
	if w.wrote {
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("tickets: scrub: sync: %w", err)
		}
	}
	return fmt.Errorf("tickets: scrub: stopped: %w", cause)
}
