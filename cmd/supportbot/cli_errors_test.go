package main

import (
	"strings"
	"testing"
)

// Ticket errors reach the operator as a sentence in their language, with
// the detail (which value) after it.
func TestTicketErrorsInTheOperatorsLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		args []string
		want []string
	}{
		{"vi", []string{"tickets", "show", "HT-000099"}, []string{"Không tìm thấy phiếu", "HT-000099"}},
		{"en", []string{"tickets", "show", "HT-000099"}, []string{"No ticket has that ID", "HT-000099"}},
		{"vi", []string{"tickets", "list", "--topic", "bong-da"}, []string{"Lĩnh vực không hợp lệ", "bong-da"}},
		{"en", []string{"tickets", "list", "--topic", "bong-da"}, []string{"Unknown field", "bong-da"}},
	} {
		env := fakeEnv{"SUPPORTBOT_LANG": c.lang, "SUPPORTBOT_DATA_DIR": t.TempDir()}
		code, _, errOut := runCLI(t, env, "", c.args...)
		if code != exitError {
			t.Errorf("%s %v: exit %d, want %d", c.lang, c.args, code, exitError)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s %v: stderr %q lacks %q", c.lang, c.args, errOut, w)
			}
		}
	}
}
