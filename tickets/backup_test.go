package tickets_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func TestBackupWhileWritingThenRestore(t *testing.T) {
	s, dir := openStore(t, tickets.Options{})
	for i := range 50 {
		create(t, s, question(fmt.Sprintf("Câu hỏi %d", i)))
	}
	// Writers keep creating while the backup runs.
	var wg, started sync.WaitGroup
	started.Add(4)
	for w := range 4 {
		wg.Go(func() {
			signalled := false
			signal := func() { // the backup starts once every writer is under way
				if !signalled {
					signalled = true
					started.Done()
				}
			}
			defer signal() // even if a write fails first
			for i := range 50 {
				if i == 1 {
					signal()
				}
				n := question("Trong lúc sao lưu")
				n.Source = fmt.Sprintf("w%d:%d", w, i)
				if _, _, err := s.Create(n); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	started.Wait()
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	wg.Wait()

	// The live directory is held: restore must refuse and change nothing.
	if err := tickets.Restore(backup, dir); !errors.Is(err, tickets.ErrLocked) {
		t.Fatalf("Restore into a live directory = %v, want ErrLocked", err)
	}
	s.DB().Close()

	if err := tickets.Restore(backup, dir); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "supportbot.db.pre-restore")); err != nil {
		t.Errorf("previous file not kept: %v", err)
	}
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, _ := tickets.NewStore(db, tickets.Options{})
	mustVerify(t, r)
	all, err := r.List(tickets.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 50 || len(all) > 250 {
		t.Fatalf("restored %d tickets, want between 50 and 250", len(all))
	}
	// A consistent snapshot: IDs are 1..n without a hole.
	for i, tk := range all {
		if want := tickets.FormatID(uint64(len(all) - i)); tk.ID != want {
			t.Fatalf("restored ticket %d is %s, want %s", i, tk.ID, want)
		}
	}
}

func TestRestoreRefusesBadBackup(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("this is not a database, just text"), 0o600)
	if err := tickets.Restore(junk, filepath.Join(dir, "data")); !errors.Is(err, tickets.ErrBadBackup) {
		t.Fatalf("Restore(junk) = %v, want ErrBadBackup", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "supportbot.db")); err == nil {
		t.Error("a refused restore created a database")
	}
	if err := tickets.Restore(filepath.Join(dir, "missing.db"), dir); err == nil {
		t.Error("Restore of a missing file succeeded")
	}
}

// The file kept aside by Restore is the database as it was before, whole.
func TestRestoreKeepsPreviousFile(t *testing.T) {
	s, dir := openStore(t, tickets.Options{})
	create(t, s, question("Trước khi sao lưu"))
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	create(t, s, question("Sau khi sao lưu"))
	s.DB().Close()
	if err := tickets.Restore(backup, dir); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	aside := t.TempDir()
	if err := os.Rename(filepath.Join(dir, "supportbot.db.pre-restore"), filepath.Join(aside, tickets.DBFile)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  string
		want int
	}{{dir, 1}, {aside, 2}} {
		db, err := tickets.OpenDB(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := tickets.NewStore(db, tickets.Options{})
		mustVerify(t, r)
		all, err := r.List(tickets.Filter{})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != c.want {
			t.Errorf("%s holds %d tickets, want %d", c.dir, len(all), c.want)
		}
	}
}
