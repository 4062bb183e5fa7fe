package knowledge

import (
	"context"
	"os"
	"testing"
	"fmt"
)

func TestZZFail(t *testing.T) {
	if os.Getenv("SUPPORTBOT_TUNE") == "" { t.Skip() }
	ds, _ := LoadBEIR("../../shared/bench/" + os.Getenv("SUPPORTBOT_TUNE"))
	entries := make([]Entry, len(ds.Docs))
	byID := map[string]string{}
	for i, d := range ds.Docs {
		entries[i] = Entry{ID: d.ID, Title: d.Title, Text: d.Text}
		byID[d.ID] = d.Text
	}
	ix, _ := NewMemIndex(entries)
	n := 0
	for _, q := range ds.Queries {
		rel := ds.Qrels[q.ID]
		res, _ := ix.Search(context.Background(), q.Text, Options{Limit: 10})
		if len(res.Hits) > 0 && rel[res.Hits[0].ID] > 0 { continue }
		n++
		if n > 25 { break }
		var relID string
		for id := range rel { relID = id }
		rank := -1
		for i, h := range res.Hits { if h.ID == relID { rank = i } }
		fmt.Printf("Q: %s\n  rank=%d want %s (%d bytes): %.150q\n  got %s (%d bytes): %.150q\n\n", q.Text, rank, relID, len(byID[relID]), byID[relID], res.Hits[0].ID, len(res.Hits[0].Text), res.Hits[0].Text)
	}
}
