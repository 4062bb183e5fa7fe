package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// supportCmd is what "/support <sub> …" does; Vietnamese and English
// names map to one.
type supportCmd int

const (
	supUnknownCmd supportCmd = iota
	supCmdHelp
	supCmdAsk
	supCmdTickets
	supCmdShow
	supCmdAssign
	supCmdStats
	supCmdOnCall
	supCmdDeadlines
)

// supportNames maps every accepted subcommand name (folded: lower case, no
// tone marks) to its subcommand.
var supportNames = map[string]supportCmd{
	"help": supCmdHelp, "trogiup": supCmdHelp, "huongdan": supCmdHelp, "?": supCmdHelp,
	"ask": supCmdAsk, "hoi": supCmdAsk,
	"tickets": supCmdTickets, "ticket": supCmdTickets, "list": supCmdTickets, "phieu": supCmdTickets, "danhsach": supCmdTickets,
	"show": supCmdShow, "view": supCmdShow, "xem": supCmdShow,
	"assign": supCmdAssign, "giao": supCmdAssign,
	"stats": supCmdStats, "thongke": supCmdStats,
	"oncall": supCmdOnCall, "truc": supCmdOnCall, "lichtruc": supCmdOnCall,
	"deadlines": supCmdDeadlines, "deadline": supCmdDeadlines, "han": supCmdDeadlines, "hanbaocao": supCmdDeadlines, "baocao": supCmdDeadlines,
}

// staffOnly are the subcommands a guest may not use: they show or change
// tickets.
var staffOnly = map[supportCmd]bool{supCmdTickets: true, supCmdShow: true, supCmdAssign: true, supCmdStats: true, supCmdOnCall: true, supCmdDeadlines: true}

// parseSupport splits the arguments of /support into the subcommand, its
// name as typed and the rest.
func parseSupport(args string) (cmd supportCmd, typed, rest string) {
	typed, rest, _ = strings.Cut(strings.TrimSpace(args), " ")
	if i := strings.IndexAny(typed, "\n\t"); i >= 0 {
		typed, rest = typed[:i], typed[i+1:]+" "+rest
	}
	return supportNames[fold(typed)], typed, strings.TrimSpace(rest)
}

// supportQuery is the question to search before the write transaction for
// m: the text of "/support ask <question>", "" for anything else.
func supportQuery(m *Message) string {
	if m.Command != "/support" {
		return ""
	}
	if cmd, _, rest := parseSupport(m.Text); cmd == supCmdAsk && hasWord(rest) {
		return rest
	}
	return ""
}

// supportCommand answers the Slack slash command "/support <args>" with
// ephemeral replies, in the staff's language. Guests may ask and read the
// help; listing, showing, assigning and statistics are for staff. The
// search result for "ask" is t.res, searched before the transaction (see
// supportQuery). Errors that staff can act on (a bad ticket ID, a state
// that does not allow the change) are answered; the others are returned.
func (t *turn) supportCommand(args string) error {
	lang := t.staffLang()
	cmd, typed, rest := parseSupport(args)
	if staffOnly[cmd] && t.m.Role != RoleStaff {
		t.ephemeral(tr(lang, supStaffOnly))
		return nil
	}
	switch cmd {
	case supCmdAsk:
		t.supportAsk(lang, rest, t.res)
		return nil
	case supCmdTickets:
		return t.supportTickets(lang, rest)
	case supCmdShow:
		return t.supportShow(lang, rest)
	case supCmdAssign:
		return t.supportAssign(lang, rest)
	case supCmdStats:
		return t.supportStats(lang)
	case supCmdOnCall:
		if rota := t.r.staff.Rota; rota != nil {
			t.ephemeral(rota.OnCallText(t.now, lang))
			return nil
		}
		t.ephemeral(tr(lang, supHelp)) // no rota configured
		return nil
	case supCmdDeadlines:
		return t.supportDeadlines(lang, rest) // deadlines_staff.go
	case supCmdHelp:
		t.ephemeral(tr(lang, supHelp))
		return nil
	}
	text := tr(lang, supHelp)
	if typed != "" {
		text = tr(lang, supUnknown, esc(typed)) + "\n\n" + text
	}
	t.ephemeral(text)
	return nil
}

