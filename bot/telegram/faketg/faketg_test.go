package faketg_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts params as JSON. It may run in a goroutine, so it reports
// with t.Error, never t.Fatal.
func call(t *testing.T, s *faketg.Server, method string, params map[string]any) answer {
	t.Helper()
	body, _ := json.Marshal(params)
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/"+method, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return answer{}
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Error(err)
		return answer{}
	}
	if !a.OK && a.ErrorCode != resp.StatusCode {
		t.Errorf("error_code %d but HTTP status %d", a.ErrorCode, resp.StatusCode)
	}
	return a
}

func updateIDs(t *testing.T, a answer) []int64 {
	t.Helper()
	var us []models.Update
	if err := json.Unmarshal(a.Result, &us); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestGetUpdatesOffsetsConfirmOnlyEarlierUpdates(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	a, b, c := s.PushText(1, 1, "a"), s.PushText(1, 1, "b"), s.PushText(2, 2, "c")

	if got := updateIDs(t, call(t, s, "getUpdates", map[string]any{"limit": 2})); len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("first page %v, want [%d %d]", got, a, b)
	}
	if len(s.Confirmed()) != 0 {
		t.Fatalf("confirmed %v before any offset", s.Confirmed())
	}
	// Asking again without an offset returns the same updates: nothing is
	// confirmed by being delivered.
	if got := updateIDs(t, call(t, s, "getUpdates", nil)); len(got) != 3 {
		t.Fatalf("redelivery %v, want all 3", got)
	}
	if got := updateIDs(t, call(t, s, "getUpdates", map[string]any{"offset": b + 1})); len(got) != 1 || got[0] != c {
		t.Fatalf("after offset %d got %v, want [%d]", b+1, got, c)
	}
	if got := s.Confirmed(); len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("confirmed %v, want [%d %d]", got, a, b)
	}
	if got := s.Unconfirmed(); len(got) != 1 || got[0] != c {
		t.Errorf("unconfirmed %v, want [%d]", got, c)
	}
}

func TestGetUpdatesLongPollWakesOnPush(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	res := make(chan answer, 1)
	go func() { res <- call(t, s, "getUpdates", map[string]any{"timeout": 30}) }()
	// Wait until the request is being held, then push.
	if err := s.Wait(context.Background(), func() bool { return len(s.Offsets()) == 1 }); err != nil {
		t.Fatal(err)
	}
	id := s.PushText(1, 1, "xin chào")
	if got := updateIDs(t, <-res); len(got) != 1 || got[0] != id {
		t.Errorf("long poll returned %v, want [%d]", got, id)
	}
}

func TestNewerGetUpdatesEndsOlderWith409(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	res := make(chan answer, 1)
	go func() { res <- call(t, s, "getUpdates", map[string]any{"timeout": 30}) }()
	if err := s.Wait(context.Background(), func() bool { return len(s.Offsets()) == 1 }); err != nil {
		t.Fatal(err)
	}
	second := make(chan answer, 1)
	go func() { second <- call(t, s, "getUpdates", map[string]any{"timeout": 0}) }()
	if a := <-res; a.OK || a.ErrorCode != 409 {
		t.Errorf("older poll got %+v, want 409", a)
	}
	if a := <-second; !a.OK {
		t.Errorf("newer poll got %+v, want ok", a)
	}
}

func TestWebhookBlocksPolling(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	call(t, s, "setWebhook", map[string]any{"url": "https://x.example/telegram/webhook", "secret_token": "k"})
	if a := call(t, s, "getUpdates", nil); a.ErrorCode != 409 {
		t.Errorf("getUpdates with a webhook set: %+v, want 409", a)
	}
	call(t, s, "deleteWebhook", map[string]any{"drop_pending_updates": false})
	if a := call(t, s, "getUpdates", nil); !a.OK {
		t.Errorf("getUpdates after deleteWebhook: %+v", a)
	}
}

