package main

// Binary-level tests: they build the real supportbot binary, run `serve`
// against faketg (the fake Bot API, served from this test process), and
// kill it. What they assert is what an officer or an operator would see:
// every update answered, none lost, no ticket doubled, a clean stop on
// SIGTERM and a clear refusal of a second process.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// binPath is the binary built once by TestMain for every binary-level test.
var binPath string

func TestMain(m *testing.M) {
	code := func() int {
		flag.Parse()
		if testing.Short() {
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "supportbot-bin-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "supportbot")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// needBinary skips binary-level tests under -short.
func needBinary(t *testing.T) {
	t.Helper()
	if binPath == "" {
		t.Skip("binary-level test: skipped with -short")
	}
}

// guard bounds a wait that should end long before: a hang fails the test
// instead of blocking it until the go test timeout.
const guard = 60 * time.Second

// proc is one running supportbot process.
type proc struct {
	cmd  *exec.Cmd
	logs *logWatch
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid after done
	addr string        // HTTP address it listens on
}

// logWatch collects stderr and reports the HTTP address from the JSON log.
type logWatch struct {
	mu   sync.Mutex // guards buf and addr
	buf  bytes.Buffer
	addr chan string // gets the address once
	sent bool
}

func (l *logWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.sent {
		for line := range strings.SplitSeq(l.buf.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "http listening" {
				l.addr <- rec.Addr
				l.sent = true
				break
			}
		}
	}
	return len(p), nil
}

func (l *logWatch) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// botEnv is the environment of a bot on fake and dataDir.
func botEnv(fake *faketg.Server, dataDir string) []string {
	return append(os.Environ(),
		"SUPPORTBOT_DATA_DIR="+dataDir,
		"SUPPORTBOT_TELEGRAM_TOKEN="+fake.Token(),
		"SUPPORTBOT_TELEGRAM_API_URL="+fake.URL(),
		"SUPPORTBOT_HTTP_ADDR=127.0.0.1:0",
		"SUPPORTBOT_LOG_FORMAT=json",
		"SUPPORTBOT_LOG_LEVEL=info",
		"SUPPORTBOT_CONFIG=",
	)
}

// start runs the binary with args and env and waits until its HTTP server
// listens. The process is killed at the end of the test if still running.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binPath, args...), logs: &logWatch{addr: make(chan string, 1)}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stderr = p.logs
	p.cmd.Stdout = io.Discard
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("log of pid %d:\n%s", p.cmd.Process.Pid, p.logs)
		}
	})
	select {
	case p.addr = <-p.logs.addr:
	case <-p.done:
		t.Fatalf("supportbot exited before listening: %v\n%s", p.err, p.logs)
	case <-time.After(guard):
		t.Fatalf("supportbot did not listen within %s\n%s", guard, p.logs)
	}
	return p
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(guard):
		t.Fatalf("supportbot did not exit within %s\n%s", guard, p.logs)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("wait: %v", p.err)
	}
	return 0
}

