package knowledge_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/mostvn/supportbot/knowledge"
)

func kbFile(id, title, body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitle: " + title +
		"\nlang: vi\ntopic: radiation\nsource: https://example.org/" + id + "\n---\n\n" + body + "\n")}
}

func starterFS() fstest.MapFS {
	return fstest.MapFS{
		"vi/xquang.md":  kbFile("xquang", "Khai báo thiết bị X-quang", "Khai báo thiết bị X-quang chẩn đoán y tế trong thời hạn 07 ngày làm việc."),
		"vi/baocao.md":  kbFile("baocao", "Báo cáo định kỳ", "Ủy ban nhân dân cấp tỉnh gửi báo cáo định kỳ chậm nhất vào ngày 25 của tháng cuối kỳ báo cáo."),
		"vi/broken.md":  {Data: []byte("---\nid: [unclosed\n---\nbody\n")},
		"vi/nd132.md":   kbFile("nd132", "Nghị định 132/2025/NĐ-CP", "Nghị định 132/2025/NĐ-CP có hiệu lực từ 1/7/2025 đến 1/3/2027."),
		"vi/README.md":  {Data: []byte("# not an entry\n")},
		"vi/x/empty.md": kbFile("empty", "Trống", "Nội dung trống."),
	}
}

func open(t *testing.T, dir string, fsys fstest.MapFS) *knowledge.Index {
	t.Helper()
	ix, err := knowledge.Open(dir, fsys)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// markIndex leaves a file inside the built index: it survives a reopen
// and disappears with a rebuild.
func markIndex(t *testing.T, dir string) string {
	t.Helper()
	marker := filepath.Join(dir, "index", "test-marker")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return marker
}

func rebuilt(marker string) bool {
	_, err := os.Stat(marker)
	return errors.Is(err, os.ErrNotExist)
}

func ids(t *testing.T, ix *knowledge.Index, q string) map[string]bool {
	t.Helper()
	res, err := ix.Search(context.Background(), q, knowledge.Options{Limit: 10})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	out := map[string]bool{}
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out
}

func TestOpenServesGoodFilesAndReportsBadOnes(t *testing.T) {
	ix := open(t, t.TempDir(), starterFS())
	if !ids(t, ix, "ND132")["nd132"] || !ids(t, ix, "xquang")["xquang"] {
		t.Error("good files are not searchable")
	}
	errs := ix.LoadErrors()
	if len(errs) != 1 || errs[0].Path != "vi/broken.md" || errs[0].Line == 0 {
		t.Errorf("LoadErrors = %v, want one for vi/broken.md with its line", errs)
	}
	st := ix.Stats()
	if st.Entries != 4 || st.ByLang["vi"] != 4 || st.ByTopic["radiation"] != 4 || st.SizeBytes == 0 || st.BuiltAt.IsZero() || st.LoadErrors != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestOpenRebuildsOnlyWhenFilesChange(t *testing.T) {
	dir := t.TempDir()
	fsys := starterFS()
	ix := open(t, dir, fsys)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	marker := markIndex(t, dir)

	// Unchanged: the index is reused.
	ix = open(t, dir, fsys)
	if rebuilt(marker) {
		t.Fatal("index rebuilt although no file changed")
	}
	ix.Close()

	// A changed file: rebuilt, and the new text is found.
	fsys["vi/xquang.md"] = kbFile("xquang", "Khai báo thiết bị X-quang", "Khai báo máy PET/CT chẩn đoán.")
	ix = open(t, dir, fsys)
	if !rebuilt(marker) {
		t.Fatal("index not rebuilt after a file changed")
	}
	if !ids(t, ix, "PET/CT")["xquang"] {
		t.Error("changed text not found")
	}
	ix.Close()

	// A removed file leaves the index.
	marker = markIndex(t, dir)
	delete(fsys, "vi/nd132.md")
	ix = open(t, dir, fsys)
	if !rebuilt(marker) {
		t.Fatal("index not rebuilt after a file was removed")
	}
	if ids(t, ix, "132/2025/NĐ-CP")["nd132"] {
		t.Error("removed entry still found")
	}
	if n := ix.Stats().Entries; n != 3 {
		t.Errorf("Stats.Entries = %d, want 3", n)
	}
}

func TestOpenEntriesRebuildsWhenEntriesChange(t *testing.T) {
	dir := t.TempDir()
	a := knowledge.Entry{ID: "a", Title: "Khai báo X-quang", Text: "Khai báo thiết bị X-quang."}
	ix, err := knowledge.OpenEntries(dir, []knowledge.Entry{a})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	marker := markIndex(t, dir)
	ix, err = knowledge.OpenEntries(dir, []knowledge.Entry{a})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if rebuilt(marker) {
		t.Fatal("rebuilt with the same entries")
	}
	a.Text = "Khai báo máy PET/CT."
	ix, err = knowledge.OpenEntries(dir, []knowledge.Entry{a})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !rebuilt(marker) || !ids(t, ix, "PET/CT")["a"] {
		t.Error("not rebuilt with the changed entry")
	}
}

func TestOpenTwiceFailsWithErrIndexLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for bleve's lock timeout")
	}
	dir := t.TempDir()
	open(t, dir, starterFS())
	if _, err := knowledge.Open(dir, starterFS()); !errors.Is(err, knowledge.ErrIndexLocked) {
		t.Fatalf("second Open: error = %v, want ErrIndexLocked", err)
	}
	// The first index still works: the second Open did not rebuild it away.
}

func TestReloadSwapsWhileSearching(t *testing.T) {
	dir := t.TempDir()
	fsys := starterFS()
	ix := open(t, dir, fsys)

	changed := starterFS()
	changed["vi/new.md"] = kbFile("new", "Chứng chỉ nhân viên an toàn bức xạ", "Cấp chứng chỉ nhân viên phụ trách an toàn bức xạ.")

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := ix.Search(context.Background(), "báo cáo định kỳ", knowledge.Options{})
				if err != nil || len(res.Hits) == 0 {
					errs <- errors.Join(err, errors.New("no hits during reload"))
					return
				}
			}
		}()
	}
	reloadErr := ix.Reload(changed)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("search during reload: %v", err)
	}
	if reloadErr != nil {
		t.Fatalf("Reload: %v", reloadErr)
	}
	if !ids(t, ix, "chứng chỉ nhân viên an toàn bức xạ")["new"] {
		t.Error("new entry not found after Reload")
	}
	// The reloaded index is the one on disk: reopening does not rebuild.
	ix.Close()
	marker := markIndex(t, dir)
	open(t, dir, changed)
	if rebuilt(marker) {
		t.Error("Open after Reload rebuilt the index again")
	}
}
