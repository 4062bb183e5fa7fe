package tickets

import (
	"errors"
	"fmt"
	"strings"
)

// StateLabel names a state for people: Vietnamese by default, English for "en".
func StateLabel(s State, lang string) string {
	if l, ok := stateLabels[s]; ok {
		if lang == "en" {
			return l[1]
		}
		return l[0]
	}
	return string(s)
}

var stateLabels = map[State][2]string{
	StateNew:       {"Mới", "New"},
	StateClaimed:   {"Đã tiếp nhận", "Claimed"},
	StateProgress:  {"Đang xử lý", "In progress"},
	StateWaiting:   {"Chờ cán bộ phản hồi", "Waiting for the officer"},
	StateResolved:  {"Đã giải quyết", "Resolved"},
	StateClosed:    {"Đã đóng", "Closed"},
	StateReopened:  {"Đã mở lại", "Reopened"},
	StateCancelled: {"Đã hủy", "Cancelled"},
}

// TopicLabel names a topic for people: Vietnamese by default, English for "en".
func TopicLabel(topic, lang string) string {
	if l, ok := topicLabels[topic]; ok {
		if lang == "en" {
			return l[1]
		}
		return l[0]
	}
	return topic
}

var topicLabels = map[string][2]string{
	"decree-132":        {"Nghị định 132/2025/NĐ-CP", "Decree 132/2025/ND-CP"},
	"decree-133":        {"Nghị định 133/2025/NĐ-CP", "Decree 133/2025/ND-CP"},
	"ip":                {"Sở hữu trí tuệ", "Intellectual property"},
	"radiation":         {"An toàn bức xạ", "Radiation safety"},
	"metrology-quality": {"Tiêu chuẩn, đo lường, chất lượng", "Standards, metrology and quality"},
	"telecom":           {"Viễn thông", "Telecommunications"},
	"radio":             {"Tần số vô tuyến điện", "Radio frequencies"},
	"post":              {"Bưu chính", "Post"},
	"it-digital":        {"Công nghệ thông tin, chuyển đổi số", "IT and digital transformation"},
	"science-tech":      {"Khoa học và công nghệ", "Science and technology"},
	"reporting":         {"Chế độ báo cáo", "Reporting"},
	"other":             {"Khác", "Other"},
}

// UserMessage renders an error of this package as a sentence for an officer
// or staff member, in Vietnamese (default) or English ("en"): what went
// wrong and what to do. Errors of no known kind get a generic "try again
// later" sentence; log their cause, do not show it.
func UserMessage(err error, lang string) string {
	en := lang == "en"
	pick := func(vi, eng string) string {
		if en {
			return eng
		}
		return vi
	}
	var ve *ValidationError
	var te *TransitionError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &te):
		names := make([]string, len(te.Allowed))
		for i, s := range te.Allowed {
			names[i] = StateLabel(s, lang)
		}
		if len(names) == 0 {
			return pick(fmt.Sprintf("Phiếu %s đang ở trạng thái «%s» và không thể thay đổi nữa.", te.ID, StateLabel(te.From, lang)),
				fmt.Sprintf("Ticket %s is %s and can no longer change.", te.ID, StateLabel(te.From, lang)))
		}
		return pick(fmt.Sprintf("Không thể chuyển phiếu %s từ «%s» sang «%s». Có thể chuyển sang: %s.", te.ID, StateLabel(te.From, lang), StateLabel(te.To, lang), strings.Join(names, ", ")),
			fmt.Sprintf("Ticket %s cannot move from %s to %s. It can move to: %s.", te.ID, StateLabel(te.From, lang), StateLabel(te.To, lang), strings.Join(names, ", ")))
	case errors.As(err, &ve):
		switch {
		case strings.Contains(ve.Problem, "UTF-8"):
			return pick("Tin nhắn có ký tự không đọc được. Vui lòng gõ lại nội dung.",
				"The message contains characters that cannot be read. Please type it again.")
		case strings.Contains(ve.Problem, "characters long") && (ve.Field == "text" || ve.Field == "message"):
			return pick(fmt.Sprintf("Nội dung quá dài: tối đa %d ký tự. Vui lòng rút gọn hoặc chia thành nhiều tin.", MaxTextLen),
				fmt.Sprintf("The text is too long: at most %d characters. Please shorten it or split it into several messages.", MaxTextLen))
		case ve.Field == "text" || ve.Field == "message":
			return pick("Nội dung đang trống. Vui lòng nhập câu hỏi.", "The text is empty. Please type your question.")
		case ve.Field == "province":
			return pick("Không nhận ra tỉnh, thành phố này. Vui lòng chọn một trong 34 tỉnh, thành phố.",
				"That province is not recognised. Please choose one of the 34 provinces and cities.")
		case ve.Field == "topic":
			return pick("Lĩnh vực không hợp lệ. Có thể chọn: "+strings.Join(Topics, ", ")+".",
				"Unknown field. You can choose: "+strings.Join(Topics, ", ")+".")
		case ve.Field == "ticket ID":
			return pick("Mã phiếu không hợp lệ. Mã phiếu có dạng HT-000042.", "That is not a ticket ID. Ticket IDs look like HT-000042.")
		case ve.Field == "actor":
			return pick("Chỉ cán bộ hỗ trợ mới nhận xử lý phiếu.", "Only support staff can claim a ticket.")
		case ve.Field == fieldAnonymisedTicket:
			return pick("Dữ liệu cá nhân của phiếu này đã được xóa nên không thể bổ sung vào phiếu. Vui lòng gửi câu hỏi mới.",
				"This ticket's personal data has been erased, so nothing more can be added to it. Please send a new question.")
		}
		return pick("Thông tin chưa hợp lệ: "+ve.Field+". Chấp nhận: "+ve.Accepted+".",
			"Invalid "+ve.Field+". Accepted: "+ve.Accepted+".")
	case errors.Is(err, ErrNotFound):
		return pick("Không tìm thấy phiếu hỗ trợ này. Vui lòng kiểm tra lại mã phiếu (ví dụ HT-000042).",
			"No ticket has that ID. Please check the ticket ID (for example HT-000042).")
	case errors.Is(err, ErrNotPromotable):
		return pick("Chỉ phiếu đã giải quyết hoặc đã đóng và có câu trả lời của cán bộ hỗ trợ mới được đề xuất vào kho tri thức.",
			"Only a resolved or closed ticket with a staff answer can be proposed for the knowledge base.")
	}
	return pick("Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.", "Something went wrong on our side. Please try again in a few minutes.")
}
