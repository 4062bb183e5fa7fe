package bot

// textsDeadlinesVI are the Vietnamese texts of the deadline commands.
var textsDeadlinesVI = map[textKey]string{
	txtDeadlinesOff: "Lịch hạn báo cáo chưa được bật trên hệ thống này.",
	txtDeadlinesNone: "Bạn chưa theo dõi hạn báo cáo nào. Chọn hạn muốn được nhắc trên các nút dưới đây, " +
		"hoặc gõ /theodoi &lt;mã&gt;.",
	txtDeadlinesNoneUnregistered: "Bạn chưa theo dõi hạn báo cáo nào. Đăng ký đơn vị (/dangky) để tự động theo dõi " +
		"các hạn báo cáo của cấp mình, hoặc chọn hạn muốn được nhắc trên các nút dưới đây.",
	txtDeadlinesHead:      "📅 <b>Hạn báo cáo bạn theo dõi</b> (%d)",
	txtDeadlinesDue:       "hạn nộp <b>%s</b> (%s)",
	txtDeadlinesSubmitted: "✅ Đơn vị của bạn đã báo nộp kỳ này.",
	txtDeadlinesNoNext:    "không còn kỳ hạn nào sắp tới",
	txtDeadlinesCheck:     "⚠️ <i>Cần kiểm tra hiệu lực</i>",
	txtDeadlinesFoot: "Theo dõi thêm hạn khác: /theodoi · Bỏ theo dõi: /bothoi &lt;mã&gt;\n" +
		"Bấm nút dưới đây để tải lịch (.ics) vào Google Calendar, Outlook hoặc điện thoại.",
	txtDeadlinesICS: "📅 Lịch hạn báo cáo bạn theo dõi: %d hạn, %d kỳ tới của mỗi hạn, có lời nhắc trước hạn. " +
		"Mở tệp đính kèm để thêm vào Google Calendar, Outlook hoặc lịch điện thoại.",
	txtDeadlinesICSTooBig: "Lịch quá lớn để gửi qua tin nhắn. Hãy bỏ theo dõi bớt hạn (/bothoi) rồi thử lại.",
	btnDeadlinesICS:       "📅 Tải lịch (.ics)",
	txtDueToday:           "hôm nay là hạn cuối",
	txtDueTomorrow:        "còn 1 ngày",
	txtDueInDays:          "còn %d ngày",

	txtFollowPick: "Chọn hạn báo cáo muốn theo dõi (✅ là hạn bạn đang theo dõi):",
	txtFollowed: "✅ Đã theo dõi <b>%s</b> (<code>%s</code>).\nKỳ tới: %s.\nBạn sẽ được nhắc %s.\n" +
		"Xem các hạn: /han · Bỏ theo dõi: /bothoi %s",
	txtFollowedAlready: "Bạn đang theo dõi <b>%s</b> (<code>%s</code>).\nKỳ tới: %s.\nBạn sẽ được nhắc %s.\n" +
		"Xem các hạn: /han · Bỏ theo dõi: /bothoi %s",
	txtUnfollowPick: "Chọn hạn báo cáo muốn bỏ theo dõi:",
	txtUnfollowNone: "Bạn không theo dõi hạn báo cáo nào. Xem và chọn hạn: /theodoi",
	txtUnfollowed: "Đã bỏ theo dõi <b>%s</b> (<code>%s</code>): bạn sẽ không nhận nhắc hạn này nữa. " +
		"Theo dõi lại: /theodoi %s",
	txtUnfollowedNot:   "Bạn không theo dõi <b>%s</b> (<code>%s</code>). Xem các hạn bạn theo dõi: /han",
	txtDeadlineUnknown: "Không có hạn báo cáo mã “%s”. Các mã hợp lệ:%s\nVí dụ: %s %s",

	txtOffsetsBeforeAndOn: "%s ngày trước hạn và đúng ngày hạn",
	txtOffsetsBefore:      "%s ngày trước hạn",
	txtOffsetsOn:          "đúng ngày hạn",
	txtOffsetsAt:          "%s, lúc %s",
	toastFollowed:         "Đã theo dõi",
	toastUnfollowed:       "Đã bỏ theo dõi",

	cmdDescDeadlines: "Hạn báo cáo của tôi",
	cmdDescFollow:    "Theo dõi một hạn báo cáo",
	cmdDescUnfollow:  "Bỏ theo dõi một hạn báo cáo",

	supDeadlinesOff:     "Lịch hạn báo cáo chưa được bật trên hệ thống này.",
	supDeadlinesUnknown: "Không có hạn báo cáo mã “%s”. Các mã hợp lệ:%s",
	supDeadlinesBadDate: "Không hiểu ngày “%s”. Ví dụ: /support deadlines nd09-periodic 25/11/2026",
	supDeadlinesNoOcc:   "Hạn <code>%s</code> không có kỳ nào để xem.",
	supDeadlinesNotDue:  "Ngày %s không phải kỳ hạn của <code>%s</code>. Kỳ gần nhất: %s.",
	supDeadlinesOthers:  "Các hạn khác (/support deadlines &lt;mã&gt; [dd/mm/yyyy]):%s",
}
