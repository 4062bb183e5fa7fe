package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func TestSenderRendersFieldsAfterTheText(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	_, _, err := newSender(t, fake).Send(context.Background(), bot.Reply{
		ChatID: "42",
		Text:   "<b>HT-000042</b> đã được tiếp nhận",
		Fields: []bot.Field{{Label: "Tỉnh", Value: "Lào Cai"}, {Label: "Trạng thái:", Value: "<i>Đang xử lý</i>"}},
		Name:   "Chị Hoa (Bộ KH&amp;CN)", // already in the text when the core wants it shown
	})
	if err != nil {
		t.Fatal(err)
	}
	got := fake.Sent()[0]
	want := "<b>HT-000042</b> đã được tiếp nhận\n\n<b>Tỉnh:</b> Lào Cai\n<b>Trạng thái:</b> <i>Đang xử lý</i>"
	if got.Text != want || got.ParseMode != "HTML" {
		t.Errorf("sent %q (mode %q)\nwant %q", got.Text, got.ParseMode, want)
	}
}

func TestSenderKinds(t *testing.T) {
	t.Run("ephemeral is an ordinary message", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		id, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{Kind: outbox.KindEphemeral, ChatID: "42", UserID: "42", Text: "Chỉ bạn thấy"})
		if err != nil || retry || id == "" {
			t.Fatalf("Send = (%q, %v, %v)", id, retry, err)
		}
		if s := fake.SentTo(42); len(s) != 1 || s[0].Plain() != "Chỉ bạn thấy" {
			t.Errorf("sent %+v", s)
		}
	})
	t.Run("view is unsupported and permanent", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		_, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{Kind: outbox.KindView, ChatID: "42", View: &bot.View{ID: "reply", Title: "Trả lời"}})
		if retry || !errors.Is(err, outbox.ErrUnsupported) {
			t.Errorf("Send = %v, %v; want permanent ErrUnsupported", retry, err)
		}
		if len(fake.Calls()) != 0 {
			t.Errorf("a view made requests: %+v", fake.Calls())
		}
	})
	t.Run("unknown kind is unsupported", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		_, retry, err := newSender(t, fake).Send(context.Background(), bot.Reply{Kind: "hologram", ChatID: "42", Text: "x"})
		if retry || !errors.Is(err, outbox.ErrUnsupported) {
			t.Errorf("Send = %v, %v; want permanent ErrUnsupported", retry, err)
		}
	})
}

func TestSenderAnswerKind(t *testing.T) {
	cases := []struct {
		name  string
		reply func(cb string) bot.Reply
	}{
		{"KindAnswer in a chat", func(cb string) bot.Reply {
			return bot.Reply{Kind: outbox.KindAnswer, ChatID: "42", CallbackID: cb, Text: strings.Repeat("ạ", 250)}
		}},
		{"legacy item without kind or chat", func(cb string) bot.Reply {
			return bot.Reply{CallbackID: cb, Text: strings.Repeat("ạ", 250)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t, faketg.Options{})
			_, cb := fake.PushCallback(42, 42, 3, "ok:1")
			id, retry, err := newSender(t, fake).Send(context.Background(), tc.reply(cb))
			if err != nil || retry || id != "" {
				t.Fatalf("Send = (%q, %v, %v)", id, retry, err)
			}
			a := fake.Answers()
			if len(a) != 1 || a[0].CallbackID != cb || utf8.RuneCountInString(a[0].Text) != 200 || !strings.HasSuffix(a[0].Text, "…") {
				t.Errorf("answers %+v, want one toast cut to 200 characters", a)
			}
			if len(fake.Sent()) != 0 {
				t.Error("an answer also sent a message")
			}
		})
	}
}

