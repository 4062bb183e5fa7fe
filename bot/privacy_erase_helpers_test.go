package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// newEraser builds an Eraser over h's database, ticket store and outbox,
// with the staff channel of the staff harness and a register under regDir
// (a fresh one when ""). opts may set the rest.
func newEraser(t *testing.T, db *bolt.DB, st *tickets.Store, out *bot.Outbox, regDir string, opts bot.EraserOptions) *bot.Eraser {
	t.Helper()
	if regDir == "" {
		regDir = t.TempDir()
	}
	reg, err := bot.OpenErasureRegister(regDir)
	if err != nil {
		t.Fatal(err)
	}
	opts.DB, opts.Tickets, opts.Outbox, opts.Register = db, st, out, reg
	if opts.Staff.Channel == "" {
		opts.Staff = bot.StaffOptions{Channel: bot.Slack, Triage: stTriage}
	}
	e, err := bot.NewEraser(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// openTicketStore opens the ticket database in dir, closed when the test
// ends, and a ticket store over it.
func openTicketStore(t *testing.T, dir string) (*bolt.DB, *tickets.Store) {
	t.Helper()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db, st
}

// openBotDB is openTicketStore with an outbox (not running) over the same
// database.
func openBotDB(t *testing.T, dir string) (*bolt.DB, *tickets.Store, *bot.Outbox) {
	t.Helper()
	db, st := openTicketStore(t, dir)
	out, err := bot.NewOutbox(db, bot.OutboxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return db, st, out
}

// restoreBackup copies the database backup into a fresh data directory,
// as an operator restoring it does, and returns the directory.
func restoreBackup(t *testing.T, backup string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, tickets.DBFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// backUpAndErase backs h's database up (before the erasure), then erases
// the officer erasedID through an eraser whose register is in a fresh
// directory. It returns the backup's path and the register's directory.
func backUpAndErase(t *testing.T, h *stHarness) (backup, regDir string) {
	t.Helper()
	backup = filepath.Join(t.TempDir(), "before.db")
	if err := h.store.Backup(backup); err != nil {
		t.Fatal(err)
	}
	regDir = t.TempDir()
	e := newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{})
	if _, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, Why: "officer request",
		By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + erasedID}}); err != nil {
		t.Fatal(err)
	}
	return backup, regDir
}

// runEraser runs e until the test ends.
func runEraser(t *testing.T, e *bot.Eraser) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := e.Run(ctx); err != nil {
			t.Errorf("eraser run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// tracesInDB returns, for every needle found in a key or value of any
// bucket (nested ones included), where: "bucket: needle".
func tracesInDB(t *testing.T, db *bolt.DB, needles ...string) []string {
	t.Helper()
	var out []string
	var walk func(path string, b *bolt.Bucket) error
	look := func(path string, k, v []byte) {
		for _, n := range needles {
			if bytes.Contains(k, []byte(n)) || bytes.Contains(v, []byte(n)) {
				out = append(out, fmt.Sprintf("%s: %q in %q = %q", path, n, k, shortBytes(v)))
			}
		}
	}
	walk = func(path string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			look(path, k, v)
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					return walk(path+"/"+string(k), nb)
				}
			}
			return nil
		})
	}
	err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			look("(bucket names)", name, nil)
			return walk(string(name), b)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func shortBytes(v []byte) []byte {
	if len(v) > 160 {
		return v[:160]
	}
	return v
}

// tracesInFile returns the needles found anywhere in the file at path:
// live data, free pages, everything.
func tracesInFile(t *testing.T, path string, needles ...string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range needles {
		if i := bytes.Index(b, []byte(n)); i >= 0 {
			lo, hi := max(0, i-60), min(len(b), i+len(n)+60)
			out = append(out, fmt.Sprintf("%q at byte %d (page %d): %q", n, i, i/os.Getpagesize(), b[lo:hi]))
		}
	}
	return out
}
