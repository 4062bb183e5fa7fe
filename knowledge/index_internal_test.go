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

// The words the snippet marks are those the analysis of the text alone
// gives, with the same offsets.
func TestProfileWordsAreTheTextsWords(t *testing.T) {
	entries := []Entry{
		{ID: "a", Title: "Khai báo X-quang", Keywords: []string{"QĐ 1915", "x quang"}, Document: "Quyết định 1915/QĐ-BKHCN",
			Text: "Theo Quyết định 1915/QĐ-BKHCN, Sở KH&CN tiếp nhận hồ sơ X-quang trong 07 ngày; lệ phí 1.000,5 đồng."},
		{ID: "b", Title: "Hoà giải", Text: "Cơ quan ho\u0300a gia\u0309i (NFD) cấp xã.\nĐiều 5."},
		{ID: "c", Title: "", Text: "\u0301lạ: https://example.org/a-b/c_d?x=1"},
	}
	ix, err := NewMemIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, e := range entries {
		want := foldedWords([]byte(e.Text))
		got := ix.st.profiles[e.ID].words
		if len(got) != len(want) {
			t.Fatalf("%s: %d words, want %d", e.ID, len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if int(g.start) != w.Start || int(g.end) != w.End || ix.st.vocab[string(w.Term)] != g.id {
				t.Errorf("%s: word %d = %+v, want %q at %d-%d", e.ID, i, g, w.Term, w.Start, w.End)
			}
		}
	}
}
