package telegram_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
)

// Updates as Telegram sends them (field names and nesting of the Bot API).
const (
	textUpdate = `{"update_id":501,"message":{"message_id":77,"from":{"id":1234,"is_bot":false,"first_name":"Lan","last_name":"Nguyễn","language_code":"en"},
		"chat":{"id":1234,"first_name":"Lan","type":"private"},"date":1767225600,"text":"Hạn báo cáo?","reply_to_message":{"message_id":70,"date":1767225500,"chat":{"id":1234,"type":"private"}}}}`
	photoUpdate = `{"update_id":502,"message":{"message_id":78,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":-100200,"title":"Xã A","type":"supergroup"},"date":1767225600,"photo":[{"file_id":"a","file_unique_id":"b","width":9,"height":9}]}}`
	captionUpdate = `{"update_id":503,"message":{"message_id":79,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":1234,"type":"private"},"date":1767225600,"document":{"file_id":"d","file_unique_id":"e"},"caption":"Mẫu tờ khai"}}`
	callbackUpdate = `{"update_id":504,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":1234,"is_bot":false,"first_name":"Lan","language_code":"vi"},
		"message":{"message_id":80,"from":{"id":999,"is_bot":true,"first_name":"Bot"},"chat":{"id":1234,"type":"private"},"date":1767225600,"text":"Trả lời"},
		"chat_instance":"-1","data":"no:501"}}`
	oldCallbackUpdate = `{"update_id":505,"callback_query":{"id":"q2","from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"message":{"message_id":12,"chat":{"id":1234,"type":"private"},"date":0},"chat_instance":"-1","data":"ok:1"}}`
	joinUpdate = `{"update_id":506,"message":{"message_id":81,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":-5,"title":"g","type":"group"},"date":1767225600,"new_chat_members":[{"id":55,"is_bot":false,"first_name":"B"}]}}`
	botUpdate = `{"update_id":507,"message":{"message_id":82,"from":{"id":66,"is_bot":true,"first_name":"OtherBot"},
		"chat":{"id":-5,"title":"g","type":"group"},"date":1767225600,"text":"spam"}}`
	editUpdate = `{"update_id":508,"edited_message":{"message_id":77,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":1234,"type":"private"},"date":1767225600,"edit_date":1767225700,"text":"sửa"}}`
	// A screenshot sent with /ticket: three sizes, the largest last.
	screenshotUpdate = `{"update_id":509,"message":{"message_id":83,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":-4001,"title":"Xã B","type":"group"},"date":1767225600,"caption":"/ticket Lỗi đăng nhập",
		"caption_entities":[{"offset":0,"length":7,"type":"bot_command"}],
		"photo":[{"file_id":"AgAC-s","file_unique_id":"u1","file_size":1318,"width":90,"height":51},
			{"file_id":"AgAC-m","file_unique_id":"u2","file_size":17004,"width":320,"height":180},
			{"file_id":"AgAC-l","file_unique_id":"u3","file_size":84506,"width":1280,"height":720}]}}`
	pdfUpdate = `{"update_id":510,"message":{"message_id":84,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":1234,"type":"private"},"date":1767225600,
		"document":{"file_name":"To_khai_2026.pdf","mime_type":"application/pdf","file_id":"BQAC-pdf","file_unique_id":"u4","file_size":245760}}}`
	bigDocUpdate = `{"update_id":511,"message":{"message_id":85,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":1234,"type":"private"},"date":1767225600,"caption":"Bản scan",
		"document":{"file_name":"scan.zip","mime_type":"application/zip","file_id":"BQAC-zip","file_unique_id":"u5","file_size":31457280}}}`
	voiceUpdate = `{"update_id":512,"message":{"message_id":86,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":1234,"type":"private"},"date":1767225600,"caption":"nghe giúp",
		"voice":{"file_id":"AwAC-v","file_unique_id":"u6","duration":4,"mime_type":"audio/ogg","file_size":8000}}}`
	stickerUpdate = `{"update_id":513,"message":{"message_id":87,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":-1002003,"title":"Kênh","type":"channel"},"date":1767225600,
		"sticker":{"file_id":"CAAC-s","file_unique_id":"u7","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}}}`
	gifUpdate = `{"update_id":514,"message":{"message_id":88,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":1234,"type":"private"},"date":1767225600,
		"animation":{"file_id":"CgAC-a","file_unique_id":"u8","width":320,"height":240,"duration":2,"file_name":"a.mp4","mime_type":"video/mp4"},
		"document":{"file_id":"CgAC-a","file_unique_id":"u8","file_name":"a.mp4","mime_type":"video/mp4"}}}`
	editCaptionUpdate = `{"update_id":515,"edited_message":{"message_id":84,"from":{"id":1234,"is_bot":false,"first_name":"Lan"},
		"chat":{"id":-100200,"title":"Xã A","type":"supergroup"},"date":1767225600,"edit_date":1767225700,"caption":"Mẫu mới",
		"document":{"file_name":"To_khai.pdf","mime_type":"application/pdf","file_id":"BQAC-pdf2","file_unique_id":"u9","file_size":1024}}}`
)

