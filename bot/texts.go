package bot

import (
	"fmt"
	"strings"
)

// Languages the bot speaks. Vietnamese is the default.
const (
	LangVI = "vi"
	LangEN = "en"
)

// textKey names one user-facing text; its Vietnamese and English versions
// live in texts_vi.go and texts_en.go. A test checks that every key exists in
// both with the same placeholders.
type textKey string

const (
	txtGreeting           textKey = "greeting"
	txtGreetingRegistered textKey = "greeting_registered"
	txtAskProvince        textKey = "ask_province"
	txtBadProvince        textKey = "bad_province"
	txtAskCommune         textKey = "ask_commune"
	txtBadCommune         textKey = "bad_commune"
	txtAskRole            textKey = "ask_role"
	txtBadRole            textKey = "bad_role"
	txtRegistered         textKey = "registered"
	txtProfile            textKey = "profile"
	txtRoleCommune        textKey = "role_commune"
	txtRoleProvince       textKey = "role_province"
	txtRoleOther          textKey = "role_other"

	txtHelp           textKey = "help"
	txtCancelled      textKey = "cancelled"
	txtNothingCancel  textKey = "nothing_to_cancel"
	txtUnknownCommand textKey = "unknown_command"
	txtAskUsage       textKey = "ask_usage"
	txtLangUsage      textKey = "lang_usage"
	txtLangSet        textKey = "lang_set"
	txtTooLong        textKey = "too_long"
	txtBadUTF8        textKey = "bad_utf8"
	txtNoText         textKey = "no_text"
	txtYoureWelcome   textKey = "youre_welcome"
	txtInternalError  textKey = "internal_error"
	txtInternalRetry  textKey = "internal_error_no_ticket"

	txtAnswerIntro     textKey = "answer_intro"
	txtSuggestIntro    textKey = "suggest_intro"
	txtRelated         textKey = "related"
	txtEffective       textKey = "effective"
	txtExpires         textKey = "expires"
	txtExpired         textKey = "expired"
	txtSource          textKey = "source"
	txtAnswerFeedback  textKey = "answer_feedback"
	btnHelpful         textKey = "btn_helpful"
	btnNotHelpful      textKey = "btn_not_helpful"
	btnToStaff         textKey = "btn_to_staff"
	btnLangVI          textKey = "btn_lang_vi"
	btnLangEN          textKey = "btn_lang_en"
	toastThanks        textKey = "toast_thanks"
	toastToStaff       textKey = "toast_to_staff"
	txtFeedbackGone    textKey = "feedback_gone"
	txtFeedbackExpired textKey = "feedback_expired"

	txtTicketUsage    textKey = "ticket_usage"
	txtTicketOpened   textKey = "ticket_opened"
	txtTicketExists   textKey = "ticket_exists"
	txtNoneOpened     textKey = "none_opened"
	txtFeedbackTicket textKey = "feedback_ticket"
	txtMyTicketsNone  textKey = "my_tickets_none"
	txtMyTicketsHead  textKey = "my_tickets_head"
	txtMyTicketsFoot  textKey = "my_tickets_foot"
	txtTicketBadID    textKey = "ticket_bad_id"
	txtTicketNotYours textKey = "ticket_not_yours"
	txtTicketStatus   textKey = "ticket_status"
	txtTicketHistory  textKey = "ticket_history"
	txtTicketFollow   textKey = "ticket_follow"
	txtTicketAdded    textKey = "ticket_added"
	txtTicketReopened textKey = "ticket_reopened"
	txtTicketClosed   textKey = "ticket_closed"
	txtFromOfficer    textKey = "from_officer"
	txtFromStaff      textKey = "from_staff"
	txtFromSystem     textKey = "from_system"

	txtStateNew       textKey = "state_new"
	txtStateClaimed   textKey = "state_claimed"
	txtStateProgress  textKey = "state_in_progress"
	txtStateWaiting   textKey = "state_waiting"
	txtStateResolved  textKey = "state_resolved"
	txtStateClosed    textKey = "state_closed"
	txtStateReopened  textKey = "state_reopened"
	txtStateCancelled textKey = "state_cancelled"

	cmdDescStart    textKey = "cmd_start"
	cmdDescAsk      textKey = "cmd_ask"
	cmdDescTicket   textKey = "cmd_ticket"
	cmdDescTickets  textKey = "cmd_tickets"
	cmdDescRegister textKey = "cmd_register"
	cmdDescLang     textKey = "cmd_lang"
	cmdDescCancel   textKey = "cmd_cancel"
	cmdDescHelp     textKey = "cmd_help"

	// txtNoWords answers a message with nothing to search ("?", "👍"):
	// it says what the bot knows about instead of failing.
	txtNoWords textKey = "no_words"

	// Answer rendering (format.go): the confidence of an entry in its
	// citation, and the warning shown with a check-status entry that
	// carries none of its own.
	txtConfidenceSingle textKey = "confidence_single"
	txtConfidenceCheck  textKey = "confidence_check"
	txtStatusUnverified textKey = "status_unverified"
)

// catalogue maps a language to its texts.
var catalogue = map[string]map[textKey]string{
	LangVI: textsVI,
	LangEN: textsEN,
}

// tr returns the text for key in lang (Vietnamese when lang is unknown),
// formatted with args. Arguments are inserted verbatim: callers escape user
// and knowledge text with esc before passing it.
func tr(lang string, key textKey, args ...any) string {
	m, ok := catalogue[lang]
	if !ok {
		m = textsVI
	}
	s, ok := m[key]
	if !ok {
		// A missing key is a programming error the catalogue test catches;
		// show the key rather than nothing.
		s = string(key)
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// normLang maps a client language code ("en-US", "vi") to a language the
// bot speaks, or "" when it speaks none of it.
func normLang(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	switch {
	case code == "":
		return ""
	case strings.HasPrefix(code, "vi"):
		return LangVI
	case strings.HasPrefix(code, "en"):
		return LangEN
	}
	return ""
}
