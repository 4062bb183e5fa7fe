package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// kb eval --questions asks the bot's knowledge base each question as the
// bot does and scores the answers against their must strings.
func TestKBEvalQuestions(t *testing.T) {
	kb := t.TempDir()
	entry := "---\nid: xq\ntitle: Khai báo X-quang\nlang: vi\nsource: https://example.org/a\n---\n" +
		"Khai báo thiết bị X-quang với UBND cấp tỉnh trong 07 ngày làm việc.\n"
	if err := os.WriteFile(filepath.Join(kb, "xq.md"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	set := `{"q":"khai báo thiết bị X-quang trong bao nhiêu ngày","must":["07 ngày làm việc"]}
{"q":"khai bao thiet bi x quang o dau","must":["một trăm ngày"]}
{"q":"đăng ký khai sinh cho con ở đâu","out":true}
`
	if err := os.WriteFile(qs, []byte(set), 0o644); err != nil {
		t.Fatal(err)
	}
	env := fakeEnv{"SUPPORTBOT_KB_DIR": kb, "SUPPORTBOT_DATA_DIR": t.TempDir(), "SUPPORTBOT_LANG": "en"}
	code, out, errOut := runCLI(t, env, "", "kb", "eval", "--questions", qs, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		InScope      int     `json:"in_scope"`
		OutOfScope   int     `json:"out_of_scope"`
		Top3         float64 `json:"top3"`
		OutUnclaimed float64 `json:"out_unclaimed"`
		Misses       []struct {
			Q, Why string
		} `json:"misses"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v: %q", err, out)
	}
	if rep.InScope != 2 || rep.OutOfScope != 1 || rep.Top3 != 0.5 || rep.OutUnclaimed != 1 {
		t.Errorf("report = %+v", rep)
	}
	if len(rep.Misses) != 1 || rep.Misses[0].Why != "not-in-top3" {
		t.Errorf("misses = %+v, want the question whose answer is nowhere", rep.Misses)
	}
	code, out, _ = runCLI(t, env, "", "kb", "eval", "--questions", qs)
	if code != exitOK || !strings.Contains(out, "found in the top 3") || !strings.Contains(out, "50.0%") || !strings.Contains(out, "not-in-top3") {
		t.Errorf("text report: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, env, "", "kb", "eval", "--questions", qs, "--dataset", kb); code == exitOK {
		t.Error("--questions with --dataset was accepted")
	}
}

// kb stats lists the entries that expire or fall due for review within 90
// days, overdue ones included, and leaves the others out.
func TestKBStatsListsEntriesDueSoon(t *testing.T) {
	kb := t.TempDir()
	write := func(id, extra string) {
		t.Helper()
		e := "---\nid: " + id + "\ntitle: T\nlang: vi\nsource: https://example.org/a\n" + extra + "---\nNội dung.\n"
		if err := os.WriteFile(filepath.Join(kb, id+".md"), []byte(e), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("expiring", "reviewed: 2026-11-01\nexpires: 2027-01-15\n")
	write("review-overdue", "reviewed: 2026-01-01\n") // + 180 days: July 2026
	write("review-set", "reviewed: 2026-11-01\nreview: 2027-02-01\n")
	write("fresh", "reviewed: 2026-11-20\nexpires: 2028-01-01\n")
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	env := fakeEnv{"SUPPORTBOT_KB_DIR": kb, "SUPPORTBOT_DATA_DIR": t.TempDir(), "SUPPORTBOT_LANG": "en"}
	code, out, errOut := runCLIAt(t, env, now, "kb", "stats", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var st struct {
		Entries int `json:"entries"`
		Due     []struct {
			ID, Reason string
		} `json:"due_within_90_days"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("not JSON: %v: %q", err, out)
	}
	var got []string
	for _, d := range st.Due {
		got = append(got, d.ID+":"+d.Reason)
	}
	if want := "review-overdue:review expiring:expires review-set:review"; strings.Join(got, " ") != want || st.Entries != 4 {
		t.Errorf("due = %v (%d entries), want %s", got, st.Entries, want)
	}
	code, out, _ = runCLIAt(t, env, now, "kb", "stats")
	if code != exitOK || !strings.Contains(out, "due for review within 90 days: 3") || !regexp.MustCompile(`2027-01-15\s+expires\s+expiring`).MatchString(out) {
		t.Errorf("text output:\n%s", out)
	}
}
