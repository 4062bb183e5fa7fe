package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// slackFiles stands in for the Slack channel's Fetcher: it serves the
// files it holds by ID and records what was asked.
type slackFiles struct {
	mu    sync.Mutex
	files map[string][]byte
	asked []string
}

func (f *slackFiles) Fetch(_ context.Context, file bot.File) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, file.ID)
	data, ok := f.files[file.ID]
	if !ok {
		return nil, errors.New("slack: file_not_found")
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func newFileSender(t *testing.T, fake *faketg.Server, opts telegram.SenderOptions) *telegram.Sender {
	t.Helper()
	opts.Timeout = 5 * time.Second
	s, err := telegram.NewSender(fake.Token(), fake.URL(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSenderSendsFilesAfterTheText(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "huong-dan.pdf"), []byte("%PDF-1.7 hướng dẫn"), 0o600); err != nil {
		t.Fatal(err)
	}
	slack := &slackFiles{files: map[string][]byte{"F07ABC": []byte("ảnh chụp màn hình")}}
	tgFile := fake.AddFile(faketg.FileData{Name: "to-khai.xlsx", Data: []byte("xlsx")})
	s := newFileSender(t, fake, telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: slack}, FileDir: dir})

	id, retry, err := s.Send(context.Background(), bot.Reply{ChatID: "42", Text: "Chị Hoa trả lời: xem tệp đính kèm",
		Buttons: [][]bot.Button{{{Text: "✅ Đã rõ", Data: "ok:1"}}},
		Files: []bot.File{
			{Path: "huong-dan.pdf", Name: "Hướng dẫn.pdf"},
			{From: bot.Slack, ID: "F07ABC", Name: "man-hinh.png", URL: "https://files.slack.com/x"},
			{From: bot.Telegram, ID: tgFile, Name: "to-khai.xlsx"},
		}})
	if err != nil || retry {
		t.Fatalf("Send = (%q, %v, %v)", id, retry, err)
	}
	sent := fake.SentTo(42)
	if len(sent) != 1 || strconv.Itoa(sent[0].MessageID) != id || len(sent[0].Markup.InlineKeyboard) != 1 {
		t.Fatalf("messages %+v: want the text, with its buttons, and its id returned", sent)
	}
	docs := fake.Documents()
	if len(docs) != 3 {
		t.Fatalf("%d documents, want 3", len(docs))
	}
	for i, want := range []struct{ name, data string }{
		{"Hướng dẫn.pdf", "%PDF-1.7 hướng dẫn"},
		{"man-hinh.png", "ảnh chụp màn hình"},
		{"", "xlsx"}, // sent by file_id: nothing uploaded
	} {
		if d := docs[i]; d.FileName != want.name || string(d.Data) != want.data || d.ChatID != 42 || d.MessageID <= sent[0].MessageID {
			t.Errorf("document %d = %+v, want %q after the text", i, d, want.name)
		}
	}
	if docs[2].FileID != tgFile {
		t.Errorf("Telegram file sent as %q, want its file_id %q", docs[2].FileID, tgFile)
	}
	if len(slack.asked) != 1 || slack.asked[0] != "F07ABC" {
		t.Errorf("Slack fetcher asked %v", slack.asked)
	}
}

func TestSenderKeepsTheTextWhenAFileCannotBeRead(t *testing.T) {
	cases := []struct {
		name string
		opts telegram.SenderOptions
		file bot.File
	}{
		{"fetch fails", telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: &slackFiles{}}}, bot.File{From: bot.Slack, ID: "F404", Name: "bien-ban.pdf"}},
		{"no fetcher", telegram.SenderOptions{}, bot.File{From: bot.Slack, ID: "F1", Name: "bien-ban.pdf"}},
		{"missing path", telegram.SenderOptions{}, bot.File{Path: "/nonexistent/bien-ban.pdf"}},
		{"over 50 MB", telegram.SenderOptions{}, bot.File{From: bot.Slack, ID: "F2", Name: "bien-ban.pdf", Size: 60 << 20}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t, faketg.Options{})
			id, retry, err := newFileSender(t, fake, tc.opts).Send(context.Background(),
				bot.Reply{ChatID: "42", Text: "<b>Trả lời</b> của cán bộ", Files: []bot.File{tc.file}})
			if err != nil || retry || id == "" {
				t.Fatalf("Send = (%q, %v, %v), want the text delivered", id, retry, err)
			}
			sent := fake.SentTo(42)
			if len(sent) != 1 {
				t.Fatalf("%d messages, want the text with the note", len(sent))
			}
			plain := sent[0].Plain()
			if !strings.HasPrefix(plain, "Trả lời của cán bộ\n\n") || !strings.Contains(plain, "Không gửi kèm được tệp") ||
				!strings.Contains(plain, "Could not attach") || !strings.Contains(plain, "bien-ban.pdf") {
				t.Errorf("officer reads %q", plain)
			}
			if len(fake.Documents()) != 0 {
				t.Error("a document was sent")
			}
		})
	}
}

