package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// An awkward token: URL encoding changes it ("/", "+", "%").
const awkwardToken = "12:ab/c+d%"

// kbEntry is a knowledge file.
func kbEntry(id, text string) string {
	return "---\nid: " + id + "\ntitle: Mục " + id + "\nlang: vi\nsource: https://example.org/" + id + "\n---\n" + text + "\n"
}

// statusEnv is a data directory and a knowledge folder of two entries,
// with a Telegram token that URL encoding changes.
func statusEnv(t *testing.T) (fakeEnv, string) {
	t.Helper()
	kbDir := t.TempDir()
	writeFile(t, kbDir, "a.md", kbEntry("a", "Nội dung về an toàn bức xạ."))
	writeFile(t, kbDir, "b.md", kbEntry("b", "Thủ tục cấp lại văn bằng bảo hộ."))
	return fakeEnv{
		keyDataDir:       t.TempDir(),
		keyKBDir:         kbDir,
		keyTelegramToken: awkwardToken,
		keyLang:          "en",
	}, kbDir
}

// wireTest wires the core as serve does, without running it.
func wireTest(t *testing.T, env fakeEnv) *wiring {
	t.Helper()
	a := &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
		getenv: env.get, readFile: os.ReadFile, now: time.Now, lang: "en"}
	cfg, err := a.config()
	if err != nil {
		t.Fatal(err)
	}
	w, err := wire(a, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.close() })
	return w
}

// noSecret fails when out holds the token in any form.
func noSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, f := range []string{awkwardToken, url.QueryEscape(awkwardToken), url.PathEscape(awkwardToken), "ab/c+d"} {
		if strings.Contains(out, f) {
			t.Errorf("%s shows the token (%q):\n%s", what, f, out)
		}
	}
}

// /readyz could not fail: the database and index checks returned nil, and
// the poller was ready before Telegram ever answered. Each check now does
// the real thing.
func TestReadinessChecksAreReal(t *testing.T) {
	env, _ := statusEnv(t)
	w := wireTest(t, env)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w.now = func() time.Time { return now }
	tg := &channelHealth{name: "telegram", mode: modePolling, window: pollWindow}
	w.addChannel(tg)
	sl := &channelHealth{name: "slack", mode: modeSocket}
	w.addChannel(sl)

	ready := func() (bool, string) {
		ok, lines := w.ready.report()
		return ok, strings.Join(lines, "\n")
	}
	if ok, rep := ready(); ok || !strings.Contains(rep, "telegram: not running") {
		t.Fatalf("ready before the poller runs:\n%s", rep)
	}
	tg.setRunning(true)
	sl.setRunning(true)
	if ok, rep := ready(); ok || !strings.Contains(rep, "telegram: no getUpdates answered yet") || !strings.Contains(rep, "slack: not connected yet") {
		t.Fatalf("ready before the first getUpdates and hello:\n%s", rep)
	}
	tg.polled(false, now)
	if ok, rep := ready(); ok || !strings.Contains(rep, "getUpdates has never succeeded") {
		t.Fatalf("ready after a failed getUpdates:\n%s", rep)
	}
	tg.polled(true, now)
	sl.connected(true, now)
	if ok, rep := ready(); !ok {
		t.Fatalf("not ready after a getUpdates and a hello:\n%s", rep)
	}
	now = now.Add(pollWindow + time.Second)
	if ok, rep := ready(); ok || !strings.Contains(rep, "telegram: no successful getUpdates for") {
		t.Fatalf("ready with the last getUpdates %s ago:\n%s", pollWindow, rep)
	}
	tg.polled(true, now)
	sl.connected(false, now)
	if ok, rep := ready(); ok || !strings.Contains(rep, "slack: disconnected") {
		t.Fatalf("ready with Slack disconnected:\n%s", rep)
	}
	sl.connected(true, now)
	if ok, rep := ready(); !ok {
		t.Fatalf("not ready again:\n%s", rep)
	}

	// The index and the database, closed, fail their checks.
	w.kb.Close()
	if ok, rep := ready(); ok || !strings.Contains(rep, "knowledge index: search:") {
		t.Fatalf("ready with the index closed:\n%s", rep)
	}
	w.db.Close()
	if ok, rep := ready(); ok || !strings.Contains(rep, "database: ") || strings.Contains(rep, "database: ok") {
		t.Fatalf("ready with the database closed:\n%s", rep)
	}
}

