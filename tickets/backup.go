package tickets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Backup writes a consistent copy of the whole live database (every
// package's buckets) to path while the bot keeps running: it is one read
// transaction, which blocks no writer. The copy is written to a temporary
// file, fsynced and renamed, so path never holds half a backup.
func (s *Store) Backup(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("tickets: backup: %w", err)
	}
	if live, _ := filepath.Abs(s.db.Path()); live == abs {
		return &ValidationError{Field: "backup path", Problem: "is the live database", Accepted: "another file"}
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), filepath.Base(abs)+".tmp-*")
	if err != nil {
		return fmt.Errorf("tickets: backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	err = s.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), abs)
	}
	if err == nil {
		err = syncDir(filepath.Dir(abs))
	}
	if err != nil {
		return fmt.Errorf("tickets: backup to %s: %w", path, err)
	}
	return nil
}

// Restore replaces dataDir's database with the backup at backupPath. The bot
// must be stopped: while another process holds the data directory Restore
// returns a *LockedError and changes nothing. The backup is checked first
// (a bbolt file whose pages are consistent, a schema this program can read,
// and a ticket store that passes Verify); otherwise ErrBadBackup. The
// current file is kept beside it as supportbot.db.pre-restore (or .1, .2, …
// if that exists), so a restore can itself be undone. Opening the restored
// directory with OpenDB migrates an older backup.
func Restore(backupPath, dataDir string) error {
	if err := checkBackup(backupPath); err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("tickets: restore: %w", err)
	}
	live := filepath.Join(dataDir, DBFile)
	if a, _ := filepath.Abs(backupPath); a == mustAbs(live) {
		return &ValidationError{Field: "backup path", Problem: "is the live database", Accepted: "a backup file"}
	}
	// Hold the live file's lock for the whole swap: no bot can start on it.
	held, err := bolt.Open(live, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return &LockedError{Dir: dataDir}
	}
	if err != nil {
		return fmt.Errorf("tickets: restore: open %s: %w", live, err)
	}
	defer held.Close()

	tmp := live + ".restore-tmp"
	if err := copyFile(backupPath, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("tickets: restore: %w", err)
	}
	aside := live + ".pre-restore"
	for i := 1; exists(aside); i++ {
		aside = live + ".pre-restore." + strconv.Itoa(i)
	}
	// Keep the current file as aside by a hard link, then rename the backup
	// over it: live always names a whole database, so a crash in between
	// cannot leave the directory empty for the next start to fill with a
	// fresh store. Where hard links are not supported, move it aside.
	if err := os.Link(live, aside); err != nil {
		if err := os.Rename(live, aside); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("tickets: restore: keep current file: %w", err)
		}
	}
	if err := os.Rename(tmp, live); err != nil {
		return fmt.Errorf("tickets: restore: put backup in place (current file kept as %s): %w", aside, err)
	}
	if err := syncDir(dataDir); err != nil {
		return fmt.Errorf("tickets: restore: %w", err)
	}
	return nil
}

func checkBackup(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("tickets: restore: %w", err)
	}
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if err != nil {
		return fmt.Errorf("%s: %v: %w", path, err, ErrBadBackup)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain: Check's goroutine ends when the channel is read out
			if first == nil {
				first = err
			}
		}
		if first != nil {
			return fmt.Errorf("page check: %v", first)
		}
		v, err := schemaOf(tx)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("schema %d is newer than this program's %d", v, SchemaVersion)
		}
		if tx.Bucket(bucketTickets) == nil || tx.Bucket(bucketEvents) == nil {
			return errors.New("no ticket buckets: not a supportbot database")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %v: %w", path, err, ErrBadBackup)
	}
	if v, _ := Schema(db); v < SchemaVersion {
		return nil // indexes are rebuilt by the migration; Verify would report them missing
	}
	s, err := NewStore(db, Options{})
	if err != nil {
		return err
	}
	rep, err := s.Verify(context.Background())
	if err != nil {
		return fmt.Errorf("%s: verify: %v: %w", path, err, ErrBadBackup)
	}
	if !rep.OK() {
		return fmt.Errorf("%s: verify found %d problems, first: %s: %w", path, len(rep.Problems)+rep.Omitted, rep.Problems[0], ErrBadBackup)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
