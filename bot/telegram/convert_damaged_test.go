package telegram_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// TestDamagedTextIsMarked: invalid UTF-8 in an update (raw bytes, or an
// unpaired surrogate escape) reaches the core as U+FFFD after JSON
// decoding; the Message must say so, so that the officer is asked to type
// it again instead of being answered a garbled question.
func TestDamagedTextIsMarked(t *testing.T) {
	const head = `{"update_id":601,"message":{"message_id":7,"from":{"id":5,"is_bot":false,"first_name":"Lan"},"chat":{"id":5,"type":"private"},"date":1767225600,"text":"`
	for _, c := range []struct {
		name string
		text string // as it appears inside the JSON string
		bad  bool
	}{
		{"valid", `Hạn báo cáo?`, false},
		{"raw invalid byte", "H\xe1n b\xc3o c\xe1o", true},
		{"lone high surrogate", `H\ud800n`, true},
		{"lone low surrogate", `H\udc00n`, true},
		{"surrogate pair", `H\ud83d\ude00n \ufffd`, false},
		{"typed replacement char", "H\uFFFDn", false},
		{"escaped backslash before u", `H\\ud800n`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := []byte(head + c.text + `"}}`)
			var u models.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				t.Fatal(err)
			}
			m, ok := telegram.Convert(&u, time.Now())
			if !ok {
				t.Fatal("not converted")
			}
			telegram.MarkDamaged(&m, raw)
			if m.BadText != c.bad {
				t.Errorf("BadText = %v, want %v (text %q)", m.BadText, c.bad, m.Text)
			}
		})
	}
}

func TestEditedMessageIsMarked(t *testing.T) {
	raw := `{"update_id":602,"edited_message":{"message_id":7,"from":{"id":5,"is_bot":false,"first_name":"Lan"},"chat":{"id":5,"type":"private"},"date":1767225600,"edit_date":1767225700,"text":"Hạn báo cáo quý?"}}`
	var u models.Update
	if err := json.Unmarshal([]byte(raw), &u); err != nil {
		t.Fatal(err)
	}
	m, ok := telegram.Convert(&u, time.Now())
	if !ok || m.Command != "edited" {
		t.Fatalf("Convert = %+v, %v; want Command edited", m, ok)
	}
}

// TestE2EDamagedTextAndEdits: through the poller, a message with invalid
// UTF-8 is answered with a request to type it again (not searched, no
// ticket), and an edit with "I answered the first version".
func TestE2EDamagedTextAndEdits(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 301
	fake.PushRaw(`{"message":{"message_id":5,"from":{"id":301,"is_bot":false,"first_name":"Lan"},"chat":{"id":301,"type":"private"},"date":1767225600,"text":"Th\u1ee7 t\u1ee5c c\ud800p l\u1ea1i"}}`)
	if got := waitSent(t, fake, officer, 1)[0].Plain(); !strings.Contains(got, "không hợp lệ") {
		t.Errorf("damaged text answered %q, want the invalid-characters text", got)
	}
	fake.PushEdit(officer, officer, 5, "Thủ tục cấp lại văn bằng")
	if got := waitSent(t, fake, officer, 2)[1].Plain(); !strings.Contains(got, "bản đầu tiên") {
		t.Errorf("an edit answered %q, want the first-version text", got)
	}
}
