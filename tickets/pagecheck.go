package tickets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// This file walks a bbolt file's pages itself, without bbolt, so that a
// damaged file is reported instead of crashing the process: bbolt trusts
// its pages and panics (or faults, in a goroutine nobody can recover) when a
// page header or a length has been overwritten. The walk reads the file with
// ReadAt, checks every bound before using it, and attributes each problem to
// the top-level bucket whose tree holds the damaged page.
//
// The on-disk layout it reads (bbolt v1.x, little-endian):
//
//	page header (16 bytes): id u64, flags u16, count u16, overflow u32
//	meta (pages 0 and 1, after the header): magic u32, version u32,
//	  pageSize u32, flags u32, root {pgid u64, seq u64}, freelist u64,
//	  pgid (high-water mark) u64, txid u64, checksum u64 (FNV-64a of the rest)
//	branch element (16 bytes): pos u32, ksize u32, pgid u64
//	leaf element (16 bytes): flags u32, pos u32, ksize u32, vsize u32
//	  (pos counts from the element itself; flags&1 marks a sub-bucket, whose
//	  value is {root pgid u64, seq u64} followed, when root is 0, by an
//	  inline page)

const (
	pgHeaderSize   = 16
	pgElemSize     = 16
	pgBranch       = 0x01
	pgLeaf         = 0x02
	pgMeta         = 0x04
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	bucketLeafFlag = 0x01
	bucketHdrSize  = 16
	maxTreeDepth   = 64 // a B+tree of a few GiB is under 10 levels deep; deeper means a cycle
)

// CheckReport is the outcome of CheckFile: which top-level buckets hold a
// damaged page, and what was wrong.
type CheckReport struct {
	Path    string   `json:"path"`
	Pages   int      `json:"pages"`   // pages read
	Buckets []string `json:"buckets"` // top-level buckets found, sorted
	// Damaged lists one entry per problem, at most maxProblems.
	Damaged []Damage `json:"damaged"`
}

// Damage is one problem CheckFile found. Bucket is the top-level bucket
// whose tree holds the damaged page, or "" when the file's own structure
// (its meta pages or the bucket directory) is damaged: then no bucket can
// be trusted.
type Damage struct {
	Bucket string `json:"bucket"`
	Page   uint64 `json:"page,omitempty"`
	What   string `json:"what"`
}

func (d Damage) String() string {
	where := d.Bucket
	if where == "" {
		where = "(file structure)"
	}
	if d.Page != 0 {
		return fmt.Sprintf("%s: page %d: %s", where, d.Page, d.What)
	}
	return where + ": " + d.What
}

// OK reports whether no damage was found.
func (r CheckReport) OK() bool { return len(r.Damaged) == 0 }