func TestConvert(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		raw    string
		wantOK bool
		want   bot.Message
	}{
		{"text with reply", textUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "501", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan Nguyễn", LangCode: "en", Text: "Hạn báo cáo?", MessageID: "77", ReplyToID: "70", Received: now}},
		{"photo without caption has empty text", photoUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "502", ChatID: "-100200", ChatType: bot.ChatGroup,
			UserID: "1234", UserName: "Lan", MessageID: "78", Received: now,
			Files: []bot.File{{From: bot.Telegram, ID: "a", Name: "photo_78.jpg", Mime: "image/jpeg"}}}},
		{"caption is the text", captionUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "503", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", Text: "Mẫu tờ khai", MessageID: "79", Received: now,
			Files: []bot.File{{From: bot.Telegram, ID: "d", Name: "document_79"}}}},
		{"button press", callbackUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "504", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", LangCode: "vi", CallbackData: "no:501", CallbackID: "4382bfdwdsb323b2d9", ReplyToID: "80", Received: now}},
		{"button on an old message", oldCallbackUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "505", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", CallbackData: "ok:1", CallbackID: "q2", ReplyToID: "12", Received: now}},
		{"service message ignored", joinUpdate, false, bot.Message{}},
		{"other bot ignored", botUpdate, false, bot.Message{}},
		{"edit is marked", editUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "508", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", Text: "sửa", MessageID: "77", Command: telegram.CommandEdited, Received: now}},
		{"edited caption keeps its file", editCaptionUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "515", ChatID: "-100200", ChatType: bot.ChatGroup,
			UserID: "1234", UserName: "Lan", Text: "Mẫu mới", MessageID: "84", Command: "edited", Received: now,
			Files: []bot.File{{From: bot.Telegram, ID: "BQAC-pdf2", Name: "To_khai.pdf", Mime: "application/pdf", Size: 1024}}}},
		{"screenshot with /ticket: largest size, caption kept", screenshotUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "509", ChatID: "-4001", ChatType: bot.ChatGroup,
			UserID: "1234", UserName: "Lan", Text: "/ticket Lỗi đăng nhập", MessageID: "83", Received: now,
			Files: []bot.File{{From: bot.Telegram, ID: "AgAC-l", Name: "photo_83.jpg", Mime: "image/jpeg", Size: 84506}}}},
		{"document", pdfUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "510", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", MessageID: "84", Received: now,
			Files: []bot.File{{From: bot.Telegram, ID: "BQAC-pdf", Name: "To_khai_2026.pdf", Mime: "application/pdf", Size: 245760}}}},
		{"document over 20 MB not taken", bigDocUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "511", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", Text: "Bản scan", MessageID: "85", FileProblem: telegram.FileTooBig, Received: now}},
		{"voice unsupported, caption kept", voiceUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "512", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", Text: "nghe giúp", MessageID: "86", FileProblem: "unsupported", Received: now}},
		{"sticker in a channel unsupported", stickerUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "513", ChatID: "-1002003", ChatType: bot.ChatGroup,
			UserID: "1234", UserName: "Lan", MessageID: "87", FileProblem: telegram.FileUnsupported, Received: now}},
		{"GIF is not a document", gifUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "514", ChatID: "1234", ChatType: bot.ChatPrivate,
			UserID: "1234", UserName: "Lan", MessageID: "88", FileProblem: telegram.FileUnsupported, Received: now}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var u models.Update
			if err := json.Unmarshal([]byte(tc.raw), &u); err != nil {
				t.Fatal(err)
			}
			got, ok := telegram.Convert(&u, now)
			if ok != tc.wantOK || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Convert = %+v, %v\nwant      %+v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// A photo whose largest size is over the download limit falls back to the
// largest size the bot may fetch; with none, nothing is taken.
func TestConvertPhotoSizesOverTheLimit(t *testing.T) {
	msg := func(sizes ...models.PhotoSize) *models.Update {
		return &models.Update{ID: 1, Message: &models.Message{ID: 9, From: &models.User{ID: 5, FirstName: "A"},
			Chat: models.Chat{ID: 5, Type: models.ChatTypePrivate}, Photo: sizes}}
	}
	big := models.PhotoSize{FileID: "big", Width: 8000, Height: 6000, FileSize: telegram.MaxFileSize + 1}
	mid := models.PhotoSize{FileID: "mid", Width: 2560, Height: 1920, FileSize: 3 << 20}
	m, _ := telegram.Convert(msg(mid, big), time.Time{})
	if len(m.Files) != 1 || m.Files[0].ID != "mid" || m.FileProblem != "" {
		t.Errorf("files %+v, problem %q; want the 2560×1920 size", m.Files, m.FileProblem)
	}
	m, _ = telegram.Convert(msg(big), time.Time{})
	if len(m.Files) != 0 || m.FileProblem != telegram.FileTooBig {
		t.Errorf("files %+v, problem %q; want none and %q", m.Files, m.FileProblem, telegram.FileTooBig)
	}
}
