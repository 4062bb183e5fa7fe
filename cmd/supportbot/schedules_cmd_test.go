package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// runScheduleCmd runs one of the constructors of schedules_cmd.go as
// dispatch would (they are registered in commands() by the wiring).
func runScheduleCmd(t *testing.T, c *command, env fakeEnv, now time.Time, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	lang := env["SUPPORTBOT_LANG"]
	if lang == "" {
		lang = "vi"
	}
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: env.get,
		readFile: os.ReadFile, now: func() time.Time { return now }, lang: lang}
	fs, fn := c.flags(a)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		t.Fatal(err)
	}
	err = fn(context.Background(), pos)
	return out.String(), err
}

var cmdNow = time.Date(2026, 11, 30, 9, 0, 0, 0, schedules.VietnamLocation())

func TestSchedulesCheck(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", `deadlines:
  - id: x
    title: {vi: Báo cáo X, en: Report X}
    basis: {document: D, url: "https://example.vn"}
    confidence: verified
    audience: commune_pc
    recurrence: {cron: "0 8 20 12 *"}
    reminders: {offsets: [7d, 3d, 1d, 0d]}
`)
	out, err := runScheduleCmd(t, schedulesCheckCommand(), fakeEnv{"SUPPORTBOT_LANG": "en"}, cmdNow, good)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(out, "reminder for")
	if lines != 10 || !strings.Contains(out, "2026-12-13 08:00 Sun  reminder for 20/12/2026") || !strings.Contains(out, "1 deadlines, valid") {
		t.Fatalf("output (%d reminder lines):\n%s", lines, out)
	}
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(string(must(os.ReadFile(good))), `"0 8 20 12 *"`, `"0 8 30 2 *"`, 1))
	_, err = runScheduleCmd(t, schedulesCheckCommand(), fakeEnv{"SUPPORTBOT_LANG": "vi"}, cmdNow, bad)
	if err == nil || !strings.Contains(err.Error(), "tệp lịch hạn báo cáo không hợp lệ") || !strings.Contains(err.Error(), "bad.yaml:7:") {
		t.Fatalf("impossible cron: %v", err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestSchedulesListJSON(t *testing.T) {
	out, err := runScheduleCmd(t, schedulesListCommand(), fakeEnv{"SUPPORTBOT_DATA_DIR": t.TempDir()}, cmdNow, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(list) != len(schedules.DefaultCalendar().Deadlines) {
		t.Fatalf("%d entries", len(list))
	}
	for _, k := range []string{"id", "title", "basis", "next_occurrence", "confidence", "audience"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	var next string
	for _, e := range list {
		if string(e["id"]) == `"tt03-2019-annual"` {
			_ = json.Unmarshal(e["next_occurrence"], &next)
		}
	}
	if next != "2026-12-20" {
		t.Errorf("tt03 next %q", next)
	}
	table, err := runScheduleCmd(t, schedulesListCommand(), fakeEnv{"SUPPORTBOT_DATA_DIR": t.TempDir(), "SUPPORTBOT_LANG": "en"}, cmdNow)
	if err != nil || !strings.Contains(table, "tt03-2019-annual") || !strings.Contains(table, "20/12/2026") {
		t.Fatalf("%v\n%s", err, table)
	}
}

// remind without a running bot: the reminders wait in the outbox, once per
// recipient per run; a registered commune officer follows the commune
// deadlines, not the province ones.
func TestRemindWithoutBot(t *testing.T) {
	dataDir := t.TempDir()
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("bot_officers"))
		if err != nil {
			return err
		}
		for id, role := range map[string]string{"11": "province", "12": "commune"} {
			v, _ := json.Marshal(map[string]any{"channel": "telegram", "user_id": id, "province": "Lào Cai",
				"commune": "Xã A", "role": role, "registered": cmdNow})
			if err := b.Put([]byte("telegram\x00"+id), v); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "en"}
	out, err := runScheduleCmd(t, remindCommand(), env, cmdNow, "tt03-2019-annual")
	if err != nil || !strings.Contains(out, "Queued 1 reminders of tt03-2019-annual (due 20/12/2026)") || !strings.Contains(out, "not running") {
		t.Fatalf("%v\n%s", err, out)
	}
	_, err = runScheduleCmd(t, remindCommand(), env, cmdNow, "nope")
	if err == nil || !strings.Contains(err.Error(), `there is no deadline "nope"`) {
		t.Fatalf("unknown id: %v", err)
	}
	db, err = tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	_ = db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("bot_outbox")).ForEach(func(_, v []byte) error {
			if !strings.Contains(string(v), `"chat_id":"11"`) || !strings.Contains(string(v), "dl:ok:tt03-2019-annual:20261220") {
				t.Errorf("queued %s", v)
			}
			n++
			return nil
		})
	})
	if n != 1 {
		t.Fatalf("%d queued, want 1", n)
	}
}
