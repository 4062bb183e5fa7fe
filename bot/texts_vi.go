package bot

// textsVI is the Vietnamese catalogue, the default language. HTML subset of
// Telegram: literal <, > and & are written as entities.
var textsVI = map[textKey]string{
	txtGreeting: "Xin chào %s! Tôi là trợ lý hỗ trợ 24/7 về phân quyền, phân cấp lĩnh vực khoa học và công nghệ " +
		"(Nghị định 132/2025/NĐ-CP, 133/2025/NĐ-CP), sở hữu trí tuệ và an toàn bức xạ. " +
		"Tôi trả lời từ cơ sở tri thức có dẫn nguồn; khi chưa trả lời được, tôi mở phiếu để cán bộ hỗ trợ trả lời bạn.",
	txtGreetingRegistered: "Xin chào %s! Bạn đã đăng ký: %s.\nHãy gõ câu hỏi của bạn, hoặc /help để xem các lệnh. Đổi thông tin đăng ký: /dangky",
	txtAskProvince:        "Để hỗ trợ đúng địa phương, bạn công tác ở tỉnh/thành phố nào? Hãy chọn trên bàn phím bên dưới.",
	txtBadProvince:        "Không nhận ra tỉnh/thành phố “%s”. Hãy chọn một trong 34 tỉnh, thành phố trên bàn phím.",
	txtAskCommune:         "Tỉnh/thành phố: <b>%s</b>.\nBạn công tác ở xã/phường/đặc khu nào? Hãy gõ tên (ghi “tỉnh” nếu bạn làm việc ở cấp tỉnh).",
	txtBadCommune:         "Tên xã/phường cần từ 2 đến 100 ký tự. Hãy gõ lại tên xã/phường/đặc khu.",
	txtAskRole:            "Vai trò của bạn là gì? Hãy chọn trên bàn phím.",
	txtBadRole:            "Không nhận ra vai trò “%s”. Hãy chọn một vai trò trên bàn phím.",
	txtRegistered:         "Đã đăng ký: %s. Cảm ơn bạn! Bây giờ bạn có thể gõ câu hỏi.",
	txtProfile:            "%s, %s (%s)",
	txtRoleCommune:        "Cán bộ cấp xã",
	txtRoleProvince:       "Cán bộ cấp tỉnh",
	txtRoleOther:          "Khác",

	txtHelp: "<b>Tôi có thể giúp gì?</b>\n" +
		"Gõ câu hỏi trực tiếp, hoặc dùng các lệnh:\n" +
		"/hoi &lt;câu hỏi&gt; — hỏi về quy định, thủ tục\n" +
		"/ticket &lt;mô tả&gt; — mở ngay phiếu hỗ trợ cho cán bộ\n" +
		"/phieu — các phiếu của bạn; /phieu HT-000042 — xem một phiếu\n" +
		"/han — các hạn báo cáo bạn theo dõi, tải lịch (.ics)\n" +
		"/theodoi &lt;mã&gt; — theo dõi một hạn báo cáo; /bothoi &lt;mã&gt; — bỏ theo dõi\n" +
		"/dangky — đăng ký tỉnh/thành phố, xã/phường, vai trò\n" +
		"/lang vi | en — đổi ngôn ngữ (English)\n" +
		"/huy — huỷ thao tác đang làm\n" +
		"/help — trợ giúp\n" +
		"Trả lời (reply) một tin nhắn về phiếu để bổ sung thông tin cho phiếu đó.",
	txtCancelled:      "Đã huỷ.",
	txtNothingCancel:  "Không có thao tác nào để huỷ.",
	txtUnknownCommand: "Không có lệnh %s. Gõ /help để xem các lệnh.",
	txtAskUsage:       "Hãy gõ câu hỏi sau lệnh, ví dụ: /hoi thủ tục cấp lại văn bằng bảo hộ",
	txtLangUsage:      "Chọn ngôn ngữ: /lang vi (Tiếng Việt) hoặc /lang en (English).",
	txtLangSet:        "Đã chuyển sang tiếng Việt.",
	txtTooLong:        "Tin nhắn quá dài (%d ký tự, tối đa %d). Hãy rút gọn câu hỏi hoặc chia thành nhiều tin nhắn.",
	txtBadUTF8:        "Tin nhắn có ký tự không hợp lệ nên tôi không đọc được. Hãy gõ lại tin nhắn.",
	txtNoText:         "Tôi chỉ đọc được tin nhắn văn bản. Hãy gõ câu hỏi của bạn.",
	txtYoureWelcome:   "Rất vui được hỗ trợ bạn!",
	txtInternalError:  "Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn. Tôi đã mở phiếu <b>%s</b> để cán bộ hỗ trợ xem lại và trả lời bạn.",
	txtInternalRetry:  "Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn. Vui lòng thử lại sau hoặc dùng /ticket.",

	txtAnswerIntro:     "<b>%s</b>",
	txtSuggestIntro:    "Tôi <b>chưa chắc chắn</b> có câu trả lời đúng cho câu hỏi này. Bạn có thể chuyển câu hỏi cho cán bộ hỗ trợ (nút bên dưới), hoặc xem các mục có thể liên quan:",
	txtRelated:         "Mục liên quan:",
	txtEffective:       "hiệu lực từ %s",
	txtExpires:         "đến %s",
	txtExpired:         "đã hết hiệu lực từ %s",
	txtSource:          "Nguồn",
	txtAnswerFeedback:  "Câu trả lời có giúp bạn không?",
	btnHelpful:         "✅ Đã rõ",
	btnNotHelpful:      "❌ Chưa rõ, chuyển cán bộ hỗ trợ",
	btnToStaff:         "📨 Chuyển cán bộ hỗ trợ",
	btnLangVI:          "Tiếng Việt",
	btnLangEN:          "English",
	toastThanks:        "Cảm ơn phản hồi của bạn!",
	toastToStaff:       "Đã chuyển cán bộ hỗ trợ",
	txtFeedbackGone:    "Không tìm thấy câu hỏi này nữa. Hãy gõ lại câu hỏi, hoặc dùng /ticket &lt;mô tả&gt;.",
	txtFeedbackExpired: "Câu hỏi này đã được hỏi cách đây hơn %d ngày nên các nút của nó không còn dùng được. Hãy gõ lại câu hỏi, hoặc dùng /ticket &lt;mô tả&gt; để chuyển cán bộ hỗ trợ.",

	txtTicketUsage:    "Hãy mô tả vấn đề sau lệnh, ví dụ: /ticket Cần hướng dẫn hồ sơ cấp giấy phép vô tuyến điện nghiệp dư",
	txtTicketOpened:   "Đã mở phiếu hỗ trợ <b>%s</b>. Cán bộ hỗ trợ sẽ trả lời bạn tại đây. Xem trạng thái: /phieu %s",
	txtTicketExists:   "Phiếu <b>%s</b> đã được mở cho câu hỏi này. Xem trạng thái: /phieu %s",
	txtNoneOpened:     "Tôi chưa tìm thấy câu trả lời trong cơ sở tri thức, nên đã mở phiếu hỗ trợ <b>%s</b>. Cán bộ hỗ trợ sẽ trả lời bạn tại đây. Xem trạng thái: /phieu %s",
	txtFeedbackTicket: "Đã chuyển câu hỏi cho cán bộ hỗ trợ: phiếu <b>%s</b>. Cán bộ sẽ trả lời bạn tại đây. Xem trạng thái: /phieu %s",
	txtMyTicketsNone:  "Bạn chưa có phiếu hỗ trợ nào.",
	txtMyTicketsHead:  "<b>Phiếu hỗ trợ của bạn</b>",
	txtMyTicketsFoot:  "Xem chi tiết: /phieu HT-000042 (thay bằng số phiếu).",
	txtTicketBadID:    "Số phiếu không hợp lệ: “%s”. Ví dụ: /phieu HT-000042",
	txtTicketNotYours: "Không tìm thấy phiếu %s trong các phiếu của bạn.",
	txtTicketStatus:   "Phiếu <b>%s</b>: %s\nMở lúc: %s\nNội dung: %s",
	txtTicketHistory:  "<b>Trao đổi</b>",
	txtTicketFollow:   "Tin nhắn tiếp theo của bạn sẽ được thêm vào phiếu này. Gõ /huy để dừng.",
	txtTicketAdded:    "Đã thêm vào phiếu <b>%s</b>. Muốn hỏi câu mới, không liên quan đến phiếu này? Gõ /huy trước.",
	txtTicketReopened: "Đã mở lại phiếu <b>%s</b> và thêm tin nhắn của bạn.",
	txtTicketClosed:   "Phiếu <b>%s</b> đã đóng. Hãy gõ câu hỏi mới, hoặc /ticket &lt;mô tả&gt; để mở phiếu mới.",
	txtFromOfficer:    "Bạn",
	txtFromStaff:      "Cán bộ hỗ trợ",
	txtFromSystem:     "Hệ thống",

	txtStateNew:       "mới, chờ cán bộ nhận",
	txtStateClaimed:   "cán bộ đã nhận",
	txtStateProgress:  "đang xử lý",
	txtStateWaiting:   "chờ bạn phản hồi",
	txtStateResolved:  "đã giải quyết",
	txtStateClosed:    "đã đóng",
	txtStateReopened:  "đã mở lại",
	txtStateCancelled: "đã huỷ",

	cmdDescStart:    "Bắt đầu, đăng ký",
	cmdDescAsk:      "Hỏi về quy định, thủ tục",
	cmdDescTicket:   "Mở phiếu hỗ trợ ngay",
	cmdDescTickets:  "Phiếu hỗ trợ của tôi",
	cmdDescRegister: "Đăng ký tỉnh, xã, vai trò",
	cmdDescLang:     "Ngôn ngữ: vi | en",
	cmdDescCancel:   "Huỷ thao tác đang làm",
	cmdDescHelp:     "Trợ giúp",

	txtNoWords: "Hãy gõ câu hỏi bằng lời, ví dụ về phân quyền, phân cấp theo Nghị định 132/2025/NĐ-CP và 133/2025/NĐ-CP, " +
		"thủ tục sở hữu trí tuệ, an toàn bức xạ và thiết bị X-quang. Gõ /help để xem các lệnh.",

	txtConfidenceSingle: "theo một nguồn",
	txtConfidenceCheck:  "cần kiểm tra còn hiệu lực",
	txtStatusUnverified: "Chưa kiểm chứng quy định này còn hiệu lực; hỏi Sở KH&CN trước khi dùng.",
}
