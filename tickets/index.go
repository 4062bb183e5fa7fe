package tickets

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// index is one secondary index bucket. Keys are value NUL state NUL be64(seq)
// with empty values, so one prefix scan yields the tickets having a value in
// a state ("open tickets of Hà Nội" = one scan per open state) without
// decoding any ticket. The state index uses the empty value.
type index struct {
	name   string
	bucket []byte
	value  func(*Ticket) string
	always bool // index even when value is "" (the state index)
}

var (
	idxState    = &index{"state", []byte("ticket_idx_state"), func(*Ticket) string { return "" }, true}
	idxAssignee = &index{"assignee", []byte("ticket_idx_assignee"), func(t *Ticket) string { return t.Assignee }, false}
	idxReporter = &index{"reporter", []byte("ticket_idx_reporter"), (*Ticket).Reporter, false}
	idxProvince = &index{"province", []byte("ticket_idx_province"), func(t *Ticket) string { return t.Province }, false}
	idxTopic    = &index{"topic", []byte("ticket_idx_topic"), func(t *Ticket) string { return t.Topic }, false}

	indexes = []*index{idxState, idxAssignee, idxReporter, idxProvince, idxTopic}
)

// keyBuckets returns the buckets derived from the tickets: the source index
// and every secondary index. rebuildIndexes recreates them; Verify counts
// their entries.
func keyBuckets() [][]byte {
	out := [][]byte{bucketSource}
	for _, ix := range indexes {
		out = append(out, ix.bucket)
	}
	return out
}

func indexPrefix(value string, st State) []byte {
	b := make([]byte, 0, len(value)+len(st)+10)
	b = append(b, value...)
	b = append(b, 0)
	b = append(b, st...)
	return append(b, 0)
}

// key returns tk's key in ix, or nil when tk is not indexed there.
func (ix *index) key(seq uint64, tk *Ticket) []byte {
	v := ix.value(tk)
	if v == "" && !ix.always {
		return nil
	}
	return binary.BigEndian.AppendUint64(indexPrefix(v, tk.State), seq)
}

// reindex moves ticket seq's index entries from old (nil when new) to tk.
func (t *Tx) reindex(seq uint64, old, tk *Ticket) error {
	for _, ix := range indexes {
		b, err := t.bucket(ix.bucket)
		if err != nil {
			return err
		}
		nk := ix.key(seq, tk)
		if old != nil {
			if ok := ix.key(seq, old); ok != nil {
				if bytes.Equal(ok, nk) {
					continue
				}
				if err := b.Delete(ok); err != nil {
					return fmt.Errorf("tickets: index %s: %w", ix.name, err)
				}
			}
		}
		if nk != nil {
			if err := b.Put(nk, nil); err != nil {
				return fmt.Errorf("tickets: index %s: %w", ix.name, err)
			}
		}
	}
	return nil
}

// scan returns the sequence numbers indexed under value and state, ascending.
func (t *Tx) scan(ix *index, value string, st State, into []uint64) ([]uint64, error) {
	b, err := t.bucket(ix.bucket)
	if err != nil {
		return nil, err
	}
	prefix := indexPrefix(value, st)
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		into = append(into, binary.BigEndian.Uint64(k[len(prefix):]))
	}
	return into, nil
}

// sourceSeq returns the ticket created from source, or 0.
func (t *Tx) sourceSeq(source string) (uint64, error) {
	b, err := t.bucket(bucketSource)
	if err != nil {
		return 0, err
	}
	v := b.Get([]byte(source))
	if len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), nil
}

// rebuildIndexes recreates every secondary index (and the source index) from
// the stored tickets. Used by the v0 → v1 migration.
func rebuildIndexes(tx *bolt.Tx) error {
	for _, n := range keyBuckets() {
		if tx.Bucket(n) != nil {
			if err := tx.DeleteBucket(n); err != nil {
				return err
			}
		}
	}
	if err := createBuckets(tx); err != nil {
		return err
	}
	t := &Tx{tx: tx}
	src := tx.Bucket(bucketSource)
	return tx.Bucket(bucketTickets).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		seq := binary.BigEndian.Uint64(k)
		tk, err := t.load(seq)
		if err != nil {
			return err
		}
		if tk.Source != "" {
			if err := src.Put([]byte(tk.Source), be64(seq)); err != nil {
				return err
			}
		}
		return t.reindex(seq, nil, tk)
	})
}
