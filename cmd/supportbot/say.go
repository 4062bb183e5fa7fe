package main

import (
	"errors"

	"github.com/mostvn/supportbot/schedules"
)

// setupMessage puts in words, in the operator's language, the errors of a
// file or key the operator wrote: what to fix and where. The detail (which
// key or file:line, what is accepted) follows it; ok is false for other
// errors.
func setupMessage(a *app, err error) (msg string, ok bool) {
	switch {
	case errors.Is(err, ErrConfig):
		return a.tr("Cấu hình chưa đúng: sửa khoá nêu dưới đây (trong biến môi trường hoặc tệp --config), `supportbot help` liệt kê mọi khoá và giá trị nhận được.",
			"The configuration is not right: fix the key named below (in the environment or the --config file); `supportbot help` lists every key and what it accepts."), true
	case errors.Is(err, schedules.ErrInvalidCalendar):
		return a.tr("Tệp hạn báo cáo có lỗi ở dòng nêu dưới đây; sửa rồi kiểm tra bằng `supportbot schedules check TỆP`.",
			"The deadlines file has an error at the line named below; fix it, then check it with `supportbot schedules check FILE`."), true
	case errors.Is(err, schedules.ErrBadRota):
		return a.tr("Tệp lịch trực có lỗi ở dòng nêu dưới đây (xem mẫu schedules/rota.example.yaml); sửa rồi chạy lại.",
			"The on-call rota file has an error at the line named below (see schedules/rota.example.yaml); fix it and start again."), true
	case errors.Is(err, errKBMalformed):
		return a.tr("Có tệp tri thức lỗi (tệp:dòng nêu dưới đây); chỉ mục đang dùng giữ nguyên. Sửa tệp rồi chạy lại `supportbot kb reload`.",
			"Some knowledge files have errors (file:line below); the index in service is unchanged. Fix them, then run `supportbot kb reload` again."), true
	}
	return "", false
}