// DamagedBuckets returns the names of the damaged top-level buckets, sorted,
// with "(file structure)" for damage outside any bucket.
func (r CheckReport) DamagedBuckets() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range r.Damaged {
		name := d.Bucket
		if name == "" {
			name = "(file structure)"
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Err returns nil when the report is OK, else a *CorruptError naming the
// damaged buckets (errors.Is ErrCorrupt).
func (r CheckReport) Err() error {
	if r.OK() {
		return nil
	}
	return &CorruptError{Path: r.Path, Buckets: r.DamagedBuckets(), Detail: r.Damaged[0].String()}
}

// CheckFile walks every page reachable from the newest valid meta page of
// the bbolt file at path and reports damaged pages by bucket. It never
// panics on a damaged file, and reads only: it takes no lock, so run it on
// a file no process writes (a backup, or a data directory whose bot is
// stopped; OpenDB and Store.Check take care of that). err is for I/O
// failures; damage is in the report.
func CheckFile(path string) (CheckReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return CheckReport{Path: path}, fmt.Errorf("tickets: check: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return CheckReport{Path: path}, fmt.Errorf("tickets: check: %w", err)
	}
	r := checkPages(f, fi.Size())
	r.Path = path
	return r, nil
}

type pageWalker struct {
	r        io.ReaderAt
	size     int64
	pageSize int64
	hwm      uint64 // pages below this are allocated
	seen     map[uint64]string
	rep      *CheckReport
}

func checkPages(ra io.ReaderAt, size int64) (rep CheckReport) {
	rep.Buckets = []string{}
	rep.Damaged = []Damage{}
	defer func() {
		// The walk checks every bound it uses; this is a last line for a
		// mistake in it, not a path a damaged file should take.
		if p := recover(); p != nil {
			rep.Damaged = append(rep.Damaged, Damage{What: fmt.Sprintf("page walk stopped: %v", p)})
		}
	}()
	w := &pageWalker{r: ra, size: size, seen: map[uint64]string{}, rep: &rep}
	root, err := w.meta()
	if err != nil {
		w.damage("", 0, err.Error())
		return rep
	}
	// The root bucket: its leaf entries are the top-level buckets.
	w.walkTree("", root, 0, nil, func(name string, k, v []byte, flags uint32, pgid uint64) {
		if flags&bucketLeafFlag == 0 {
			w.damage("", pgid, fmt.Sprintf("top-level key %q is not a bucket", k))
			return
		}
		child := string(k)
		rep.Buckets = append(rep.Buckets, child)
		w.bucket(child, v, pgid)
	})
	sort.Strings(rep.Buckets)
	return rep
}

func (w *pageWalker) damage(bucket string, page uint64, what string) {
	if len(w.rep.Damaged) >= maxProblems {
		return
	}
	w.rep.Damaged = append(w.rep.Damaged, Damage{Bucket: bucket, Page: page, What: what})
}

// meta picks the valid meta page with the highest txid, as bbolt does, and
// returns the root bucket's page. Only two bad meta pages are damage.
func (w *pageWalker) meta() (uint64, error) {
	if w.size < 2*pgHeaderSize+64 {
		return 0, fmt.Errorf("file is %d bytes: too short for a database", w.size)
	}
	type meta struct {
		pageSize      uint32
		root, hwm, tx uint64
	}
	read := func(off int64) (meta, error) {
		buf := make([]byte, pgHeaderSize+64)
		if _, err := w.r.ReadAt(buf, off); err != nil {
			return meta{}, fmt.Errorf("meta page at %d: %v", off, err)
		}
		le := binary.LittleEndian
		if le.Uint16(buf[8:]) != pgMeta {
			return meta{}, fmt.Errorf("meta page at %d: header says type %#x", off, le.Uint16(buf[8:]))
		}
		m := buf[pgHeaderSize:]
		if le.Uint32(m[0:]) != boltMagic {
			return meta{}, fmt.Errorf("meta page at %d: not a bbolt file (magic %#x)", off, le.Uint32(m[0:]))
		}
		if v := le.Uint32(m[4:]); v != boltVersion {
			return meta{}, fmt.Errorf("meta page at %d: format version %d, want %d", off, v, boltVersion)
		}
		h := fnv.New64a()
		h.Write(m[:56])
		if h.Sum64() != le.Uint64(m[56:]) {
			return meta{}, fmt.Errorf("meta page at %d: checksum mismatch", off)
		}
		return meta{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), hwm: le.Uint64(m[40:]), tx: le.Uint64(m[48:])}, nil
	}
	m0, err0 := read(0)
	var ps int64 = 4096
	if err0 == nil {
		ps = int64(m0.pageSize)
	}
	m1, err1 := read(ps)
	if err1 != nil && err0 != nil {
		// Meta 0 is damaged: its page size is unknown; try the usual ones.
		for _, try := range []int64{4096, 8192, 16384, 65536} {
			if m1, err1 = read(try); err1 == nil {
				break
			}
		}
	}
	var m meta
	switch {
	case err0 != nil && err1 != nil:
		return 0, fmt.Errorf("both meta pages are damaged: %v; %v", err0, err1)
	// One bad meta page is not damage: it is what a crash during a
	// commit leaves, and bbolt falls back to the other, as the walk does.
	case err0 != nil:
		m = m1
	case err1 != nil:
		m = m0
	case m1.tx > m0.tx:
		m = m1
	default:
		m = m0
	}
	if m.pageSize < 1024 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
		return 0, fmt.Errorf("meta page: page size %d", m.pageSize)
	}
	w.pageSize, w.hwm = int64(m.pageSize), m.hwm
	if int64(m.hwm)*w.pageSize > w.size {
		// bbolt grows the file ahead of the high-water mark, never behind it.
		return 0, fmt.Errorf("file is %d bytes but the meta page counts %d pages of %d bytes (truncated file)", w.size, m.hwm, m.pageSize)
	}
	return m.root, nil
}

