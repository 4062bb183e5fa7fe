package bot

// textsEraseVI: the texts of erasure in Vietnamese (see texts_erase.go).
var textsEraseVI = map[textKey]string{
	ersCardErased:    "<i>Nội dung đã được xoá theo yêu cầu của cán bộ (Luật 91/2025/QH15).</i>",
	ersCardExpired:   "<i>Nội dung đã được xoá khi hết thời hạn lưu trữ (Luật 91/2025/QH15).</i>",
	ersCardGone:      "<i>Nội dung đã được xoá (Luật 91/2025/QH15).</i>",
	ersRelayErased:   "<i>Tin nhắn của cán bộ đã được xoá (Luật 91/2025/QH15).</i>",
	ersDraftQuestion: "(Nội dung câu hỏi đã được xoá theo Luật 91/2025/QH15.)",
}
