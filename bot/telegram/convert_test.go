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
)

func TestConvert(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		raw    string
		wantOK bool
		want   bot.Message
	}{
		{"text with reply", textUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "501", ChatID: "1234", ChatType: "private",
			UserID: "1234", UserName: "Lan Nguyễn", LangCode: "en", Text: "Hạn báo cáo?", MessageID: "77", ReplyToID: "70", Received: now}},
		{"photo without caption has empty text", photoUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "502", ChatID: "-100200", ChatType: "supergroup",
			UserID: "1234", UserName: "Lan", MessageID: "78", Received: now}},
		{"caption is the text", captionUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "503", ChatID: "1234", ChatType: "private",
			UserID: "1234", UserName: "Lan", Text: "Mẫu tờ khai", MessageID: "79", Received: now}},
		{"button press", callbackUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "504", ChatID: "1234", ChatType: "private",
			UserID: "1234", UserName: "Lan", LangCode: "vi", CallbackData: "no:501", CallbackID: "4382bfdwdsb323b2d9", ReplyToID: "80", Received: now}},
		{"button on an old message", oldCallbackUpdate, true, bot.Message{Channel: bot.Telegram, SourceID: "505", ChatID: "1234", ChatType: "private",
			UserID: "1234", UserName: "Lan", CallbackData: "ok:1", CallbackID: "q2", ReplyToID: "12", Received: now}},
		{"service message ignored", joinUpdate, false, bot.Message{}},
		{"other bot ignored", botUpdate, false, bot.Message{}},
		{"edit ignored", editUpdate, false, bot.Message{}},
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
