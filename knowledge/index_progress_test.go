package knowledge_test

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/mostvn/supportbot/knowledge"
)

// Building the index on a fresh machine showed nothing for a while.
// OpenWith tells Progress how far the build got, from 0 to every entry,
// and says nothing when the built index is opened as is.
func TestOpenWithReportsBuildProgress(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 120 {
		fsys[fmt.Sprintf("e%03d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\nid: e%03d\ntitle: Mục %d\nlang: vi\nsource: https://example.org/%d\n---\nNội dung số %d về an toàn bức xạ.\n", i, i, i, i))}
	}
	dir := t.TempDir()
	var calls [][2]int
	ix, err := knowledge.OpenWith(dir, fsys, knowledge.OpenOptions{Progress: func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if len(calls) < 3 || calls[0] != [2]int{0, 120} || calls[len(calls)-1] != [2]int{120, 120} {
		t.Fatalf("progress calls %v, want 0/120 … 120/120 in several steps", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Fatalf("progress went back: %v", calls)
		}
	}
	calls = nil
	ix, err = knowledge.OpenWith(dir, fsys, knowledge.OpenOptions{Progress: func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if len(calls) != 0 {
		t.Errorf("opening the built index reported progress %v", calls)
	}
}
