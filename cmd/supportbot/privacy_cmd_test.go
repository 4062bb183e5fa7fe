package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

func TestRetentionConfig(t *testing.T) {
	cfg, err := loadConfig("", fakeEnv{}.get, os.ReadFile)
	if err != nil || cfg.Retention != 24*month || formatRetention(cfg.Retention) != "24mo" {
		t.Fatalf("default: %v %v", cfg.Retention, err)
	}
	for v, want := range map[string]time.Duration{
		"24mo": 24 * month, "36MO": 36 * month, "730d": 730 * day, "8760h": 8760 * time.Hour, " 1d ": day,
		"0": 0, "off": 0, "OFF": 0,
	} {
		cfg, err := loadConfig("", fakeEnv{keyRetention: v}.get, os.ReadFile)
		if err != nil || cfg.Retention != want {
			t.Errorf("%q: %v %v, want %v", v, cfg.Retention, err, want)
		}
	}
	// "24m" is 24 minutes to Go: refused, with the way to say months.
	for _, v := range []string{"24m", "2y", "-5d", "0mo", "1.5mo", "mo", "12h", "forever"} {
		_, err := loadConfig("", fakeEnv{keyRetention: v}.get, os.ReadFile)
		if err == nil || !strings.Contains(err.Error(), keyRetention) || !strings.Contains(err.Error(), "24mo") {
			t.Errorf("%q: %v", v, err)
		}
	}
	// The operator reads the error in their language, and the key in it.
	code, _, errOut := runCLI(t, fakeEnv{keyRetention: "24m", keyLang: "en", keyDataDir: t.TempDir()}, "", "privacy", "erasures")
	if code != exitError || !strings.Contains(errOut, "The configuration is not right") || !strings.Contains(errOut, keyRetention) {
		t.Errorf("bad retention: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, fakeEnv{keyRetention: "24m", keyDataDir: t.TempDir()}, "", "privacy", "erasures")
	if code != exitError || !strings.Contains(errOut, "Cấu hình chưa đúng") {
		t.Errorf("bad retention (vi): exit %d %s", code, errOut)
	}
	for _, d := range []time.Duration{24 * month, 730 * day, 36 * time.Hour, 0} {
		back, err := parseRetention(formatRetention(d))
		if err != nil || back != d {
			t.Errorf("%v → %q → %v %v", d, formatRetention(d), back, err)
		}
	}
}

// officerEnv is a stopped bot's data directory holding two tickets of
// officer telegram:4242 ("Nguyễn Thị Kiểm Thử") and one of someone else.
func officerEnv(t *testing.T) fakeEnv {
	t.Helper()
	dataDir := t.TempDir()
	seedTickets(t, dataDir,
		tickets.NewTicket{Channel: "telegram", UserID: "4242", ChatID: "4242", UserName: "Nguyễn Thị Kiểm Thử", Province: "Hà Nội",
			Commune: "Xã Độc Nhất", Text: "Câu hỏi riêng tư số một của cán bộ kiểm thử", Source: "telegram:1"},
		tickets.NewTicket{Channel: "telegram", UserID: "777", ChatID: "777", UserName: "Người Khác", Text: "Câu hỏi của người khác", Source: "telegram:2"},
		tickets.NewTicket{Channel: "telegram", UserID: "4242", ChatID: "4242", UserName: "Nguyễn Thị Kiểm Thử",
			Text: "Câu hỏi riêng tư số hai của cán bộ kiểm thử", Source: "telegram:3"},
	)
	return fakeEnv{keyDataDir: dataDir, keyLang: "en", "SUDO_USER": "alice"}
}

// showJSON returns `tickets show ID --json` as a map.
func showJSON(t *testing.T, env fakeEnv, id string) map[string]any {
	t.Helper()
	code, out, errOut := runCLI(t, env, "", "tickets", "show", id, "--json")
	if code != exitOK {
		t.Fatalf("show %s: exit %d %s", id, code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// An operator erases an officer on a request made outside the bot, with
// the bot stopped: the officer's tickets stay, anonymised, with their
// states; the other officer's ticket is untouched; the chain holds; the
// register knows the officer without holding the id; nothing of the
// officer is left in the database file.
func TestPrivacyEraseWithTheBotStopped(t *testing.T) {
	env := officerEnv(t)
	dataDir := env[keyDataDir]

	// Without --yes it asks; anything but yes erases nothing.
	code, _, errOut := runCLI(t, env, "no\n", "privacy", "erase", "--chat", "4242")
	if code != exitError || !strings.Contains(errOut, "Type \"yes\" to confirm") || !strings.Contains(errOut, "not confirmed") {
		t.Fatalf("declined: exit %d %s", code, errOut)
	}
	if tk := showJSON(t, env, "HT-000001"); tk["user_id"] != "4242" {
		t.Fatalf("a declined erasure erased: %v", tk["user_id"])
	}

	code, out, errOut := runCLI(t, env, "yes\n", "privacy", "erase", "--chat", "4242")
	if code != exitOK {
		t.Fatalf("erase: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "2 tickets anonymised") || !strings.Contains(out, "free pages") || strings.Contains(out, "4242") {
		t.Errorf("erase report:\n%s", out)
	}
	for _, id := range []string{"HT-000001", "HT-000003"} {
		tk := showJSON(t, env, id)
		if tk["user_id"] != "" && tk["user_id"] != nil || tk["user_name"] != nil && tk["user_name"] != "" || tk["text"] != "" && tk["text"] != nil ||
			tk["state"] != "new" || tk["anonymised_at"] == nil {
			t.Errorf("%s after the erasure: %v", id, tk)
		}
	}
	if tk := showJSON(t, env, "HT-000002"); tk["user_id"] != "777" || tk["text"] != "Câu hỏi của người khác" {
		t.Errorf("the other officer's ticket changed: %v", tk)
	}
	if code, out, errOut := runCLI(t, env, "", "tickets", "verify"); code != exitOK {
		t.Errorf("verify after the erasure: exit %d %s %s", code, out, errOut)
	}
	reg, err := bot.OpenErasureRegister(filepath.Join(dataDir, privacyDirName))
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := reg.Records()
	if !reg.Matches(bot.Telegram, "4242") || len(recs) != 1 || recs[0].Why != "operator request" || len(recs[0].Tickets) != 2 {
		t.Errorf("register: %+v", recs)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, tickets.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Nguyễn Thị Kiểm Thử", "riêng tư số một", "riêng tư số hai", "Xã Độc Nhất", "telegram:4242"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the database file still holds %q", s)
		}
	}

	// Nobody by that id: said plainly, exit 1, as an unknown ticket is.
	code, _, errOut = runCLI(t, env, "", "privacy", "erase", "--chat", "99999", "--yes")
	if code != exitError || !strings.Contains(errOut, "holds nothing about this officer") {
		t.Errorf("unknown officer: exit %d %s", code, errOut)
	}
	// and not recorded: status would count backups as holding erased data.
	reg, err = bot.OpenErasureRegister(filepath.Join(dataDir, privacyDirName))
	if err != nil {
		t.Fatal(err)
	}
	if recs, _ := reg.Records(); len(recs) != 1 {
		t.Errorf("after erasing an unknown officer the register holds %d records, want 1", len(recs))
	}
	_, out, _ = runCLI(t, env, "", "status")
	if !strings.Contains(out, "1 erasure, at ") {
		t.Errorf("status after erasing an unknown officer:\n%s", out)
	}
	// The list of erasures names reasons and tickets, never the officer.
	code, out, _ = runCLI(t, env, "", "privacy", "erasures")
	if code != exitOK || !strings.Contains(out, "operator request") || !strings.Contains(out, "HT-000001 HT-000003") ||
		strings.Contains(out, "4242") || strings.Contains(out, recs[0].Officer) {
		t.Errorf("erasures:\n%s", out)
	}
}

func TestPrivacyEraseUsage(t *testing.T) {
	for _, args := range [][]string{
		{"privacy", "erase"},
		{"privacy", "erase", "--chat", "-1001234", "--yes"},
		{"privacy", "erase", "--chat", "abc", "--yes"},
		{"privacy", "erase", "--chat", "1", "--channel", "zalo", "--yes"},
		{"privacy", "erase", "--chat", "1", "extra"},
		{"privacy", "erasures", "extra"},
	} {
		code, out, errOut := runCLI(t, fakeEnv{keyLang: "en", keyDataDir: t.TempDir()}, "", args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, "Usage:") {
			t.Errorf("%v: exit %d %q %s", args, code, out, errOut)
		}
	}
}

// The admin socket's log does not keep the id of the officer being erased.
func TestAdminLogLeavesOutTheErasedID(t *testing.T) {
	for _, args := range [][]string{
		{"privacy", "erase", "--channel", "telegram", "--chat", "4242", "--yes"},
		{"privacy", "erase", "--chat=4242", "--yes"},
		{"privacy", "erase", "-chat", "4242"},
	} {
		if got := strings.Join(loggedArgs(args), " "); strings.Contains(got, "4242") {
			t.Errorf("logged %q", got)
		}
	}
}

// A backup taken before an erasure still holds the erased officer;
// restoring it erases them again, before any bot uses the file.
func TestRestoreReappliesErasures(t *testing.T) {
	env := officerEnv(t)
	backup := filepath.Join(t.TempDir(), "before.db")
	if code, _, errOut := runCLI(t, env, "", "backup", backup); code != exitOK {
		t.Fatalf("backup: %s", errOut)
	}
	if code, out, errOut := runCLI(t, env, "", "privacy", "erase", "--chat", "4242", "--yes"); code != exitOK {
		t.Fatalf("erase: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, env, "", "restore", backup)
	if code != exitOK {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "Re-applied the 1 erasures") {
		t.Errorf("restore does not say it re-applied the erasure:\n%s", out)
	}
	for _, id := range []string{"HT-000001", "HT-000003"} {
		if tk := showJSON(t, env, id); tk["user_id"] != "" && tk["user_id"] != nil || tk["anonymised_at"] == nil {
			t.Errorf("%s after restoring the older backup: %v", id, tk)
		}
	}
	if tk := showJSON(t, env, "HT-000002"); tk["user_id"] != "777" {
		t.Errorf("the other officer's ticket after the restore: %v", tk)
	}
	raw, _ := os.ReadFile(filepath.Join(env[keyDataDir], tickets.DBFile))
	if bytes.Contains(raw, []byte("Nguyễn Thị Kiểm Thử")) || bytes.Contains(raw, []byte("riêng tư số một")) {
		t.Error("the restored database file still holds the erased officer's name or words")
	}
	// The scratch copy the erasures were re-applied to is gone.
	if left, _ := filepath.Glob(filepath.Join(env[keyDataDir], ".restore-*")); len(left) > 0 {
		t.Errorf("scratch copies left in the data directory: %v", left)
	}
	if code, out, errOut := runCLI(t, env, "", "tickets", "verify"); code != exitOK {
		t.Errorf("verify after the restore: exit %d %s %s", code, out, errOut)
	}
}

// `tickets show` records who saw the ticket, through what, and lists the
// views; `tickets export` records one view per exported ticket that still
// had personal data.
func TestTicketsShowAndExportRecordViews(t *testing.T) {
	env := officerEnv(t)
	for range 2 {
		if code, _, errOut := runCLI(t, env, "", "tickets", "show", "HT-000001"); code != exitOK {
			t.Fatalf("show: %s", errOut)
		}
	}
	_, out, _ := runCLI(t, env, "", "tickets", "show", "HT-000001")
	views := out[strings.Index(out, "Views of the personal data:"):]
	if n := strings.Count(views, "cli:alice cli tickets show"); n != 3 {
		t.Errorf("show lists %d views by cli:alice, want 3 (this one included):\n%s", n, out)
	}
	if hist := out[strings.Index(out, "History:"):strings.Index(out, "Views of")]; strings.Contains(hist, tickets.EventViewed) {
		t.Errorf("views mixed into the history:\n%s", hist)
	}

	// One ticket anonymised: nothing personal left to see, no view.
	db, err := tickets.OpenDB(env[keyDataDir])
	if err != nil {
		t.Fatal(err)
	}
	st, _ := tickets.NewStore(db, tickets.Options{})
	err = st.Update(func(tx *tickets.Tx) error {
		_, err := tx.Anonymise("HT-000003", tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:bob"}, "operator request")
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	env["SUDO_USER"] = "carol"
	if code, _, errOut := runCLI(t, env, "", "tickets", "export", "--format", "jsonl"); code != exitOK {
		t.Fatalf("export: %s", errOut)
	}
	if code, _, errOut := runCLI(t, env, "", "tickets", "export", "--format", "csv", "--output", filepath.Join(t.TempDir(), "t.csv")); code != exitOK {
		t.Fatalf("export csv: %s", errOut)
	}
	db, err = tickets.OpenDB(env[keyDataDir])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ = tickets.NewStore(db, tickets.Options{})
	for id, want := range map[string]int{"HT-000001": 2, "HT-000002": 2, "HT-000003": 0} {
		evs, err := st.Events(id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Kind == tickets.EventViewed && e.Actor.ID == "cli:carol" && e.Note == "export" {
				n++
			}
		}
		if n != want {
			t.Errorf("%s: %d export views by cli:carol, want %d", id, n, want)
		}
	}
}

// status names the daily backups taken before the latest erasure, which
// still hold what it erased, and when the last of them ages out.
func TestStatusListsBackupsBeforeErasure(t *testing.T) {
	env, _ := statusEnv(t)
	backupDir := t.TempDir()
	env[keyBackupDir], env[keyBackupKeep] = backupDir, "14"
	erasedAt := time.Date(2026, 11, 20, 15, 0, 0, 0, vietnam)
	for _, n := range []string{"supportbot-20261118-023000.db", "supportbot-20261119-023000.db.damaged",
		"supportbot-20261120-023000.db", "supportbot-20261121-023000.db", "notes.txt"} {
		os.WriteFile(filepath.Join(backupDir, n), []byte("x"), 0o600)
	}
	// Before any erasure: nothing to report.
	_, out, _ := runCLI(t, env, "", "status")
	if !strings.Contains(out, "closed tickets anonymised after 24 months; no erasures") || strings.Contains(out, "predate") {
		t.Errorf("status without erasures:\n%s", out)
	}
	reg, err := bot.OpenErasureRegister(filepath.Join(env[keyDataDir], privacyDirName))
	if err != nil {
		t.Fatal(err)
	}
	reg.Record(bot.Telegram, "1", []string{"HT-000001"}, "officer request", erasedAt.Add(-48*time.Hour))
	reg.Record(bot.Telegram, "2", nil, "operator request", erasedAt)

	code, out, errOut := runCLI(t, env, "", "status", "--json")
	if code != exitOK {
		t.Fatalf("status: exit %d %s", code, errOut)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// The 20/11 backup + 14 days, by the daily run after (a day late at
	// most: the run at exactly 14 days may keep it).
	ageOut := time.Date(2026, 12, 5, 2, 30, 0, 0, vietnam)
	if p := rep.Privacy; p.Erasures != 2 || !p.LatestErasure.Equal(erasedAt) || p.BackupsBeforeErasure != 3 || !p.AgeOutBy.Equal(ageOut) || p.Retention != "24mo" {
		t.Errorf("privacy status: %+v", p)
	}
	day := func(t time.Time) string { return t.Local().Format("2006-01-02") }
	_, out, _ = runCLI(t, env, "", "status")
	if !strings.Contains(out, "3 backups predate the erasure of "+day(erasedAt)+" and still hold erased data; they are re-erased on restore and age out by "+day(ageOut)) {
		t.Errorf("status text:\n%s", out)
	}
	env[keyLang] = "vi"
	_, out, _ = runCLI(t, env, "", "status")
	if !strings.Contains(out, "3 bản sao lưu có trước lần xoá ngày "+day(erasedAt)) {
		t.Errorf("status text (vi):\n%s", out)
	}
}

// With the bot running, show and erase go through the admin socket and run
// on the bot's store and Eraser; the view and the erasure name the person
// who typed the command, not the bot's user.
func TestPrivacyThroughTheRunningBot(t *testing.T) {
	env, _ := statusEnv(t)
	env["SUDO_USER"] = "dave"
	seedTickets(t, env[keyDataDir],
		tickets.NewTicket{Channel: "telegram", UserID: "4242", ChatID: "4242", UserName: "Nguyễn Thị Kiểm Thử", Text: "Câu hỏi riêng tư", Source: "telegram:1"},
		tickets.NewTicket{Channel: "telegram", UserID: "777", ChatID: "777", UserName: "Người Khác", Text: "Câu hỏi khác", Source: "telegram:2"})
	w := wireTest(t, env)
	startAdmin(t, w)

	code, out, errOut := runCLI(t, env, "", "tickets", "show", "HT-000001")
	if code != exitOK || !strings.Contains(out, "cli:dave cli tickets show") {
		t.Fatalf("show through the socket: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "yes\n", "privacy", "erase", "--chat", "4242")
	if code != exitOK || !strings.Contains(out, "1 tickets anonymised") {
		t.Fatalf("erase through the socket: exit %d\n%s%s", code, out, errOut)
	}
	if !w.register.Matches(bot.Telegram, "4242") {
		t.Error("the running bot's register does not hold the erasure")
	}
	evs, err := w.store.Events("HT-000001")
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Kind != tickets.EventAnonymised || last.Actor.ID != "cli:dave" || last.Note != "operator request" {
		t.Errorf("last event %+v, want anonymised by cli:dave for an operator request", last)
	}
	if tk, _ := w.store.Get("HT-000002"); tk.UserID != "777" {
		t.Errorf("the other officer's ticket: %+v", tk)
	}
}
