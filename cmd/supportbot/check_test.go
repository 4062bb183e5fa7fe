package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/tickets"
	bolt "go.etcd.io/bbolt"
)

// seedMany writes n tickets: enough for the tickets and events buckets to
// have pages of their own (small buckets are stored inline).
func seedMany(t *testing.T, dataDir string, n int) {
	t.Helper()
	ns := make([]tickets.NewTicket, n)
	for i := range ns {
		ns[i] = tickets.NewTicket{Channel: "telegram", UserID: "1", ChatID: "1", Source: fmt.Sprintf("telegram:%d", i),
			Text: fmt.Sprintf("Câu hỏi số %d về thủ tục cấp giấy phép tiến hành công việc bức xạ tại cơ sở y tế", i)}
	}
	seedTickets(t, dataDir, ns...)
}

// damageFile overwrites, in the bbolt file at path, the header (page type)
// or the first element's value length of a leaf page of bucket.
func damageFile(t *testing.T, path, bucket, what string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var root uint64
	db.View(func(tx *bolt.Tx) error { root = uint64(tx.Bucket([]byte(bucket)).Root()); return nil })
	ps := int64(db.Info().PageSize)
	db.Close()
	if root == 0 {
		t.Fatalf("bucket %s is inline", bucket)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr := make([]byte, 32)
	off := int64(root) * ps
	for {
		if _, err := f.ReadAt(hdr, off); err != nil {
			t.Fatal(err)
		}
		if binary.LittleEndian.Uint16(hdr[8:]) != 0x01 {
			break
		}
		off = int64(binary.LittleEndian.Uint64(hdr[24:])) * ps
	}
	patch := []byte{0x20, 0x00}
	if what == "length" {
		patch, off = binary.LittleEndian.AppendUint32(nil, 0x7ffffff0), off+16+12
	} else {
		off += 8
	}
	if _, err := f.WriteAt(patch, off); err != nil {
		t.Fatal(err)
	}
}

func assertNoPanic(t *testing.T, what, out string) {
	t.Helper()
	for _, bad := range []string{"panic:", "goroutine ", "fatal error", "unexpected fault"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s: output contains %q:\n%s", what, bad, out)
		}
	}
}

// A damaged database file stops every command with a sentence saying what
// to do, exit 1, and no stack trace: serve, tickets verify, tickets list,
// check, and restore of a damaged backup.
func TestBinaryDamagedDatabase(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	for _, what := range []string{"header", "length"} {
		for _, bucket := range []string{"tickets", "ticket_events"} {
			t.Run(bucket+"/"+what, func(t *testing.T) {
				dataDir := t.TempDir()
				seedMany(t, dataDir, 40)
				backup := filepath.Join(t.TempDir(), "backup.db")
				if err := copyFileForTest(filepath.Join(dataDir, tickets.DBFile), backup); err != nil {
					t.Fatal(err)
				}
				damageFile(t, filepath.Join(dataDir, tickets.DBFile), bucket, what)
				damageFile(t, backup, bucket, what)
				envEN := envWith(botEnv(fake, dataDir), "SUPPORTBOT_LANG", "en")
				envVI := envWith(botEnv(fake, dataDir), "SUPPORTBOT_LANG", "vi")

				for _, args := range [][]string{{"serve"}, {"tickets", "verify"}, {"tickets", "list"}} {
					code, out := runBin(t, envEN, args...)
					assertNoPanic(t, strings.Join(args, " "), out)
					if code != exitError || !strings.Contains(out, "The database file is damaged") ||
						!strings.Contains(out, "supportbot restore") || !strings.Contains(out, "supportbot check") ||
						!strings.Contains(out, bucket) {
						t.Errorf("%v: exit %d, want 1 with the damaged-file sentence naming %s:\n%s", args, code, bucket, out)
					}
				}
				code, out := runBin(t, envVI, "tickets", "list")
				if code != exitError || !strings.Contains(out, "Tệp cơ sở dữ liệu bị hỏng") {
					t.Errorf("vi: exit %d:\n%s", code, out)
				}

				code, out = runBin(t, envEN, "check")
				assertNoPanic(t, "check", out)
				if code != exitError || !strings.Contains(out, "DAMAGED; damaged buckets: "+bucket+"\n") {
					t.Errorf("check: exit %d, want 1 naming %s:\n%s", code, bucket, out)
				}

				// Restore refuses the damaged backup and changes nothing.
				before, _ := os.ReadFile(filepath.Join(dataDir, tickets.DBFile))
				code, out = runBin(t, envEN, "restore", backup)
				assertNoPanic(t, "restore", out)
				if code != exitError || !strings.Contains(out, "The backup is damaged, so it was not restored") || !strings.Contains(out, bucket) {
					t.Errorf("restore of a damaged backup: exit %d:\n%s", code, out)
				}
				after, _ := os.ReadFile(filepath.Join(dataDir, tickets.DBFile))
				if string(before) != string(after) {
					t.Error("a refused restore changed the live file")
				}
				if _, err := os.Stat(filepath.Join(dataDir, "supportbot.db.pre-restore")); err == nil {
					t.Error("a refused restore moved the live file aside")
				}
			})
		}
	}
}

