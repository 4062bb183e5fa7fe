package bot

// textsSupportEN are the English texts of /support and the App Home.
var textsSupportEN = map[textKey]string{
	supHelp: "<b>The /support command</b> (only you see the answers)\n" +
		"/support ask &lt;question&gt; — ask the knowledge base\n" +
		"/support tickets [open | mine | breached | province &lt;name&gt;] — tickets by SLA due time\n" +
		"/support show HT-000042 — one ticket in full\n" +
		"/support assign HT-000042 @person — assign a ticket to a support officer\n" +
		"/support stats — ticket statistics\n" +
		"/support oncall — who is on call now, and next\n" +
		"/support deadlines [id] [dd/mm/yyyy] — units that have and have not submitted a report, by province\n" +
		"/support help — this help",
	supUnknown:     "There is no subcommand “%s”.",
	supStaffOnly:   "Only the ministry's support staff can use this command. You can still ask the knowledge base: /support ask &lt;question&gt;",
	supAskUsage:    "Type your question after the command, for example: /support ask re-issuing a protection title",
	supAskSuggest:  "I am <b>not sure</b> I have the right answer. Possibly related entries:",
	supAskNone:     "The knowledge base has nothing for: “%s”.",
	supListUsage:   "I do not understand “%s”. Usage: /support tickets [open | mine | breached | province &lt;name&gt;]",
	supListOpen:    "<b>Open tickets</b> by SLA due time (%d)",
	supListMine:    "<b>Your tickets</b> (%d)",
	supListBreach:  "<b>Tickets past their SLA</b> (%d)",
	supListProv:    "<b>Open tickets of %s</b> (%d)",
	supListNone:    "No tickets.",
	supListMore:    "… and %d more.",
	supBadProvince: "I do not recognise the province or city “%s”. Example: /support tickets province Lào Cai",
	supShowUsage:   "Type the ticket ID, for example: /support show HT-000042",

	supDueIn:     "due in %s",
	supOverdue:   "overdue by %s",
	supNoDue:     "—",
	supDays:      "%dd",
	supHours:     "%dh",
	supMinutes:   "%d min",
	supUrgent:    "urgent",
	supNormal:    "normal",
	supNoPlace:   "locality unknown",
	supUnclaimed: "nobody yet",

	supShowHead:      "<b>%s</b> · %s · %s",
	supShowReporter:  "Asked by: %s (%s)",
	supShowPlace:     "Locality: %s",
	supShowTopic:     "Topic: %s",
	supShowAssignee:  "Assignee: %s",
	supShowCreated:   "Opened: %s",
	supShowQuestion:  "<b>Question</b>",
	supShowHits:      "<b>Knowledge entries the officer was shown</b>",
	supShowConv:      "<b>Conversation</b>",
	supShowConvMore:  "(%d earlier messages not shown)",
	supShowInternal:  "🔒 internal",
	supShowEvents:    "<b>Log</b>",
	supShowDelivery:  "⚠️ Not delivered to the officer at %s: %s",
	supSLAHead:       "<b>SLA</b>",
	supSLAFirst:      "First response: due %s, %s",
	supSLAResolution: "Resolution: due %s, %s",
	supSLAMetAt:      "met at %s",
	supSLALateAt:     "late, at %s",

	supEvCreated:  "opened",
	supEvMessage:  "message from the officer",
	supEvNote:     "internal note",
	supEvReply:    "reply",
	supEvFirst:    "first response",
	supEvAssigned: "reassigned",
	supEvLocality: "locality set",
	supEvDelivery: "delivery failed",
	supEvPromoted: "proposed for the knowledge base",

	supAssignUsage:   "Usage: /support assign HT-000042 @person (type @ and pick the person from Slack's suggestions)",
	supAssignMention: "I cannot tell who “%s” is. Type @ and pick the person from Slack's suggestions.",
	supAssigned:      "Assigned ticket <b>%s</b> to %s (%s).",

	supStatsHead:     "<b>Support tickets</b> at %s",
	supStatsOpen:     "Open: <b>%d</b>",
	supStatsByState:  "By state:",
	supStatsByTopic:  "By topic:",
	supStatsBreached: "Past an SLA target now: <b>%d</b>",
	supStatsFirst:    "First responses since %s: median <b>%s</b> (%d tickets)",
	supStatsNoFirst:  "No first response since %s.",

	supHomeTitle:        "Officer support",
	supHomeIntro:        "Updated %s. Commands: /support help",
	supHomeMine:         "<b>Your tickets</b> (%d)",
	supHomeMineNone:     "You have no tickets.",
	supHomeQueue:        "<b>Queue by SLA due time</b> (%d open)",
	supHomeQueueNone:    "No open tickets.",
	supHomeBreached:     "<b>Past SLA</b> (%d)",
	supHomeBreachedNone: "No ticket is past its SLA.",
	supHomeGuest:        "You are not on the ministry's support staff list, so this page shows no tickets. You can still ask the knowledge base: /support ask &lt;question&gt;",
}
