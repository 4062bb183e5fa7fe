package bot

// textsPrivacyVI: the personal-data texts in Vietnamese (texts_privacy.go).
var textsPrivacyVI = map[textKey]string{
	txtPrivacyNotice: "<b>Dữ liệu cá nhân của bạn</b>\n" +
		"Để trả lời và theo dõi yêu cầu hỗ trợ của bạn, tôi lưu họ tên và mã Telegram, tỉnh/thành phố, xã/phường, " +
		"vai trò, các tin nhắn và phiếu hỗ trợ của bạn. Chỉ cán bộ hỗ trợ của Bộ xem các thông tin này (trên Slack). " +
		"%s; dữ liệu phụ trợ (câu hỏi đã trả lời, liên kết tin nhắn) được xoá sau %d ngày. " +
		"Theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, bạn có thể xem dữ liệu của mình bằng /dulieu và xoá bằng /xoadulieu bất cứ lúc nào.\n" +
		"<b>Bạn có đồng ý không?</b> Nếu không đồng ý, bạn vẫn hỏi và đọc câu trả lời được, nhưng tôi không lưu gì về bạn và không mở phiếu hỗ trợ.",
	txtPrivacyKeepTickets: "Phiếu đã đóng được ẩn danh sau %s",
	txtPrivacyKeepForever: "Phiếu được lưu đến khi bạn yêu cầu xoá",
	txtPrivacyMonths:      "%d tháng",
	txtPrivacyDays:        "%d ngày",
	txtPrivacyNoLimit:     "không giới hạn",
	btnPrivacyAgree:       "Đồng ý",
	btnPrivacyDecline:     "Không đồng ý",
	txtPrivacyUpdate:      "Từ nay tôi cần bạn đồng ý trước khi tiếp tục lưu thông tin của bạn. Các phiếu đã có của bạn vẫn được theo dõi; phiếu mới cần bạn đồng ý.",

	txtPrivacyAgreed:           "Cảm ơn bạn đã đồng ý.",
	txtPrivacyAgreedRegistered: "Cảm ơn bạn đã đồng ý. Thông tin đăng ký của bạn: %s. Bây giờ bạn có thể gõ câu hỏi.",
	toastPrivacyAlready:        "Bạn đã đồng ý rồi.",
	txtPrivacyAgreedAskAgain:   "Bạn đã đồng ý lưu dữ liệu. Hãy gửi lại câu hỏi, hoặc dùng /ticket &lt;mô tả&gt; để mở phiếu cho cán bộ hỗ trợ.",
	txtPrivacyDeclined: "Bạn đã không đồng ý, nên tôi không lưu gì về bạn. Bạn vẫn có thể gõ câu hỏi và đọc câu trả lời. " +
		"Muốn chuyển câu hỏi cho cán bộ hỗ trợ, hãy gõ /start và chọn “Đồng ý”.",
	txtPrivacyDeclinedStored: "Bạn đã không đồng ý: tôi đã xoá thông tin đăng ký của bạn và các câu hỏi bạn đã gửi. " +
		"Các phiếu đã có vẫn được giữ để cán bộ hỗ trợ trả lời bạn; muốn xoá cả các phiếu đó, hãy dùng /xoadulieu. " +
		"Bạn vẫn có thể gõ câu hỏi và đọc câu trả lời.",

	txtPrivacyTicketNeedsConsent: "Để chuyển câu hỏi cho cán bộ hỗ trợ, tôi cần mở phiếu có tên, mã Telegram và câu hỏi của bạn, " +
		"nên cần bạn đồng ý trước. Sau khi đồng ý, hãy gửi lại câu hỏi.",
	txtPrivacyNoneNeedsConsent:  "Tôi chưa tìm thấy câu trả lời cho câu hỏi này trong cơ sở tri thức.",
	txtPrivacyAskerNeedsConsent: "Câu hỏi này chỉ được chuyển cho cán bộ hỗ trợ khi người hỏi đồng ý lưu dữ liệu (/start).",
	txtPrivacyFollowNeedsConsent: "Để nhắc hạn báo cáo, tôi cần lưu mã Telegram của bạn và các hạn bạn theo dõi, nên cần bạn đồng ý trước. " +
		"Sau khi đồng ý, hãy theo dõi lại.",
	txtPrivacyLangNotKept: "Tôi chưa thể ghi nhớ lựa chọn này vì bạn chưa đồng ý lưu dữ liệu (/start).",

	txtPrivacyHelp:    "<b>Dữ liệu của bạn</b>\n/dulieu — xem dữ liệu tôi lưu về bạn (kèm tệp JSON)\n/xoadulieu — xoá dữ liệu của bạn",
	cmdDescMyData:     "Xem dữ liệu tôi lưu về bạn",
	cmdDescDeleteData: "Xoá dữ liệu của bạn",

	txtPrivacySentPrivately: "%s, tôi đã trả lời bạn trong tin nhắn riêng.",
	txtPrivacyAskPrivately:  "Lệnh này chỉ dùng trong tin nhắn riêng với tôi.",
	txtPrivacyNothing:       "Tôi không lưu thông tin nào về bạn.",

	txtPrivacyDataHead: "<b>Dữ liệu tôi lưu về bạn</b>",
	txtPrivacyDataProfile: "Họ tên: %s\nTài khoản: %s, mã %s\nTỉnh/thành phố: %s\nXã/phường: %s\nVai trò: %s\n" +
		"Ngôn ngữ: %s\nĐăng ký: %s\nĐồng ý lưu dữ liệu: %s",
	txtPrivacyDataNoProfile: "Hồ sơ: không có (bạn chưa đồng ý lưu dữ liệu).",
	txtPrivacyLangAuto:      "theo ứng dụng",
	txtPrivacyNotAgreed:     "chưa đồng ý",
	txtPrivacyAgreedOn:      "%s (thông báo bản %d)",
	txtPrivacyDataTickets:   "<b>Phiếu hỗ trợ: %d</b> (%s)",
	txtPrivacyDataNoTickets: "Phiếu hỗ trợ: không có.",
	txtPrivacyDataNewest:    "%d phiếu mới nhất:",
	txtPrivacyDataFile:      "Tệp %s kèm theo chứa toàn bộ dữ liệu này (JSON), kể cả nội dung trao đổi của từng phiếu. Xoá dữ liệu: /xoadulieu",
	txtPrivacyDataTruncated: "Tệp chỉ chứa %d phiếu mới nhất trong %d phiếu của bạn (giới hạn dung lượng tệp); hãy liên hệ cán bộ hỗ trợ để nhận đủ.",

	txtPrivacyDeleteConfirm: "<b>Xoá dữ liệu của bạn?</b>\n" +
		"• Hồ sơ của bạn (họ tên, mã Telegram, tỉnh/thành phố, xã/phường, vai trò) và mọi tin nhắn bạn đã gửi bị xoá khỏi mọi nơi tôi lưu.\n" +
		"%s" +
		"• Không thể hoàn tác. Nếu phải khôi phục từ một bản sao lưu cũ, việc xoá được thực hiện lại.\n" +
		"Bạn có chắc không?",
	txtPrivacyDeleteTickets: "• %d phiếu hỗ trợ của bạn được giữ lại ở dạng ẩn danh, chỉ còn trạng thái và lịch sử xử lý, để Bộ lưu hồ sơ; " +
		"các bản sao trên Slack được thay bằng thông báo “đã xoá”.\n",
	txtPrivacyDeleteOneTicket: "• Phiếu hỗ trợ của bạn được giữ lại ở dạng ẩn danh, chỉ còn trạng thái và lịch sử xử lý, để Bộ lưu hồ sơ; " +
		"bản sao trên Slack được thay bằng thông báo “đã xoá”.\n",
	btnPrivacyErase:          "Xoá dữ liệu của tôi",
	btnPrivacyKeep:           "Huỷ",
	txtPrivacyErasing:        "Đang xoá… Tôi sẽ báo khi xong.",
	txtPrivacyEraseCancelled: "Đã huỷ: dữ liệu của bạn không bị xoá.",
	txtPrivacyErasePending:   "Dữ liệu của bạn đang được xoá. Tôi sẽ báo khi xong.",
	txtPrivacyEraseNothing:   "Không có gì để xoá: tôi không lưu thông tin nào về bạn.",
	txtPrivacyErased:         "Đã xoá dữ liệu của bạn; %d phiếu hỗ trợ được giữ lại ở dạng ẩn danh. Nếu bạn nhắn tin lại, tôi sẽ hỏi ý kiến bạn như lần đầu.",
	txtPrivacyErasedNone:     "Đã xoá dữ liệu của bạn. Nếu bạn nhắn tin lại, tôi sẽ hỏi ý kiến bạn như lần đầu.",
}