func TestMultipartFromGoTelegram(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	b, err := tgbot.New(s.Token(), tgbot.WithServerURL(s.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.SendMessage(context.Background(), &tgbot.SendMessageParams{
		ChatID:      int64(42),
		Text:        "<b>Chào</b> bạn",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "✅", CallbackData: "ok:1"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].MessageID != m.ID || sent[0].ChatID != 42 || sent[0].ParseMode != "HTML" {
		t.Fatalf("sent %+v, result %+v", sent, m)
	}
	if sent[0].Plain() != "Chào bạn" || m.Text != "Chào bạn" {
		t.Errorf("plain text %q / result text %q", sent[0].Plain(), m.Text)
	}
	if kb := sent[0].Markup.InlineKeyboard; len(kb) != 1 || kb[0][0].CallbackData != "ok:1" {
		t.Errorf("inline keyboard %+v", kb)
	}
}

func TestFormBodies(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("chat_id", "7")
	_ = w.WriteField("text", "hello")
	_ = w.Close()
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/sendMessage", w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post(s.URL()+"/bot"+s.Token()+"/sendMessage", "application/x-www-form-urlencoded", strings.NewReader("chat_id=8&text=hi"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(s.SentTo(7)) != 1 || len(s.SentTo(8)) != 1 {
		t.Errorf("sent %+v", s.Sent())
	}
}

func TestRefusals(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	cases := []struct {
		name   string
		params map[string]any
		code   int
		desc   string
	}{
		{"bad HTML", map[string]any{"chat_id": 1, "text": "<b>x", "parse_mode": "HTML"}, 400, "can't parse entities"},
		{"unsupported tag", map[string]any{"chat_id": 1, "text": "<div>x</div>", "parse_mode": "HTML"}, 400, "Unsupported start tag"},
		{"bare ampersand", map[string]any{"chat_id": 1, "text": "KH&CN", "parse_mode": "HTML"}, 400, "can't parse entities"},
		{"empty", map[string]any{"chat_id": 1, "text": ""}, 400, "message text is empty"},
		{"too long", map[string]any{"chat_id": 1, "text": strings.Repeat("ạ", 4097)}, 400, "message is too long"},
		{"not a chat", map[string]any{"chat_id": "@nobody", "text": "x"}, 400, "chat not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, s, "sendMessage", tc.params)
			if a.OK || a.ErrorCode != tc.code || !strings.Contains(a.Description, tc.desc) {
				t.Errorf("got %+v, want %d %q", a, tc.code, tc.desc)
			}
		})
	}
	if a := call(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": strings.Repeat("ạ", 4096)}); !a.OK {
		t.Errorf("4,096 characters refused: %+v", a)
	}
	resp, err := http.Post(s.URL()+"/botWRONG:token/getMe", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: status %d, want 401", resp.StatusCode)
	}
}

func TestInjectedFailures(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	s.FailNext("sendMessage", 429, 3)
	s.FailNext("SENDMESSAGE", 403, 0)
	a := call(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"})
	if a.ErrorCode != 429 || a.Parameters.RetryAfter != 3 || a.Description != "Too Many Requests: retry after 3" {
		t.Errorf("first: %+v", a)
	}
	if a := call(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"}); a.ErrorCode != 403 || a.Description != "Forbidden: bot was blocked by the user" {
		t.Errorf("second: %+v", a)
	}
	if a := call(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"}); !a.OK {
		t.Errorf("third: %+v", a)
	}
	if s.RateLimited() != 1 {
		t.Errorf("RateLimited = %d", s.RateLimited())
	}
	s.FailNext("sendMessage", 502, 0)
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.Contains(string(body), "502 Bad Gateway") {
		t.Errorf("502: status %d body %q", resp.StatusCode, body)
	}
}

// clock is a settable time for the limit tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestEnforcedLimits(t *testing.T) {
	send := func(t *testing.T, s *faketg.Server, chat int64) answer {
		t.Helper()
		return call(t, s, "sendMessage", map[string]any{"chat_id": chat, "text": "x"})
	}
	t.Run("one per second per chat", func(t *testing.T) {
		c := &clock{t: time.Unix(1_800_000_000, 0)}
		s := faketg.New(faketg.Options{EnforceLimits: true, Now: c.now})
		defer s.Close()
		if a := send(t, s, 5); !a.OK {
			t.Fatal(a)
		}
		c.add(500 * time.Millisecond)
		if a := send(t, s, 5); a.ErrorCode != 429 || a.Parameters.RetryAfter != 1 {
			t.Errorf("second message after 0.5 s: %+v, want 429 retry_after 1", a)
		}
		if a := send(t, s, 6); !a.OK {
			t.Errorf("another chat refused: %+v", a)
		}
		c.add(500 * time.Millisecond)
		if a := send(t, s, 5); !a.OK {
			t.Errorf("after 1 s: %+v", a)
		}
		if s.RateLimited() != 1 || s.RateLimitedBy()[faketg.LimitChat] != 1 {
			t.Errorf("RateLimited = %d by %v, want 1 by the chat limit", s.RateLimited(), s.RateLimitedBy())
		}
	})
	t.Run("twenty per minute per group", func(t *testing.T) {
		c := &clock{t: time.Unix(1_800_000_000, 0)}
		s := faketg.New(faketg.Options{EnforceLimits: true, Now: c.now})
		defer s.Close()
		for i := range 20 {
			if a := send(t, s, -100); !a.OK {
				t.Fatalf("message %d: %+v", i, a)
			}
			c.add(time.Second)
		}
		if a := send(t, s, -100); a.ErrorCode != 429 || a.Parameters.RetryAfter != 40 {
			t.Errorf("21st message in a minute: %+v, want 429 retry_after 40", a)
		}
		c.add(40 * time.Second)
		if a := send(t, s, -100); !a.OK {
			t.Errorf("after the window: %+v", a)
		}
	})
	t.Run("thirty per second overall", func(t *testing.T) {
		c := &clock{t: time.Unix(1_800_000_000, 0)}
		s := faketg.New(faketg.Options{EnforceLimits: true, Now: c.now})
		defer s.Close()
		for i := range 30 {
			if a := send(t, s, int64(1000+i)); !a.OK {
				t.Fatalf("message %d: %+v", i, a)
			}
		}
		if a := send(t, s, 2000); a.ErrorCode != 429 {
			t.Errorf("31st message in a second: %+v, want 429", a)
		}
		c.add(time.Second)
		if a := send(t, s, 2000); !a.OK {
			t.Errorf("a second later: %+v", a)
		}
	})
}

func TestCallbackAnswers(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	a := call(t, s, "sendMessage", map[string]any{"chat_id": 9, "text": "Câu trả lời"})
	var m models.Message
	_ = json.Unmarshal(a.Result, &m)
	_, cb := s.PushCallback(9, 9, m.ID, "ok:1")
	us := call(t, s, "getUpdates", nil)
	var ups []models.Update
	if err := json.Unmarshal(us.Result, &ups); err != nil {
		t.Fatal(err)
	}
	q := ups[0].CallbackQuery
	if q == nil || q.ID != cb || q.Data != "ok:1" || q.Message.Message == nil || q.Message.Message.Text != "Câu trả lời" {
		t.Fatalf("callback update %+v", ups[0])
	}
	if a := call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": cb, "text": "Cảm ơn"}); !a.OK {
		t.Errorf("answer: %+v", a)
	}
	if a := call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": cb}); a.ErrorCode != 400 {
		t.Errorf("second answer: %+v, want 400", a)
	}
	if got := s.Answers(); len(got) != 1 || got[0].Text != "Cảm ơn" {
		t.Errorf("answers %+v", got)
	}
}

func TestGetMeUsername(t *testing.T) {
	for _, c := range []struct {
		name string
		opts faketg.Options
		want string
	}{
		{"default", faketg.Options{}, faketg.BotUser.Username},
		{"configured", faketg.Options{BotUsername: "OurBot"}, "OurBot"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := faketg.New(c.opts)
			defer s.Close()
			a := call(t, s, "getMe", nil)
			var me models.User
			if err := json.Unmarshal(a.Result, &me); err != nil || !a.OK {
				t.Fatalf("getMe: %+v, %v", a, err)
			}
			if me.Username != c.want || me.ID != faketg.BotUser.ID || !me.IsBot {
				t.Errorf("getMe = %+v, want %+v with username %q", me, faketg.BotUser, c.want)
			}
		})
	}
}
