package tickets_test

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// newScrubFixture opens a fresh data directory's database (closed at
// cleanup) holding live live values, and returns the directory and it.
func newScrubFixture(t testing.TB, live int) (string, *bolt.DB) {
	t.Helper()
	dir := t.TempDir()
	db := openScrubDB(t, dir)
	putLive(t, db, live)
	return dir, db
}

// assertScrubbed fails the test when the database file in dir still holds
// any of needles (the message starts with when, e.g. "after the scrub "),
// then checks the tree and that the first live values are intact.
func assertScrubbed(t testing.TB, db *bolt.DB, dir, when string, live int, needles ...string) {
	t.Helper()
	if found := fileHolds(t, dir, needles...); len(found) > 0 {
		t.Fatalf("%sthe file still holds %q", when, found)
	}
	checkTree(t, db)
	assertLive(t, db, live)
}
