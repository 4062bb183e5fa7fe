package knowledge

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// buildDisk builds a closed index of entries in a fresh temporary directory
// inside dataDir and returns its path.
func (ix *Index) buildDisk(entries []Entry) (string, error) {
	dir, err := os.MkdirTemp(ix.dataDir, buildDirPattern)
	if err != nil {
		return "", fmt.Errorf("knowledge: build index: %w", err)
	}
	path := filepath.Join(dir, indexDirName)
	bi, err := bleve.New(path, newMapping())
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("knowledge: build index: %w", err)
	}
	if err := indexAll(bi, entries, ix.progress); err != nil {
		bi.Close()
		os.RemoveAll(dir)
		return "", err
	}
	if err := bi.Close(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("knowledge: build index: close: %w", err)
	}
	return path, nil
}

// install replaces dataDir/index with the built index at tmp, records the
// manifest and opens the result. A crash between the steps leaves either no
// index or a manifest that does not match, so the next Open rebuilds.
func (ix *Index) install(tmp string, entries []Entry, hash string) (*state, error) {
	path := filepath.Join(ix.dataDir, indexDirName)
	_ = os.Remove(filepath.Join(ix.dataDir, manifestName))
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("knowledge: remove old index: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("knowledge: install index: %w", err)
	}
	built := ix.now().UTC()
	if err := writeManifest(ix.dataDir, manifest{AnalyzerVersion: AnalyzerVersion, Hash: hash, Entries: len(entries), BuiltAt: built}); err != nil {
		return nil, err
	}
	bi, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": lockTimeout})
	if err != nil {
		return nil, fmt.Errorf("knowledge: open new index: %w", err)
	}
	st := newState(bi, entries)
	st.hash, st.builtAt = hash, built
	return st, nil
}

func (ix *Index) buildMem(entries []Entry) (*state, error) {
	// scorch with an empty path keeps its segments in memory. (NewMemOnly
	// would give the older upsidedown index: many times slower, and without
	// BM25, so it would not search like the on-disk index.)
	bi, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("knowledge: build index: %w", err)
	}
	if err := indexAll(bi, entries, nil); err != nil {
		bi.Close()
		return nil, err
	}
	st := newState(bi, entries)
	st.hash, st.builtAt = hashEntries(entries), ix.now().UTC()
	return st, nil
}

// indexAll indexes entries in batches, telling progress (when not nil)
// after each; with progress the batches are smaller (about 2 % of the
// entries, at least progressBatch), so that it moves.
func indexAll(bi bleve.Index, entries []Entry, progress func(done, total int)) error {
	unique := uniqueEntries(entries)
	size := batchSize
	if progress != nil {
		size = min(batchSize, max(progressBatch, len(unique)/50))
		progress(0, len(unique))
	}
	b := bi.NewBatch()
	for i, e := range unique {
		if err := b.Index(e.ID, document(e)); err != nil {
			return fmt.Errorf("knowledge: index entry %q: %w", e.ID, err)
		}
		if (i+1)%size == 0 {
			if err := bi.Batch(b); err != nil {
				return fmt.Errorf("knowledge: index batch: %w", err)
			}
			b = bi.NewBatch()
			if progress != nil {
				progress(i+1, len(unique))
			}
		}
	}
	if b.Size() > 0 {
		if err := bi.Batch(b); err != nil {
			return fmt.Errorf("knowledge: index batch: %w", err)
		}
	}
	if progress != nil && len(unique)%size != 0 {
		progress(len(unique), len(unique))
	}
	return nil
}

// progressBatch is the smallest batch indexAll makes to report progress.
const progressBatch = 20

// uniqueEntries gives every entry an ID (its path, or its place) and keeps
// the first of entries sharing one.
func uniqueEntries(entries []Entry) []Entry {
	seen := make(map[string]bool, len(entries))
	out := make([]Entry, 0, len(entries))
	for i, e := range entries {
		if e.ID == "" {
			e.ID = cmp.Or(e.Path, "entry-"+strconv.Itoa(i+1))
		}
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		out = append(out, e)
	}
	return out
}

