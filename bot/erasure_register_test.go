package bot_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

func openRegister(t *testing.T, dir string) *bot.ErasureRegister {
	t.Helper()
	r, err := bot.OpenErasureRegister(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readDir returns every byte of every file under dir.
func readDir(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		return nil
	})
	return all
}

// The register keeps a keyed hash, never the officer's id; it answers
// Matches for that officer only, and after a reopen.
func TestErasureRegisterKeepsNoID(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "privacy")
	r := openRegister(t, dir)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if err := r.Record(bot.Telegram, "987654321", []string{"HT-000001", "HT-000007"}, "officer request", at); err != nil {
		t.Fatal(err)
	}
	if raw := readDir(t, dir); bytes.Contains(raw, []byte("987654321")) {
		t.Errorf("the register's files hold the officer's id")
	}
	if !r.Matches(bot.Telegram, "987654321") {
		t.Error("Matches: the erased officer is not found")
	}
	for _, other := range []struct {
		ch bot.Channel
		id string
	}{{bot.Telegram, "98765432"}, {bot.Slack, "987654321"}, {bot.Telegram, ""}} {
		if r.Matches(other.ch, other.id) {
			t.Errorf("Matches(%s, %q) is true", other.ch, other.id)
		}
	}
	recs, _ := r.Records()
	if len(recs) != 1 || len(recs[0].Officer) != 64 || recs[0].Why != "officer request" || !recs[0].At.Equal(at) ||
		fmt.Sprint(recs[0].Tickets) != "[HT-000001 HT-000007]" {
		t.Errorf("records: %+v", recs)
	}

	// Reopened (the bot restarted, or a backup was restored beside it).
	r2 := openRegister(t, dir)
	if !r2.Matches(bot.Telegram, "987654321") || !r2.Latest().Equal(at) {
		t.Errorf("after reopen: matches %v, latest %v", r2.Matches(bot.Telegram, "987654321"), r2.Latest())
	}
	if fi, err := os.Stat(filepath.Join(dir, "salt")); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Errorf("salt file: %v %v", fi, err)
	}

	// Another data directory has another salt: the same id hashes apart.
	r3 := openRegister(t, filepath.Join(t.TempDir(), "privacy"))
	r3.Record(bot.Telegram, "987654321", nil, "operator request", at)
	recs3, _ := r3.Records()
	if recs3[0].Officer == recs[0].Officer {
		t.Error("two registers hash the same id alike: the salt does not key the hash")
	}
}

// A crash in the middle of an append leaves a torn last line: the register
// still opens with every whole record, and the next Record is readable.
func TestErasureRegisterTornLastLine(t *testing.T) {
	dir := t.TempDir()
	r := openRegister(t, dir)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	r.Record(bot.Telegram, "1", []string{"HT-000001"}, "officer request", t0)
	r.Record(bot.Telegram, "2", []string{"HT-000002"}, "officer request", t0.Add(time.Hour))
	f, err := os.OpenFile(filepath.Join(dir, "erasures.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"at":"2026-03-01T11:00:00Z","officer":"ab`)
	f.Close()

	r2 := openRegister(t, dir)
	recs, _ := r2.Records()
	if len(recs) != 2 || !r2.Matches(bot.Telegram, "1") || !r2.Matches(bot.Telegram, "2") {
		t.Fatalf("after a torn line: %d records", len(recs))
	}
	if err := r2.Record(bot.Telegram, "3", nil, "retention", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r3 := openRegister(t, dir)
	recs, _ = r3.Records()
	if len(recs) != 3 || !r3.Matches(bot.Telegram, "3") || !r3.Latest().Equal(t0.Add(2*time.Hour)) {
		t.Errorf("the record after the torn line: %d records, latest %v", len(recs), r3.Latest())
	}

	// A damaged line that is not the last is not a crash's trace: refused.
	os.WriteFile(filepath.Join(dir, "erasures.jsonl"), []byte("not json\n{\"officer\":\"x\"}\n"), 0o600)
	if _, err := bot.OpenErasureRegister(dir); err == nil {
		t.Error("a damaged register opened without error")
	}
}

// Erasures recorded from several goroutines are all kept.
func TestErasureRegisterConcurrent(t *testing.T) {
	dir := t.TempDir()
	r := openRegister(t, dir)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := r.Record(bot.Telegram, fmt.Sprint(i), nil, "officer request", time.Now()); err != nil {
				t.Error(err)
			}
			r.Matches(bot.Telegram, "0")
			r.Latest()
		})
	}
	wg.Wait()
	r2 := openRegister(t, dir)
	for i := range 20 {
		if !r2.Matches(bot.Telegram, fmt.Sprint(i)) {
			t.Errorf("officer %d lost", i)
		}
	}
}

// A register whose salt was lost while its records were kept refuses to
// open, saying what is missing and where it comes back from, rather than
// starting a new salt that would match none of the erased officers. The
// records and the (absent) salt are left as they were, so that putting
// the salt back is enough.
func TestErasureRegisterMissingSaltWithRecords(t *testing.T) {
	dir := t.TempDir()
	r := openRegister(t, dir)
	if err := r.Record(bot.Telegram, "12345", []string{"HT-000001"}, "officer request", time.Now()); err != nil {
		t.Fatal(err)
	}
	salt := filepath.Join(dir, "salt")
	saved, err := os.ReadFile(salt)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(salt); err != nil {
		t.Fatal(err)
	}
	_, err = bot.OpenErasureRegister(dir)
	if err == nil {
		t.Fatal("a register with records and no salt opened without error")
	}
	for _, want := range []string{salt, "erasures.jsonl", "copy of the data directory"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if _, statErr := os.Stat(salt); !os.IsNotExist(statErr) {
		t.Errorf("a salt was created after the refusal (%v)", statErr)
	}

	if err := os.WriteFile(salt, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := openRegister(t, dir); !r.Matches(bot.Telegram, "12345") {
		t.Error("with the salt put back, the erased officer no longer matches")
	}

	// A register with no record yet still makes its salt.
	fresh := t.TempDir()
	openRegister(t, fresh)
	if b, err := os.ReadFile(filepath.Join(fresh, "salt")); err != nil || len(b) != 32 {
		t.Errorf("new register's salt: %d bytes, %v", len(b), err)
	}
}
