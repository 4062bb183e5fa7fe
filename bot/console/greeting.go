package console

import "strings"

// Greeting is what the console shows first when a person types at it (a
// terminal, not a pipe): what it is, two questions to try, where the
// commands are, and how to leave. lang is "en" for English, anything else
// Vietnamese.
func Greeting(lang string) string {
	if lang == "en" {
		return strings.Join([]string{
			"supportbot: the support assistant for local government officers (Decrees 132 and 133/2025,",
			"intellectual property, radiation safety). This is the same conversation as on Telegram.",
			"Type a question and press Enter. Try:",
			"  • Which intellectual property procedures did Decree 133 hand to the provinces?",
			"  • When is the annual radiation safety report due?",
			"/help lists the commands. To quit: Ctrl+D or /quit.",
		}, "\n") + "\n"
	}
	return strings.Join([]string{
		"supportbot: trợ lý hỗ trợ cán bộ chính quyền địa phương (Nghị định 132 và 133/2025,",
		"sở hữu trí tuệ, an toàn bức xạ). Đây là cùng cuộc trò chuyện như trên Telegram.",
		"Gõ câu hỏi rồi nhấn Enter. Thử hỏi:",
		"  • Nghị định 133 phân cấp cho tỉnh những thủ tục sở hữu trí tuệ nào?",
		"  • Hạn nộp báo cáo an toàn bức xạ hằng năm là khi nào?",
		"/help xem các lệnh. Thoát: Ctrl+D hoặc /quit.",
	}, "\n") + "\n"
}

// isQuit reports whether a typed line asks to leave the console.
func isQuit(line string) bool {
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "/quit", "/exit", "/thoat", "/thoát":
		return true
	}
	return false
}
