package knowledge

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// An index built by another analyzer version is rebuilt on Open.
func TestOpenRebuildsWhenAnalyzerVersionChanges(t *testing.T) {
	dir := t.TempDir()
	fsys := fstest.MapFS{"vi/a.md": {Data: []byte("---\nid: a\ntitle: A\nlang: vi\nsource: https://example.org/a\n---\n\nKhai báo X-quang.\n")}}
	ix, err := Open(dir, fsys)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()

	// Pretend the index on disk came from the previous chain.
	old, err := hashFSVersion(fsys, AnalyzerVersion-1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.AnalyzerVersion, m.Hash = AnalyzerVersion-1, old
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, manifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, indexDirName, "test-marker")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	ix, err = Open(dir, fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("index from an older analyzer version was not rebuilt")
	}
	if m, _ := readManifest(dir); m.AnalyzerVersion != AnalyzerVersion {
		t.Errorf("manifest version = %d, want %d", m.AnalyzerVersion, AnalyzerVersion)
	}
}