// waitFake waits until cond holds on the fake, or fails the test.
func waitFake(t *testing.T, fake *faketg.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := fake.Wait(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// pushConsent queues, for each chat, what an officer does before the bot
// keeps anything of theirs, tickets included (bot/privacy_notice.go):
// "Agree" under the privacy notice, then /huy to leave the registration
// that starts. Each chat gets consentReplies messages for them.
func pushConsent(fake *faketg.Server, chats ...int64) {
	for _, c := range chats {
		fake.PushCallback(c, c, 0, "pd:yes")
		fake.PushText(c, c, "/huy")
	}
}

// consentReplies is what pushConsent's updates get in each chat: the
// registration's first question, and /huy's answer.
const consentReplies = 2

// burst is what the test pushed: updates per chat and the /ticket ones.
type burst struct {
	perChat map[int64]int   // replies each chat is owed: one per update pushed, and consentReplies
	ticket  map[int64]int64 // /ticket update_id → chat
}

// push queues n updates for each chat: every other one a /ticket command,
// the rest questions (answered from the knowledge base, or not).
func (b *burst) push(fake *faketg.Server, chats []int64, round int) {
	questions := []string{
		"Nghị định 133/2025/NĐ-CP phân cấp những nhiệm vụ gì?",
		"thu tuc khai bao thiet bi X-quang",
		"Báo cáo định kỳ nộp khi nào?",
	}
	for _, chat := range chats {
		var id int64
		if round%2 == 0 {
			id = fake.PushText(chat, chat, fmt.Sprintf("/ticket Xã %d cần hỗ trợ lần %d", chat, round))
			b.ticket[id] = chat
		} else {
			id = fake.PushText(chat, chat, questions[(int(chat)+round)%len(questions)])
		}
		b.perChat[chat]++
	}
}

// answeredAll reports whether every chat got at least as many messages as
// it sent updates.
func (b *burst) answeredAll(fake *faketg.Server) bool {
	for chat, n := range b.perChat {
		if len(fake.SentTo(chat)) < n {
			return false
		}
	}
	return true
}

var ticketIDRe = regexp.MustCompile(`HT-\d{6}`)

func TestBinaryKillMidBurstLosesNothing(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	dataDir := t.TempDir()
	env := botEnv(fake, dataDir)

	const nChats, rounds = 40, 4
	chats := make([]int64, nChats)
	for i := range chats {
		chats[i] = int64(7001 + i)
	}
	b := &burst{perChat: map[int64]int{}, ticket: map[int64]int64{}}

	// First run: ready, then half the burst; killed once replies flow.
	p1 := start(t, env, "serve")
	waitFake(t, fake, "the first getUpdates", func() bool { return len(fake.Calls("getUpdates")) > 0 })
	if code, body := httpGet(t, "http://"+p1.addr+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := httpGet(t, "http://"+p1.addr+"/readyz"); code != 200 {
		t.Errorf("/readyz while polling = %d %q", code, body)
	}
	pushConsent(fake, chats...)
	for _, c := range chats {
		b.perChat[c] = consentReplies
	}
	waitFake(t, fake, "the notice agreed to", func() bool { return b.answeredAll(fake) })
	consented := len(fake.Sent())
	for r := range rounds / 2 {
		b.push(fake, chats, r)
	}
	waitFake(t, fake, "the first replies", func() bool { return len(fake.Sent()) >= consented+nChats/2 })
	if err := p1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Telegram's 1 message/s per chat makes the half burst take seconds:
	// the kill lands with replies still owed.
	if b.answeredAll(fake) {
		t.Fatal("the first run answered everything before the kill: not a mid-burst kill")
	}
	if code := p1.wait(t); code != -int(syscall.SIGKILL) {
		t.Fatalf("first run ended with %d, want killed", code)
	}
	sentAtKill := len(fake.Sent())

	// The rest arrives while the bot is down; the second run must answer
	// everything, the first half included.
	for r := rounds / 2; r < rounds; r++ {
		b.push(fake, chats, r)
	}
	p2 := start(t, env, "serve")
	waitFake(t, fake, "every update answered", func() bool { return b.answeredAll(fake) && len(fake.Unconfirmed()) == 0 })
	t.Logf("%d updates from %d chats; %d messages sent before the kill, %d in all",
		nChats*rounds, nChats, sentAtKill, len(fake.Sent()))

	code, metrics := httpGet(t, "http://"+p2.addr+"/metrics")
	if code != 200 || !strings.Contains(metrics, "supportbot_messages_in_total") {
		t.Errorf("/metrics = %d:\n%s", code, metrics)
	}
	if menu := fake.Commands(""); len(menu) == 0 {
		t.Error("no default (Vietnamese) command menu published")
	}
	if menu := fake.Commands("en"); len(menu) == 0 {
		t.Error("no English command menu published")
	}

	// SIGTERM: a clean stop.
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p2.wait(t); code != 0 {
		t.Fatalf("SIGTERM: exit code %d, want 0\n%s", code, p2.logs)
	}
	if !strings.Contains(p2.logs.String(), `"msg":"stopped"`) {
		t.Errorf("no clean-stop log line:\n%s", p2.logs)
	}
	for _, p := range []*proc{p1, p2} {
		if strings.Contains(p.logs.String(), fake.Token()) {
			t.Errorf("the bot token appears in the log of pid %d", p.cmd.Process.Pid)
		}
	}

	// Tickets, read with the CLI on the stopped bot's data directory.
	cmd := exec.Command(binPath, "tickets", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tickets list: %v", err)
	}
	var ts []struct {
		ID     string `json:"id"`
		ChatID string `json:"chat_id"`
		Source string `json:"source"`
	}
	if err := json.Unmarshal(out, &ts); err != nil {
		t.Fatalf("tickets list --json: %v\n%s", err, out)
	}
	bySource := map[string][]string{}
	byChat := map[string][]string{}
	for _, tk := range ts {
		bySource[tk.Source] = append(bySource[tk.Source], tk.ID)
		byChat[tk.ChatID] = append(byChat[tk.ChatID], tk.ID)
	}
	for src, ids := range bySource {
		if len(ids) > 1 {
			t.Errorf("source %s has %d tickets: %v", src, len(ids), ids)
		}
	}
	for upd, chat := range b.ticket {
		if ids := bySource["telegram:"+strconv.FormatInt(upd, 10)]; len(ids) != 1 {
			t.Errorf("/ticket update %d (chat %d) has tickets %v, want exactly one", upd, chat, ids)
		}
	}
	// Each chat was told the numbers of its tickets, and only those.
	for _, chat := range chats {
		told := map[string]bool{}
		for _, s := range fake.SentTo(chat) {
			for _, id := range ticketIDRe.FindAllString(s.Text, -1) {
				told[id] = true
			}
		}
		mine := byChat[strconv.FormatInt(chat, 10)]
		for _, id := range mine {
			if !told[id] {
				t.Errorf("chat %d was never told about its ticket %s", chat, id)
			}
			delete(told, id)
		}
		if len(told) > 0 {
			t.Errorf("chat %d was told about tickets not its own: %v", chat, slices.Sorted(mapKeys(told)))
		}
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// envWith returns env with key set to value (later entries win in exec).
func envWith(env []string, key, value string) []string {
	return append(slices.Clone(env), key+"="+value)
}

// runBin runs the binary to completion and returns its exit code and
// combined output; a hang fails the test.
func runBin(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%v hung:\n%s", args, out)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	default:
		t.Fatalf("%v: %v", args, err)
		return 0, ""
	}
}

func TestBinarySecondProcess(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	dataDir := t.TempDir()
	env := envWith(botEnv(fake, dataDir), "SUPPORTBOT_LANG", "en")
	p1 := start(t, env, "serve")
	waitFake(t, fake, "the first getUpdates", func() bool { return len(fake.Calls("getUpdates")) > 0 })
	pushConsent(fake, 501)
	upd := fake.PushText(501, 501, "/ticket cần hỗ trợ gấp")
	waitFake(t, fake, "the ticket reply", func() bool { return len(fake.SentTo(501)) > consentReplies })

	// A second bot, or a restore, on the same data directory: refused at
	// once with a clear message, not a hang.
	if code, out := runBin(t, env, "serve"); code != exitError || !strings.Contains(out, "in use") {
		t.Errorf("second serve: exit %d, want %d and \"in use\":\n%s", code, exitError, out)
	}

	// Ticket commands and backup run through the bot's admin socket.
	code, out := runBin(t, env, "tickets", "list", "--json")
	var ts []struct{ ID, Source string }
	if code != 0 || json.Unmarshal([]byte(out), &ts) != nil || len(ts) != 1 || ts[0].Source != "telegram:"+strconv.FormatInt(upd, 10) {
		t.Errorf("tickets list beside the bot: exit %d:\n%s", code, out)
	}
	if code, out := runBin(t, env, "tickets", "show", "HT-999999"); code != exitError || !strings.Contains(out, "HT-999999") {
		t.Errorf("show of an unknown ticket through the socket: exit %d:\n%s", code, out)
	}
	if code, out := runBin(t, env, "tickets", "list", "--state", "nap"); code != exitUsage {
		t.Errorf("usage error through the socket: exit %d:\n%s", code, out)
	}
	backup := filepath.Join(t.TempDir(), "live.db")
	if code, out := runBin(t, env, "backup", backup); code != 0 {
		t.Fatalf("live backup: exit %d:\n%s", code, out)
	}
	if code, out := runBin(t, env, "restore", backup); code != exitError || !strings.Contains(out, "in use") {
		t.Errorf("restore beside a running bot: exit %d, want %d and \"in use\":\n%s", code, exitError, out)
	}
	// The copy restores into a fresh directory and holds the ticket.
	other := envWith(env, "SUPPORTBOT_DATA_DIR", t.TempDir())
	if code, out := runBin(t, other, "restore", backup); code != 0 {
		t.Fatalf("restore of the live backup: exit %d:\n%s", code, out)
	}
	if code, out := runBin(t, other, "tickets", "verify"); code != 0 {
		t.Errorf("verify of the restored backup: exit %d:\n%s", code, out)
	}
	if code, out := runBin(t, other, "tickets", "list", "--json"); code != 0 || !strings.Contains(out, ts[0].ID) {
		t.Errorf("restored backup lacks %s: exit %d:\n%s", ts[0].ID, code, out)
	}

	if code, _ := httpGet(t, "http://"+p1.addr+"/healthz"); code != 200 {
		t.Errorf("first process hurt by the others: /healthz = %d", code)
	}
}

func TestBinaryWebhookMode(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	const secret = "s3cret-webhook-token"
	const public = "https://bot.example.org/telegram/webhook"
	env := botEnv(fake, t.TempDir())
	env = envWith(env, "SUPPORTBOT_TELEGRAM_MODE", "webhook")
	env = envWith(env, "SUPPORTBOT_TELEGRAM_WEBHOOK_SECRET", secret)
	env = envWith(env, "SUPPORTBOT_TELEGRAM_WEBHOOK_URL", public)
	p := start(t, env, "serve")
	waitFake(t, fake, "setWebhook", func() bool { u, _ := fake.Webhook(); return u != "" })
	if u, s := fake.Webhook(); u != public || s != secret {
		t.Errorf("webhook set to %q with secret %q", u, s)
	}
	if len(fake.Calls("getUpdates")) > 0 {
		t.Error("webhook mode polls getUpdates")
	}
	const from = `"from": {"id": 8801, "is_bot": false, "first_name": "Lan", "language_code": "vi"}`
	const chat = `"chat": {"id": 8801, "type": "private"}`
	text := func(id int, s string) string {
		return fmt.Sprintf(`{"update_id": %d, "message": {"message_id": %d, "date": 1767225600, %s, %s, "text": %q}}`, id, id, chat, from, s)
	}
	// The officer agrees to the privacy notice (and leaves the registration
	// it starts) before the ticket: the bot keeps nothing of theirs before.
	consent := []string{
		`{"update_id": 424240, "callback_query": {"id": "cb-1", ` + from + `, "chat_instance": "-8801", "data": "pd:yes",
			"message": {"message_id": 1, "date": 1767225600, ` + chat + `}}}`,
		text(424241, "/huy"),
	}
	update := text(424242, "/ticket Xin hướng dẫn khai báo")
	postUpdate := func(update, secretHeader string) int {
		req, _ := http.NewRequest("POST", "http://"+p.addr+"/telegram/webhook", strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		if secretHeader != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secretHeader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	post := func(secretHeader string) int { return postUpdate(update, secretHeader) }
	for _, u := range consent {
		if code := postUpdate(u, secret); code != 200 {
			t.Fatalf("webhook with the secret = %d", code)
		}
	}
	waitFake(t, fake, "the notice agreed to", func() bool { return len(fake.SentTo(8801)) >= consentReplies })
	if code := post("wrong"); code == 200 {
		t.Error("webhook accepted a wrong secret")
	}
	if code := post(secret); code != 200 {
		t.Fatalf("webhook with the secret = %d", code)
	}
	// Telegram redelivers when unsure: the same update must not open a
	// second ticket.
	if code := post(secret); code != 200 {
		t.Fatalf("redelivered webhook = %d", code)
	}
	waitFake(t, fake, "the ticket reply", func() bool { return len(fake.SentTo(8801)) > consentReplies })
	if r := fake.SentTo(8801)[consentReplies]; !ticketIDRe.MatchString(r.Text) {
		t.Errorf("reply without a ticket number: %q", r.Text)
	}
	if code, body := httpGet(t, "http://"+p.addr+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("SIGTERM: exit %d", code)
	}
	if logs := p.logs.String(); strings.Contains(logs, fake.Token()) || strings.Contains(logs, secret) {
		t.Errorf("a secret appears in the log:\n%s", logs)
	}
	code, out := runBin(t, env, "tickets", "list", "--json")
	if n := strings.Count(out, `"id": "HT-`); code != 0 || n != 1 {
		t.Errorf("%d tickets after a redelivered update, want 1 (exit %d):\n%s", n, code, out)
	}
}

func TestBinarySecondPollerOnTheTokenStops(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	// Telegram answers 409 when another process polls the same token.
	fake.FailNext("getUpdates", 409, 0)
	p := start(t, envWith(botEnv(fake, t.TempDir()), "SUPPORTBOT_LANG", "en"), "serve")
	if code := p.wait(t); code != exitError {
		t.Fatalf("exit %d, want %d\n%s", code, exitError, p.logs)
	}
	if logs := p.logs.String(); !strings.Contains(logs, "supportbot: error: telegram poller: ") || !strings.Contains(logs, "another process is polling this bot token") {
		t.Errorf("no clear message about the other poller:\n%s", logs)
	}
}
