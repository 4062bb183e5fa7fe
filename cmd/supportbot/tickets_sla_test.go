package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// runCLIAt is runCLI with the CLI's clock set to now.
func runCLIAt(t *testing.T, env fakeEnv, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: env.get, readFile: os.ReadFile, now: func() time.Time { return now },
	}
	code = run(context.Background(), a, args)
	return code, out.String(), errOut.String()
}

func TestTicketsListBySLA(t *testing.T) {
	dataDir := t.TempDir()
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": dataDir}
	seedTickets(t, dataDir,
		tickets.NewTicket{Channel: "telegram", UserID: "1", ChatID: "1", Province: "Cà Mau", Topic: "radiation", Priority: "urgent", Text: "Khai báo X-quang gấp", Source: "telegram:1"},
		tickets.NewTicket{Channel: "telegram", UserID: "2", ChatID: "2", Province: "Hà Nội", Topic: "ip", Text: "Cấp lại văn bằng", Source: "telegram:2"},
		tickets.NewTicket{Channel: "telegram", UserID: "3", ChatID: "3", Province: "Hà Nội", Topic: "radiation", Priority: "urgent", Text: "Giấy phép X-quang", Source: "telegram:3"},
	)
	// An hour later the urgent tickets (first response due in 30 min) are
	// breached; the normal one (4 h) is due in 3 h.
	later := time.Now().Add(time.Hour)
	ids := func(args ...string) []string {
		t.Helper()
		code, out, errOut := runCLIAt(t, env, later, append([]string{"tickets", "list", "--json"}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var list []struct{ ID string }
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		var got []string
		for _, tk := range list {
			got = append(got, tk.ID)
		}
		return got
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--breached"}, "HT-000001 HT-000003"},
		{[]string{"--breached", "--province", "ha noi"}, "HT-000003"},
		{[]string{"--breached", "--topic", "ip"}, ""},
		{[]string{"--due-within", "4h"}, "HT-000002"},
		{[]string{"--due-within", "1h"}, ""},
	} {
		got := strings.Join(ids(c.args...), " ")
		// Equal breach ages may come in either order; compare as sets.
		if !sameWords(got, c.want) {
			t.Errorf("%v: got %q, want %q", c.args, got, c.want)
		}
	}
	if code, _, errOut := runCLIAt(t, env, later, "tickets", "list", "--breached", "--state", "new"); code != exitUsage || !strings.Contains(errOut, "--breached") {
		t.Errorf("--breached with --state: exit %d, %q", code, errOut)
	}
}

func sameWords(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) != len(wb) {
		return false
	}
	seen := map[string]int{}
	for _, w := range wa {
		seen[w]++
	}
	for _, w := range wb {
		if seen[w]--; seen[w] < 0 {
			return false
		}
	}
	return true
}
