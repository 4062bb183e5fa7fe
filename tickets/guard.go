package tickets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// guard runs fn, which reads or writes the bbolt file at path in this
// goroutine, and turns a panic in it (bbolt's assertions on a damaged page,
// or a memory fault on a length that points outside the file) into a
// *CorruptError. bbolt rolls the transaction back as the panic unwinds.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = &CorruptError{Path: path, Detail: fmt.Sprintf("bbolt stopped reading it: %v", p)}
		}
	}()
	return fn()
}

// view is db.View behind guard: the Store's read path.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return guard(s.db.Path(), func() error { return s.db.View(fn) })
}

// precheck walks the pages of the file at path (if it exists) while holding
// bbolt's shared lock, so that no bot writes it meanwhile, before OpenDB
// lets bbolt read it: bbolt rebuilds its free list on open by walking every
// page in a goroutine of its own, where a damaged page would crash the
// process. A held file returns a *LockedError, a damaged one a
// *CorruptError.
func precheck(path, dataDir string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) || err == nil && fi.Size() == 0 {
		return nil // bbolt initialises it
	}
	if err != nil {
		return fmt.Errorf("tickets: open %s: %w", path, err)
	}
	var ro *bolt.DB
	err = guard(path, func() error {
		var err error
		ro, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return &LockedError{Dir: dataDir}
	}
	if ro != nil {
		defer ro.Close()
	}
	rep, cerr := CheckFile(path)
	if cerr != nil {
		return cerr
	}
	if !rep.OK() {
		return rep.Err()
	}
	if err != nil {
		if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
			return &CorruptError{Path: path, Detail: err.Error()}
		}
		return fmt.Errorf("tickets: open %s: %w", path, err)
	}
	return nil
}

// CheckDataDir is CheckFile on dataDir's database, holding bbolt's shared
// lock meanwhile so that no process writes it: a running bot makes it
// return a *LockedError (check its snapshot instead: Store.Check, or a
// backup). A file whose meta pages are too damaged for bbolt to lock it is
// walked all the same.
func CheckDataDir(dataDir string) (CheckReport, error) {
	path := filepath.Join(dataDir, DBFile)
	if _, err := os.Stat(path); err != nil {
		return CheckReport{Path: path}, fmt.Errorf("tickets: check: %w", err)
	}
	var ro *bolt.DB
	err := guard(path, func() error {
		var err error
		ro, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return CheckReport{Path: path}, &LockedError{Dir: dataDir}
	}
	if ro != nil {
		defer ro.Close()
	}
	return CheckFile(path)
}
