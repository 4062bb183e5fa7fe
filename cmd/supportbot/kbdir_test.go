package main

import (
	"os"
	"path/filepath"
	"regexp"
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

// A malformed knowledge file is reported with its path and line, in the
// operator's language, and every other file still loads.
func TestKBStatsReportsAMalformedFile(t *testing.T) {
	kb := t.TempDir()
	good := "---\nid: good\ntitle: Tốt\nlang: vi\nsource: https://example.org/a\n---\nNội dung.\n"
	bad := "---\nid: bad\ntitle: [oops\nlang: vi\n---\nNội dung.\n"
	if err := os.WriteFile(filepath.Join(kb, "good.md"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kb, "bad.md"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"vi": "không phải YAML hợp lệ", "en": "not valid YAML"} {
		env := fakeEnv{"SUPPORTBOT_LANG": lang, "SUPPORTBOT_KB_DIR": kb, "SUPPORTBOT_DATA_DIR": t.TempDir()}
		code, out, errOut := runCLI(t, env, "", "kb", "stats")
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", lang, code, errOut)
		}
		if !strings.Contains(errOut, "bad.md:3") || !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr %q, want bad.md:3 and %q", lang, errOut, want)
		}
		if !regexp.MustCompile(`(Số mục|Entries):\s+1\n`).MatchString(out) {
			t.Errorf("%s: the good file should still load (1 entry): %q", lang, out)
		}
	}
}
