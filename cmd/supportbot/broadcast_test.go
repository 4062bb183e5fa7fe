package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/tickets"
)

// seedOfficers stores n officer records in dataDir's database as agreeing
// to the privacy notice and registering leave them: chats first, first+1,
// …; every other one of Lào Cai, the rest of Hà Nội. An announcement goes
// to every stored record, agreed or not; the agreement is there because
// every record the bot makes now has one (a record without it would be
// shown the notice, unasked, with its officer's next private message).
func seedOfficers(t testing.TB, dataDir string, first int64, n int) {
	t.Helper()
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	registered := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("bot_officers"))
		if err != nil {
			return err
		}
		for i := range n {
			id := strconv.FormatInt(first+int64(i), 10)
			prov := "Hà Nội"
			if i%2 == 0 {
				prov = "Lào Cai"
			}
			v, _ := json.Marshal(map[string]any{"channel": "telegram", "user_id": id, "name": "Cán bộ " + id,
				"province": prov, "commune": "Xã A", "role": "commune", "registered": registered})
			if err := b.Put([]byte("telegram\x00"+id), v); err != nil {
				return err
			}
			if err := bot.RecordConsent(tx, bot.Telegram, id, registered); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func broadcastEnv(fake *faketg.Server, dataDir string) fakeEnv {
	return fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "en",
		keyTelegramToken: fake.Token(), keyTelegramAPIURL: fake.URL()}
}

func TestBroadcastWithoutTheBot(t *testing.T) {
	fake := faketg.New(faketg.Options{EnforceLimits: true})
	defer fake.Close()
	dataDir := t.TempDir()
	seedOfficers(t, dataDir, 9001, 12)
	env := broadcastEnv(fake, dataDir)

	code, out, errOut := runCLI(t, env, "", "broadcast", "--dry-run", "--province", "lao cai", "Portal maintenance tonight")
	if code != exitOK || !strings.Contains(out, "6 officers") || !strings.Contains(out, "Lào Cai") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if n := len(fake.Sent()); n != 0 {
		t.Fatalf("--dry-run sent %d messages", n)
	}
	code, out, errOut = runCLI(t, env, "", "broadcast", "--province", "lao cai", "Portal <maintenance> tonight")
	if code != exitOK || !strings.Contains(out, "Done: 6 sent, 0 failed") {
		t.Fatalf("broadcast: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "6/6") {
		t.Errorf("no progress bar on stderr: %q", errOut)
	}
	// The same command again the same day resumes: nobody gets it twice.
	code, out, errOut = runCLI(t, env, "", "broadcast", "--province", "lao cai", "Portal <maintenance> tonight")
	if code != exitOK || !strings.Contains(out, "resuming") {
		t.Fatalf("second run: exit %d\n%s%s", code, out, errOut)
	}
	per := map[int64]int{}
	for _, m := range fake.Sent() {
		per[m.ChatID]++
		if !strings.Contains(m.Plain(), "Portal <maintenance> tonight") {
			t.Errorf("sent %q", m.Plain())
		}
	}
	if len(per) != 6 {
		t.Errorf("%d chats received it, want 6", len(per))
	}
	for chat, n := range per {
		if n != 1 {
			t.Errorf("chat %d received it %d times", chat, n)
		}
	}
	code, out, errOut = runCLI(t, env, "", "broadcast", "status")
	if code != exitOK || !strings.Contains(out, "SENT") || !strings.Contains(out, "Portal <maintenance>") {
		t.Fatalf("status: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "", "broadcast", "status", "--json")
	var list []struct {
		ID                    string
		Sent, Pending, Failed int
	}
	if err := json.Unmarshal([]byte(out), &list); code != exitOK || err != nil || len(list) != 1 || list[0].Sent != 6 || list[0].Pending != 0 {
		t.Errorf("status --json: exit %d %v %s", code, err, out)
	}
	if rl := fake.RateLimited(); rl != 0 {
		t.Errorf("%d sends answered 429", rl)
	}
}

func TestBroadcastUsage(t *testing.T) {
	dataDir := t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "vi"}
	if code, _, errOut := runCLI(t, env, "", "broadcast"); code != exitUsage || !strings.Contains(errOut, "nội dung") {
		t.Errorf("no text: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "", "broadcast", "--dry-run", "--province", "Atlantis", "x"); code != exitError {
		t.Errorf("unknown province: exit %d %s", code, errOut)
	}
	seedOfficers(t, dataDir, 1, 2)
	if code, out, errOut := runCLI(t, env, "", "broadcast", "--dry-run", "x"); code != exitOK || !strings.Contains(out, "2 cán bộ") {
		t.Errorf("dry run in Vietnamese: exit %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, env, "", "broadcast", "status"); code != exitOK || !strings.Contains(out, "Chưa có thông báo") {
		t.Errorf("empty status: exit %d %s", code, out)
	}
}

// TestBinaryBroadcastBesideTheBot: with the bot running, the CLI hands the
// announcement to it over the admin socket and follows its progress; the
// status command answers through the socket too.
func TestBinaryBroadcastBesideTheBot(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{EnforceLimits: true})
	defer fake.Close()
	dataDir := t.TempDir()
	seedOfficers(t, dataDir, 7001, 20)
	env := append(botEnv(fake, dataDir), "SUPPORTBOT_LANG=en")
	p := start(t, env, "serve")
	waitFake(t, fake, "the first getUpdates", func() bool { return len(fake.Calls("getUpdates")) > 0 })

	code, out := runBin(t, env, "broadcast", "--dry-run", "--province", "Lào Cai", "Portal maintenance")
	if code != 0 || !strings.Contains(out, "10 officers") {
		t.Fatalf("dry run beside the bot: exit %d\n%s", code, out)
	}
	code, out = runBin(t, env, "broadcast", "Portal maintenance tonight")
	if code != 0 || !strings.Contains(out, "Done: 20 sent, 0 failed") {
		t.Fatalf("broadcast beside the bot: exit %d\n%s\nbot log:\n%s", code, out, p.logs)
	}
	per := map[int64]int{}
	for _, m := range fake.Sent() {
		if strings.Contains(m.Plain(), "Portal maintenance tonight") {
			per[m.ChatID]++
		}
	}
	if len(per) != 20 {
		t.Errorf("%d officers got it, want 20", len(per))
	}
	for chat, n := range per {
		if n != 1 {
			t.Errorf("chat %d got it %d times", chat, n)
		}
	}
	code, out = runBin(t, env, "broadcast", "status", "--json")
	var list []struct{ Sent, Pending, Failed int }
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 1 || list[0].Sent != 20 {
		t.Errorf("status beside the bot: exit %d %v\n%s", code, err, out)
	}
}
