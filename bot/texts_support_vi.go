package bot

// textsSupportVI are the Vietnamese texts of /support and the App Home.
var textsSupportVI = map[textKey]string{
	supHelp: "<b>Lệnh /support</b> (chỉ bạn thấy câu trả lời)\n" +
		"/support hoi &lt;câu hỏi&gt; — hỏi cơ sở tri thức\n" +
		"/support phieu [mo | cuatoi | quahan | tinh &lt;tên tỉnh&gt;] — danh sách phiếu theo hạn SLA\n" +
		"/support xem HT-000042 — xem toàn bộ một phiếu\n" +
		"/support giao HT-000042 @người — giao phiếu cho cán bộ hỗ trợ\n" +
		"/support thongke — thống kê phiếu\n" +
		"/support truc — ai đang trực, ai trực ca sau\n" +
		"/support han [mã] [dd/mm/yyyy] — đơn vị đã nộp, chưa nộp báo cáo theo tỉnh\n" +
		"/support trogiup — trợ giúp",
	supUnknown:     "Không có lệnh con “%s”.",
	supStaffOnly:   "Chỉ cán bộ hỗ trợ của Bộ mới dùng được lệnh này. Bạn vẫn có thể hỏi cơ sở tri thức: /support hoi &lt;câu hỏi&gt;",
	supAskUsage:    "Hãy gõ câu hỏi sau lệnh, ví dụ: /support hoi thủ tục cấp lại văn bằng bảo hộ",
	supAskSuggest:  "Tôi <b>chưa chắc chắn</b> có câu trả lời đúng. Các mục có thể liên quan:",
	supAskNone:     "Không tìm thấy mục nào trong cơ sở tri thức cho câu hỏi: “%s”.",
	supListUsage:   "Không hiểu “%s”. Dùng: /support phieu [mo | cuatoi | quahan | tinh &lt;tên tỉnh&gt;]",
	supListOpen:    "<b>Phiếu đang mở</b>, theo hạn SLA (%d)",
	supListMine:    "<b>Phiếu bạn đang xử lý</b> (%d)",
	supListBreach:  "<b>Phiếu quá hạn SLA</b> (%d)",
	supListProv:    "<b>Phiếu đang mở của %s</b> (%d)",
	supListNone:    "Không có phiếu nào.",
	supListMore:    "… và %d phiếu khác.",
	supBadProvince: "Không nhận ra tỉnh/thành phố “%s”. Ví dụ: /support phieu tinh Lào Cai",
	supShowUsage:   "Hãy gõ mã phiếu, ví dụ: /support xem HT-000042",

	supDueIn:     "còn %s",
	supOverdue:   "quá hạn %s",
	supNoDue:     "—",
	supDays:      "%d ngày",
	supHours:     "%d giờ",
	supMinutes:   "%d phút",
	supUrgent:    "khẩn",
	supNormal:    "thường",
	supNoPlace:   "chưa rõ địa bàn",
	supUnclaimed: "chưa ai nhận",

	supShowHead:      "<b>%s</b> · %s · %s",
	supShowReporter:  "Người hỏi: %s (%s)",
	supShowPlace:     "Địa bàn: %s",
	supShowTopic:     "Lĩnh vực: %s",
	supShowAssignee:  "Người xử lý: %s",
	supShowCreated:   "Mở lúc: %s",
	supShowQuestion:  "<b>Câu hỏi</b>",
	supShowHits:      "<b>Mục tri thức người hỏi đã được xem</b>",
	supShowConv:      "<b>Trao đổi</b>",
	supShowConvMore:  "(%d tin nhắn trước đó không hiển thị)",
	supShowInternal:  "🔒 nội bộ",
	supShowEvents:    "<b>Nhật ký</b>",
	supShowDelivery:  "⚠️ Không gửi được cho người hỏi lúc %s: %s",
	supSLAHead:       "<b>SLA</b>",
	supSLAFirst:      "Phản hồi đầu: hạn %s, %s",
	supSLAResolution: "Giải quyết: hạn %s, %s",
	supSLAMetAt:      "đạt lúc %s",
	supSLALateAt:     "trễ, lúc %s",

	supEvCreated:  "mở phiếu",
	supEvMessage:  "tin nhắn của người hỏi",
	supEvNote:     "ghi chú nội bộ",
	supEvReply:    "trả lời",
	supEvFirst:    "phản hồi đầu tiên",
	supEvAssigned: "đổi người xử lý",
	supEvLocality: "cập nhật địa bàn",
	supEvDelivery: "gửi không thành công",
	supEvPromoted: "đề xuất vào cơ sở tri thức",

	supAssignUsage:   "Dùng: /support giao HT-000042 @người (gõ @ rồi chọn người trong gợi ý của Slack)",
	supAssignMention: "Không nhận ra người “%s”. Hãy gõ @ rồi chọn người trong gợi ý của Slack.",
	supAssigned:      "Đã giao phiếu <b>%s</b> cho %s (%s).",

	supStatsHead:     "<b>Thống kê phiếu hỗ trợ</b> lúc %s",
	supStatsOpen:     "Đang mở: <b>%d</b>",
	supStatsByState:  "Theo trạng thái:",
	supStatsByTopic:  "Theo lĩnh vực:",
	supStatsBreached: "Quá hạn SLA lúc này: <b>%d</b>",
	supStatsFirst:    "Phản hồi đầu từ %s: trung vị <b>%s</b> (%d phiếu)",
	supStatsNoFirst:  "Chưa có phản hồi đầu nào từ %s.",

	supHomeTitle:        "Hỗ trợ cán bộ",
	supHomeIntro:        "Cập nhật lúc %s. Các lệnh: /support trogiup",
	supHomeMine:         "<b>Phiếu bạn đang xử lý</b> (%d)",
	supHomeMineNone:     "Bạn chưa nhận phiếu nào.",
	supHomeQueue:        "<b>Hàng đợi theo hạn SLA</b> (%d phiếu đang mở)",
	supHomeQueueNone:    "Không có phiếu nào đang mở.",
	supHomeBreached:     "<b>Quá hạn SLA</b> (%d)",
	supHomeBreachedNone: "Không có phiếu nào quá hạn.",
	supHomeGuest:        "Bạn chưa có trong danh sách cán bộ hỗ trợ của Bộ nên trang này không hiển thị phiếu. Bạn vẫn có thể hỏi cơ sở tri thức: /support hoi &lt;câu hỏi&gt;",
}
