package slack_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

// memInbox is a slack.Inbox in memory: fuzzing cannot wait for an fsync
// per input.
type memInbox struct {
	mu   sync.Mutex // guards msgs
	msgs []bot.Message
}

func (m *memInbox) Add(msgs []bot.Message, _ func(*bolt.Tx) error) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msgs...)
	return len(msgs), nil
}

func (m *memInbox) take() []bot.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.msgs
	m.msgs = nil
	return out
}

// fuzzReceiver is an HTTP receiver on a fake Slack with staff S1, S2 and a
// guest G1, and a clock that moves one second per request so that no
// input is refused as a replay of the one before.
type fuzzReceiver struct {
	h  http.Handler
	in *memInbox
	c  *clock
}

func newFuzzReceiver(f *testing.F) *fuzzReceiver {
	fs := fakeslack.New(fakeslack.Options{})
	f.Cleanup(fs.Close)
	fs.AddUser(fakeslack.User{ID: "S1", Name: "lan", DisplayName: "Chị Lan", Locale: "vi-VN"})
	fs.AddUser(fakeslack.User{ID: "G1", Name: "guest", RealName: "Guest Person", Locale: "en-US"})
	fs.SetGroup("SSTAFF", "S1", "S2")
	fs.SetMembers("CTRIAGE", "S1", "S2", "UBOT")
	in := &memInbox{}
	c := newClock()
	r, err := slack.NewReceiver(fakeslack.BotToken, in, slack.ReceiverOptions{
		SigningSecret: secret, APIURL: fs.URL(), Now: c.Now, Logger: quiet, StaffGroup: "SSTAFF",
		Validate: func(viewID string, v map[string]string, lang string) map[string]string {
			if viewID == "reply" && v["answer"] == "" {
				return map[string]string{"answer": "Vui lòng nhập câu trả lời"}
			}
			return nil
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzReceiver{h: r.Handler(), in: in, c: c}
}

// post sends body, signed, to path as a retry (so a repeated event_id is
// decoded again rather than refused) and returns the status and what was
// stored.
func (fr *fuzzReceiver) post(t *testing.T, path string, body []byte) (int, []bot.Message) {
	t.Helper()
	fr.c.Add(time.Second)
	req := fakeslack.SignedRequest(secret, path, body, fr.c.Now())
	req.Header.Set("X-Slack-Retry-Num", "1")
	w := serve(fr.h, req)
	return w.Code, fr.in.take()
}

// checkStored checks what the receiver stored from one input.
func checkStored(t *testing.T, input []byte, msgs []bot.Message) {
	t.Helper()
	if len(msgs) > 1 {
		t.Fatalf("one payload stored %d messages", len(msgs))
	}
	for _, m := range msgs {
		if m.Channel != bot.Slack || m.SourceID == "" || m.ChatID == "" || m.UserID == "" {
			t.Fatalf("stored a message without its keys: %+v\ninput: %s", m, input)
		}
		if m.ChatType != bot.ChatPrivate && m.ChatType != bot.ChatGroup {
			t.Fatalf("chat type %q", m.ChatType)
		}
		for _, s := range []string{m.SourceID, m.ChatID, m.UserID, m.UserName, m.Text, m.Thread, m.MessageID, m.CallbackData, m.ViewMeta} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 stored: %+v", m)
			}
		}
		for k, v := range m.Values {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Fatalf("invalid UTF-8 in view values: %+v", m.Values)
			}
		}
		// What is stored must survive the inbox's encoding.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("stored message does not encode: %v", err)
		}
		var back bot.Message
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("stored message does not decode: %v", err)
		}
	}
}

