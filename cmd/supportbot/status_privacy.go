package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// privacyStatus is the personal-data part of `supportbot status`: the
// retention in force, the erasures recorded, and the daily backups and
// files set aside by restore that still hold data erased since they were
// written.
type privacyStatus struct {
	Retention     string `json:"retention"` // as SUPPORTBOT_RETENTION reads it: "24mo", "off"
	retention     time.Duration
	Erasures      int       `json:"erasures"`
	LatestErasure time.Time `json:"latest_erasure,omitzero"`
	// BackupsBeforeErasure counts the daily backups in
	// SUPPORTBOT_BACKUP_DIR taken before the latest erasure (damaged ones
	// too: they hold the data as well).
	BackupsBeforeErasure int `json:"backups_before_erasure"`
	// AgeOutBy is when the last of those is deleted by the daily backups'
	// pruning (SUPPORTBOT_BACKUP_KEEP), if the bot keeps running with
	// backups on.
	AgeOutBy time.Time `json:"backups_age_out_by,omitzero"`
	// PreRestoreBeforeErasure counts the files restore set aside in the
	// data directory (supportbot.db.pre-restore[.N]) last written before
	// the latest erasure: no erasure reached them, no pruning deletes
	// them.
	PreRestoreBeforeErasure int `json:"pre_restore_before_erasure"`
}

// preRestoreName is the name tickets.Restore gives the file it sets
// aside: supportbot.db.pre-restore, then .1, .2, … when that exists.
const preRestoreName = tickets.DBFile + ".pre-restore"

func isPreRestore(name string) bool {
	if name == preRestoreName {
		return true
	}
	n, ok := strings.CutPrefix(name, preRestoreName+".")
	if !ok || n == "" {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// countPreRestore counts the files restore set aside in dataDir that were
// last written before t.
func countPreRestore(dataDir string, t time.Time) (int, error) {
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		if os.IsNotExist(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("%s: %w", keyDataDir, err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !isPreRestore(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted since the listing
			}
			return 0, fmt.Errorf("%s: %w", keyDataDir, err)
		}
		if fi.ModTime().Before(t) {
			n++
		}
	}
	return n, nil
}

// collectPrivacy reads the register, the data directory and the backup
// folder.
func collectPrivacy(cfg Config, reg *bot.ErasureRegister) (privacyStatus, error) {
	ps := privacyStatus{Retention: formatRetention(cfg.Retention), retention: cfg.Retention}
	if reg == nil {
		return ps, nil
	}
	recs, err := reg.Records()
	if err != nil {
		return ps, err
	}
	ps.Erasures, ps.LatestErasure = len(recs), reg.Latest()
	if ps.LatestErasure.IsZero() {
		return ps, nil
	}
	if ps.PreRestoreBeforeErasure, err = countPreRestore(cfg.DataDir, ps.LatestErasure); err != nil {
		return ps, err
	}
	if cfg.BackupDir == "" {
		return ps, nil
	}
	entries, err := os.ReadDir(cfg.BackupDir)
	if err != nil {
		if os.IsNotExist(err) {
			return ps, nil // no backup written yet
		}
		return ps, fmt.Errorf("%s: %w", keyBackupDir, err)
	}
	var newest time.Time
	for _, e := range entries {
		at, _, ok := parseBackupName(e.Name())
		if !ok || e.IsDir() || !at.Before(ps.LatestErasure) {
			continue
		}
		ps.BackupsBeforeErasure++
		if at.After(newest) {
			newest = at
		}
	}
	if ps.BackupsBeforeErasure > 0 {
		// Pruning deletes a backup at the first daily run more than
		// KEEP days after it was taken (dailyBackups.prune).
		ps.AgeOutBy = nextDailyBackup(newest.AddDate(0, 0, cfg.BackupKeep))
	}
	return ps, nil
}

// writePrivacyStatus prints ps as lines of status's table.
func writePrivacyStatus(a *app, w io.Writer, ps privacyStatus) {
	const date = "2006-01-02"
	ret := a.tr("phiếu đã đóng được ẩn danh sau ", "closed tickets anonymised after ") + bot.RetentionWords(ps.retention, a.lang)
	if ps.retention <= 0 {
		ret = a.tr("phiếu đã đóng giữ nguyên (không giới hạn)", "closed tickets kept whole (no limit)")
	}
	erasures := a.tr("chưa có lần xoá nào", "no erasures")
	switch latest := ps.LatestErasure.Local().Format(time.DateTime); {
	case ps.Erasures == 1:
		erasures = fmt.Sprintf(a.tr("1 lần xoá, lúc %s", "1 erasure, at %s"), latest)
	case ps.Erasures > 1:
		erasures = fmt.Sprintf(a.tr("%d lần xoá, gần nhất %s", "%d erasures, the latest %s"), ps.Erasures, latest)
	}
	fmt.Fprintf(w, "%s:\t%s; %s\n", a.tr("Dữ liệu cá nhân", "Personal data"), ret, erasures)
	if ps.BackupsBeforeErasure == 1 {
		fmt.Fprintf(w, "\t"+a.tr(
			"1 bản sao lưu có trước lần xoá ngày %s và còn giữ dữ liệu đã xoá; khôi phục sẽ xoá lại, và nó hết hạn trước %s",
			"1 backup predates the erasure of %s and still holds erased data; it is re-erased on restore and ages out by %s")+"\n",
			ps.LatestErasure.Local().Format(date), ps.AgeOutBy.Local().Format(date))
	} else if ps.BackupsBeforeErasure > 1 {
		fmt.Fprintf(w, "\t"+a.tr(
			"%d bản sao lưu có trước lần xoá ngày %s và còn giữ dữ liệu đã xoá; khôi phục sẽ xoá lại, và chúng hết hạn trước %s",
			"%d backups predate the erasure of %s and still hold erased data; they are re-erased on restore and age out by %s")+"\n",
			ps.BackupsBeforeErasure, ps.LatestErasure.Local().Format(date), ps.AgeOutBy.Local().Format(date))
	}
	if ps.PreRestoreBeforeErasure == 1 {
		fmt.Fprintf(w, "\t"+a.tr(
			"1 tệp do lệnh khôi phục giữ lại trong thư mục dữ liệu (%s…) có trước lần xoá ngày %s và còn giữ dữ liệu đã xoá; hãy xoá nó khi đã chắc chắn giữ bản khôi phục",
			"1 file kept by restore in the data directory (%s…) predates the erasure of %s and still holds erased data; delete it once the restore is confirmed")+"\n",
			preRestoreName, ps.LatestErasure.Local().Format(date))
	} else if ps.PreRestoreBeforeErasure > 1 {
		fmt.Fprintf(w, "\t"+a.tr(
			"%d tệp do lệnh khôi phục giữ lại trong thư mục dữ liệu (%s…) có trước lần xoá ngày %s và còn giữ dữ liệu đã xoá; hãy xoá chúng khi đã chắc chắn giữ bản khôi phục",
			"%d files kept by restore in the data directory (%s…) predate the erasure of %s and still hold erased data; delete them once the restore is confirmed")+"\n",
			ps.PreRestoreBeforeErasure, preRestoreName, ps.LatestErasure.Local().Format(date))
	}
}