func copyFileForTest(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o600)
}

func TestCheckSoundDatabase(t *testing.T) {
	dataDir := t.TempDir()
	seedMany(t, dataDir, 5)
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "en"}
	code, out, errOut := runCLI(t, env, "", "check")
	if code != exitOK || !strings.Contains(out, "sound.") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "", "check", "--json")
	if code != exitOK || !strings.Contains(out, `"damaged": []`) || !strings.Contains(out, `"tickets"`) {
		t.Fatalf("check --json: exit %d\n%s", code, out)
	}
}

// Numbers told to officers are not issued again after a restore.
func TestRestoreContinuesNumbering(t *testing.T) {
	dataDir := t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "en"}
	seedMany(t, dataDir, 5)
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, errOut := runCLI(t, env, "", "backup", backup); code != exitOK {
		t.Fatalf("backup: %s", errOut)
	}
	for i := range 5 {
		seedTickets(t, dataDir, tickets.NewTicket{Channel: "telegram", UserID: "1", ChatID: "1", Text: "sau", Source: fmt.Sprintf("after:%d", i)})
	}
	if code, _, errOut := runCLI(t, env, "", "restore", backup); code != exitOK {
		t.Fatalf("restore: %s", errOut)
	}
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ := tickets.NewStore(db, tickets.Options{})
	tk, _, err := st.Create(tickets.NewTicket{Channel: "telegram", UserID: "1", ChatID: "1", Text: "sau khôi phục"})
	if err != nil {
		t.Fatal(err)
	}
	if seq, _ := tickets.ParseID(tk.ID); seq < 11 {
		t.Fatalf("next ticket after restore is %s, want HT-000011 or above", tk.ID)
	}
}

// Beside a running bot, check walks a snapshot the bot writes (the file
// itself is locked and in flux), and leaves no snapshot behind.
func TestBinaryCheckBesideRunningBot(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	dataDir := t.TempDir()
	seedMany(t, dataDir, 40)
	env := envWith(envWith(botEnv(fake, dataDir), "SUPPORTBOT_LANG", "en"), "SUPPORTBOT_BACKUP_DIR", t.TempDir())
	start(t, env, "serve")
	code, out := runBin(t, env, "check")
	if code != exitOK || !strings.Contains(out, "supportbot.db: ") || !strings.Contains(out, "sound.") {
		t.Fatalf("check beside the bot: exit %d\n%s", code, out)
	}
	left, _ := filepath.Glob(filepath.Join(dataDir, ".check-*"))
	if len(left) > 0 {
		t.Errorf("snapshots left behind: %v", left)
	}
}
