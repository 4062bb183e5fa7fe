package main

import (
	"errors"
	"fmt"

	"github.com/mostvn/supportbot/knowledge"
)

// kbErrorWords says in Vietnamese what a knowledge file error means and
// what to do; the English detail of the loader follows it.
var kbErrorWords = []struct {
	err error
	vi  string
}{
	{knowledge.ErrNoFrontMatter, "thiếu phần đầu (front matter): tệp phải bắt đầu bằng dòng --- và đóng bằng một dòng --- khác"},
	{knowledge.ErrFrontMatterSyntax, "phần đầu (front matter) không phải YAML hợp lệ: sửa dòng được chỉ ra"},
	{knowledge.ErrMissingKey, "thiếu khóa bắt buộc (id, title, lang, source)"},
	{knowledge.ErrBadValue, "giá trị không hợp lệ (ngày dạng YYYY-MM-DD, lang là vi hoặc en, source là URL)"},
	{knowledge.ErrDuplicateID, "trùng id với một tệp khác: đặt id khác"},
	{knowledge.ErrInvalidUTF8, "tệp không phải UTF-8 hợp lệ: lưu lại dưới dạng UTF-8"},
	{knowledge.ErrEmptyBody, "tệp không có nội dung sau phần đầu"},
	{knowledge.ErrUnsupportedFormat, "định dạng không hỗ trợ: chỉ nhận .txt, .html, .htm, .docx"},
	{knowledge.ErrNoText, "văn bản không có chữ"},
	{knowledge.ErrNoDocumentNumber, "không tìm thấy số văn bản: thêm \"document:\" vào TÊN.meta.yaml"},
	{knowledge.ErrNoSource, "thiếu đường dẫn nguồn: thêm \"source:\" vào TÊN.meta.yaml"},
	{knowledge.ErrDocumentTwice, "một văn bản được nhập hai lần"},
}

// kbErrorText renders a knowledge file error for the operator: path and
// line, then in Vietnamese what is wrong (the loader's English detail in
// brackets), or the English detail alone.
func kbErrorText(a *app, le knowledge.LoadError) string {
	if a.lang != "en" {
		for _, w := range kbErrorWords {
			if errors.Is(le.Err, w.err) {
				where := le.Path
				if le.Line > 0 {
					where = fmt.Sprintf("%s:%d", le.Path, le.Line)
				}
				return fmt.Sprintf("%s: %s (%v)", where, w.vi, le.Err)
			}
		}
	}
	return le.Error()
}