// staffLang is the language of staff replies: StaffOptions.Lang
// (Vietnamese unless set).
func (t *turn) staffLang() string {
	if t.r.staff.Lang != "" {
		return t.r.staff.Lang
	}
	return LangVI
}

// supportAsk answers a question from the knowledge base for the asker only.
// No ticket is opened and no feedback asked: staff who find nothing know
// where tickets are.
func (t *turn) supportAsk(lang, q string, res knowledge.Result) {
	switch {
	case q == "":
		t.ephemeral(tr(lang, supAskUsage))
	case len(res.Hits) == 0 || res.Verdict == knowledge.VerdictNone:
		t.ephemeral(tr(lang, supAskNone, esc(shorten(q, 200))))
	case res.Verdict == knowledge.VerdictAnswer:
		shown := res.Hits[:min(len(res.Hits), 1+maxRelated)]
		text := formatAnswer(lang, q, shown, t.now)
		t.ephemeral(strings.TrimSuffix(text, "\n\n"+tr(lang, txtAnswerFeedback)))
	default:
		// Not formatSuggest: it points officers to a button staff do not get.
		var b strings.Builder
		b.WriteString(tr(lang, supAskSuggest))
		for _, h := range res.Hits[:min(len(res.Hits), maxSuggest)] {
			b.WriteString("\n• " + relatedLine(lang, h, t.now))
		}
		t.ephemeral(b.String())
	}
}

// supportAssign handles "assign HT-000042 <@U123|name>": the ticket goes to
// the person named, on the sender's word (the event's actor).
func (t *turn) supportAssign(lang, rest string) error {
	fields := strings.Fields(rest)
	if len(fields) != 2 {
		t.ephemeral(tr(lang, supAssignUsage))
		return nil
	}
	id, who := fields[0], fields[1]
	if _, err := tickets.ParseID(who); err == nil {
		id, who = who, id // "assign @lan HT-42" reads as well
	}
	to, ok := t.mentioned(who)
	if !ok {
		t.ephemeral(tr(lang, supAssignMention, esc(who)) + "\n" + tr(lang, supAssignUsage))
		return nil
	}
	tk, err := t.tk.AssignTo(id, to, t.staffActor())
	if err != nil {
		return t.ticketProblem(lang, err)
	}
	if err := t.cardChanged(tk); err != nil {
		return fmt.Errorf("support assign %s: %w", tk.ID, err)
	}
	t.ephemeral(tr(lang, supAssigned, tk.ID, esc(actorName(to)), esc(tickets.StateLabel(tk.State, lang))))
	return nil
}

// mentioned reads the person a staff member named: Slack's escaped mention
// "<@U123>" or "<@U123|lan>", or "me" / "toi" for the sender. A bare
// "@lan" names nobody the bot can look up.
func (t *turn) mentioned(s string) (tickets.Actor, bool) {
	switch fold(s) {
	case "me", "@me", "toi":
		return t.staffActor(), true
	}
	if !strings.HasPrefix(s, "<@") || !strings.HasSuffix(s, ">") {
		return tickets.Actor{}, false
	}
	id, name, _ := strings.Cut(s[2:len(s)-1], "|")
	if id == "" || strings.ContainsAny(id, " <>@") {
		return tickets.Actor{}, false
	}
	if id == t.m.UserID && name == "" {
		name = t.m.UserName
	}
	return tickets.Actor{Kind: tickets.ActorStaff, ID: string(t.m.Channel) + ":" + id, Name: name}, true
}

// actorName is how staff see who someone is: their name, else their ID.
func actorName(a tickets.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.ID
}

// ticketProblem answers an error of the tickets package that the staff
// member can act on (not found, invalid, a state that does not allow the
// change) with its sentence, and returns the others.
func (t *turn) ticketProblem(lang string, err error) error {
	if errors.Is(err, tickets.ErrNotFound) || errors.Is(err, tickets.ErrInvalid) || errors.Is(err, tickets.ErrTransition) {
		t.ephemeral(esc(tickets.UserMessage(err, lang)))
		return nil
	}
	return fmt.Errorf("support command: %w", err)
}
