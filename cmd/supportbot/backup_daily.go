package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// Daily backups: with SUPPORTBOT_BACKUP_DIR set, serve writes a hot backup
// of the whole database (tickets.Store.Backup: one read transaction, no
// writer waits) into that folder every day at 02:30 Vietnam time (UTC+7,
// no daylight saving: the quietest hour for officers, and a fixed time an
// operator can plan around, unlike "24 h after the last start"). Each
// backup is checked after writing (tickets.CheckBackup: page walk, bbolt's
// check, the ticket hash chain) and a failed one renamed *.damaged, which
// also says that the live file may be damaged. Backups older than
// SUPPORTBOT_BACKUP_KEEP days are deleted after a good backup, only files
// whose names this code writes: supportbot-YYYYMMDD-HHMMSS.db[.damaged].

// vietnam is Asia/Ho_Chi_Minh, fixed so that no tzdata is needed.
var vietnam = time.FixedZone("ICT", 7*3600)

// dailyBackupAt is the time of day (Vietnam time) of the daily backup.
const dailyBackupAt = 2*time.Hour + 30*time.Minute

const (
	backupNamePrefix = "supportbot-"
	backupNameLayout = "20060102-150405"
	backupNameSuffix = ".db"
	damagedSuffix    = ".damaged"
)

// backupName is the file name of a daily backup taken at t.
func backupName(t time.Time) string {
	return backupNamePrefix + t.In(vietnam).Format(backupNameLayout) + backupNameSuffix
}

// parseBackupName returns when the daily backup called name was taken and
// whether it failed its check; ok is false for any other file.
func parseBackupName(name string) (at time.Time, damaged, ok bool) {
	rest, found := strings.CutPrefix(name, backupNamePrefix)
	if !found {
		return time.Time{}, false, false
	}
	rest, damaged = strings.CutSuffix(rest, damagedSuffix)
	rest, found = strings.CutSuffix(rest, backupNameSuffix)
	if !found {
		return time.Time{}, false, false
	}
	at, err := time.ParseInLocation(backupNameLayout, rest, vietnam)
	if err != nil {
		return time.Time{}, false, false
	}
	return at, damaged, true
}

// nextDailyBackup is the first backup time after now.
func nextDailyBackup(now time.Time) time.Time {
	l := now.In(vietnam)
	next := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, vietnam).Add(dailyBackupAt)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// dailyBackups is the actor writing the daily backups.
type dailyBackups struct {
	store   *tickets.Store
	dir     string
	keep    int // days
	now     func() time.Time
	log     *slog.Logger
	metrics *bot.Metrics
	lastOK  atomic.Int64 // unix seconds of the last good backup, 0 before one
}

// addDailyBackups adds the daily backups to g when SUPPORTBOT_BACKUP_DIR is
// set.
func (w *wiring) addDailyBackups(g *runGroup) {
	if w.cfg.BackupDir == "" {
		return
	}
	d := newDailyBackups(w.store, w.cfg, w.now, w.log.With("part", "backup"), w.metrics)
	g.add("daily backups", d.run)
}

func newDailyBackups(st *tickets.Store, cfg Config, now func() time.Time, log *slog.Logger, m *bot.Metrics) *dailyBackups {
	if now == nil {
		now = time.Now
	}
	d := &dailyBackups{store: st, dir: cfg.BackupDir, keep: cfg.BackupKeep, now: now, log: log, metrics: m}
	m.Help("supportbot_backups_total", "Daily backups by result: ok, failed (not written), damaged (written but failed its check).")
	m.GaugeFunc("supportbot_backup_last_success_timestamp_seconds", "Unix time of the last daily backup that passed its check (0: none since start).",
		func() float64 { return float64(d.lastOK.Load()) })
	return d
}

// run writes a backup at every nextDailyBackup until ctx ends. A failed
// backup is logged and counted, and does not stop the bot.
func (d *dailyBackups) run(ctx context.Context) error {
	d.log.Info("daily backups on", "dir", d.dir, "keep_days", d.keep, "next", nextDailyBackup(d.now()))
	for {
		t := time.NewTimer(time.Until(nextDailyBackup(time.Now())))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
			d.once()
		}
	}
}

// once writes, checks and prunes one daily backup; it returns the backup's
// path, or the error that was logged.
func (d *dailyBackups) once() (string, error) {
	now := d.now()
	start := time.Now()
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return "", d.fail("failed", "", fmt.Errorf("%s: %w", keyBackupDir, err))
	}
	path := filepath.Join(d.dir, backupName(now))
	if err := d.store.Backup(path); err != nil {
		return "", d.fail("failed", path, err)
	}
	if err := tickets.CheckBackup(path); err != nil {
		os.Rename(path, path+damagedSuffix)
		return "", d.fail("damaged", path+damagedSuffix, fmt.Errorf("%w; the live database may be damaged: run `supportbot check`", err))
	}
	d.metrics.Inc("supportbot_backups_total", "result", "ok")
	d.lastOK.Store(now.Unix())
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	d.log.Info("daily backup written and checked", "path", path, "bytes", size, "took", time.Since(start).Round(time.Millisecond))
	d.prune(now)
	return path, nil
}

func (d *dailyBackups) fail(result, path string, err error) error {
	d.metrics.Inc("supportbot_backups_total", "result", result)
	d.log.Error("daily backup "+result, "path", path, "err", err)
	return err
}

// prune deletes the daily backups taken more than keep days before now.
// Only names parseBackupName accepts are touched.
func (d *dailyBackups) prune(now time.Time) {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		d.log.Warn("prune backups", "err", err)
		return
	}
	cutoff := now.AddDate(0, 0, -d.keep)
	for _, e := range entries {
		at, _, ok := parseBackupName(e.Name())
		if !ok || e.IsDir() || !at.Before(cutoff) {
			continue
		}
		p := filepath.Join(d.dir, e.Name())
		if err := os.Remove(p); err != nil {
			d.log.Warn("delete old backup", "path", p, "err", err)
			continue
		}
		d.log.Info("old backup deleted", "path", p, "taken", at)
	}
}

// dailyBackupFiles lists the daily backups in dir that did not fail their
// check when written, newest first.
func dailyBackupFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type file struct {
		path string
		at   time.Time
	}
	var fs []file
	for _, e := range entries {
		if at, damaged, ok := parseBackupName(e.Name()); ok && !damaged && !e.IsDir() {
			fs = append(fs, file{filepath.Join(dir, e.Name()), at})
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].at.After(fs[j].at) })
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.path
	}
	return out, nil
}
