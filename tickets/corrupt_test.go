package tickets_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/tickets"
	bolt "go.etcd.io/bbolt"
)

// seedFile writes n tickets into a fresh data directory and closes it.
func seedFile(t *testing.T, n int) (dir string) {
	t.Helper()
	s, dir := openStore(t, tickets.Options{})
	for i := range n {
		create(t, s, question(fmt.Sprintf("Câu hỏi số %d về thủ tục cấp phép bức xạ cho cơ sở y tế tuyến huyện", i)))
	}
	if err := s.DB().Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// damage overwrites, in the bbolt file at path, either the header (the
// page type) or the first element's value length of a leaf page of bucket:
// the two ways a disk or a stray write breaks a page.
func damage(t *testing.T, path, bucket, what string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	damageOpen(t, db, bucket, what)
}

// damageOpen is damage on an open database (through another descriptor:
// the file as the disk would break it).
func damageOpen(t *testing.T, db *bolt.DB, bucket, what string) {
	t.Helper()
	path := db.Path()
	var root uint64
	db.View(func(tx *bolt.Tx) error {
		root = uint64(tx.Bucket([]byte(bucket)).Root())
		return nil
	})
	ps := int64(db.Info().PageSize)
	if root == 0 {
		t.Fatalf("bucket %s is inline: seed more data", bucket)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr := make([]byte, 32)
	off := int64(root) * ps
	for {
		if _, err := f.ReadAt(hdr, off); err != nil {
			t.Fatal(err)
		}
		if binary.LittleEndian.Uint16(hdr[8:]) != 0x01 { // not a branch: a leaf
			break
		}
		off = int64(binary.LittleEndian.Uint64(hdr[16+8:])) * ps // first child
	}
	var patch []byte
	switch what {
	case "header":
		patch, off = []byte{0x20, 0x00}, off+8 // page type: none bbolt knows
	case "length":
		patch, off = binary.LittleEndian.AppendUint32(nil, 0x7ffffff0), off+16+12 // element 0's vsize
	default:
		t.Fatalf("damage %q", what)
	}
	if _, err := f.WriteAt(patch, off); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
}

var damages = []struct{ bucket, what string }{
	{"tickets", "header"}, {"tickets", "length"},
	{"ticket_events", "header"}, {"ticket_events", "length"},
}

func TestCheckFileSound(t *testing.T) {
	dir := seedFile(t, 40)
	rep, err := tickets.CheckFile(filepath.Join(dir, tickets.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("sound file reported damaged: %v", rep.Damaged)
	}
	for _, b := range []string{"tickets", "ticket_events", "meta"} {
		if !slices.Contains(rep.Buckets, b) {
			t.Errorf("bucket %s not found; buckets %v", b, rep.Buckets)
		}
	}
	if rep.Pages < 4 {
		t.Errorf("walked %d pages", rep.Pages)
	}
}

// A damaged page makes OpenDB (and so serve and every command) return
// ErrCorrupt naming the bucket, instead of bbolt panicking.
func TestOpenDBDamagedFile(t *testing.T) {
	for _, d := range damages {
		t.Run(d.bucket+"/"+d.what, func(t *testing.T) {
			dir := seedFile(t, 40)
			path := filepath.Join(dir, tickets.DBFile)
			damage(t, path, d.bucket, d.what)

			rep, err := tickets.CheckFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.DamagedBuckets(); !slices.Equal(got, []string{d.bucket}) {
				t.Errorf("CheckFile damaged buckets = %v, want [%s]; %v", got, d.bucket, rep.Damaged)
			}
			db, err := tickets.OpenDB(dir)
			if err == nil {
				db.Close()
				t.Fatal("OpenDB of a damaged file succeeded")
			}
			var ce *tickets.CorruptError
			if !errors.Is(err, tickets.ErrCorrupt) || !errors.As(err, &ce) {
				t.Fatalf("OpenDB = %v, want ErrCorrupt", err)
			}
			if !slices.Contains(ce.Buckets, d.bucket) || !strings.Contains(err.Error(), d.bucket) {
				t.Errorf("error does not name bucket %s: %v", d.bucket, err)
			}
			// The refused open left the file unlocked and unchanged: it
			// can be checked again and restored over.
			if rep2, _ := tickets.CheckFile(path); rep2.OK() {
				t.Error("file repaired itself?")
			}
		})
	}
}

// Damage appearing while the store is open (a disk going bad under the
// bot) comes back from the store's reads as ErrCorrupt, not a panic.
func TestStoreReadsDamagedUnderfoot(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	for i := range 40 {
		create(t, s, question(fmt.Sprintf("Câu hỏi số %d về thủ tục cấp phép bức xạ cho cơ sở y tế tuyến huyện", i)))
	}
	damageOpen(t, s.DB(), "tickets", "header")
	if _, err := s.Verify(t.Context()); !errors.Is(err, tickets.ErrCorrupt) {
		t.Errorf("Verify = %v, want ErrCorrupt", err)
	}
	if _, err := s.List(tickets.Filter{}); !errors.Is(err, tickets.ErrCorrupt) {
		t.Errorf("List = %v, want ErrCorrupt", err)
	}
	rep, err := s.Check()
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.DamagedBuckets(); !slices.Equal(got, []string{"tickets"}) {
		t.Errorf("Store.Check damaged = %v, want [tickets]", got)
	}
}

// Restore refuses a damaged backup before it replaces anything.
func TestRestoreRefusesDamagedBackup(t *testing.T) {
	for _, d := range damages {
		t.Run(d.bucket+"/"+d.what, func(t *testing.T) {
			backupDir := seedFile(t, 40)
			backup := filepath.Join(backupDir, tickets.DBFile)
			damage(t, backup, d.bucket, d.what)
			dir := seedFile(t, 3)

			err := tickets.Restore(backup, dir)
			if !errors.Is(err, tickets.ErrBadBackup) || !errors.Is(err, tickets.ErrCorrupt) {
				t.Fatalf("Restore(damaged) = %v, want ErrBadBackup and ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), d.bucket) {
				t.Errorf("error does not name bucket %s: %v", d.bucket, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "supportbot.db.pre-restore")); err == nil {
				t.Error("a refused restore moved the live file aside")
			}
			db, err := tickets.OpenDB(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			s, _ := tickets.NewStore(db, tickets.Options{})
			if all, _ := s.List(tickets.Filter{}); len(all) != 3 {
				t.Errorf("live store holds %d tickets after a refused restore, want 3", len(all))
			}
		})
	}
}

// Restore restores the tickets but not the numbers: officers were told
// HT-000006..10 before the restore, so the next ticket is above them.
func TestRestoreNeverReusesNumbers(t *testing.T) {
	for _, lostMark := range []bool{false, true} {
		t.Run(fmt.Sprintf("hwm file lost=%v", lostMark), func(t *testing.T) {
			s, dir := openStore(t, tickets.Options{})
			for range 5 {
				create(t, s, question("Trước khi sao lưu"))
			}
			backup := filepath.Join(t.TempDir(), "backup.db")
			if err := s.Backup(backup); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				create(t, s, question("Sau khi sao lưu"))
			}
			s.DB().Close()
			if lostMark {
				// A data directory from before the mark existed: the live
				// file's own last number is the floor.
				os.Remove(filepath.Join(dir, tickets.HWMFile))
			}
			if err := tickets.Restore(backup, dir); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			db, err := tickets.OpenDB(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			r, _ := tickets.NewStore(db, tickets.Options{})
			tk := create(t, r, question("Sau khi khôi phục"))
			seq, _ := tickets.ParseID(tk.ID)
			if seq <= 10 {
				t.Fatalf("first ticket after the restore is %s: HT-000006..10 were already issued", tk.ID)
			}
			mustVerify(t, r) // the skipped numbers are not "missing"
			if all, _ := r.List(tickets.Filter{}); len(all) != 6 {
				t.Errorf("%d tickets after restore + 1, want 6", len(all))
			}
		})
	}
}

// A plain restart skips no number.
func TestReopenKeepsNumbering(t *testing.T) {
	s, dir := openStore(t, tickets.Options{})
	for range 3 {
		create(t, s, question("Một"))
	}
	s.DB().Close()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, _ := tickets.NewStore(db, tickets.Options{})
	if tk := create(t, r, question("Hai")); tk.ID != "HT-000004" {
		t.Errorf("after a restart: %s, want HT-000004", tk.ID)
	}
	if hwm, err := tickets.ReadHWM(dir); err != nil || hwm < 4 {
		t.Errorf("high-water mark %d, %v", hwm, err)
	}
}

// A meta page torn by a crash during a commit is what bbolt's second meta
// page is for: the file opens (on the other one) and is not called damaged.
func TestOneBadMetaPageIsNotDamage(t *testing.T) {
	dir := seedFile(t, 3)
	path := filepath.Join(dir, tickets.DBFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xde, 0xad}, 16+60) // meta 0's checksum: it no longer matches
	f.Close()
	rep, err := tickets.CheckFile(path)
	if err != nil || !rep.OK() {
		t.Fatalf("CheckFile = %v, %v", rep.Damaged, err)
	}
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatalf("OpenDB: %v", err)
	}
	defer db.Close()
	s, _ := tickets.NewStore(db, tickets.Options{})
	mustVerify(t, s)
}

// Both meta pages bad: nothing can be trusted, and the error says so.
func TestBothMetaPagesBad(t *testing.T) {
	dir := seedFile(t, 3)
	path := filepath.Join(dir, tickets.DBFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xde, 0xad}, 16+60)
	f.WriteAt([]byte{0xde, 0xad}, 4096+16+60)
	f.Close()
	if db, err := tickets.OpenDB(dir); !errors.Is(err, tickets.ErrCorrupt) {
		if db != nil {
			db.Close()
		}
		t.Fatalf("OpenDB = %v, want ErrCorrupt", err)
	}
}

// The point of a backup: restoring it over a damaged live file works, and
// numbering still continues above what the damaged file issued.
func TestRestoreOverDamagedLiveFile(t *testing.T) {
	s, dir := openStore(t, tickets.Options{})
	for i := range 40 {
		create(t, s, question(fmt.Sprintf("Câu hỏi số %d về thủ tục cấp phép bức xạ cho cơ sở y tế tuyến huyện", i)))
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(backup); err != nil {
		t.Fatal(err)
	}
	s.DB().Close()
	damage(t, filepath.Join(dir, tickets.DBFile), "tickets", "header")
	if err := tickets.Restore(backup, dir); err != nil {
		t.Fatalf("Restore over a damaged file: %v", err)
	}
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, _ := tickets.NewStore(db, tickets.Options{})
	mustVerify(t, r)
	if all, _ := r.List(tickets.Filter{}); len(all) != 40 {
		t.Errorf("%d tickets restored, want 40", len(all))
	}
}
