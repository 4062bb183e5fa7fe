package bot

// Texts of the deadline reminders' button (reminders.go). Their Vietnamese
// and English versions live in texts_reminders_vi.go and
// texts_reminders_en.go and join the catalogue when the package starts.
// The reminders themselves are rendered by package schedules.
const (
	txtDeadlineConfirmed textKey = "deadline_confirmed"
	txtDeadlineAlready   textKey = "deadline_already"
	txtDeadlineUnitSelf  textKey = "deadline_unit_self"
	toastDeadlineThanks  textKey = "toast_deadline_thanks"
	toastDeadlineAlready textKey = "toast_deadline_already"
)

func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsRemindersVI, LangEN: textsRemindersEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
