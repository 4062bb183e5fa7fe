package tickets_test

import (
	"path/filepath"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

// BenchmarkCheckFile100k is the page walk OpenDB does at every start, on
// a file of 100,000 tickets: what the damaged-file check adds to start-up.
func BenchmarkCheckFile100k(b *testing.B) {
	s, dir := openStore(b, tickets.Options{})
	fill100k(b, s)
	path := filepath.Join(dir, tickets.DBFile)
	pages := 0
	for b.Loop() {
		rep, err := tickets.CheckFile(path)
		if err != nil || len(rep.Damaged) > 0 {
			b.Fatalf("%v %+v", err, rep.Damaged)
		}
		pages = rep.Pages
	}
	b.ReportMetric(float64(pages), "pages")
}