// FuzzSlackEvent sends any Events API body: it never panics, answers 200
// or 400 (never 5xx: the inbox does not fail here), and stores at most one
// well-formed message with valid UTF-8.
func FuzzSlackEvent(f *testing.F) {
	for _, ev := range []any{
		fakeslack.MessageEvent{Type: "app_mention", User: "G1", TS: "11.1", Channel: "CTRIAGE",
			Text: "<@UBOT> hỏi <@S1> và <@U404|ai đó> xem <https://vbpl.vn/x?a=1&amp;b=2|NĐ 132> &lt;3 <!here> <#C9|chung>"},
		fakeslack.MessageEvent{Subtype: "file_share", User: "S1", TS: "11.2", Channel: "CTRIAGE", ThreadTS: "11.0", Text: "ảnh",
			Files: []fakeslack.EventFile{{ID: "F1", Name: "a.png", Mimetype: "image/png", Size: 1234, URLPrivate: "https://files.slack.com/F1/a.png"}}},
		fakeslack.MessageEvent{User: "S1", TS: "12.1", Channel: "D123", ChannelType: "im", Text: "HT-000042 xong"},
		fakeslack.MessageEvent{Subtype: "message_changed", User: "S1", TS: "12.2", Channel: "CTRIAGE", Text: "sửa"},
		fakeslack.HomeOpened("S1"),
	} {
		f.Add([]byte(fakeslack.EventCallback("Ev1", ev)))
	}
	f.Add(fakeslack.URLVerification("abc"))
	f.Add([]byte(`{"type":"event_callback","event_id":"E2","event":{"type":"message","user":"S1","ts":"1.1","channel":"C1","text":"<@","files":[{"size":-1}]}}`))
	f.Add([]byte(`{"type":"event_callback","event":{"type":"message"}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"E3","event":"x"}`))
	f.Add([]byte(`[]`))
	fr := newFuzzReceiver(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msgs := fr.post(t, "/slack/events", body)
		if code != http.StatusOK && code != http.StatusBadRequest {
			t.Fatalf("status %d for %q", code, body)
		}
		checkStored(t, body, msgs)
	})
}

// FuzzSlackInteractive sends any interactive payload (block_actions,
// view_submission, …) in its form: it never panics, answers 200 or 400,
// and stores at most one well-formed message with valid UTF-8.
func FuzzSlackInteractive(f *testing.F) {
	f.Add([]byte(fakeslack.BlockActions(fakeslack.BlockAction{User: "S1", UserName: "lan", Channel: "CTRIAGE", MessageTS: "8.1",
		ThreadTS: "8.0", ActionID: "actions_0_1", Value: "claim:HT-000042", ActionTS: "1700000100.123456", TriggerID: "trig-2"})))
	f.Add([]byte(fakeslack.BlockActions(fakeslack.BlockAction{User: "S1", ActionID: "a", Value: "home:refresh", ActionTS: "1.2"})))
	f.Add([]byte(fakeslack.ViewSubmission(fakeslack.Submission{User: "S1", ViewID: "V1", Hash: "h1", CallbackID: "reply", Meta: "HT-000042",
		Texts: map[string]string{"answer": "Dùng mẫu 02"}, Checkboxes: map[string]bool{"close": true}})))
	f.Add([]byte(fakeslack.ViewSubmission(fakeslack.Submission{User: "S1", ViewID: "V1", Hash: "h2", CallbackID: "reply", Texts: map[string]string{"answer": ""}})))
	f.Add([]byte(`{"type":"block_actions","user":{"id":"S1"},"actions":[]}`))
	f.Add([]byte(`{"type":"block_actions","user":{"id":""},"actions":[{"selected_option":{"value":"x"}}]}`))
	f.Add([]byte(`{"type":"view_closed","user":{"id":"S1"}}`))
	f.Add([]byte(`{"type":"view_submission","user":{"id":"S1"},"view":{"state":{"values":{"b":{"a":{"type":"checkboxes"},"c":{"type":"static_select","selected_option":{"value":"v"}}}}}}}`))
	f.Add([]byte(`{"type":"shortcut"}`))
	fr := newFuzzReceiver(f)
	f.Fuzz(func(t *testing.T, payload []byte) {
		code, msgs := fr.post(t, "/slack/interactive", fakeslack.InteractiveForm(payload))
		if code != http.StatusOK && code != http.StatusBadRequest {
			t.Fatalf("status %d for %q", code, payload)
		}
		checkStored(t, payload, msgs)
	})
}
