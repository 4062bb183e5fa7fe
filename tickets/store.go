package tickets

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names owned by this package.
var (
	bucketTickets = []byte("tickets")       // be64(seq) → ticket record (codec.go; JSON in schema 0 files)
	bucketEvents  = []byte("ticket_events") // be64(seq) be32(event seq) → Event JSON
	bucketSource  = []byte("ticket_source") // source → be64(seq)
)

// Options configure a Store; the zero value works: default SLA, wall-clock
// resolution targets, time.Now.
type Options struct {
	SLA      SLAPolicy        // zero fields take the defaults of DefaultSLA
	Calendar *Calendar        // when set, resolution targets count working hours only
	Now      func() time.Time // clock; nil means time.Now
}

// Store is the ticket store on a bbolt database. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	sla   SLAPolicy
	cal   *Calendar
	now   func() time.Time
	group *GroupCommit // shares one commit (one fsync) among concurrent Batch and Create callers
}

// NewStore returns a store on db, creating its buckets if db is writable.
// db is usually opened by OpenDB (which also migrates the schema); the
// caller keeps ownership of db and closes it after the last use of the store.
func NewStore(db *bolt.DB, opts Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("tickets: NewStore: nil database")
	}
	sla, err := opts.SLA.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, sla: sla, cal: opts.Calendar, now: opts.Now, group: NewGroupCommit(db)}
	if s.now == nil {
		s.now = time.Now
	}
	if !db.IsReadOnly() {
		if err := db.Update(createBuckets); err != nil {
			return nil, fmt.Errorf("tickets: create buckets: %w", err)
		}
	}
	return s, nil
}

func createBuckets(tx *bolt.Tx) error {
	names := [][]byte{bucketTickets, bucketEvents, bucketTerms, bucketDocLen, bucketKeys}
	for _, n := range append(names, keyBuckets()...) {
		if _, err := tx.CreateBucketIfNotExists(n); err != nil {
			return fmt.Errorf("bucket %s: %w", n, err)
		}
	}
	return nil
}

// DB returns the underlying database, for callers that compose transactions.
func (s *Store) DB() *bolt.DB { return s.db }

// Tx wraps a transaction the caller began (and will commit or roll back), so
// ticket changes commit atomically with the caller's other writes. Write
// methods need a writable btx. The Tx must not be used after btx ends.
func (s *Store) Tx(btx *bolt.Tx) *Tx { return &Tx{s: s, tx: btx} }

// View runs fn in a read-only transaction. A panic of bbolt on a damaged
// page comes back as a *CorruptError (errors.Is ErrCorrupt).
func (s *Store) View(fn func(*Tx) error) error {
	return s.view(func(btx *bolt.Tx) error { return fn(s.Tx(btx)) })
}

// Update runs fn in a read-write transaction, committed (and fsynced) when
// fn returns nil and rolled back otherwise: nothing is half-written. A
// panic of bbolt on a damaged page comes back as a *CorruptError.
func (s *Store) Update(fn func(*Tx) error) error {
	return guard(s.db.Path(), func() error {
		return s.db.Update(func(btx *bolt.Tx) error { return fn(s.Tx(btx)) })
	})
}

// Tx offers the domain methods inside one bbolt transaction.
type Tx struct {
	s  *Store
	tx *bolt.Tx
}

// Bolt returns the wrapped transaction.
func (t *Tx) Bolt() *bolt.Tx { return t.tx }

func (t *Tx) bucket(name []byte) (*bolt.Bucket, error) {
	b := t.tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("tickets: bucket %s missing (database not initialised by NewStore)", name)
	}
	return b, nil
}

// logBuckets returns the tickets bucket and the events bucket, which every
// reader of a ticket's log needs together.
func (t *Tx) logBuckets() (tickets, events *bolt.Bucket, err error) {
	if tickets, err = t.bucket(bucketTickets); err != nil {
		return nil, nil, err
	}
	if events, err = t.bucket(bucketEvents); err != nil {
		return nil, nil, err
	}
	return tickets, events, nil
}

func (t *Tx) stamp() time.Time { return t.s.now().UTC().Truncate(time.Millisecond) }

func be64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func eventKey(seq uint64, n int) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint64(b, seq)
	binary.BigEndian.PutUint32(b[8:], uint32(n))
	return b
}
