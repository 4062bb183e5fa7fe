package bot

import "testing"

func TestParseCommand(t *testing.T) {
	for _, c := range []struct {
		text        string
		ok          bool
		id          cmdID
		typed, args string
	}{
		{"/hoi thủ tục cấp lại", true, cmdAsk, "/hoi", "thủ tục cấp lại"},
		{"/ask@supportbot_bot what", true, cmdAsk, "/ask", "what"},
		{"  /HELP", true, cmdHelp, "/HELP", ""},
		{"/hỏi có dấu", true, cmdAsk, "/hỏi", "có dấu"},
		{"/phieu HT-000042", true, cmdTickets, "/phieu", "HT-000042"},
		{"/mytickets", true, cmdTickets, "/mytickets", ""},
		{"/ticket\nhai dòng", true, cmdTicket, "/ticket", "hai dòng"},
		{"/huy", true, cmdCancel, "/huy", ""},
		{"/lang en", true, cmdLang, "/lang", "en"},
		{"/nope x", true, cmdUnknown, "/nope", "x"},
		{"/", false, cmdUnknown, "", ""},
		{"/ không phải lệnh", false, cmdUnknown, "", ""},
		{"1/7/2025 có hiệu lực?", false, cmdUnknown, "", ""},
		{"//x", false, cmdUnknown, "", ""},
	} {
		id, typed, args, ok := parseCommand(c.text)
		if ok != c.ok || id != c.id || typed != c.typed || args != c.args {
			t.Errorf("parseCommand(%q) = %v %q %q %v, want %v %q %q %v", c.text, id, typed, args, ok, c.id, c.typed, c.args, c.ok)
		}
	}
}

func TestIsThanks(t *testing.T) {
	for text, want := range map[string]bool{
		"Cảm ơn": true, "cam on!": true, "CẢM ƠN BẠN": true, "Thanks": true, "thank you.": true,
		"cảm ơn, nhưng vẫn chưa rõ": false, "không cảm ơn": false, "": false,
	} {
		if got := isThanks(text); got != want {
			t.Errorf("isThanks(%q) = %v", text, got)
		}
	}
}

func TestCommandForUs(t *testing.T) {
	for _, c := range []struct {
		text, username string
		want           bool
	}{
		{"/help", "OurBot", true},
		{"/help@OurBot", "OurBot", true},
		{"/help@ourbot args", "OurBot", true},
		{"  /HELP@OURBOT\nline", "OurBot", true},
		{"/help@", "OurBot", true},
		{"/help@OtherBot", "OurBot", false},
		{"/help@OurBot_2", "OurBot", false},
		{"/ticket@otherbot x", "OurBot", false},
		{"/help@OtherBot", "", true},
		{"not a command @OtherBot", "OurBot", true},
	} {
		if got := commandForUs(c.text, c.username); got != c.want {
			t.Errorf("commandForUs(%q, %q) = %v, want %v", c.text, c.username, got, c.want)
		}
	}
}
