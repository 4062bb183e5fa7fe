package main

import (
	"strings"
	"testing"
)

// The router is wired with the deadline calendar: /theodoi and /han work
// in the console, on the embedded calendar.
func TestConsoleDeadlineCommands(t *testing.T) {
	env := fakeEnv{"SUPPORTBOT_DATA_DIR": t.TempDir()}
	code, out, errOut := runCLI(t, env, consoleConsent+"/han\n/theodoi nd09-periodic\n/han\n/bothoi nope\n", "console")
	if code != exitOK {
		t.Fatalf("console: exit %d %s", code, errOut)
	}
	for _, want := range []string{"chưa theo dõi", "Đã theo dõi", "Hạn báo cáo bạn theo dõi", "nd09-periodic",
		"Nghị định 09/2019/NĐ-CP", "Không có hạn báo cáo mã", "tt03-2019-annual"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "chưa được bật") {
		t.Errorf("the calendar is not wired:\n%s", out)
	}
}
