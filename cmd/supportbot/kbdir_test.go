package main

import (
	"strings"
	"testing"
)

// Commands that write knowledge files refuse the embedded corpus and say
// which key to set, in the operator's language.
func TestWritingCommandsNeedAKnowledgeFolder(t *testing.T) {
	for _, c := range []struct {
		lang, want string
		args       []string
	}{
		{"vi", "SUPPORTBOT_KB_DIR chưa đặt", []string{"kb", "import", t.TempDir()}},
		{"en", "SUPPORTBOT_KB_DIR is not set", []string{"kb", "import", t.TempDir()}},
		{"vi", "bản nháp", []string{"tickets", "promote", "HT-000001"}},
		{"en", "the draft needs a knowledge folder", []string{"tickets", "promote", "HT-000001"}},
	} {
		env := fakeEnv{"SUPPORTBOT_LANG": c.lang, "SUPPORTBOT_DATA_DIR": t.TempDir()}
		code, _, errOut := runCLI(t, env, "", c.args...)
		if code != exitError || !strings.Contains(errOut, c.want) {
			t.Errorf("%s %v: exit %d, stderr %q; want exit %d mentioning %q", c.lang, c.args, code, errOut, exitError, c.want)
		}
	}
}