// sendFirst sends the message a later KindUpdate edits and returns its id.
func sendFirst(t *testing.T, s *telegram.Sender, chat, text string) string {
	t.Helper()
	id, _, err := s.Send(context.Background(), bot.Reply{ChatID: chat, Text: text,
		Buttons: [][]bot.Button{{{Text: "Nhận xử lý", Data: "claim:HT-000042"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSenderUpdatesEditTheMessage(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	s := newSender(t, fake)
	id := sendFirst(t, s, "-100300", "<b>HT-000042</b> Mới")
	upd := bot.Reply{Kind: outbox.KindUpdate, ChatID: "-100300", EditID: id, Ref: "triage:HT-000042",
		Text: "<b>HT-000042</b> Đã nhận", Fields: []bot.Field{{Label: "Người xử lý", Value: "Hoa"}}}
	got, retry, err := s.Send(context.Background(), upd)
	if err != nil || retry || got != id {
		t.Fatalf("Send(update) = (%q, %v, %v), want the edited id %s", got, retry, err, id)
	}
	e := fake.TextEdits()
	if len(e) != 1 || strconv.Itoa(e[0].MessageID) != id || e[0].ChatID != -100300 || e[0].ParseMode != "HTML" ||
		e[0].Text != "<b>HT-000042</b> Đã nhận\n\n<b>Người xử lý:</b> Hoa" {
		t.Fatalf("edits %+v", e)
	}
	if len(e[0].Markup.InlineKeyboard) != 0 {
		t.Errorf("the update without buttons kept a keyboard: %+v", e[0].Markup)
	}
	if len(fake.Sent()) != 1 {
		t.Errorf("an update sent a new message")
	}

	t.Run("not modified is a success", func(t *testing.T) {
		got, retry, err := s.Send(context.Background(), upd) // an outbox replay
		if err != nil || retry || got != id {
			t.Errorf("Send(same update) = (%q, %v, %v), want success", got, retry, err)
		}
		if n := len(fake.TextEdits()); n != 1 {
			t.Errorf("%d edits, want still 1", n)
		}
	})
	t.Run("buttons become the inline keyboard", func(t *testing.T) {
		u := upd
		u.Buttons = [][]bot.Button{{{Text: "Đóng", Data: "close:HT-000042"}}}
		if _, _, err := s.Send(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		e := fake.TextEdits()
		if kb := e[len(e)-1].Markup.InlineKeyboard; len(kb) != 1 || kb[0][0].CallbackData != "close:HT-000042" {
			t.Errorf("keyboard %+v", kb)
		}
	})
	t.Run("HTML refused: edited as plain text", func(t *testing.T) {
		fake.Fail("editMessageText", faketg.Failure{Code: 400, Description: "Bad Request: can't parse entities: Unsupported start tag"})
		u := upd
		u.Text = "<b>HT-000042</b> Đã đóng"
		if _, _, err := s.Send(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		e := fake.TextEdits()
		if last := e[len(e)-1]; last.ParseMode != "" || !strings.HasPrefix(last.Text, "HT-000042 Đã đóng") {
			t.Errorf("fallback edit %+v", last)
		}
	})
	t.Run("429 retries", func(t *testing.T) {
		fake.FailNext("editMessageText", http.StatusTooManyRequests, 4)
		_, retry, err := s.Send(context.Background(), upd)
		if !retry || !errors.Is(err, telegram.ErrRateLimited) {
			t.Errorf("Send = %v, %v; want retry", retry, err)
		}
	})
}

func TestSenderUpdateOfAMissingMessageIsPermanent(t *testing.T) {
	cases := []struct {
		name   string
		editID string
		inject *faketg.Failure
	}{
		{"unknown message", "987", nil},
		{"no EditID", "", nil},
		{"too old to edit", "1", &faketg.Failure{Code: 400, Description: "Bad Request: message can't be edited"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t, faketg.Options{})
			s := newSender(t, fake)
			sendFirst(t, s, "42", "x")
			if tc.inject != nil {
				fake.Fail("editMessageText", *tc.inject)
			}
			_, retry, err := s.Send(context.Background(), bot.Reply{Kind: outbox.KindUpdate, ChatID: "42", EditID: tc.editID, Text: "y"})
			if retry || !errors.Is(err, telegram.ErrNotEditable) {
				t.Fatalf("Send = %v, %v; want permanent ErrNotEditable", retry, err)
			}
			if k := telegram.ErrorKind(err); k != "bad_request" {
				t.Errorf("ErrorKind = %q", k)
			}
			if n := len(fake.Calls("editMessageText")); n > 1 {
				t.Errorf("%d edit attempts: a gone message is not retried as plain text", n)
			}
		})
	}
}

// The outbox cuts Text to fit, but fields come on top: a message they push
// over Telegram's length goes in parts instead of failing.
func TestSenderSplitsWhenFieldsOverflow(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	id, _, err := newSender(t, fake).Send(context.Background(), bot.Reply{ChatID: "42", ReplyToID: "5",
		Text:    strings.Repeat("Nội dung dài. ", 290), // 4,060 characters: fits alone
		Fields:  []bot.Field{{Label: "Tỉnh", Value: "Lào Cai"}, {Label: "Hạn", Value: "30/11/2026"}},
		Buttons: [][]bot.Button{{{Text: "✅", Data: "ok:1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sent := fake.SentTo(42)
	if len(sent) != 2 || strconv.Itoa(sent[0].MessageID) != id {
		t.Fatalf("%d messages, id %q; want 2, the first's id", len(sent), id)
	}
	if sent[0].ReplyTo != 5 || sent[1].ReplyTo != 0 || len(sent[0].Markup.InlineKeyboard) != 0 || len(sent[1].Markup.InlineKeyboard) != 1 {
		t.Errorf("reply/buttons misplaced: %+v / %+v", sent[0].Markup, sent[1].Markup)
	}
	if !strings.Contains(sent[1].Plain(), "Hạn: 30/11/2026") {
		t.Errorf("last part %q lost the fields", sent[1].Plain())
	}
}

func TestSenderUpdateTooLongIsCut(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	s := newSender(t, fake)
	id := sendFirst(t, s, "42", "ngắn")
	_, _, err := s.Send(context.Background(), bot.Reply{Kind: outbox.KindUpdate, ChatID: "42", EditID: id, Text: strings.Repeat("Rất dài. ", 600)})
	if err != nil {
		t.Fatalf("Send = %v, want the edit cut to fit", err)
	}
	e := fake.TextEdits()
	if len(e) != 1 || utf8.RuneCountInString(e[0].Plain()) > 4096 || !strings.HasSuffix(e[0].Plain(), "…") {
		t.Errorf("edit of %d characters", utf8.RuneCountInString(e[0].Plain()))
	}
}

// A message that carries a button press's id along (the first part of a
// long text the outbox split) is a message, not a toast.
func TestSenderLongMessageWithCallbackIDIsAMessage(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	long := strings.Repeat("Trả lời dài. ", 40)
	id, _, err := newSender(t, fake).Send(context.Background(), bot.Reply{ChatID: "42", CallbackID: "cb-1", Text: long})
	if err != nil || id == "" {
		t.Fatalf("Send = (%q, %v)", id, err)
	}
	if s := fake.SentTo(42); len(s) != 1 || s[0].Plain() != long {
		t.Errorf("sent %+v, want the whole text", s)
	}
	if len(fake.Answers()) != 0 {
		t.Error("the text became a toast")
	}
}