// readPage reads page id and its overflow pages, checking its header.
func (w *pageWalker) readPage(bucket string, id uint64) []byte {
	if id < 2 || id >= w.hwm {
		w.damage(bucket, id, fmt.Sprintf("page id out of range [2, %d)", w.hwm))
		return nil
	}
	if owner, dup := w.seen[id]; dup {
		w.damage(bucket, id, "page referenced twice (also by "+orStructure(owner)+")")
		return nil
	}
	w.seen[id] = bucket
	hdr := make([]byte, pgHeaderSize)
	if _, err := w.r.ReadAt(hdr, int64(id)*w.pageSize); err != nil {
		w.damage(bucket, id, "read: "+err.Error())
		return nil
	}
	le := binary.LittleEndian
	if got := le.Uint64(hdr); got != id {
		w.damage(bucket, id, fmt.Sprintf("page header says it is page %d (overwritten header)", got))
		return nil
	}
	if fl := le.Uint16(hdr[8:]); fl != pgBranch && fl != pgLeaf {
		w.damage(bucket, id, fmt.Sprintf("page type %#x where a branch or leaf page was expected (overwritten header)", fl))
		return nil
	}
	span := (int64(le.Uint32(hdr[12:])) + 1) * w.pageSize
	if uint64(id)+uint64(le.Uint32(hdr[12:])) >= w.hwm || int64(id)*w.pageSize+span > w.size {
		w.damage(bucket, id, fmt.Sprintf("overflow of %d pages runs past the end of the file", le.Uint32(hdr[12:])))
		return nil
	}
	buf := make([]byte, span)
	if _, err := w.r.ReadAt(buf, int64(id)*w.pageSize); err != nil {
		w.damage(bucket, id, "read: "+err.Error())
		return nil
	}
	for i := uint64(1); i <= uint64(le.Uint32(hdr[12:])); i++ {
		w.seen[id+i] = bucket
	}
	w.rep.Pages++
	return buf
}

func orStructure(b string) string {
	if b == "" {
		return "the bucket directory"
	}
	return "bucket " + b
}

// leafFunc receives each key of a bucket's tree: its name, key, value, the
// element's flags and the page holding it.
type leafFunc func(bucket string, k, v []byte, flags uint32, pgid uint64)

// walkTree visits the tree rooted at page id (or, when page is not nil, the
// inline page it holds), calling leaf for each key in order. Keys must be
// sorted across the whole tree.
func (w *pageWalker) walkTree(bucket string, id uint64, depth int, page []byte, leaf leafFunc) {
	var last []byte
	w.walkPage(bucket, id, depth, page, &last, leaf)
}

