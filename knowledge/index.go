package knowledge

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrIndexLocked is returned by Open when another process holds the index
// open (bleve locks it) and the lock was not released within a few seconds.
var ErrIndexLocked = errors.New("knowledge: index is locked by another process")

// ErrClosed is returned by Search and Reload after Close.
var ErrClosed = errors.New("knowledge: index is closed")

// Names inside the data directory.
const (
	indexDirName    = "index"
	manifestName    = "index.manifest.json"
	buildDirPattern = "index-build-*"
	batchSize       = 1000
	lockTimeout     = "5s"
)

// Index is the searchable knowledge base: a bleve index built from entries,
// with the entries themselves kept in memory to fill hits. It is safe for
// concurrent use by many goroutines; Close it when done.
type Index struct {
	dataDir string // "" for a memory-only index
	now     func() time.Time
	// progress is OpenOptions.Progress while Open builds; nil after.
	progress func(done, total int)

	// mu guards st. Search holds the read lock for its whole run, so that
	// Reload and Close never close the bleve index under a running search;
	// they take the write lock only to swap.
	mu sync.RWMutex
	st *state
}

// state is one built index and what search needs beside it. It is never
// changed after it is made; Reload replaces it whole.
type state struct {
	bi      bleve.Index
	entries map[string]*Entry
	ids     []string       // entry IDs in load order
	df      map[string]int // folded term → number of entries holding it
	dfAcc   map[string]int // syllable with marks → number of entries holding it
	// bigrams holds every folded bigram of the entries: a filler word
	// that forms one with its neighbour ("bị" in "thiết bị") is a word
	// of the topic.
	bigrams map[string]bool
	// restore maps a folded bigram to its most frequent spelling with
	// marks in the entries, so a question typed without marks can use the
	// accent-preserving fields too.
	restore  map[string]restoration
	profiles map[string]*profile // entry ID → what the rerank knows of it
	vocab    map[string]uint32   // folded syllable or compound → ID (from 1)
	vocabIDF []float64           // ID → idf
	hash     string
	builtAt  time.Time
	loadErrs []LoadError
}

// Stats describes the index for `supportbot kb stats`.
type Stats struct {
	Entries         int            `json:"entries"`
	ByLang          map[string]int `json:"by_lang"`
	ByTopic         map[string]int `json:"by_topic"`
	ByDocument      map[string]int `json:"by_document"`
	SizeBytes       int64          `json:"size_bytes"` // on disk; 0 for a memory-only index
	BuiltAt         time.Time      `json:"built_at"`
	AnalyzerVersion int            `json:"analyzer_version"`
	LoadErrors      int            `json:"load_errors"`
}

// manifest is stored beside the index and says what it was built from.
type manifest struct {
	AnalyzerVersion int       `json:"analyzer_version"`
	Hash            string    `json:"hash"` // covers AnalyzerVersion too
	Entries         int       `json:"entries"`
	BuiltAt         time.Time `json:"built_at"`
}

// Open loads the knowledge files of fsys (see LoadDir) and opens the index
// in dataDir/index, rebuilding it when the files (the path and content of
// every file) or AnalyzerVersion changed since it was built: removed files
// leave the index, changed ones are re-read. Files that fail to load are
// reported by LoadErrors; every other file is served. Errors:
// ErrIndexLocked, or a wrapped I/O or bleve error.
func Open(dataDir string, fsys fs.FS) (*Index, error) {
	return OpenWith(dataDir, fsys, OpenOptions{})
}

// OpenOptions tune OpenWith; the zero value works.
type OpenOptions struct {
	// Progress, when set, is told how far a build of the index has got:
	// done of total entries indexed, first with done 0, last with done ==
	// total. It is called only when the index is (re)built, from the
	// goroutine that called OpenWith, and must not block for long.
	Progress func(done, total int)
}

// OpenWith is Open with options: a progress report while the index is
// built (the first start on a machine takes a while).
func OpenWith(dataDir string, fsys fs.FS, opts OpenOptions) (*Index, error) {
	hash, err := hashFS(fsys)
	if err != nil {
		return nil, err
	}
	entries, loadErrs := LoadDir(fsys)
	ix := &Index{dataDir: dataDir, now: time.Now, progress: opts.Progress}
	st, err := ix.openOrBuild(entries, hash)
	ix.progress = nil
	if err != nil {
		return nil, err
	}
	st.loadErrs = loadErrs
	ix.st = st
	return ix, nil
}

// Reload re-reads the knowledge files of fsys and, when they changed,
// rebuilds the index and swaps it in. Searches keep being answered from the
// old index while the new one is built. On error the old index stays in
// service unless the error came after it was closed for the swap. Errors:
// ErrClosed, or a wrapped I/O or bleve error.
func (ix *Index) Reload(fsys fs.FS) error {
	hash, err := hashFS(fsys)
	if err != nil {
		return err
	}
	entries, loadErrs := LoadDir(fsys)
	return ix.reloadEntries(entries, hash, loadErrs)
}

// OpenEntries opens the index in dataDir/index for the given entries,
// building it (into a temporary directory, then renamed into place) when it
// is missing, unreadable, or was built from other entries or another
// AnalyzerVersion. Errors: ErrIndexLocked, or a wrapped I/O or bleve error.
func OpenEntries(dataDir string, entries []Entry) (*Index, error) {
	ix := &Index{dataDir: dataDir, now: time.Now}
	st, err := ix.openOrBuild(entries, hashEntries(entries))
	if err != nil {
		return nil, err
	}
	ix.st = st
	return ix, nil
}

