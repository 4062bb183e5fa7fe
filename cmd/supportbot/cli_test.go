package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// runCLI runs the CLI in process with env (nothing else of the real
// environment) and returns the exit code and both streams.
func runCLI(t *testing.T, env fakeEnv, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		getenv: env.get, readFile: os.ReadFile, now: time.Now,
	}
	code = run(context.Background(), a, args)
	return code, out.String(), errOut.String()
}

// leaves returns every runnable command.
func leaves() []*command {
	var out []*command
	for _, c := range commands() {
		if len(c.children) == 0 {
			out = append(out, c)
		}
		out = append(out, c.children...)
	}
	return out
}

func TestHelpMentionsEveryFlag(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		env := fakeEnv{"SUPPORTBOT_LANG": lang}
		for _, c := range leaves() {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				fs, _ := c.flags(&app{lang: lang})
				var names []string
				fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
				for _, args := range [][]string{
					append(strings.Fields(c.name), "--help"),
					append([]string{"help"}, strings.Fields(c.name)...),
				} {
					code, out, _ := runCLI(t, env, "", args...)
					if code != exitOK {
						t.Errorf("%v: exit %d", args, code)
					}
					if !strings.Contains(out, "supportbot "+c.name) {
						t.Errorf("%v: usage line missing:\n%s", args, out)
					}
					for _, n := range names {
						if !strings.Contains(out, "--"+n) {
							t.Errorf("%v: flag --%s not explained:\n%s", args, n, out)
						}
					}
				}
			})
		}
	}
}

func TestTopHelpListsCommandsAndKeys(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		code, out, _ := runCLI(t, fakeEnv{"SUPPORTBOT_LANG": lang}, "", "help")
		if code != exitOK {
			t.Fatalf("help: exit %d", code)
		}
		for _, c := range leaves() {
			if !strings.Contains(out, "  "+c.name) {
				t.Errorf("%s help does not list %q", lang, c.name)
			}
		}
		for key := range knownKeys {
			if !strings.Contains(out, key) {
				t.Errorf("%s help does not document %s", lang, key)
			}
		}
	}
	// Vietnamese is the default; English on request.
	_, vi, _ := runCLI(t, fakeEnv{}, "", "help")
	_, en, _ := runCLI(t, fakeEnv{"SUPPORTBOT_LANG": "en"}, "", "help")
	if !strings.Contains(vi, "Cách dùng") || !strings.Contains(en, "Usage") {
		t.Errorf("help languages: vi %.40q, en %.40q", vi, en)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := [][]string{
		{"frobnicate"},
		{"kb"},
		{"kb", "frob"},
		{"tickets", "list", "--bogus"},
		{"kb", "search", "--limit", "many", "x"},
		{"kb", "search"},
		{"kb", "eval"},
		{"tickets", "show"},
		{"tickets", "export", "--format", "xml"},
		{"tickets", "list", "--state", "sleeping"},
		{"backup"},
		{"restore", "a", "b"},
		{"serve", "extra"},
		{"--nope"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, fakeEnv{"SUPPORTBOT_LANG": "en", "SUPPORTBOT_DATA_DIR": t.TempDir()}, "", args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, errOut)
			}
			if out != "" {
				t.Errorf("usage error wrote to stdout: %q", out)
			}
			if !strings.HasPrefix(errOut, "supportbot: ") || !strings.Contains(errOut, "Usage:") {
				t.Errorf("stderr lacks the error and the usage:\n%s", errOut)
			}
		})
	}
}

func TestInterspersedFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	j := fs.Bool("json", false, "")
	n := fs.Int("limit", 0, "")
	pos, err := parseInterspersed(fs, []string{"nghị", "--json", "định", "--limit", "3", "--", "--not-a-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if !*j || *n != 3 || !reflect.DeepEqual(pos, []string{"nghị", "định", "--not-a-flag"}) {
		t.Errorf("json=%v limit=%d pos=%q", *j, *n, pos)
	}
}

func TestConfigErrorExit1NamesKey(t *testing.T) {
	code, _, errOut := runCLI(t, fakeEnv{"SUPPORTBOT_HTTP_ADDR": "nonsense"}, "", "tickets", "list")
	if code != exitError || !strings.Contains(errOut, "SUPPORTBOT_HTTP_ADDR") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestConfigFlagBeforeAndAfterCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	conf := writeFile(t, dir, "c.conf", "SUPPORTBOT_DATA_DIR="+data+"\n")
	for _, args := range [][]string{{"--config", conf, "tickets", "list"}, {"tickets", "list", "--config", conf}} {
		if code, _, errOut := runCLI(t, fakeEnv{}, "", args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "supportbot.db")); err != nil {
		t.Errorf("the config file's data dir was not used: %v", err)
	}
}

