package bot

// textsRemindersEN are the English texts of the reminders' button.
var textsRemindersEN = map[textKey]string{
	txtDeadlineConfirmed: "✅ Thank you! Recorded that <b>%s</b> has submitted report <code>%s</code> due %s. " +
		"Nobody in your unit will be reminded of this period again.",
	txtDeadlineAlready:   "Already recorded: <b>%s</b> has submitted report <code>%s</code> due %s.",
	txtDeadlineUnitSelf:  "you (no unit registered)",
	toastDeadlineThanks:  "Thank you, recorded!",
	toastDeadlineAlready: "Already recorded",
}