// NewMemIndex builds a memory-only index of entries, for tests and the
// eval. It searches exactly like an on-disk one.
func NewMemIndex(entries []Entry) (*Index, error) {
	ix := &Index{now: time.Now}
	st, err := ix.buildMem(entries)
	if err != nil {
		return nil, err
	}
	ix.st = st
	return ix, nil
}

// NewMemIndexFS loads the knowledge files of fsys and builds a memory-only
// index of them, keeping the load errors (LoadErrors, Stats) as Open does:
// for reading a knowledge folder while another process holds the data
// directory's on-disk index.
func NewMemIndexFS(fsys fs.FS) (*Index, error) {
	entries, loadErrs := LoadDir(fsys)
	ix, err := NewMemIndex(entries)
	if err != nil {
		return nil, err
	}
	ix.st.loadErrs = loadErrs
	return ix, nil
}

// Close closes the bleve index. It waits for running searches; later calls
// to Search and Reload return ErrClosed. Closing twice is a no-op.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.st == nil {
		return nil
	}
	err := ix.st.bi.Close()
	ix.st = nil
	if err != nil {
		return fmt.Errorf("knowledge: close index: %w", err)
	}
	return nil
}

// LoadErrors returns the files (path:line) that could not be loaded by the
// last Open or Reload; every other file is served.
func (ix *Index) LoadErrors() []LoadError {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return nil
	}
	return slices.Clone(ix.st.loadErrs)
}

// Stats counts the entries by language, topic and document.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{ByLang: map[string]int{}, ByTopic: map[string]int{}, ByDocument: map[string]int{}, AnalyzerVersion: AnalyzerVersion}
	if ix.st == nil {
		return s
	}
	s.Entries = len(ix.st.entries)
	s.BuiltAt = ix.st.builtAt
	s.LoadErrors = len(ix.st.loadErrs)
	for _, e := range ix.st.entries {
		s.ByLang[cmp.Or(e.Lang, "?")]++
		s.ByTopic[cmp.Or(e.Topic, "?")]++
		if e.Document != "" {
			s.ByDocument[e.Document]++
		}
	}
	if ix.dataDir != "" {
		s.SizeBytes = dirSize(filepath.Join(ix.dataDir, indexDirName))
	}
	return s
}

// reloadEntries rebuilds from entries when they differ from the current
// ones and swaps the new index in. Searches keep running on the old index
// while the new one is built; they wait only for the swap.
func (ix *Index) reloadEntries(entries []Entry, hash string, loadErrs []LoadError) error {
	ix.mu.RLock()
	cur := ix.st
	ix.mu.RUnlock()
	if cur == nil {
		return ErrClosed
	}
	if cur.hash == hash {
		ix.mu.Lock()
		if ix.st != nil {
			next := *ix.st
			next.loadErrs = loadErrs
			ix.st = &next
		}
		ix.mu.Unlock()
		return nil
	}
	if ix.dataDir == "" {
		st, err := ix.buildMem(entries)
		if err != nil {
			return err
		}
		st.hash, st.loadErrs = hash, loadErrs
		ix.mu.Lock()
		old := ix.st
		ix.st = st
		ix.mu.Unlock()
		if old != nil {
			_ = old.bi.Close() // a memory index: nothing to lose
		}
		return nil
	}
	tmp, err := ix.buildDisk(entries)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(tmp))
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.st == nil {
		return ErrClosed
	}
	if err := ix.st.bi.Close(); err != nil {
		return fmt.Errorf("knowledge: close old index: %w", err)
	}
	ix.st.bi = nil
	st, err := ix.install(tmp, entries, hash)
	if err != nil {
		ix.st = nil
		return err
	}
	st.loadErrs = loadErrs
	ix.st = st
	return nil
}

// openOrBuild opens dataDir/index when the manifest matches hash, and
// builds it otherwise.
func (ix *Index) openOrBuild(entries []Entry, hash string) (*state, error) {
	if err := os.MkdirAll(ix.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("knowledge: create data dir: %w", err)
	}
	path := filepath.Join(ix.dataDir, indexDirName)
	if m, err := readManifest(ix.dataDir); err == nil && m.Hash == hash {
		bi, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": lockTimeout})
		if err == nil {
			st := newState(bi, entries)
			st.hash, st.builtAt = hash, m.BuiltAt
			return st, nil
		}
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("knowledge: open %s: %w", path, ErrIndexLocked)
		}
		// Unreadable (corrupt, half-written): rebuild below.
	}
	// Leftovers of a build that crashed.
	old, _ := filepath.Glob(filepath.Join(ix.dataDir, buildDirPattern))
	for _, d := range old {
		_ = os.RemoveAll(d)
	}
	tmp, err := ix.buildDisk(entries)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(filepath.Dir(tmp))
	return ix.install(tmp, entries, hash)
}

// idf is BM25's inverse document frequency of a folded term.
func (st *state) idf(term string) float64 { return st.idfOf(st.df[term]) }

// idfAcc is idf for a syllable with its marks ("nguyện", not "nguyen").
func (st *state) idfAcc(term string) float64 { return st.idfOf(st.dfAcc[term]) }

// maxIDF is the idf of a term no entry holds.
func (st *state) maxIDF() float64 { return st.idfOf(0) }

func (st *state) idfOf(df int) float64 {
	n := float64(len(st.entries))
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}
