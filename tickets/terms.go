package tickets

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/knowledge"
)

// The similar-ticket index: an inverted index of the questions of resolved
// and closed tickets, analysed with knowledge.Terms. It is a cache of the
// tickets: built when a ticket is resolved, removed when it is reopened,
// rebuilt by the schema 1 → 2 migration and by Store.ReindexSimilar (run it
// after the knowledge analyzer changes).
var (
	bucketTerms  = []byte("ticket_terms")  // term NUL be64(seq) → uvarint(term frequency) uvarint(document length)
	bucketDocLen = []byte("ticket_doclen") // be64(seq) → uvarint(number of terms); key "n" → be64(docs) be64(total terms)
	keyDocStats  = []byte("n")
)

// similarState reports whether a ticket in state s belongs in the index.
func similarState(s State) bool { return s == StateResolved || s == StateClosed }

// similarIndexed reports whether tk belongs in the index: resolved or
// closed, and not anonymised (its question is erased, and with it every
// posting of its terms).
func similarIndexed(tk *Ticket) bool { return similarState(tk.State) && tk.Anonymised.IsZero() }

// reindexTerms keeps the similar-ticket index in step with a change from
// old (nil for a new ticket) to tk. The question changes only when the
// ticket is anonymised (to ""), so entering or leaving the index is all
// that matters.
func (t *Tx) reindexTerms(seq uint64, old, tk *Ticket) error {
	was := old != nil && similarIndexed(old)
	is := similarIndexed(tk)
	switch {
	case is && !was:
		return addTerms(t.tx, seq, tk.Text)
	case was && !is:
		return removeTerms(t.tx, seq, old.Text)
	}
	return nil
}

func termFreqs(text string) (map[string]uint64, int) {
	terms := knowledge.Terms(text)
	tf := make(map[string]uint64, len(terms))
	for _, term := range terms {
		tf[term]++
	}
	return tf, len(terms)
}

func termKey(term string, seq uint64) []byte {
	k := make([]byte, 0, len(term)+9)
	k = append(k, term...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

func similarBuckets(tx *bolt.Tx) (terms, lens *bolt.Bucket, err error) {
	terms, lens = tx.Bucket(bucketTerms), tx.Bucket(bucketDocLen)
	if terms == nil || lens == nil {
		return nil, nil, fmt.Errorf("tickets: similar-ticket index missing (database not initialised by NewStore)")
	}
	return terms, lens, nil
}

func docStats(lens *bolt.Bucket) (docs, total uint64) {
	v := lens.Get(keyDocStats)
	if len(v) != 16 {
		return 0, 0
	}
	return binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
}

func putDocStats(lens *bolt.Bucket, docs, total uint64) error {
	v := binary.BigEndian.AppendUint64(nil, docs)
	return lens.Put(keyDocStats, binary.BigEndian.AppendUint64(v, total))
}

func addTerms(tx *bolt.Tx, seq uint64, text string) error {
	terms, lens, err := similarBuckets(tx)
	if err != nil {
		return err
	}
	if lens.Get(be64(seq)) != nil {
		return nil // already indexed
	}
	tf, n := termFreqs(text)
	for term, f := range tf {
		if len(term) == 0 || len(term) > 512 || bytes.IndexByte([]byte(term), 0) >= 0 {
			continue
		}
		v := binary.AppendUvarint(binary.AppendUvarint(nil, f), uint64(n)) // the length too: scoring needs no second lookup
		if err := terms.Put(termKey(term, seq), v); err != nil {
			return fmt.Errorf("tickets: similar index: %w", err)
		}
	}
	if err := lens.Put(be64(seq), binary.AppendUvarint(nil, uint64(n))); err != nil {
		return fmt.Errorf("tickets: similar index: %w", err)
	}
	docs, total := docStats(lens)
	return putDocStats(lens, docs+1, total+uint64(n))
}

func removeTerms(tx *bolt.Tx, seq uint64, text string) error {
	terms, lens, err := similarBuckets(tx)
	if err != nil {
		return err
	}
	v := lens.Get(be64(seq))
	if v == nil {
		return nil
	}
	n, _ := binary.Uvarint(v)
	tf, _ := termFreqs(text)
	for term := range tf {
		if err := terms.Delete(termKey(term, seq)); err != nil {
			return fmt.Errorf("tickets: similar index: %w", err)
		}
	}
	if err := lens.Delete(be64(seq)); err != nil {
		return fmt.Errorf("tickets: similar index: %w", err)
	}
	docs, total := docStats(lens)
	if docs > 0 {
		docs--
	}
	if total >= n {
		total -= n
	}
	return putDocStats(lens, docs, total)
}

// rebuildTerms recreates the similar-ticket index from the stored tickets.
func rebuildTerms(tx *bolt.Tx) error {
	for _, n := range [][]byte{bucketTerms, bucketDocLen} {
		if tx.Bucket(n) != nil {
			if err := tx.DeleteBucket(n); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(n); err != nil {
			return err
		}
	}
	tb := tx.Bucket(bucketTickets)
	if tb == nil {
		return nil
	}
	return tb.ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		var tk Ticket
		if err := decodeTicket(v, &tk); err != nil {
			return fmt.Errorf("decode %x: %w", k, err)
		}
		if !similarIndexed(&tk) {
			return nil
		}
		return addTerms(tx, binary.BigEndian.Uint64(k), tk.Text)
	})
}

// ReindexSimilar rebuilds the similar-ticket index in one transaction. Run
// it after the knowledge package's analyzer changes (knowledge.Terms gives
// different terms), as the bleve index is rebuilt then too.
func (s *Store) ReindexSimilar() error {
	if err := s.db.Update(rebuildTerms); err != nil {
		return fmt.Errorf("tickets: reindex similar: %w", err)
	}
	return nil
}
