package bot

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// ErasureRecord is one erasure as the register keeps it: never the
// officer's id, only a keyed hash of it.
type ErasureRecord struct {
	At      time.Time `json:"at"`
	Officer string    `json:"officer"` // keyed hash of channel:user id
	Tickets []string  `json:"tickets"`
	Why     string    `json:"why"`
}

// Files of the register, in its directory (the data directory's
// "privacy" folder). They live outside the database file, so neither a
// backup (which copies only the database) nor a restore (which replaces
// only the database) carries or replaces them: the register outlives the
// data it erased, and a restored backup can be erased again.
const (
	// registerSaltFile holds the 32 random bytes keying the officer hash.
	// Without it the hash of a Telegram id (a number of a few billion at
	// most) could be reversed by trying every id; with it beside the
	// register, whoever reads the folder can still test whether one given
	// id was erased, which is what Reapply needs.
	registerSaltFile = "salt"
	// registerFile is the append-only JSON-lines list of erasures.
	registerFile = "erasures.jsonl"
	saltLen      = 32
)

// ErasureRegister is the append-only list of erasures, kept beside (not
// in) the database so that a restored backup can have them re-applied.
//
// It is safe for concurrent use. Only the process that holds the data
// directory (the database's lock) appends; other processes may read the
// files at any time (a half-written last line is skipped).
type ErasureRegister struct {
	dir  string
	salt []byte

	mu      sync.Mutex // guards records and appends to the file
	records []ErasureRecord
	hashes  map[string]bool // Officer of every record
}

// OpenErasureRegister opens the register under dir, creating dir (0700),
// the salt (once, 0600) and nothing else: the list file appears with the
// first erasure. A salt file of the wrong size, or a list with a damaged
// line before its last, is an error: the register is not guessed at.
func OpenErasureRegister(dir string) (*ErasureRegister, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("erasure register: %w", err)
	}
	records, err := readRecords(filepath.Join(dir, registerFile))
	if err != nil {
		return nil, fmt.Errorf("erasure register: %w", err)
	}
	salt, err := loadSalt(dir, len(records))
	if err != nil {
		return nil, fmt.Errorf("erasure register: %w", err)
	}
	r := &ErasureRegister{dir: dir, salt: salt, records: records, hashes: map[string]bool{}}
	for _, rec := range r.records {
		r.hashes[rec.Officer] = true
	}
	return r, nil
}

