package tickets

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// HWMFile is the name of the ticket-number high-water mark kept in the data
// directory beside DBFile: the highest ticket number ever reserved, as
// decimal text. It lives outside the database file so that a restored
// (older) file cannot hand out numbers officers were already told.
const HWMFile = "tickets.hwm"

// hwmBlock is how many numbers one write of HWMFile reserves: the file is
// written (fsync and rename) once per hwmBlock tickets, not per ticket. A
// restore therefore continues at the next multiple of hwmBlock above the
// numbers issued.
const hwmBlock = 100

var (
	keyReserved = []byte("ticket_reserved") // meta: be64, last number covered by HWMFile when it was written
	keyGaps     = []byte("ticket_gaps")     // meta: be64 from, be64 to, … numbers skipped by a restore
)

// ReadHWM returns the high-water mark kept in dataDir (0 when there is
// none).
func ReadHWM(dataDir string) (uint64, error) {
	raw, err := os.ReadFile(filepath.Join(dataDir, HWMFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("tickets: %w", err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("tickets: %s: %q is not a ticket number; it holds the highest ticket number issued: put it back from a backup of the directory or write a number at least as high as the last ticket officers were told", filepath.Join(dataDir, HWMFile), raw)
	}
	return n, nil
}

// writeHWM makes n the high-water mark of dataDir durably: a temporary
// file, fsynced, renamed over the old one, and the directory fsynced. It
// never lowers the mark.
func writeHWM(dataDir string, n uint64) error {
	if cur, err := ReadHWM(dataDir); err != nil {
		return err
	} else if cur >= n {
		return nil
	}
	path := filepath.Join(dataDir, HWMFile)
	err := WriteFileAtomic(path, 0o600, func(f *os.File) error {
		_, err := f.WriteString(strconv.FormatUint(n, 10) + "\n")
		return err
	})
	if err != nil {
		return fmt.Errorf("tickets: high-water mark %s: %w", path, err)
	}
	return nil
}

func metaU64(tx *bolt.Tx, key []byte) uint64 {
	if b := tx.Bucket(bucketMeta); b != nil {
		if v := b.Get(key); len(v) == 8 {
			return binary.BigEndian.Uint64(v)
		}
	}
	return 0
}

// reserve makes sure number seq, about to be issued in this write
// transaction, is covered by the high-water mark file; when it is not, it
// reserves the block of hwmBlock numbers holding seq. The file is written
// before the transaction commits: a rollback leaves the mark too high,
// which only skips numbers.
func (t *Tx) reserve(seq uint64) error {
	if seq <= metaU64(t.tx, keyReserved) {
		return nil
	}
	end := (seq + hwmBlock - 1) / hwmBlock * hwmBlock
	if err := writeHWM(filepath.Dir(t.tx.DB().Path()), end); err != nil {
		return err
	}
	meta, err := t.tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("tickets: reserve numbers: %w", err)
	}
	return meta.Put(keyReserved, be64(end))
}

// raiseToHWM moves db's ticket numbering above dataDir's high-water mark
// when db may be older than it: always after a restore, and on open when
// the mark is above the numbers db itself reserved. The skipped numbers are
// recorded (keyGaps) so that Verify does not report them missing.
func raiseToHWM(db *bolt.DB, dataDir string, restored bool) error {
	hwm, err := ReadHWM(dataDir)
	if err != nil || hwm == 0 || db.IsReadOnly() {
		return err
	}
	behind := func(tx *bolt.Tx) bool {
		tb := tx.Bucket(bucketTickets)
		return tb != nil && hwm > tb.Sequence() && (restored || hwm > metaU64(tx, keyReserved))
	}
	// Look first: a start-up that changes nothing commits nothing (no fsync).
	var raise bool
	if err := db.View(func(tx *bolt.Tx) error { raise = behind(tx); return nil }); err != nil || !raise {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		if !behind(tx) {
			return nil
		}
		tb := tx.Bucket(bucketTickets)
		seq := tb.Sequence()
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		gaps := append(append(append([]byte(nil), meta.Get(keyGaps)...), be64(seq+1)...), be64(hwm)...)
		if err := meta.Put(keyGaps, gaps); err != nil {
			return err
		}
		if err := meta.Put(keyReserved, be64(hwm)); err != nil {
			return err
		}
		return tb.SetSequence(hwm)
	})
}

// gapRange is a run of numbers skipped by a restore, inclusive.
type gapRange struct{ from, to uint64 }

func readGaps(tx *bolt.Tx) []gapRange {
	var out []gapRange
	if b := tx.Bucket(bucketMeta); b != nil {
		v := b.Get(keyGaps)
		for ; len(v) >= 16; v = v[16:] {
			out = append(out, gapRange{binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])})
		}
	}
	return out
}
