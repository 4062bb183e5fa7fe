package tickets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DBFile is the name of the process's bbolt file inside the data directory.
const DBFile = "supportbot.db"

// lockTimeout is how long OpenDB waits for another process to let go of the
// file before it reports ErrLocked: long enough for a restart, short enough
// that nobody mistakes it for a hang.
const lockTimeout = 1 * time.Second

// boltOptions are the options of every open. InitialMmapSize reserves
// address space (not disk) so that the file can grow to 1 GiB without a
// remap, which would wait for every open read transaction. NoFreelistSync
// (as etcd sets it) leaves the free-page list out of each commit: fewer
// pages per fsync; the list is rebuilt by a scan on open. Commits are still
// fsynced (never NoSync).
func boltOptions() *bolt.Options {
	return &bolt.Options{
		Timeout:         lockTimeout,
		InitialMmapSize: 1 << 30,
		FreelistType:    bolt.FreelistMapType,
		NoFreelistSync:  true,
	}
}

// OpenDB opens (creating it and dataDir if needed) the process's one bbolt
// file, dataDir/supportbot.db, and migrates its schema to the current
// version. If another process holds the file, it fails after about a second
// with a *LockedError (errors.Is ErrLocked): "data directory X is in use by
// another supportbot process". A file written by a newer program returns
// ErrSchemaTooNew. A damaged file (a page header or a length overwritten)
// returns a *CorruptError (errors.Is ErrCorrupt) naming the damaged buckets,
// found by walking every page before bbolt reads them (CheckFile). When the
// ticket-number high-water mark kept beside the file (tickets.hwm) is above
// the numbers the file has reserved, the file is older than the numbers
// already issued (it was put back by hand) and its numbering is moved above
// the mark. The caller closes the returned database.
func OpenDB(dataDir string) (*bolt.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("tickets: create data directory: %w", err)
	}
	path := filepath.Join(dataDir, DBFile)
	if err := precheck(path, dataDir); err != nil {
		return nil, err
	}
	var db *bolt.DB
	err := guard(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, boltOptions())
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &LockedError{Dir: dataDir}
	}
	if err != nil {
		if IsCorrupt(err) {
			return nil, err
		}
		return nil, fmt.Errorf("tickets: open %s: %w", path, err)
	}
	err = guard(path, func() error {
		if err := migrate(db); err != nil {
			return err
		}
		return raiseToHWM(db, dataDir, false)
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
