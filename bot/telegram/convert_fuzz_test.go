package telegram_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
)

// FuzzConvert decodes any update body as the poller and the webhook do and
// converts it: it never panics; a converted Message has the update's id as
// SourceID, numeric chat and user ids, a known chat type and valid UTF-8;
// and encoding the decoded update again and converting that gives the same
// Message (nothing the bot reads is lost through the models' JSON).
func FuzzConvert(f *testing.F) {
	for _, s := range []string{textUpdate, photoUpdate, captionUpdate, callbackUpdate, oldCallbackUpdate, joinUpdate, botUpdate, editUpdate, screenshotUpdate,
		`{"update_id":1,"message":{"message_id":1,"from":{"id":1,"first_name":"A"},"chat":{"id":1,"type":"private"},"date":0,"text":"\ud800 \u0000 x"}}`,
		`{"update_id":2,"callback_query":{"id":"q","from":{"id":5,"first_name":""},"message":{"message_id":0,"chat":{"id":-1,"type":"channel"},"date":0},"data":""}}`,
		`{"update_id":3,"callback_query":{"id":"q","from":{"id":5,"username":"u"},"inline_message_id":"i","data":"ok:1"}}`,
		`{"update_id":4,"message":{"message_id":1,"from":{"id":1,"first_name":"A"},"chat":{"id":1,"type":"private"},"date":0,"document":{"file_id":"d","file_size":999999999999}}}`,
		`{"update_id":5,"message":{"message_id":1,"from":{"id":1,"first_name":"A"},"chat":{"id":1,"type":"private"},"date":0,"voice":{"file_id":"v"},"caption":"nghe"}}`,
		`{"update_id":-9223372036854775808,"message":null}`,
		`{"update_id":6,"message":{"message_id":1,"from":{"id":1},"chat":{"id":1,"type":"private"},"date":0,"photo":[]}}`,
	} {
		f.Add([]byte(s))
	}
	received := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var u models.Update
		if err := json.Unmarshal(body, &u); err != nil {
			return
		}
		m, ok := telegram.Convert(&u, received)
		if !ok {
			if !reflect.DeepEqual(m, bot.Message{}) {
				t.Fatalf("refused update left a message: %+v", m)
			}
			return
		}
		if m.Channel != bot.Telegram || m.SourceID != strconv.FormatInt(u.ID, 10) || !m.Received.Equal(received) {
			t.Fatalf("keys: %+v", m)
		}
		if _, err := strconv.ParseInt(m.ChatID, 10, 64); err != nil {
			t.Fatalf("chat id %q", m.ChatID)
		}
		if _, err := strconv.ParseInt(m.UserID, 10, 64); err != nil {
			t.Fatalf("user id %q", m.UserID)
		}
		if m.ChatType != bot.ChatPrivate && m.ChatType != bot.ChatGroup {
			t.Fatalf("chat type %q", m.ChatType)
		}
		for _, s := range []string{m.Text, m.UserName, m.LangCode, m.CallbackData, m.CallbackID, m.FileProblem} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 out: %+v", m)
			}
		}
		for _, fl := range m.Files {
			if fl.ID == "" || fl.Size < 0 || fl.Size > telegram.MaxFileSize {
				t.Fatalf("file %+v", fl)
			}
		}

		if u.CallbackQuery != nil && u.CallbackQuery.Message.Message == nil && u.CallbackQuery.Message.InaccessibleMessage == nil {
			// A button on an inline message: go-telegram encodes the
			// absent message as null and decodes null as an inaccessible
			// message in chat 0, so this update does not round-trip
			// (found by this fuzz test; Telegram never sends a null).
			return
		}
		again, err := json.Marshal(&u)
		if err != nil {
			t.Fatalf("decoded update does not encode: %v", err)
		}
		var u2 models.Update
		if err := json.Unmarshal(again, &u2); err != nil {
			t.Fatalf("re-encoded update does not decode: %v\n%s", err, again)
		}
		m2, ok2 := telegram.Convert(&u2, received)
		if !ok2 || !reflect.DeepEqual(m, m2) {
			t.Fatalf("JSON round trip changed the message:\n got %+v (%v)\nwant %+v\nbody %s\nagain %s", m2, ok2, m, body, again)
		}
	})
}
