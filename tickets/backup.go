package tickets

import (
	"context"
	"errors"
	"fmt"
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
	err = WriteFileAtomic(abs, 0o600, func(f *os.File) error {
		return s.view(func(tx *bolt.Tx) error {
			_, err := tx.WriteTo(f)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("tickets: backup to %s: %w", path, err)
	}
	return nil
}

// Restore replaces dataDir's database with the backup at backupPath. The bot
// must be stopped: while another process holds the data directory Restore
// returns a *LockedError and changes nothing. The backup is checked first,
// before anything is replaced (CheckBackup: a bbolt file whose pages are
// consistent, a schema this program can read, and a ticket store that
// passes Verify); otherwise ErrBadBackup (and ErrCorrupt too when its pages
// are damaged). The restored file's ticket numbering is moved above the
// high-water mark of dataDir (HWMFile), so that no number officers were
// told before the restore is issued again. The
// current file is kept beside it as supportbot.db.pre-restore (or .1, .2, …
// if that exists), so a restore can itself be undone. Opening the restored
// directory with OpenDB migrates an older backup.
func Restore(backupPath, dataDir string) error {
	if err := CheckBackup(backupPath); err != nil {
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
	held, err := holdLive(live, dataDir)
	if err != nil {
		return err
	}
	if held != nil {
		defer held.Close()
	}

	tmp := live + ".restore-tmp"
	if err := CopyFile(backupPath, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("tickets: restore: %w", err)
	}
	if err := raiseCopy(tmp, dataDir); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("tickets: restore: ticket numbering: %w", err)
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
	if err := SyncDir(dataDir); err != nil {
		return fmt.Errorf("tickets: restore: %w", err)
	}
	return nil
}

// CheckBackup reports whether the file at path is a usable supportbot
// database: every page sound (CheckFile, then bbolt's own Tx.Check), a
// schema this program can read, the ticket buckets present, and a ticket
// store that passes Verify. It opens the file read-only and never panics on
// a damaged file. A bad file returns an error wrapping ErrBadBackup, and
// ErrCorrupt as well when its pages are damaged.
func CheckBackup(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("tickets: backup: %w", err)
	}
	rep, err := CheckFile(path)
	if err != nil {
		return fmt.Errorf("tickets: backup: %w", err)
	}
	if !rep.OK() {
		return badBackup(path, rep.Err())
	}
	err = guard(path, func() error { return checkBackupDB(path) })
	if IsCorrupt(err) {
		return badBackup(path, err)
	}
	return err
}

// badBackupError is a backup refused because it is damaged: errors.Is
// ErrBadBackup and ErrCorrupt.
type badBackupError struct {
	path string
	err  error // a *CorruptError
}

func (e *badBackupError) Error() string {
	return fmt.Sprintf("tickets: %s is not a usable backup: %v", e.path, e.err)
}
func (e *badBackupError) Unwrap() []error { return []error{e.err, ErrBadBackup} }

func badBackup(path string, err error) error { return &badBackupError{path: path, err: err} }

func checkBackupDB(path string) error {
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
			return &CorruptError{Path: path, Detail: "page check: " + first.Error()}
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
	if IsCorrupt(err) {
		return err
	}
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
	if IsCorrupt(err) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: verify: %v: %w", path, err, ErrBadBackup)
	}
	if !rep.OK() {
		return fmt.Errorf("%s: verify found %d problems, first: %s: %w", path, len(rep.Problems)+rep.Omitted, rep.Problems[0], ErrBadBackup)
	}
	return nil
}

// raiseCopy moves the ticket numbering of the database file at path (a
// restored copy, not yet in place) above dataDir's high-water mark.
func raiseCopy(path, dataDir string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return err
	}
	err = raiseToHWM(db, dataDir, true)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// holdLive locks the live file for a restore. An existing file is opened
// read-only (a shared lock no bot can start beside), which reads nothing but
// its meta page: the file being replaced may well be damaged. Its last
// ticket number joins the high-water mark, for a data directory that has
// none yet. A file too damaged to open is replaced without a lock: no bot
// can open it either. A missing file is created, as the lock needs one.
func holdLive(live, dataDir string) (*bolt.DB, error) {
	var held *bolt.DB
	err := guard(live, func() error {
		var err error
		if !exists(live) {
			held, err = bolt.Open(live, 0o600, &bolt.Options{Timeout: lockTimeout})
			return err
		}
		held, err = bolt.Open(live, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
		if err != nil {
			return err
		}
		var last uint64
		_ = held.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket(bucketTickets); b != nil {
				last = b.Sequence()
			}
			return nil
		})
		if last > 0 {
			return writeHWM(dataDir, last)
		}
		return nil
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, &LockedError{Dir: dataDir}
	case err == nil:
		return held, nil
	case held != nil:
		held.Close()
	}
	if IsCorrupt(err) || errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) {
		return nil, nil
	}
	return nil, fmt.Errorf("tickets: restore: open %s: %w", live, err)
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
