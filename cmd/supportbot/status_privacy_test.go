package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// The files restore sets aside in the data directory hold the data as it
// was; status counts those written before the latest erasure (no erasure
// reached them, no pruning deletes them) and says to delete them, also
// without daily backups configured.
func TestStatusCountsPreRestoreFilesBeforeErasure(t *testing.T) {
	env, _ := statusEnv(t)
	dataDir := env[keyDataDir]
	erasedAt := time.Now().Add(-time.Hour).Truncate(time.Second)
	for name, at := range map[string]time.Time{
		"supportbot.db.pre-restore":       erasedAt.Add(-72 * time.Hour),
		"supportbot.db.pre-restore.1":     erasedAt.Add(-24 * time.Hour),
		"supportbot.db.pre-restore.2":     erasedAt.Add(30 * time.Minute), // set aside after the erasure
		"supportbot.db.pre-restore.notes": erasedAt.Add(-24 * time.Hour),  // not restore's
	} {
		p := filepath.Join(dataDir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	// Before any erasure: nothing to report.
	if _, out, _ := runCLI(t, env, "", "status"); strings.Contains(out, "kept by restore") {
		t.Errorf("status without erasures:\n%s", out)
	}
	reg, err := bot.OpenErasureRegister(filepath.Join(dataDir, privacyDirName))
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Record(bot.Telegram, "1", []string{"HT-000001"}, "officer request", erasedAt); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, env, "", "status", "--json")
	if code != exitOK {
		t.Fatalf("status: exit %d %s", code, errOut)
	}
	var rep struct {
		Privacy map[string]any `json:"privacy"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if n := rep.Privacy["pre_restore_before_erasure"]; n != 2.0 {
		t.Errorf("pre_restore_before_erasure = %v, want 2 (in %v)", n, rep.Privacy)
	}
	day := erasedAt.Local().Format("2006-01-02")
	_, out, _ = runCLI(t, env, "", "status")
	if !strings.Contains(out, "2 files kept by restore in the data directory (supportbot.db.pre-restore…) predate the erasure of "+day+
		" and still hold erased data; delete them once the restore is confirmed") {
		t.Errorf("status text:\n%s", out)
	}
	env[keyLang] = "vi"
	_, out, _ = runCLI(t, env, "", "status")
	if !strings.Contains(out, "2 tệp do lệnh khôi phục giữ lại trong thư mục dữ liệu (supportbot.db.pre-restore…) có trước lần xoá ngày "+day) {
		t.Errorf("status text (vi):\n%s", out)
	}

	// Once deleted down to one, status says so in the singular.
	os.Remove(filepath.Join(dataDir, "supportbot.db.pre-restore"))
	env[keyLang] = "en"
	_, out, _ = runCLI(t, env, "", "status")
	if !strings.Contains(out, "1 file kept by restore in the data directory (supportbot.db.pre-restore…) predates the erasure of "+day+
		" and still holds erased data; delete it once the restore is confirmed") {
		t.Errorf("status text (one file):\n%s", out)
	}
}
