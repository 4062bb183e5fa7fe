package bot

import (
	"strings"
	"time"

	"github.com/mostvn/supportbot/knowledge"
)

// command runs one slash command. res is the search result for /hoi. A
// command addressed to another bot ("/help@other_bot" in a group) is
// ignored: no reply, none of the command's effects (not even ending the
// focus on a ticket), and the entry counts as handled.
func (t *turn) command(p plan, res knowledge.Result) error {
	if !commandForUs(t.m.Text, t.r.botUsername) {
		return nil
	}
	if p.cmd != cmdTickets && p.cmd != cmdCancel {
		// A command starts something new: plain messages stop going into
		// the ticket the officer looked at last.
		t.o.Focus, t.o.FocusUntil = "", time.Time{}
	}
	switch p.cmd {
	case cmdStart:
		return t.start()
	case cmdRegister:
		if !t.o.consented() {
			t.showNotice("") // registration keeps a profile: agreeing starts it
			return nil
		}
		t.beginRegistration("")
	case cmdHelp:
		t.reply(helpText(t.lang))
	case cmdAsk:
		switch {
		case p.args == "":
			t.reply(tr(t.lang, txtAskUsage))
			return nil
		case p.noWords:
			t.reply(tr(t.lang, txtNoWords))
			return nil
		}
		return t.answer(p.query, res)
	case cmdTicket:
		if p.args == "" {
			t.reply(tr(t.lang, txtTicketUsage))
			return nil
		}
		if t.needsConsent(txtPrivacyTicketNeedsConsent) {
			return nil
		}
		tk, _, err := t.openTicket(p.args, "", nil, t.source())
		if err != nil {
			return err
		}
		t.reply(tr(t.lang, txtTicketOpened, tk.ID, tk.ID)).TicketID = tk.ID
	case cmdTickets:
		if p.args == "" {
			t.o.Focus, t.o.FocusUntil = "", time.Time{}
			return t.listTickets()
		}
		return t.showTicket(p.args)
	case cmdLang:
		if p.args == "" {
			t.reply(tr(t.lang, txtLangUsage)).Buttons = langButtons(t.lang)
			return nil
		}
		return t.setLang(p.args)
	case cmdCancel:
		t.cancel()
	case cmdDeadlines:
		return t.deadlinesCommand(p.args) // deadlines.go
	case cmdFollow:
		if t.calendar() != nil && t.needsConsent(txtPrivacyFollowNeedsConsent) {
			return nil
		}
		return t.followCommand(p.args)
	case cmdUnfollow:
		return t.unfollowCommand(p.args)
	case cmdMyData:
		return t.myData() // privacy_mydata.go
	case cmdEraseData:
		return t.askErase() // privacy_delete.go
	default:
		t.reply(tr(t.lang, txtUnknownCommand, esc(p.typed)))
	}
	return nil
}

func langButtons(lang string) [][]Button {
	return [][]Button{{
		{Text: tr(lang, btnLangVI), Data: cbLang + LangVI},
		{Text: tr(lang, btnLangEN), Data: cbLang + LangEN},
	}}
}

// setLang switches the officer's language to arg ("vi", "en", "English",
// "tiếng Việt") and confirms in the new language.
func (t *turn) setLang(arg string) error {
	var lang string
	switch f := fold(strings.TrimSpace(arg)); f {
	case "vi", "vn", "tieng viet", "viet", "vietnamese":
		lang = LangVI
	case "en", "english", "tieng anh", "anh":
		lang = LangEN
	default:
		t.reply(tr(t.lang, txtLangUsage)).Buttons = langButtons(t.lang)
		return nil
	}
	t.o.Lang, t.lang = lang, lang
	if !t.o.keepable() {
		// Answered in the new language, but saveOfficer will not keep it.
		t.reply(tr(t.lang, txtLangSet) + "\n" + tr(t.lang, txtPrivacyLangNotKept))
		return nil
	}
	t.reply(tr(t.lang, txtLangSet))
	return nil
}

// helpText is /help: the commands, then those of the officer's data.
func helpText(lang string) string {
	return tr(lang, txtHelp) + "\n\n" + tr(lang, txtPrivacyHelp)
}

// cancel stops a registration in progress and the focus on a ticket.
func (t *turn) cancel() {
	if t.o.Step == "" && t.o.Focus == "" {
		t.reply(tr(t.lang, txtNothingCancel))
		return
	}
	hadKeyboard := t.o.Step != ""
	t.o.Step, t.o.DraftProvince, t.o.DraftCommune = "", "", ""
	t.o.Focus, t.o.FocusUntil = "", time.Time{}
	t.reply(tr(t.lang, txtCancelled)).RemoveKB = hadKeyboard
}
