package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// privacyStatus is the personal-data part of `supportbot status`: the
// retention in force, the erasures recorded, and the daily backups that
// still hold data erased since they were taken.
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
}

// collectPrivacy reads the register and the backup folder.
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
	if ps.LatestErasure.IsZero() || cfg.BackupDir == "" {
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
	ret := a.tr("phiếu đã đóng được ẩn danh sau ", "closed tickets anonymised after ") + retentionWords(ps.retention, a.lang)
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
}
