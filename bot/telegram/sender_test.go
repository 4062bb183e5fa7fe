package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func newSender(t *testing.T, fake *faketg.Server) *telegram.Sender {
	t.Helper()
	s, err := telegram.NewSender(fake.Token(), fake.URL(), telegram.SenderOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSenderSendsHTMLAndReturnsMessageID(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	s := newSender(t, fake)
	id, retry, err := s.Send(context.Background(), bot.Reply{
		Channel:   bot.Telegram,
		ChatID:    "42",
		Text:      "<b>Điều 36</b>, Nghị định 133/2025/NĐ-CP &amp; " + telegram.Link("https://vanban.chinhphu.vn/x", "nguồn"),
		ReplyToID: "7",
	})
	if err != nil || retry {
		t.Fatalf("Send = (%q, %v, %v), want success", id, retry, err)
	}
	sent := fake.SentTo(42)
	if len(sent) != 1 {
		t.Fatalf("fake got %d messages, want 1", len(sent))
	}
	m := sent[0]
	if id != strconv.Itoa(m.MessageID) {
		t.Errorf("sentID %q, want the message_id %d", id, m.MessageID)
	}
	if m.ParseMode != "HTML" || !strings.Contains(m.Text, "<b>Điều 36</b>") {
		t.Errorf("sent %q in mode %q, want the HTML as given", m.Text, m.ParseMode)
	}
	if m.ReplyTo != 7 {
		t.Errorf("reply_to %d, want 7", m.ReplyTo)
	}
	if !m.NoPreview {
		t.Error("link preview not disabled: source links would add a preview card to every answer")
	}
}

func TestSenderKeyboards(t *testing.T) {
	cases := []struct {
		name  string
		reply bot.Reply
		want  string
	}{
		{
			name: "inline buttons",
			reply: bot.Reply{Buttons: [][]bot.Button{{
				{Text: "✅ Đã rõ", Data: "ok:12"},
				{Text: "❌ Chưa rõ, chuyển cán bộ hỗ trợ", Data: "no:12"},
			}}},
			want: `{"inline_keyboard":[[{"text":"✅ Đã rõ","callback_data":"ok:12"},{"text":"❌ Chưa rõ, chuyển cán bộ hỗ trợ","callback_data":"no:12"}]]}`,
		},
		{
			name:  "one-time reply keyboard",
			reply: bot.Reply{Keyboard: [][]string{{"Hà Nội", "Huế"}, {"TP. Hồ Chí Minh"}}},
			want:  `{"keyboard":[[{"text":"Hà Nội"},{"text":"Huế"}],[{"text":"TP. Hồ Chí Minh"}]],"one_time_keyboard":true,"resize_keyboard":true}`,
		},
		{
			name:  "remove keyboard",
			reply: bot.Reply{RemoveKB: true},
			want:  `{"remove_keyboard":true}`,
		},
		{
			name:  "none",
			reply: bot.Reply{},
			want:  ``,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t, faketg.Options{})
			r := tc.reply
			r.Channel, r.ChatID, r.Text = bot.Telegram, "42", "Chọn tỉnh"
			if _, _, err := newSender(t, fake).Send(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			if got := fake.Sent()[0].RawMarkup; got != tc.want {
				t.Errorf("reply_markup\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSenderClassifiesFailures(t *testing.T) {
	cases := []struct {
		name      string
		inject    func(*faketg.Server)
		wantRetry bool
		wantErr   error
		wantKind  string
		wantAfter time.Duration
	}{
		{"429 retries after retry_after", func(f *faketg.Server) { f.FailNext("sendMessage", 429, 7) }, true, telegram.ErrRateLimited, "rate_limited", 7 * time.Second},
		{"502 HTML page retries", func(f *faketg.Server) { f.FailNext("sendMessage", 502, 0) }, true, telegram.ErrServer, "server", 0},
		{"500 retries", func(f *faketg.Server) { f.FailNext("sendMessage", 500, 0) }, true, telegram.ErrServer, "server", 0},
		{"closed connection retries", func(f *faketg.Server) { f.DropNext("sendMessage") }, true, telegram.ErrNetwork, "network", 0},
		{"403 blocked is permanent", func(f *faketg.Server) { f.FailNext("sendMessage", 403, 0) }, false, telegram.ErrForbidden, "forbidden", 0},
		{"blocked chat is permanent", func(f *faketg.Server) { f.Block(42) }, false, telegram.ErrForbidden, "forbidden", 0},
		{"400 chat not found is permanent", func(f *faketg.Server) { f.FailNext("sendMessage", 400, 0) }, false, telegram.ErrChatNotFound, "bad_request", 0},
		{"migrated group is permanent", func(f *faketg.Server) {
			f.Fail("sendMessage", faketg.Failure{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: -1001234567890})
		}, false, telegram.ErrMigrated, "bad_request", 0},
		{"other 400 twice is permanent", func(f *faketg.Server) {
			f.Fail("sendMessage", faketg.Failure{Code: 400, Description: "Bad Request: can't parse entities: Unsupported start tag \"foo\" at byte offset 0"})
			f.Fail("sendMessage", faketg.Failure{Code: 400, Description: "Bad Request: message is too long"})
		}, false, telegram.ErrBadRequest, "bad_request", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t, faketg.Options{})
			tc.inject(fake)
			id, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{Channel: bot.Telegram, ChatID: "42", Text: "<b>Trả lời</b>"})
			if retry != tc.wantRetry || !errors.Is(err, tc.wantErr) || id != "" {
				t.Fatalf("Send = (%q, %v, %v), want retry %v and %v", id, retry, err, tc.wantRetry, tc.wantErr)
			}
			var kinder interface{ ErrorKind(error) string } = newSender(t, fake) // what the outbox asks
			if k := kinder.ErrorKind(err); k != tc.wantKind {
				t.Errorf("ErrorKind = %q, want %q", k, tc.wantKind)
			}
			var ra interface{ RetryAfter() time.Duration }
			if tc.wantAfter > 0 {
				if !errors.As(err, &ra) || ra.RetryAfter() != tc.wantAfter {
					t.Errorf("error %v has no RetryAfter of %v", err, tc.wantAfter)
				}
			} else if errors.As(err, &ra) {
				t.Errorf("error %v asks to wait %v; only a 429 should", err, ra.RetryAfter())
			}
			if strings.Contains(err.Error(), fake.Token()) {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
	t.Run("migrated error names the new chat", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		fake.Fail("sendMessage", faketg.Failure{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: -1001234567890})
		_, _, err := newSender(t, fake).Send(context.Background(), bot.Reply{ChatID: "-55", Text: "x"})
		if err == nil || !strings.Contains(err.Error(), "-1001234567890") {
			t.Errorf("error %v does not name the new chat id", err)
		}
	})
}

func TestSenderFallsBackToPlainTextWhenHTMLIsRefused(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	fake.Fail("sendMessage", faketg.Failure{Code: 400, Description: "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""})
	id, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{
		ChatID:  "42",
		Text:    "<b>Khai báo</b> thiết bị X-quang: xem " + telegram.Link("https://example.gov.vn/tt", "Thông tư") + " &amp; hỏi Sở KH&amp;CN",
		Buttons: [][]bot.Button{{{Text: "✅ Đã rõ", Data: "ok:1"}}},
	})
	if err != nil || retry || id == "" {
		t.Fatalf("Send = (%q, %v, %v), want delivered as plain text", id, retry, err)
	}
	sent := fake.Sent()
	if len(sent) != 1 {
		t.Fatalf("fake accepted %d messages, want 1", len(sent))
	}
	want := "Khai báo thiết bị X-quang: xem Thông tư (https://example.gov.vn/tt) & hỏi Sở KH&CN"
	if sent[0].ParseMode != "" || sent[0].Text != want {
		t.Errorf("fallback sent %q (mode %q), want %q without parse mode", sent[0].Text, sent[0].ParseMode, want)
	}
	if len(sent[0].Markup.InlineKeyboard) != 1 {
		t.Error("fallback lost the buttons")
	}
}

func TestSenderRepairsBrokenHTMLBeforeSending(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	_, _, err := newSender(t, fake).Send(context.Background(), bot.Reply{ChatID: "42", Text: "<b>Điều 5 <x> a < b & c"})
	if err != nil {
		t.Fatalf("Send = %v: the sender should repair HTML Telegram would refuse", err)
	}
	if got := fake.Sent()[0].Plain(); got != "Điều 5 <x> a < b & c" {
		t.Errorf("officer reads %q", got)
	}
}

func TestSenderAnswersButtonPresses(t *testing.T) {
	t.Run("toast only", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		_, cb := fake.PushCallback(42, 42, 3, "ok:1")
		_, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{CallbackID: cb, Text: "<b>Cảm ơn</b>!"})
		if err != nil || retry {
			t.Fatalf("Send = %v, %v", retry, err)
		}
		if a := fake.Answers(); len(a) != 1 || a[0].CallbackID != cb || a[0].Text != "Cảm ơn!" {
			t.Errorf("answers %+v, want one with the toast", a)
		}
		if len(fake.Sent()) != 0 {
			t.Errorf("a toast-only reply sent a message")
		}
	})
	t.Run("toast in a chat sends no message", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		_, cb := fake.PushCallback(42, 42, 3, "no:1")
		id, _, err := newSender(t, fake).Send(context.Background(), bot.Reply{CallbackID: cb, ChatID: "42", Text: "Đã chuyển cán bộ hỗ trợ"})
		if err != nil || id != "" {
			t.Fatalf("Send = %q, %v", id, err)
		}
		if a := fake.Answers(); len(a) != 1 || a[0].Text != "Đã chuyển cán bộ hỗ trợ" {
			t.Errorf("answers %+v, want the toast", a)
		}
		if len(fake.Sent()) != 0 {
			t.Error("a toast was also sent as a message")
		}
	})
	t.Run("expired press is permanent", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		_, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{CallbackID: "no-such-query", ChatID: "42", Text: "x"})
		if retry || !errors.Is(err, telegram.ErrBadRequest) {
			t.Fatalf("Send = %v, %v; want permanent ErrBadRequest", retry, err)
		}
	})
	t.Run("answer 429 retries", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		_, cb := fake.PushCallback(42, 42, 3, "no:1")
		fake.FailNext("answerCallbackQuery", http.StatusTooManyRequests, 2)
		_, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{CallbackID: cb, ChatID: "42", Text: "x"})
		if !retry || !errors.Is(err, telegram.ErrRateLimited) {
			t.Errorf("Send = %v, %v; want retry on 429", retry, err)
		}
	})
}

func TestSenderRefusesBadInput(t *testing.T) {
	if _, err := telegram.NewSender("", "", telegram.SenderOptions{}); err == nil {
		t.Error("NewSender accepted an empty token")
	}
	fake := newFake(t, faketg.Options{})
	_, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{ChatID: "not-a-chat", Text: "x"})
	if retry || !errors.Is(err, telegram.ErrChatNotFound) {
		t.Errorf("Send to a non-Telegram chat id = %v, %v; want permanent ErrChatNotFound", retry, err)
	}
}

func TestSenderLimitsAreTelegrams(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	l := newSender(t, fake).Limits()
	if l.PerChat != time.Second || l.PerGroupPerMinute != 20 || l.GlobalPerSecond != 30 || len(l.Split(strings.Repeat("a", 4097))) != 2 || !l.IsGroup("-100") || l.IsGroup("5") {
		t.Errorf("Limits() = %+v", l)
	}
}