func TestKBSearchJSONShape(t *testing.T) {
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": t.TempDir()}
	code, out, errOut := runCLI(t, env, "", "kb", "search", "--json", "--limit", "3", "khai báo thiết bị X-quang")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got := slices.Sorted(mapKeysRaw(raw)); !reflect.DeepEqual(got, []string{"confidence", "hits", "query"}) {
		t.Errorf("top-level keys %v", got)
	}
	var res struct {
		Query      string
		Confidence string
		Hits       []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Query != "khai báo thiết bị X-quang" {
		t.Errorf("query = %q", res.Query)
	}
	if !slices.Contains([]string{"answer", "suggest", "none"}, res.Confidence) {
		t.Errorf("confidence = %q", res.Confidence)
	}
	if len(res.Hits) == 0 || len(res.Hits) > 3 {
		t.Fatalf("%d hits on the embedded corpus for an X-ray question, want 1..3", len(res.Hits))
	}
	want := []string{"article", "document", "id", "score", "snippet", "source", "text", "title"}
	for i, h := range res.Hits {
		if got := slices.Sorted(mapKeysAny(h)); !reflect.DeepEqual(got, want) {
			t.Errorf("hit %d keys %v, want %v", i, got, want)
		}
		if _, ok := h["score"].(float64); !ok {
			t.Errorf("hit %d score is %T", i, h["score"])
		}
	}

	// An out-of-scope question is never presented as an answer.
	_, out, _ = runCLI(t, env, "", "kb", "search", "--json", "kết quả bóng đá tối qua")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Confidence == "answer" {
		t.Errorf("football question answered: %s", out)
	}
}

func mapKeysRaw(m map[string]json.RawMessage) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func mapKeysAny(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// seedTickets creates tickets in dataDir with the store, as the bot would.
func seedTickets(t *testing.T, dataDir string, ns ...tickets.NewTicket) {
	t.Helper()
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if _, _, err := st.Create(n); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTicketsListJSONShape(t *testing.T) {
	dataDir := t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir}
	// An empty store lists as [], not null.
	code, out, errOut := runCLI(t, env, "", "tickets", "list", "--json")
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty list: exit %d, %q %s", code, out, errOut)
	}
	seedTickets(t, dataDir,
		tickets.NewTicket{Channel: "telegram", UserID: "11", ChatID: "11", Province: "Hà Nội", Topic: "ip", Text: "Đăng ký sáng chế ở đâu?", Source: "telegram:1"},
		tickets.NewTicket{Channel: "telegram", UserID: "12", ChatID: "12", Province: "Cà Mau", Topic: "radiation", Priority: "urgent", Text: "Khai báo X-quang", Source: "telegram:2"},
		tickets.NewTicket{Channel: "console", UserID: "c", ChatID: "c", Text: "Câu hỏi khác", Source: "console:3"},
	)
	code, out, errOut = runCLI(t, env, "", "tickets", "list", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	if len(list) != 3 {
		t.Fatalf("%d tickets, want 3", len(list))
	}
	for _, tk := range list {
		for _, k := range []string{"id", "state", "channel", "chat_id", "user_id", "province", "topic", "priority", "created_at", "text"} {
			if _, ok := tk[k]; !ok {
				t.Errorf("ticket %v lacks %q", tk["id"], k)
			}
		}
	}
	if list[0]["id"] != "HT-000003" || list[2]["id"] != "HT-000001" {
		t.Errorf("order: %v %v %v, want newest first", list[0]["id"], list[1]["id"], list[2]["id"])
	}

	// Filters, with a province typed without tone marks.
	_, out, _ = runCLI(t, env, "", "tickets", "list", "--json", "--province", "ca mau", "--topic", "radiation")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0]["id"] != "HT-000002" || list[0]["priority"] != "urgent" {
		t.Errorf("filtered: %v", list)
	}

	// show: one object; an unknown ID is an error naming it.
	code, out, _ = runCLI(t, env, "", "tickets", "show", "ht-2", "--json")
	var one map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &one) != nil || one["id"] != "HT-000002" {
		t.Errorf("show: exit %d %s", code, out)
	}
	code, _, errOut = runCLI(t, env, "", "tickets", "show", "HT-000099")
	if code != exitError || !strings.Contains(errOut, "HT-000099") {
		t.Errorf("show unknown: exit %d %q", code, errOut)
	}

	// verify holds on what the store wrote; export has one line per ticket.
	if code, out, errOut := runCLI(t, env, "", "tickets", "verify"); code != exitOK {
		t.Errorf("verify: exit %d %s %s", code, out, errOut)
	}
	_, out, _ = runCLI(t, env, "", "tickets", "export", "--format", "jsonl")
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("jsonl export has %d lines, want 3:\n%s", n, out)
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	dataDir := t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir, "SUPPORTBOT_LANG": "en"}
	seedTickets(t, dataDir, tickets.NewTicket{Channel: "telegram", UserID: "1", ChatID: "1", Text: "trước sao lưu", Source: "telegram:1"})
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, errOut := runCLI(t, env, "", "backup", backup); code != exitOK {
		t.Fatalf("backup: exit %d %s", code, errOut)
	}
	seedTickets(t, dataDir, tickets.NewTicket{Channel: "telegram", UserID: "1", ChatID: "1", Text: "sau sao lưu", Source: "telegram:2"})
	if code, _, errOut := runCLI(t, env, "", "restore", backup); code != exitOK {
		t.Fatalf("restore: exit %d %s", code, errOut)
	}
	_, out, _ := runCLI(t, env, "", "tickets", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0]["text"] != "trước sao lưu" {
		t.Errorf("after restore: %v", list)
	}
	code, _, errOut := runCLI(t, env, "", "restore", filepath.Join(t.TempDir(), "missing.db"))
	if code != exitError {
		t.Errorf("restore of a missing file: exit %d %s", code, errOut)
	}
}