// restoration is the usual spelling with marks of a folded bigram.
type restoration struct {
	accented string
	share    float64 // of the bigram's occurrences that use this spelling
}

// newState keeps the entries and counts, for each folded term, the entries
// holding it (the verdict weighs query terms by rarity with it), and learns
// how the entries spell each bigram with marks.
func newState(bi bleve.Index, entries []Entry) *state {
	st := &state{bi: bi, entries: make(map[string]*Entry, len(entries)), df: map[string]int{}, dfAcc: map[string]int{}, bigrams: map[string]bool{}, profiles: make(map[string]*profile, len(entries)), vocab: map[string]uint32{}}
	spellings := map[string]int{} // accented bigram → occurrences
	for _, e := range uniqueEntries(entries) {
		st.entries[e.ID] = &e
		pr := newProfile(&e, st.vocab)
		st.profiles[e.ID] = &pr
		st.ids = append(st.ids, e.ID)
		seen := map[string]bool{}
		for _, t := range accentAnalyzer.Analyze([]byte(e.Title + "\n" + strings.Join(e.Keywords, "\n") + "\n" + e.Document + "\n" + e.Text)) {
			term := string(t.Term)
			if t.Type == typeBigram {
				if !isASCII(term) {
					spellings[term]++
				}
				st.bigrams[fold(term)] = true
				continue
			}
			if !isASCII(term) && !seen["\x00"+term] {
				seen["\x00"+term] = true
				st.dfAcc[term]++
				pr.acc = append(pr.acc, hashTerm(term))
			}
			if term = fold(term); !seen[term] {
				seen[term] = true
				st.df[term]++
			}
		}
	}
	for _, pr := range st.profiles {
		slices.Sort(pr.acc)
	}
	st.vocabIDF = make([]float64, len(st.vocab)+1)
	for term, id := range st.vocab {
		st.vocabIDF[id] = st.idf(term)
	}
	type best struct {
		accented     string
		count, total int
	}
	byFolded := map[string]*best{}
	for acc, n := range spellings {
		f := fold(acc)
		b := byFolded[f]
		if b == nil {
			b = &best{}
			byFolded[f] = b
		}
		b.total += n
		if n > b.count || (n == b.count && acc < b.accented) {
			b.accented, b.count = acc, n
		}
	}
	st.restore = make(map[string]restoration, len(byFolded))
	for f, b := range byFolded {
		st.restore[f] = restoration{b.accented, float64(b.count) / float64(b.total)}
	}
	return st
}

// hashEntries hashes what the index is built from, with AnalyzerVersion.
func hashEntries(entries []Entry) string {
	h := sha256.New()
	fmt.Fprintf(h, "analyzer %d\n", AnalyzerVersion)
	enc := json.NewEncoder(h)
	for _, e := range entries {
		_ = enc.Encode(e) // a hash.Hash never fails to write
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hashFS hashes the path and content of every file in fsys, with
// AnalyzerVersion: any added, changed or removed file changes it, and so
// does a new analysis chain.
func hashFS(fsys fs.FS) (string, error) { return hashFSVersion(fsys, AnalyzerVersion) }

func hashFSVersion(fsys fs.FS, version int) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "analyzer %d\n", version)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("knowledge: hash knowledge files: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readManifest(dataDir string) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(filepath.Join(dataDir, manifestName))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("knowledge: read manifest: %w", err)
	}
	return m, nil
}

// writeManifest writes the manifest through a temporary file and a rename,
// so a crash never leaves half a manifest.
func writeManifest(dataDir string, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("knowledge: write manifest: %w", err)
	}
	tmp := filepath.Join(dataDir, manifestName+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("knowledge: write manifest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dataDir, manifestName)); err != nil {
		return fmt.Errorf("knowledge: write manifest: %w", err)
	}
	return nil
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
