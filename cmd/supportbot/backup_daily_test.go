package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

func TestNextDailyBackup(t *testing.T) {
	for _, c := range []struct{ now, want string }{
		{"2026-11-30T01:00:00+07:00", "2026-11-30T02:30:00+07:00"},
		{"2026-11-30T02:30:00+07:00", "2026-12-01T02:30:00+07:00"}, // just taken: tomorrow
		{"2026-11-30T23:59:00+07:00", "2026-12-01T02:30:00+07:00"},
		{"2026-11-29T19:00:00Z", "2026-11-30T02:30:00+07:00"}, // 02:00 in Hà Nội
		{"2026-12-31T19:00:00Z", "2027-01-01T02:30:00+07:00"}, // year end
		{"2026-12-31T20:00:00Z", "2027-01-02T02:30:00+07:00"}, // 03:00 on 1 January: missed, next day
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		want, _ := time.Parse(time.RFC3339, c.want)
		if got := nextDailyBackup(now); !got.Equal(want) {
			t.Errorf("nextDailyBackup(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}

func TestParseBackupName(t *testing.T) {
	at := time.Date(2026, 11, 30, 2, 30, 0, 0, vietnam)
	if n := backupName(at); n != "supportbot-20261130-023000.db" {
		t.Errorf("backupName = %s", n)
	}
	for name, want := range map[string]bool{
		"supportbot-20261130-023000.db":         true,
		"supportbot-20261130-023000.db.damaged": true,
		"supportbot.db":                         false,
		"supportbot-manual.db":                  false,
		"supportbot-20261130-023000.db.tmp-123": false,
		"notes.txt":                             false,
	} {
		if _, _, ok := parseBackupName(name); ok != want {
			t.Errorf("parseBackupName(%q) ok = %v, want %v", name, ok, want)
		}
	}
}

// One daily run writes a checked backup named for the day and deletes the
// daily backups older than KEEP days, and nothing else.
func TestDailyBackupOnce(t *testing.T) {
	dataDir, backupDir := t.TempDir(), t.TempDir()
	seedMany(t, dataDir, 3)
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ := tickets.NewStore(db, tickets.Options{})
	now := time.Date(2026, 11, 30, 2, 30, 0, 0, vietnam)
	keepers := []string{"supportbot-20261117-023000.db", "notes.txt", "supportbot-manual.db", "supportbot.db"}
	expired := []string{"supportbot-20261115-023000.db", "supportbot-20261101-023000.db.damaged"}
	for _, n := range append(append([]string{}, keepers...), expired...) {
		os.WriteFile(filepath.Join(backupDir, n), []byte("x"), 0o600)
	}
	cfg := defaultConfig()
	cfg.BackupDir, cfg.BackupKeep = backupDir, 14
	d := newDailyBackups(st, cfg, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	path, err := d.once()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "supportbot-20261130-023000.db" {
		t.Errorf("backup written to %s", path)
	}
	if err := tickets.CheckBackup(path); err != nil {
		t.Errorf("the daily backup does not pass its check: %v", err)
	}
	for _, n := range keepers {
		if _, err := os.Stat(filepath.Join(backupDir, n)); err != nil {
			t.Errorf("%s deleted: %v", n, err)
		}
	}
	for _, n := range expired {
		if _, err := os.Stat(filepath.Join(backupDir, n)); err == nil {
			t.Errorf("%s (older than 14 days) kept", n)
		}
	}
}

// restore without FILE takes the newest good daily backup, naming the
// damaged ones it skips.
func TestRestoreLatestSkipsDamaged(t *testing.T) {
	dataDir, backupDir := t.TempDir(), t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_BACKUP_DIR": backupDir, "SUPPORTBOT_LANG": "en"}
	seedMany(t, dataDir, 40)
	good := filepath.Join(backupDir, "supportbot-20261128-023000.db")
	newest := filepath.Join(backupDir, "supportbot-20261129-023000.db")
	older := filepath.Join(backupDir, "supportbot-20261127-023000.db")
	for _, p := range []string{older, good, newest} {
		if code, _, errOut := runCLI(t, env, "", "backup", p); code != exitOK {
			t.Fatalf("backup: %s", errOut)
		}
	}
	damageFile(t, newest, "tickets", "length")
	for _, args := range [][]string{{"restore"}, {"restore", "--latest"}} {
		code, out, errOut := runCLI(t, env, "", args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		if !strings.Contains(errOut, "Skipping "+newest+": damaged backup") {
			t.Errorf("%v does not say it skipped the damaged backup:\n%s", args, errOut)
		}
		if !strings.Contains(out, "Using the newest good backup: "+good) || !strings.Contains(out, "Restored "+good) {
			t.Errorf("%v did not use %s:\n%s", args, good, out)
		}
	}
	code, _, errOut := runCLI(t, fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "en"}, "", "restore")
	if code != exitError || !strings.Contains(errOut, "SUPPORTBOT_BACKUP_DIR is not set") {
		t.Errorf("restore without FILE or backup dir: exit %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, env, "", "restore", "--latest", good); code != exitUsage {
		t.Errorf("restore --latest FILE: exit %d, want 2", code)
	}
}

func TestBackupKeepConfig(t *testing.T) {
	cfg, err := loadConfig("", fakeEnv{}.get, os.ReadFile)
	if err != nil || cfg.BackupKeep != 14 || cfg.BackupDir != "" {
		t.Fatalf("defaults: keep %d dir %q err %v", cfg.BackupKeep, cfg.BackupDir, err)
	}
	if _, err := loadConfig("", fakeEnv{"SUPPORTBOT_BACKUP_KEEP": "0"}.get, os.ReadFile); err == nil || !strings.Contains(err.Error(), keyBackupKeep) {
		t.Errorf("KEEP=0: %v", err)
	}
}