// consoleConsent is what a console user types before the bot keeps
// anything of theirs (bot/privacy_notice.go): /start, 1 for "Agree" under
// the privacy notice, /huy to leave the registration that starts.
const consoleConsent = "/start\n1\n/huy\n"

func TestConsolePipedQuestions(t *testing.T) {
	dataDir := t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir}
	code, out, errOut := runCLI(t, env, consoleConsent+"/ticket Máy X-quang cần khai báo ở đâu?\n", "console")
	if code != exitOK {
		t.Fatalf("console: exit %d %s", code, errOut)
	}
	if !strings.Contains(out, "HT-000001") {
		t.Errorf("console did not print the ticket number:\n%s\nstderr:\n%s", out, errOut)
	}
	// With no channel configured, no command means the console.
	code, out, _ = runCLI(t, env, "/ticket lần hai\n")
	if code != exitOK || !strings.Contains(out, "HT-000002") {
		t.Errorf("default command: exit %d\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, fakeEnv{}, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "supportbot ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestKBImportThenSearch(t *testing.T) {
	src, kb, data := t.TempDir(), t.TempDir(), t.TempDir()
	for _, name := range []string{"sample-decree.txt", "sample-decree.meta.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "knowledge", "testdata", "legal", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, src, name, string(b))
	}
	// The embedded corpus cannot be written to: a clear error.
	code, _, errOut := runCLI(t, fakeEnv{"SUPPORTBOT_DATA_DIR": data, "SUPPORTBOT_LANG": "en"}, "", "kb", "import", src)
	if code != exitError || !strings.Contains(errOut, "SUPPORTBOT_KB_DIR") {
		t.Errorf("import without a KB dir: exit %d %q", code, errOut)
	}
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": data, "SUPPORTBOT_KB_DIR": kb}
	code, out, errOut := runCLI(t, env, "", "kb", "import", src)
	if code != exitOK {
		t.Fatalf("import: exit %d %s", code, errOut)
	}
	if !strings.Contains(out, "Nghị định 999/2099/NĐ-CP") {
		t.Errorf("import report lacks the document number:\n%s", out)
	}
	code, out, errOut = runCLI(t, env, "", "kb", "stats", "--json")
	var st struct {
		Entries    int            `json:"entries"`
		ByDocument map[string]int `json:"by_document"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("stats: exit %d %s %s", code, out, errOut)
	}
	if st.Entries == 0 || st.ByDocument["Nghị định 999/2099/NĐ-CP"] != st.Entries {
		t.Errorf("stats after import: %+v", st)
	}
	// Importing again changes nothing.
	if code, _, errOut := runCLI(t, env, "", "kb", "import", src); code != exitOK {
		t.Fatalf("second import: exit %d %s", code, errOut)
	}
	_, out, _ = runCLI(t, env, "", "kb", "stats", "--json")
	var again struct{ Entries int }
	if json.Unmarshal([]byte(out), &again) != nil || again.Entries != st.Entries {
		t.Errorf("entries after a second import: %d, want %d", again.Entries, st.Entries)
	}
}
