package bot

// textsDeadlinesEN are the English texts of the deadline commands.
var textsDeadlinesEN = map[textKey]string{
	txtDeadlinesOff: "The reporting deadline calendar is not enabled on this system.",
	txtDeadlinesNone: "You follow no reporting deadline yet. Pick the ones you want reminders of with the buttons below, " +
		"or type /subscribe &lt;id&gt;.",
	txtDeadlinesNoneUnregistered: "You follow no reporting deadline yet. Register your unit (/register) to follow " +
		"the deadlines of your level automatically, or pick the ones you want reminders of with the buttons below.",
	txtDeadlinesHead:      "📅 <b>Reporting deadlines you follow</b> (%d)",
	txtDeadlinesDue:       "due <b>%s</b> (%s)",
	txtDeadlinesSubmitted: "✅ Your unit has reported this one as submitted.",
	txtDeadlinesNoNext:    "no coming occurrence",
	txtDeadlinesCheck:     "⚠️ <i>Check status</i>",
	txtDeadlinesFoot: "Follow another deadline: /subscribe · Stop one: /unsubscribe &lt;id&gt;\n" +
		"Press the button below to get them as a calendar file (.ics) for Google Calendar, Outlook or your phone.",
	txtDeadlinesICS: "📅 Your reporting deadlines as a calendar: %d deadlines, the next %d occurrences of each, with reminders before they are due. " +
		"Open the attached file to add it to Google Calendar, Outlook or your phone's calendar.",
	txtDeadlinesICSTooBig: "The calendar is too large to send in a message. Stop following some deadlines (/unsubscribe) and try again.",
	btnDeadlinesICS:       "📅 Get the calendar (.ics)",
	txtDueToday:           "due today",
	txtDueTomorrow:        "1 day left",
	txtDueInDays:          "%d days left",

	txtFollowPick: "Pick the reporting deadline to follow (✅ marks those you follow):",
	txtFollowed: "✅ Now following <b>%s</b> (<code>%s</code>).\nNext: %s.\nYou will be reminded %s.\n" +
		"Your deadlines: /deadlines · Stop: /unsubscribe %s",
	txtFollowedAlready: "You already follow <b>%s</b> (<code>%s</code>).\nNext: %s.\nYou will be reminded %s.\n" +
		"Your deadlines: /deadlines · Stop: /unsubscribe %s",
	txtUnfollowPick: "Pick the reporting deadline to stop following:",
	txtUnfollowNone: "You follow no reporting deadline. See them and pick: /subscribe",
	txtUnfollowed: "Stopped following <b>%s</b> (<code>%s</code>): you will get no more reminders of it. " +
		"Follow it again: /subscribe %s",
	txtUnfollowedNot:   "You do not follow <b>%s</b> (<code>%s</code>). Your deadlines: /deadlines",
	txtDeadlineUnknown: "There is no reporting deadline with the id “%s”. Valid ids:%s\nExample: %s %s",

	txtOffsetsBeforeAndOn: "%s days before and on the due date",
	txtOffsetsBefore:      "%s days before the due date",
	txtOffsetsOn:          "on the due date",
	txtOffsetsAt:          "%s, at %s",
	toastFollowed:         "Following",
	toastUnfollowed:       "Stopped",

	cmdDescDeadlines: "My reporting deadlines",
	cmdDescFollow:    "Follow a reporting deadline",
	cmdDescUnfollow:  "Stop following a deadline",

	supDeadlinesOff:     "The reporting deadline calendar is not enabled on this system.",
	supDeadlinesUnknown: "There is no reporting deadline with the id “%s”. Valid ids:%s",
	supDeadlinesBadDate: "I do not understand the date “%s”. Example: /support deadlines nd09-periodic 25/11/2026",
	supDeadlinesNoOcc:   "Deadline <code>%s</code> has no occurrence to show.",
	supDeadlinesNotDue:  "%s is not a due date of <code>%s</code>. The nearest one: %s.",
	supDeadlinesOthers:  "Other deadlines (/support deadlines &lt;id&gt; [dd/mm/yyyy]):%s",
}