// putDead writes a dead letter and a failed inbox entry straight into the
// database, as the outbox and the router leave them.
func seedFailures(t *testing.T, dataDir string, failedAt time.Time) {
	t.Helper()
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	err = db.Update(func(tx *bolt.Tx) error {
		dead, err := tx.CreateBucketIfNotExists([]byte("bot_outbox_dead"))
		if err != nil {
			return err
		}
		v, _ := json.Marshal(map[string]any{"seq": 7, "reply": map[string]any{"channel": "telegram", "chat_id": "42", "text": "Phiếu HT-000001 đã mở"},
			"enqueued": failedAt, "failed": failedAt, "error": "403 Forbidden: bot was blocked by the user", "attempts": 1})
		if err := dead.Put(key(7), v); err != nil {
			return err
		}
		in, err := tx.CreateBucketIfNotExists([]byte("bot_inbox"))
		if err != nil {
			return err
		}
		e := `{"seq":3,"msg":{"channel":"telegram","source_id":"u3","chat_id":"42","user_id":"42","text":"câu hỏi lỗi"},"state":"failed","err":"boom"}`
		if err := in.Put(key(3), []byte(e)); err != nil {
			return err
		}
		return in.SetSequence(3)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// With the bot stopped, status, outbox dead and inbox failed open the data
// directory themselves; nothing they print or log holds the token.
func TestAdminCommandsWithTheBotStopped(t *testing.T) {
	env, _ := statusEnv(t)
	seedFailures(t, env[keyDataDir], time.Now())

	code, out, errOut := runCLI(t, env, "", "status", "--json")
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s", code, errOut)
	}
	noSecret(t, "status --json", out+errOut)
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if rep.Running || len(rep.Channels) != 1 || rep.Channels[0].Name != "telegram" || rep.Channels[0].State != stateStopped {
		t.Errorf("channels %+v (running %v), want telegram stopped", rep.Channels, rep.Running)
	}
	if rep.Knowledge.Entries != 2 || rep.Outbox.Dead != 1 || rep.Outbox.DeadToday != 1 || rep.Inbox.Failed != 1 || rep.Inbox.Poison != 0 {
		t.Errorf("status %+v, want 2 entries, 1 dead letter today, 1 failed entry", rep)
	}
	if len(rep.Schedule) == 0 || rep.Schedule[0].Next.IsZero() {
		t.Errorf("schedule %+v, want the reminders' next run", rep.Schedule)
	}
	code, out, errOut = runCLI(t, env, "", "status")
	if code != exitOK || !strings.Contains(out, "not running") || !strings.Contains(out, "Dead letters:") || !strings.Contains(out, "Schedule (next):") {
		t.Errorf("status: exit %d\n%s\n%s", code, out, errOut)
	}
	noSecret(t, "status", out+errOut)

	code, out, errOut = runCLI(t, env, "", "outbox", "dead")
	if code != exitOK || !strings.Contains(out, "blocked by the user") || !strings.Contains(out, "7 ") {
		t.Fatalf("outbox dead: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut = runCLI(t, env, "", "outbox", "dead", "--retry", "7"); code != exitOK || !strings.Contains(out, "queued again") {
		t.Fatalf("outbox dead --retry: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut = runCLI(t, env, "", "outbox", "dead", "--drop", "7"); code != exitError || !strings.Contains(errOut, "no such dead letter") {
		t.Errorf("outbox dead --drop of a retried letter: exit %d\n%s", code, errOut)
	}
	if code, _, _ = runCLI(t, env, "", "outbox", "dead", "--drop", "x"); code != exitUsage {
		t.Errorf("--drop x: exit %d, want usage", code)
	}

	code, out, errOut = runCLI(t, env, "", "inbox", "failed")
	if code != exitOK || !strings.Contains(out, "câu hỏi lỗi") || !strings.Contains(out, "boom") {
		t.Fatalf("inbox failed: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut = runCLI(t, env, "", "inbox", "failed", "--retry", "3"); code != exitOK || !strings.Contains(out, "back in the inbox") {
		t.Fatalf("inbox failed --retry: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "", "status", "--json")
	rep = statusReport{}
	if err := json.Unmarshal([]byte(out), &rep); code != exitOK || err != nil || rep.Inbox.Pending != 1 || rep.Inbox.Failed != 0 || rep.Outbox.Depth != 1 || rep.Outbox.Dead != 0 {
		t.Errorf("after the retries: exit %d, %v, %+v; want 1 pending, 1 queued, nothing failed or dead", code, err, rep)
	}
}

// startAdmin runs the admin socket on w, as serve does.
func startAdmin(t *testing.T, w *wiring) {
	t.Helper()
	srv, err := newAdminServer(&liveState{cfg: w.cfg, store: w.store, reminders: w.reminders, w: w}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// With the bot running, the same commands go through the admin socket and
// run on its wiring: status shows the channel's last poll, kb reload swaps
// the index, and refuses a malformed file keeping the index in service.
func TestAdminCommandsThroughTheRunningBot(t *testing.T) {
	env, kbDir := statusEnv(t)
	w := wireTest(t, env)
	tg := &channelHealth{name: "telegram", mode: modePolling, window: pollWindow}
	w.addChannel(tg)
	tg.setRunning(true)
	polled := time.Now().Add(-3 * time.Second)
	tg.polled(true, polled)
	startAdmin(t, w)

	code, out, errOut := runCLI(t, env, "", "status", "--json")
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s", code, errOut)
	}
	noSecret(t, "status --json", out+errOut)
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if !rep.Running || len(rep.Channels) != 1 || rep.Channels[0].State != stateOK || rep.Channels[0].LastOK == nil || !rep.Channels[0].LastOK.Equal(polled) {
		t.Errorf("status %+v, want running with telegram ok, last poll %s", rep, polled)
	}
	if rep.Knowledge.LastLoad.IsZero() {
		t.Error("status lacks the knowledge base's last load")
	}

	// A malformed file: reported, the index in service unchanged.
	writeFile(t, kbDir, "c.md", kbEntry("c", "Hạn nộp báo cáo hằng năm."))
	writeFile(t, kbDir, "bad.md", "---\nid: bad\ntitle: [oops\nlang: vi\n---\nNội dung.\n")
	code, out, errOut = runCLI(t, env, "", "kb", "reload")
	if code != exitError || !strings.Contains(errOut, "bad.md:3") || !strings.Contains(errOut, "unchanged") {
		t.Fatalf("kb reload with a malformed file: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := w.kb.Stats().Entries; n != 2 {
		t.Errorf("%d entries in service after a refused reload, want 2", n)
	}
	if err := os.Remove(filepath.Join(kbDir, "bad.md")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, env, "", "kb", "reload")
	if code != exitOK || !strings.Contains(out, "3 entries") {
		t.Fatalf("kb reload: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := w.kb.Stats().Entries; n != 3 {
		t.Errorf("%d entries in service after the reload, want 3", n)
	}

	code, out, errOut = runCLI(t, env, "", "outbox", "dead")
	if code != exitOK || !strings.Contains(out, "No dead letters") {
		t.Errorf("outbox dead through the socket: exit %d\n%s\n%s", code, out, errOut)
	}
	// An error the bot sends back is redacted like its logs.
	code, out, errOut = runCLI(t, env, "", "tickets", "show", awkwardToken)
	if code == exitOK {
		t.Errorf("tickets show of an unknown ticket through the socket: exit 0\n%s", out)
	}
	noSecret(t, "a forwarded error", out+errOut)

	code, out, errOut = runCLI(t, env, "", "inbox", "failed", "--retry", "9")
	if code != exitError || !strings.Contains(errOut, "no such failed inbox entry") {
		t.Errorf("inbox failed --retry 9 through the socket: exit %d\n%s\n%s", code, out, errOut)
	}
}

// Secrets are redacted in every form URL encoding and quoting give them.
func TestRedactorCoversEncodedSecrets(t *testing.T) {
	r := newRedactor([]string{awkwardToken, "xoxb-1"})
	for _, in := range []string{
		"Post \"https://api.telegram.org/bot" + awkwardToken + "/getUpdates\": EOF",
		"GET /bot" + url.PathEscape(awkwardToken) + "/getMe",
		"token=" + url.QueryEscape(awkwardToken) + "&x=1",
		`{"token":"xoxb-1"}`,
	} {
		out := r.Replace(in)
		noSecret(t, "redacted "+in, out)
		if !strings.Contains(out, redacted) {
			t.Errorf("%q: nothing redacted: %q", in, out)
		}
	}
}
