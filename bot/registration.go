package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mostvn/supportbot/tickets"
)

// Registration asks three questions, one message each: the province (from
// the 34 on a reply keyboard), the commune (typed) and the role (keyboard).
// The answers become the officer's profile only after the last one.

// provinceKeyboard lays the 34 provinces out two per row.
func provinceKeyboard() [][]string {
	var rows [][]string
	for i := 0; i < len(tickets.Provinces); i += 2 {
		rows = append(rows, tickets.Provinces[i:min(i+2, len(tickets.Provinces))])
	}
	return rows
}

func roleKeyboard(lang string) [][]string {
	var rows [][]string
	for _, r := range roles {
		rows = append(rows, []string{tr(lang, r.label)})
	}
	return rows
}

// start greets. An officer who has not agreed to the privacy notice is
// shown it; one who agreed but has not registered yet is asked the first
// registration question at once.
func (t *turn) start() error {
	name := esc(t.m.UserName)
	greeting := tr(t.lang, txtGreeting, name)
	if t.o.registered() {
		greeting = tr(t.lang, txtGreetingRegistered, name, t.o.profile(t.lang))
	}
	if !t.o.consented() {
		// Nothing is kept, and no registration asked, before the officer
		// agrees (privacy_notice.go).
		t.showNotice(greeting + "\n\n")
		return nil
	}
	if t.o.registered() {
		t.reply(greeting)
		return nil
	}
	t.beginRegistration(greeting + "\n\n")
	return nil
}

// beginRegistration asks for the province, after intro.
func (t *turn) beginRegistration(intro string) {
	t.o.Step, t.o.DraftProvince, t.o.DraftCommune = stepProvince, "", ""
	t.reply(intro + tr(t.lang, txtAskProvince)).Keyboard = provinceKeyboard()
}

// registrationStep takes the answer to the pending registration question.
func (t *turn) registrationStep(text string) error {
	if !t.o.consented() {
		// A registration begun before the notice existed: it goes on only
		// once the officer agrees.
		t.o.Step, t.o.DraftProvince, t.o.DraftCommune = "", "", ""
		t.showNotice("")
		return nil
	}
	switch t.o.Step {
	case stepProvince:
		p, ok := tickets.NormalizeProvince(text)
		if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(tickets.Provinces) {
			// Its number on the keyboard, as the console numbers it.
			p, ok = tickets.Provinces[n-1], true
		}
		if !ok || p == "" {
			t.reply(tr(t.lang, txtBadProvince, esc(text))).Keyboard = provinceKeyboard()
			return nil
		}
		t.o.DraftProvince, t.o.Step = p, stepCommune
		t.reply(tr(t.lang, txtAskCommune, esc(p))).RemoveKB = true
	case stepCommune:
		if n := utf8.RuneCountInString(text); n < 2 || n > 100 {
			t.reply(tr(t.lang, txtBadCommune))
			return nil
		}
		t.o.DraftCommune, t.o.Step = text, stepRole
		t.reply(tr(t.lang, txtAskRole)).Keyboard = roleKeyboard(t.lang)
	case stepRole:
		code := matchRole(text)
		if code == "" {
			t.reply(tr(t.lang, txtBadRole, esc(text))).Keyboard = roleKeyboard(t.lang)
			return nil
		}
		t.o.Province, t.o.Commune, t.o.Role = t.o.DraftProvince, t.o.DraftCommune, code
		t.o.Registered = t.now
		t.o.Step, t.o.DraftProvince, t.o.DraftCommune = "", "", ""
		if t.m.UserName != "" {
			t.o.Name = t.m.UserName
		}
		t.reply(tr(t.lang, txtRegistered, t.o.profile(t.lang))).RemoveKB = true
	default:
		t.o.Step = "" // a step this version does not know: forget it
		t.reply(helpText(t.lang))
	}
	return nil
}

// matchRole accepts a role label in either language (with or without tone
// marks), its number on the keyboard, or its code.
func matchRole(text string) string {
	f := fold(strings.TrimSpace(text))
	if n, err := strconv.Atoi(f); err == nil && n >= 1 && n <= len(roles) {
		return roles[n-1].code
	}
	for _, r := range roles {
		if f == r.code {
			return r.code
		}
		for _, lang := range []string{LangVI, LangEN} {
			if f == fold(tr(lang, r.label)) {
				return r.code
			}
		}
	}
	return ""
}
