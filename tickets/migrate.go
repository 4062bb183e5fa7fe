package tickets

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of the data file this program writes.
//
//	0: no version stored: "tickets" and "ticket_events" only, no secondary
//	   indexes (the layout of the first builds).
//	1: meta/schema_version, the state, assignee, reporter, province, topic
//	   and source index buckets.
//	2: the similar-ticket index (ticket_terms, ticket_doclen).
//	3: per-ticket keys (ticket_keys) sealing officers' data in events, and
//	   anonymised records (codec v3), which a version-2 program would
//	   report as corrupt: it must refuse the file instead.
const SchemaVersion = 3

var (
	bucketMeta       = []byte("meta")
	keySchemaVersion = []byte("schema_version")
)

// migrations[v] moves a file from version v to v+1 inside one transaction.
var migrations = []func(*bolt.Tx) error{
	0: rebuildIndexes,
	1: rebuildTerms,
	2: createKeys,
}

// createKeys adds the bucket of per-ticket keys; tickets made before it get
// their key at their next change.
func createKeys(tx *bolt.Tx) error {
	_, err := tx.CreateBucketIfNotExists(bucketKeys)
	return err
}

// Schema returns the schema version stored in db (0 when none is stored).
func Schema(db *bolt.DB) (int, error) {
	v := 0
	err := db.View(func(tx *bolt.Tx) error {
		var err error
		v, err = schemaOf(tx)
		return err
	})
	return v, err
}

func schemaOf(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := b.Get(keySchemaVersion)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("tickets: meta/schema_version is %d bytes, want 8", len(v))
	}
	return int(binary.BigEndian.Uint64(v)), nil
}

// migrate brings db to SchemaVersion: all steps run in one transaction, so
// a crash leaves the file at its old version, to be migrated on next open.
func migrate(db *bolt.DB) error {
	if v, err := Schema(db); err == nil && v == SchemaVersion {
		return nil // current: no write transaction (and fsync) at start-up
	}
	return db.Update(func(tx *bolt.Tx) error {
		v, err := schemaOf(tx)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("data file schema %d, this program knows %d: %w", v, SchemaVersion, ErrSchemaTooNew)
		}
		if v == SchemaVersion {
			return nil
		}
		if err := createBuckets(tx); err != nil {
			return err
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("tickets: migrate schema %d → %d: %w", v, v+1, err)
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keySchemaVersion, be64(SchemaVersion))
	})
}
