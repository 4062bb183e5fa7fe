package bot

// textsRemindersVI are the Vietnamese texts of the reminders' button.
var textsRemindersVI = map[textKey]string{
	txtDeadlineConfirmed: "✅ Cảm ơn! Đã ghi nhận <b>%s</b> đã nộp báo cáo <code>%s</code> hạn %s. " +
		"Cán bộ của đơn vị sẽ không nhận nhắc lại cho kỳ này.",
	txtDeadlineAlready:   "Đã ghi nhận trước đó: <b>%s</b> đã nộp báo cáo <code>%s</code> hạn %s.",
	txtDeadlineUnitSelf:  "bạn (chưa đăng ký đơn vị)",
	toastDeadlineThanks:  "Cảm ơn, đã ghi nhận!",
	toastDeadlineAlready: "Đã ghi nhận trước đó",
}
