package bot

// textsOpsEN are the English texts of groups, edits and announcements.
var textsOpsEN = map[textKey]string{
	txtTicketsSentPrivately: "%s, I sent your tickets to you in a private message. Each officer's tickets are shown only to them.",
	txtTicketsAskPrivately:  "Each officer's tickets are shown only to them. Please send me /phieu in a private chat.",
	txtEdited:               "I answered the first version of this message. If your question changed, please send it again as a new message.",
	txtAnnouncement:         "<b>📢 Announcement</b>\n\n%s",
}
