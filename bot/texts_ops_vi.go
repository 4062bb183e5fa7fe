package bot

// textsOpsVI are the Vietnamese texts of groups, edits and announcements.
var textsOpsVI = map[textKey]string{
	txtTicketsSentPrivately: "%s, tôi đã gửi danh sách phiếu của bạn vào tin nhắn riêng. Phiếu của mỗi người chỉ người đó xem được.",
	txtTicketsAskPrivately:  "Phiếu của mỗi người chỉ người đó xem được. Hãy nhắn riêng cho tôi lệnh /phieu.",
	txtEdited:               "Tôi đã trả lời bản đầu tiên của tin nhắn này. Nếu câu hỏi đã thay đổi, hãy gửi lại câu hỏi thành tin nhắn mới.",
	txtAnnouncement:         "<b>📢 Thông báo</b>\n\n%s",
}