func TestSenderNotesFilesTelegramRefuses(t *testing.T) {
	slack := &slackFiles{files: map[string][]byte{"F1": []byte("a"), "F2": []byte("b")}}
	reply := bot.Reply{ChatID: "42", Text: "Kết quả", Files: []bot.File{{From: bot.Slack, ID: "F1", Name: "a.pdf"}, {From: bot.Slack, ID: "F2", Name: "b.pdf"}}}

	t.Run("refused file named in a note, text not resent", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		fake.Fail("sendDocument", faketg.Failure{Code: 400, Description: "Bad Request: file must be non-empty"})
		id, retry, err := newFileSender(t, fake, telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: slack}}).Send(context.Background(), reply)
		if err != nil || retry {
			t.Fatalf("Send = (%q, %v, %v): the text went, so the reply is delivered", id, retry, err)
		}
		sent := fake.SentTo(42)
		if len(sent) != 2 || strconv.Itoa(sent[0].MessageID) != id || sent[0].Plain() != "Kết quả" {
			t.Fatalf("messages %+v, want the text then a note", sent)
		}
		if n := sent[1].Plain(); !strings.Contains(n, "a.pdf") || strings.Contains(n, "b.pdf") {
			t.Errorf("note %q, want only a.pdf", n)
		}
		if d := fake.Documents(); len(d) != 1 || d[0].FileName != "b.pdf" {
			t.Errorf("documents %+v, want b.pdf", d)
		}
	})
	t.Run("a 5xx on an upload is retried once", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		fake.FailNext("sendDocument", 502, 0)
		if _, _, err := newFileSender(t, fake, telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: slack}}).Send(context.Background(), reply); err != nil {
			t.Fatal(err)
		}
		if d := fake.Documents(); len(d) != 2 || string(d[0].Data) != "a" {
			t.Errorf("documents %+v, want both, the first uploaded again whole", d)
		}
		if len(fake.SentTo(42)) != 1 {
			t.Error("a note was sent though every file went")
		}
	})
	t.Run("text failure is the reply's failure", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		fake.FailNext("sendMessage", 429, 3)
		_, retry, err := newFileSender(t, fake, telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: slack}}).Send(context.Background(), reply)
		if !retry || !errors.Is(err, telegram.ErrRateLimited) {
			t.Fatalf("Send = %v, %v; want retry", retry, err)
		}
		if len(fake.Documents()) != 0 {
			t.Error("files went before their text")
		}
	})
}

func TestSenderFilesWithoutText(t *testing.T) {
	slack := &slackFiles{files: map[string][]byte{"F1": []byte("a")}}
	reply := bot.Reply{ChatID: "42", ReplyToID: "7", Buttons: [][]bot.Button{{{Text: "✅", Data: "ok:1"}}},
		Files: []bot.File{{From: bot.Slack, ID: "F1", Name: "a.pdf"}}}

	t.Run("the document is the message", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		id, _, err := newFileSender(t, fake, telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: slack}}).Send(context.Background(), reply)
		if err != nil {
			t.Fatal(err)
		}
		d := fake.Documents()
		if len(d) != 1 || strconv.Itoa(d[0].MessageID) != id || d[0].ReplyTo != 7 || len(d[0].Markup.InlineKeyboard) != 1 {
			t.Errorf("documents %+v, id %q; want the document with the buttons and reply", d, id)
		}
		if len(fake.Sent()) != 0 {
			t.Error("an empty text was sent")
		}
	})
	t.Run("a retryable failure before anything went is retried by the outbox", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		fake.FailNext("sendDocument", 429, 1)
		fake.FailNext("sendDocument", 429, 1)
		_, retry, err := newFileSender(t, fake, telegram.SenderOptions{Fetchers: outbox.Fetchers{bot.Slack: slack}}).Send(context.Background(), reply)
		if !retry || !errors.Is(err, telegram.ErrRateLimited) {
			t.Errorf("Send = %v, %v; want retry", retry, err)
		}
		if len(fake.Sent()) != 0 {
			t.Error("a note was sent for a file the outbox will retry")
		}
	})
	t.Run("unreadable file: the note is the message", func(t *testing.T) {
		fake := newFake(t, faketg.Options{})
		id, _, err := newFileSender(t, fake, telegram.SenderOptions{}).Send(context.Background(), reply)
		if err != nil {
			t.Fatal(err)
		}
		s := fake.SentTo(42)
		if len(s) != 1 || strconv.Itoa(s[0].MessageID) != id || !strings.Contains(s[0].Plain(), "a.pdf") || len(s[0].Markup.InlineKeyboard) != 1 {
			t.Errorf("sent %+v", s)
		}
	})
}
