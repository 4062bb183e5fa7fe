package bot

import (
	"strings"
	"unicode"
)

// Command is one entry of the command menu a channel publishes (Telegram's
// setMyCommands): Name without the slash, Description in the menu's language.
type Command struct {
	Name        string `json:"command"`
	Description string `json:"description"`
}

// cmdID is what a command does; several names (Vietnamese words, English
// aliases) map to one id.
type cmdID int

const (
	cmdUnknown cmdID = iota
	cmdStart
	cmdHelp
	cmdAsk
	cmdTicket
	cmdTickets
	cmdRegister
	cmdLang
	cmdCancel
	cmdDeadlines // /han: the officer's deadlines (deadlines.go)
	cmdFollow    // /theodoi ID
	cmdUnfollow  // /bothoi ID
	cmdMyData    // /dulieu: what the bot keeps about the officer (privacy_mydata.go)
	cmdEraseData // /xoadulieu: erase it (privacy_delete.go)
)

// commandNames maps every accepted name (lower case, tone marks folded) to
// its command.
var commandNames = map[string]cmdID{
	"start":     cmdStart,
	"batdau":    cmdStart,
	"help":      cmdHelp,
	"trogiup":   cmdHelp,
	"hoi":       cmdAsk,
	"ask":       cmdAsk,
	"ticket":    cmdTicket,
	"phieumoi":  cmdTicket,
	"phieu":     cmdTickets,
	"mytickets": cmdTickets,
	"tickets":   cmdTickets,
	"dangky":    cmdRegister,
	"register":  cmdRegister,
	"lang":      cmdLang,
	"ngonngu":   cmdLang,
	"language":  cmdLang,
	"huy":       cmdCancel,
	"cancel":    cmdCancel,

	"han":         cmdDeadlines,
	"hanbaocao":   cmdDeadlines,
	"deadlines":   cmdDeadlines,
	"theodoi":     cmdFollow,
	"subscribe":   cmdFollow,
	"follow":      cmdFollow,
	"bothoi":      cmdUnfollow,
	"botheodoi":   cmdUnfollow,
	"unsubscribe": cmdUnfollow,
	"unfollow":    cmdUnfollow,

	"dulieu":       cmdMyData,
	"mydata":       cmdMyData,
	"xoadulieu":    cmdEraseData,
	"deletemydata": cmdEraseData,
}

// menu lists, per language, the commands the menu shows, in order. /help
// lists the same set: only what works.
var menu = map[string][]struct {
	name string
	desc textKey
}{
	LangVI: {
		{"hoi", cmdDescAsk}, {"ticket", cmdDescTicket}, {"phieu", cmdDescTickets},
		{"han", cmdDescDeadlines}, {"theodoi", cmdDescFollow}, {"bothoi", cmdDescUnfollow},
		{"dangky", cmdDescRegister}, {"lang", cmdDescLang}, {"huy", cmdDescCancel},
		{"dulieu", cmdDescMyData}, {"xoadulieu", cmdDescDeleteData},
		{"help", cmdDescHelp}, {"start", cmdDescStart},
	},
	LangEN: {
		{"ask", cmdDescAsk}, {"ticket", cmdDescTicket}, {"mytickets", cmdDescTickets},
		{"deadlines", cmdDescDeadlines}, {"subscribe", cmdDescFollow}, {"unsubscribe", cmdDescUnfollow},
		{"register", cmdDescRegister}, {"lang", cmdDescLang}, {"cancel", cmdDescCancel},
		{"mydata", cmdDescMyData}, {"deletemydata", cmdDescDeleteData},
		{"help", cmdDescHelp}, {"start", cmdDescStart},
	},
}

// commands returns the command menu in lang (Vietnamese when lang is not
// "en").
func commands(lang string) []Command {
	if lang != LangEN {
		lang = LangVI
	}
	items := menu[lang]
	out := make([]Command, 0, len(items))
	for _, it := range items {
		out = append(out, Command{Name: it.name, Description: tr(lang, it.desc)})
	}
	return out
}

// parseCommand splits "/Name@botname args" into the command, the name as
// typed (for error messages) and the arguments. ok is false when text is not
// a command at all. "/cmd@anybot" is accepted here: whether the command is
// ours is for commandForUs to say, once the Router's username is known.
func parseCommand(text string) (id cmdID, typed, args string, ok bool) {
	id, typed, args, _, ok = parseAddressed(text)
	return id, typed, args, ok
}

// parseAddressed is parseCommand that also returns the bot the command is
// addressed to: "other_bot" for "/help@other_bot", "" when there is no
// suffix.
func parseAddressed(text string) (id cmdID, typed, args, to string, ok bool) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return cmdUnknown, "", "", "", false
	}
	head, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		head, rest = head[:i], head[i+1:]+" "+rest
	}
	typed = head
	name := head[1:]
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name, to = name[:at], name[at+1:]
		typed = "/" + name
	}
	if name == "" || strings.HasPrefix(name, "/") {
		return cmdUnknown, "", "", "", false // "//" or "/ " is text, not a command
	}
	id = commandNames[fold(name)]
	return id, typed, strings.TrimSpace(rest), to, true
}

// commandForUs reports whether the command in text is meant for a bot named
// username: it has no @suffix, or the suffix is username (Telegram usernames
// are case-insensitive). An empty username (console, tests, getMe failed at
// start) takes every command. In a group with several bots the client sends
// "/help@other_bot" to everyone; only other_bot should answer.
func commandForUs(text, username string) bool {
	if username == "" {
		return true
	}
	_, _, _, to, ok := parseAddressed(text)
	return !ok || to == "" || strings.EqualFold(to, username)
}
