package slack

// The few texts this package shows users itself, in Vietnamese (the
// default) and English. The rest of what users read comes from the core.
type texts struct {
	Working        string // the ack of a slash command, before the answer
	StoreFailed    string // the ack of a slash command that could not be stored
	FileTooBig     string // a file that was not forwarded: %s is its name
	FileFailed     string // a file that could not be read or uploaded: %s is its name
	Choices        string // above a list of choices (a Telegram keyboard)
	Cut            string // after a text cut to fit a message
	DefaultSubmit  string // a modal's submit button when View.Submit is empty
	DefaultTitle   string // a modal's title when View.Title is empty
	CheckboxTicked string // the label of a checkbox's single option when Input.Label is empty
}

var textsVI = texts{
	Working:        "⏳ Đang xử lý…",
	StoreFailed:    "Chưa nhận được lệnh do lỗi hệ thống. Vui lòng thử lại sau ít phút.",
	FileTooBig:     "(Tệp %s quá lớn, không chuyển được.)",
	FileFailed:     "(Không chuyển được tệp %s.)",
	Choices:        "Chọn một trong các mục sau:",
	Cut:            "… (nội dung quá dài, đã cắt bớt)",
	DefaultSubmit:  "Gửi",
	DefaultTitle:   "Hỗ trợ",
	CheckboxTicked: "Có",
}

var textsEN = texts{
	Working:        "⏳ Working on it…",
	StoreFailed:    "The command was not received because of a system error. Please try again in a few minutes.",
	FileTooBig:     "(File %s is too big to forward.)",
	FileFailed:     "(File %s could not be forwarded.)",
	Choices:        "Choose one of:",
	Cut:            "… (too long, cut)",
	DefaultSubmit:  "Submit",
	DefaultTitle:   "Support",
	CheckboxTicked: "Yes",
}

// textsFor returns the texts of lang ("en"; anything else is Vietnamese).
func textsFor(lang string) *texts {
	if lang == "en" {
		return &textsEN
	}
	return &textsVI
}