func (w *pageWalker) walkPage(bucket string, id uint64, depth int, page []byte, last *[]byte, leaf leafFunc) {
	if depth > maxTreeDepth {
		w.damage(bucket, id, "tree deeper than any real database (cycle)")
		return
	}
	if page == nil {
		if page = w.readPage(bucket, id); page == nil {
			return
		}
	}
	le := binary.LittleEndian
	flags, count := le.Uint16(page[8:]), int(le.Uint16(page[10:]))
	if pgHeaderSize+count*pgElemSize > len(page) {
		w.damage(bucket, id, fmt.Sprintf("page counts %d elements, more than fit (overwritten header)", count))
		return
	}
	if flags == pgBranch && count == 0 {
		w.damage(bucket, id, "branch page without children")
		return
	}
	for i := 0; i < count; i++ {
		at := pgHeaderSize + i*pgElemSize
		e := page[at : at+pgElemSize]
		var pos, ksize, vsize uint64
		var eflags uint32
		if flags == pgBranch {
			pos, ksize = uint64(le.Uint32(e[0:])), uint64(le.Uint32(e[4:]))
		} else {
			eflags, pos, ksize, vsize = le.Uint32(e[0:]), uint64(le.Uint32(e[4:])), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
		}
		start := uint64(at) + pos
		if start+ksize+vsize > uint64(len(page)) {
			w.damage(bucket, id, fmt.Sprintf("element %d: key of %d and value of %d bytes at offset %d run past the page's %d bytes (overwritten length)", i, ksize, vsize, pos, len(page)))
			return
		}
		k := page[start : start+ksize]
		if flags == pgBranch {
			// A branch key is its child's first key: the walk of the child
			// checks the order.
			w.walkPage(bucket, le.Uint64(e[8:]), depth+1, nil, last, leaf)
			continue
		}
		if *last != nil && bytes.Compare(k, *last) <= 0 {
			w.damage(bucket, id, fmt.Sprintf("element %d: key out of order", i))
			return
		}
		*last = append((*last)[:0], k...)
		leaf(bucket, k, page[start+ksize:start+ksize+vsize], eflags, id)
	}
}

// bucket walks the bucket whose header is v (found on page pgid) under the
// top-level bucket name top.
func (w *pageWalker) bucket(top string, v []byte, pgid uint64) {
	if len(v) < bucketHdrSize {
		w.damage(top, pgid, fmt.Sprintf("bucket header of %d bytes", len(v)))
		return
	}
	root := binary.LittleEndian.Uint64(v)
	var inline []byte
	if root == 0 {
		inline = v[bucketHdrSize:]
		if len(inline) < pgHeaderSize {
			w.damage(top, pgid, "inline bucket without a page")
			return
		}
		if fl := binary.LittleEndian.Uint16(inline[8:]); fl != pgLeaf {
			w.damage(top, pgid, fmt.Sprintf("inline bucket page of type %#x", fl))
			return
		}
	}
	w.walkTree(top, root, 0, inline, func(name string, k, v []byte, flags uint32, id uint64) {
		if flags&bucketLeafFlag != 0 {
			w.bucket(top, v, id) // nested buckets count as their top-level bucket
		}
	})
}

// CorruptError says that a database file is damaged: which file, which
// top-level buckets hold damaged pages (when known), and the first
// problem. errors.Is(err, ErrCorrupt) is true.
type CorruptError struct {
	Path    string
	Buckets []string // damaged buckets; empty when not known (a panic caught while reading)
	Detail  string
}

func (e *CorruptError) Error() string {
	var b strings.Builder
	b.WriteString("tickets: database file ")
	b.WriteString(e.Path)
	b.WriteString(" is damaged")
	if len(e.Buckets) > 0 {
		b.WriteString(" (buckets: " + strings.Join(e.Buckets, ", ") + ")")
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// IsCorrupt reports whether err says a database file is damaged.
func IsCorrupt(err error) bool { return errors.Is(err, ErrCorrupt) }

// Check is CheckFile on the store's own database, safe while the store is
// in use: a consistent snapshot is copied (one read transaction, as
// Backup; the copy does not interpret pages) into a temporary file beside
// the database, walked and removed. The report names the database's path.
func (s *Store) Check() (CheckReport, error) {
	path := s.db.Path()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".check-*.db")
	if err != nil {
		return CheckReport{Path: path}, fmt.Errorf("tickets: check: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = s.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return CheckReport{Path: path}, fmt.Errorf("tickets: check: snapshot: %w", err)
	}
	rep, err := CheckFile(tmp.Name())
	rep.Path = path
	return rep, err
}
