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
// ErrSchemaTooNew. The caller closes the returned database.
func OpenDB(dataDir string) (*bolt.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("tickets: create data directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dataDir, DBFile), 0o600, boltOptions())
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &LockedError{Dir: dataDir}
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: open %s: %w", filepath.Join(dataDir, DBFile), err)
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
