package bot

// textsEN is the English catalogue.
var textsEN = map[textKey]string{
	txtGreeting: "Hello %s! I am the 24/7 support assistant for the delegation of science and technology tasks to localities " +
		"(Decrees 132/2025/NĐ-CP and 133/2025/NĐ-CP), intellectual property and radiation safety. " +
		"I answer from a knowledge base with its sources; when I cannot answer, I open a ticket so that a support officer answers you.",
	txtGreetingRegistered: "Hello %s! You are registered as: %s.\nType your question, or /help to see the commands. To change your registration: /register",
	txtAskProvince:        "To help you with your locality: which province or city do you work in? Choose it on the keyboard below.",
	txtBadProvince:        "I do not recognise the province or city “%s”. Choose one of the 34 provinces and cities on the keyboard.",
	txtAskCommune:         "Province/city: <b>%s</b>.\nWhich commune, ward or special zone do you work in? Type its name (type “province” if you work at the provincial level).",
	txtBadCommune:         "The commune or ward name must be 2 to 100 characters long. Please type it again.",
	txtAskRole:            "What is your role? Choose it on the keyboard.",
	txtBadRole:            "I do not recognise the role “%s”. Choose a role on the keyboard.",
	txtRegistered:         "Registered: %s. Thank you! You can now type your questions.",
	txtProfile:            "%s, %s (%s)",
	txtRoleCommune:        "Commune officer",
	txtRoleProvince:       "Provincial officer",
	txtRoleOther:          "Other",

	txtHelp: "<b>How can I help?</b>\n" +
		"Type your question directly, or use the commands:\n" +
		"/ask &lt;question&gt; — ask about rules and procedures\n" +
		"/ticket &lt;description&gt; — open a support ticket at once\n" +
		"/mytickets — your tickets; /mytickets HT-000042 — one ticket\n" +
		"/deadlines — the reporting deadlines you follow, as a calendar file (.ics) too\n" +
		"/subscribe &lt;id&gt; — follow a reporting deadline; /unsubscribe &lt;id&gt; — stop\n" +
		"/register — register your province, commune and role\n" +
		"/lang vi | en — change language (Tiếng Việt)\n" +
		"/cancel — cancel what you are doing\n" +
		"/help — this help\n" +
		"Reply to a message about a ticket to add information to that ticket.",
	txtCancelled:      "Cancelled.",
	txtNothingCancel:  "There is nothing to cancel.",
	txtUnknownCommand: "There is no command %s. Type /help to see the commands.",
	txtAskUsage:       "Type your question after the command, for example: /ask re-issuing a protection title",
	txtLangUsage:      "Choose a language: /lang vi (Tiếng Việt) or /lang en (English).",
	txtLangSet:        "Language set to English.",
	txtTooLong:        "Your message is too long (%d characters, at most %d). Please shorten it or split it into several messages.",
	txtBadUTF8:        "Your message contains invalid characters, so I cannot read it. Please type it again.",
	txtNoText:         "I can only read text messages. Please type your question.",
	txtYoureWelcome:   "Glad to help!",
	txtInternalError:  "Sorry, something went wrong while handling your message. I opened ticket <b>%s</b> so that a support officer looks at it and answers you.",
	txtInternalRetry:  "Sorry, something went wrong while handling your message. Please try again later or use /ticket.",

	txtAnswerIntro:     "<b>%s</b>",
	txtSuggestIntro:    "I am <b>not sure</b> I have the right answer to this question. You can pass it to a support officer (button below), or look at these possibly related entries:",
	txtRelated:         "Related:",
	txtEffective:       "in force from %s",
	txtExpires:         "until %s",
	txtExpired:         "no longer in force since %s",
	txtSource:          "Source",
	txtAnswerFeedback:  "Did this answer help you?",
	btnHelpful:         "✅ Clear, thanks",
	btnNotHelpful:      "❌ Not clear, ask a support officer",
	btnToStaff:         "📨 Ask a support officer",
	btnLangVI:          "Tiếng Việt",
	btnLangEN:          "English",
	toastThanks:        "Thank you for your feedback!",
	toastToStaff:       "Passed to a support officer",
	txtFeedbackGone:    "I can no longer find this question. Please type it again, or use /ticket &lt;description&gt;.",
	txtFeedbackExpired: "This question was asked more than %d days ago, so its buttons no longer work. Please type it again, or use /ticket &lt;description&gt; to pass it to a support officer.",

	txtTicketUsage:    "Describe the problem after the command, for example: /ticket I need the dossier for an amateur radio licence",
	txtTicketOpened:   "Opened support ticket <b>%s</b>. A support officer will answer you here. Status: /mytickets %s",
	txtTicketExists:   "Ticket <b>%s</b> is already open for this question. Status: /mytickets %s",
	txtNoneOpened:     "I found no answer in the knowledge base, so I opened support ticket <b>%s</b>. A support officer will answer you here. Status: /mytickets %s",
	txtFeedbackTicket: "Your question was passed to a support officer: ticket <b>%s</b>. They will answer you here. Status: /mytickets %s",
	txtMyTicketsNone:  "You have no support tickets.",
	txtMyTicketsHead:  "<b>Your support tickets</b>",
	txtMyTicketsFoot:  "Details: /mytickets HT-000042 (use your ticket number).",
	txtTicketBadID:    "Invalid ticket number: “%s”. Example: /mytickets HT-000042",
	txtTicketNotYours: "Ticket %s is not among your tickets.",
	txtTicketStatus:   "Ticket <b>%s</b>: %s\nOpened: %s\nRequest: %s",
	txtTicketHistory:  "<b>Conversation</b>",
	txtTicketFollow:   "Your next messages will be added to this ticket. Type /cancel to stop.",
	txtTicketAdded:    "Added to ticket <b>%s</b>. For a new question unrelated to this ticket, type /cancel first.",
	txtTicketReopened: "Reopened ticket <b>%s</b> and added your message.",
	txtTicketClosed:   "Ticket <b>%s</b> is closed. Type a new question, or /ticket &lt;description&gt; to open a new ticket.",
	txtFromOfficer:    "You",
	txtFromStaff:      "Support officer",
	txtFromSystem:     "System",

	txtStateNew:       "new, waiting for an officer",
	txtStateClaimed:   "taken by an officer",
	txtStateProgress:  "in progress",
	txtStateWaiting:   "waiting for your reply",
	txtStateResolved:  "resolved",
	txtStateClosed:    "closed",
	txtStateReopened:  "reopened",
	txtStateCancelled: "cancelled",

	cmdDescStart:    "Start and register",
	cmdDescAsk:      "Ask about rules and procedures",
	cmdDescTicket:   "Open a support ticket at once",
	cmdDescTickets:  "My support tickets",
	cmdDescRegister: "Register province, commune, role",
	cmdDescLang:     "Language: vi | en",
	cmdDescCancel:   "Cancel what you are doing",
	cmdDescHelp:     "Help",

	txtNoWords: "Please ask me a question in words, for example about Decrees 132/2025/ND-CP and 133/2025/ND-CP, " +
		"intellectual property procedures, or radiation safety and X-ray equipment. Type /help for the commands.",

	txtConfidenceSingle: "single source",
	txtConfidenceCheck:  "check it is still in force",
	txtStatusUnverified: "Whether this rule is still in force has not been verified; ask your Department of Science and Technology before relying on it.",
}
