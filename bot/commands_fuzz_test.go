package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseCommand checks the command parser on any text an officer can
// type: it never panics, keeps valid UTF-8 valid, returns trimmed
// arguments, and parsing "typed args" again gives the same command and
// arguments (the parse is a fixed point once the @bot suffix and the
// separators are normalised).
//
// make fuzz runs it for a bounded time; go test runs the seeds and
// testdata/fuzz/FuzzParseCommand.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"/help", "/ticket Lỗi đăng nhập", "/hoi@supportbot_bot hạn báo cáo?", "  /phieu", "/ticket\nmáy in hỏng",
		"/TICKET\tx y ", "//", "/ ", "/", "/@", "/@bot", "/a@b@c d", "hỏi /help", "/lang en", "/dangky Hà Nội, Ba Đình",
		"/help\u00a0x", "\u2003/start", "/ticket\r\nx", "/x\xff\xfe", "/cancel@" + strings.Repeat("b", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		id, typed, args, to, ok := parseAddressed(text)
		if !ok {
			if id != cmdUnknown || typed != "" || args != "" || to != "" {
				t.Fatalf("not a command but id=%v typed=%q args=%q to=%q", id, typed, args, to)
			}
			return
		}
		if !strings.HasPrefix(typed, "/") || len(typed) < 2 {
			t.Fatalf("typed %q does not start with a command name", typed)
		}
		if strings.ContainsAny(typed, " \n\t@") {
			t.Fatalf("typed %q holds a separator", typed)
		}
		if strings.TrimSpace(args) != args {
			t.Fatalf("args %q not trimmed", args)
		}
		if utf8.ValidString(text) && !(utf8.ValidString(typed) && utf8.ValidString(args) && utf8.ValidString(to)) {
			t.Fatalf("valid input %q gave invalid UTF-8: typed %q args %q to %q", text, typed, args, to)
		}
		again := typed
		if args != "" {
			again += " " + args
		}
		id2, typed2, args2, to2, ok2 := parseAddressed(again)
		if !ok2 || id2 != id || typed2 != typed || args2 != args || to2 != "" {
			t.Fatalf("re-parse of %q (from %q) = %v %q %q %q %v, want %v %q %q", again, text, id2, typed2, args2, to2, ok2, id, typed, args)
		}
		if pid, ptyped, pargs, pok := parseCommand(text); pid != id || ptyped != typed || pargs != args || !pok {
			t.Fatalf("parseCommand and parseAddressed disagree on %q", text)
		}
	})
}