// loadSalt reads dir's salt, creating it the first time: while the
// register holds no record (records is how many it holds). A salt missing
// beside records was lost (the folder copied without it, a file deleted):
// a new one would match none of them, so that Reapply would erase nobody
// and a restored backup would bring every erased officer back. That is
// refused. The new salt is written whole to a temporary file and linked
// into place, so a crash never leaves a short salt and two processes
// starting together agree on one.
func loadSalt(dir string, records int) ([]byte, error) {
	path := filepath.Join(dir, registerSaltFile)
	salt, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && records > 0 {
		return nil, fmt.Errorf("%s is missing, but %s holds erasures (%d) that only that salt can match: put the file %s back from a copy of the data directory (the database backups never hold it); with a new salt, a restored backup would bring every erased officer back",
			path, filepath.Join(dir, registerFile), records, registerSaltFile)
	}
	if errors.Is(err, os.ErrNotExist) {
		if err := createSalt(dir, path); err != nil {
			return nil, err
		}
		salt, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if len(salt) != saltLen {
		return nil, fmt.Errorf("%s holds %d bytes, want %d: restore it from where the data directory was copied (a new salt would orphan every record)", path, len(salt), saltLen)
	}
	return salt, nil
}

func createSalt(dir, path string) error {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	// Created only if missing, never replaced: another process that made
	// the salt first wins, and both then read the same one.
	err := tickets.CreateFileAtomic(path, 0o600, func(f *os.File) error {
		_, err := f.Write(salt)
		return err
	})
	if errors.Is(err, fs.ErrExist) {
		return tickets.SyncDir(dir)
	}
	return err
}

// readRecords reads the list file. A last line without its newline is the
// trace of a crash in the middle of an append: that Record never returned,
// so its erasure never started, and the fragment is skipped. Any other bad
// line is an error.
func readRecords(path string) ([]ErasureRecord, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if i := bytes.LastIndexByte(raw, '\n'); i < len(raw)-1 {
		raw = raw[:i+1] // torn last line (i == -1: the only line is torn)
	}
	var out []ErasureRecord
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 16<<20) // one officer's ticket list may be long
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec ErasureRecord
		if err := json.Unmarshal(line, &rec); err != nil || rec.Officer == "" {
			return nil, fmt.Errorf("%s:%d: damaged record (%v)", path, n, err)
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

// officerHash is the keyed hash the register stores for ch:userID.
func (r *ErasureRegister) officerHash(ch Channel, userID string) string {
	m := hmac.New(sha256.New, r.salt)
	io.WriteString(m, string(ch)+":"+userID)
	return hex.EncodeToString(m.Sum(nil))
}

// Record appends one erasure and returns once it is on disk (the file
// fsynced, and its directory when the file is new). The caller records
// before it erases anything, so that an erasure cut short by a crash is
// still re-applied by Reapply.
func (r *ErasureRegister) Record(ch Channel, userID string, tickets []string, why string, at time.Time) error {
	if userID == "" {
		return errors.New("erasure register: empty user id")
	}
	rec := ErasureRecord{At: at.UTC(), Officer: r.officerHash(ch, userID), Tickets: slices.Clone(tickets), Why: why}
	if rec.Tickets == nil {
		rec.Tickets = []string{}
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("erasure register: %w", err)
	}
	line = append(line, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.append(line); err != nil {
		return fmt.Errorf("erasure register: %w", err)
	}
	r.records = append(r.records, rec)
	r.hashes[rec.Officer] = true
	return nil
}

// append writes line at the end of the list file, first cutting off a
// torn last line a crash may have left (so the new line does not join
// it). r.mu is held.
func (r *ErasureRegister) append(line []byte) error {
	path := filepath.Join(r.dir, registerFile)
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if end > 0 {
		keep, err := wholeLines(f, end)
		if err != nil {
			return err
		}
		if keep != end {
			if err := f.Truncate(keep); err != nil {
				return err
			}
			end = keep
		}
	}
	if _, err := f.WriteAt(line, end); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if created {
		return tickets.SyncDir(r.dir)
	}
	return nil
}

// wholeLines returns the length of f's first size bytes up to and with
// their last newline.
func wholeLines(f *os.File, size int64) (int64, error) {
	buf := make([]byte, 4096)
	for end := size; end > 0; {
		n := min(int64(len(buf)), end)
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1, nil
		}
		end -= n
	}
	return 0, nil
}

// Matches reports whether ch:userID was erased (is in a record).
func (r *ErasureRegister) Matches(ch Channel, userID string) bool {
	h := r.officerHash(ch, userID)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hashes[h]
}

// Erased returns the newest record of ch:userID's erasures, if any. An
// officer can be erased, come back, and be erased again: what the bot
// holds of them from before the newest record's At is erased data, what
// came after is a new relationship.
func (r *ErasureRegister) Erased(ch Channel, userID string) (ErasureRecord, bool) {
	h := r.officerHash(ch, userID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.hashes[h] {
		return ErasureRecord{}, false
	}
	var last ErasureRecord
	for _, rec := range r.records {
		if rec.Officer == h && !rec.At.Before(last.At) {
			last = rec
		}
	}
	last.Tickets = slices.Clone(last.Tickets)
	return last, true
}

// Len returns how many erasures the register holds.
func (r *ErasureRegister) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.records)
}

// Records returns every erasure, oldest first (in the order recorded).
// The error is always nil: the file was read when the register opened;
// the signature leaves room for a register that reads lazily.
func (r *ErasureRegister) Records() ([]ErasureRecord, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]ErasureRecord, len(r.records))
	for i, rec := range r.records {
		rec.Tickets = slices.Clone(rec.Tickets)
		out[i] = rec
	}
	return out, nil
}

// Latest returns the time of the newest erasure, zero when none.
func (r *ErasureRegister) Latest() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var t time.Time
	for _, rec := range r.records {
		if rec.At.After(t) {
			t = rec.At
		}
	}
	return t
}
