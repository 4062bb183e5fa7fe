package knowledge_test

import (
	"testing"
	"testing/fstest"

	"github.com/mostvn/supportbot/knowledge"
)

// A memory index of a folder reports its malformed files like Open does.
func TestNewMemIndexFSKeepsLoadErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"good.md": {Data: []byte("---\nid: good\ntitle: Tốt\nlang: vi\nsource: https://example.org/a\n---\nNội dung về an toàn bức xạ.\n")},
		"bad.md":  {Data: []byte("---\nid: bad\ntitle: [oops\nlang: vi\n---\nNội dung.\n")},
	}
	ix, err := knowledge.NewMemIndexFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if st := ix.Stats(); st.Entries != 1 || st.LoadErrors != 1 {
		t.Errorf("stats: %d entries, %d load errors; want 1 and 1", st.Entries, st.LoadErrors)
	}
	if les := ix.LoadErrors(); len(les) != 1 || les[0].Path != "bad.md" || les[0].Line != 3 {
		t.Errorf("load errors %v, want bad.md:3", les)
	}
}
