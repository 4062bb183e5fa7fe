package telegram_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// A file the bot made itself (File.Data: the /han calendar) is uploaded as
// a document after the text, with its name and exact bytes; with no text,
// the document is the message and carries the buttons.
func TestSenderSendsInlineDataAsDocument(t *testing.T) {
	ics := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n")
	file := bot.File{Name: "han-bao-cao.ics", Mime: "text/calendar", Data: ics}

	fake := newFake(t, faketg.Options{})
	s := newFileSender(t, fake, telegram.SenderOptions{}) // no FileDir, no Fetchers: nothing to read
	id, retry, err := s.Send(context.Background(), bot.Reply{ChatID: "42", Text: "📅 Lịch hạn báo cáo", Files: []bot.File{file}})
	if err != nil || retry {
		t.Fatalf("Send = (%q, %v, %v)", id, retry, err)
	}
	sent := fake.SentTo(42)
	if len(sent) != 1 || strconv.Itoa(sent[0].MessageID) != id || sent[0].Plain() != "📅 Lịch hạn báo cáo" {
		t.Fatalf("messages %+v: want the text alone, its id returned", sent)
	}
	docs := fake.Documents()
	if len(docs) != 1 || docs[0].FileName != "han-bao-cao.ics" || string(docs[0].Data) != string(ics) ||
		docs[0].ChatID != 42 || docs[0].MessageID <= sent[0].MessageID {
		t.Fatalf("documents %+v, want the calendar after the text", docs)
	}

	fake = newFake(t, faketg.Options{})
	s = newFileSender(t, fake, telegram.SenderOptions{})
	id, _, err = s.Send(context.Background(), bot.Reply{ChatID: "42", Files: []bot.File{file},
		Buttons: [][]bot.Button{{{Text: "✅", Data: "ok:1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	docs = fake.Documents()
	if len(docs) != 1 || strconv.Itoa(docs[0].MessageID) != id || string(docs[0].Data) != string(ics) || len(docs[0].Markup.InlineKeyboard) != 1 {
		t.Errorf("documents %+v, id %q: want the calendar as the message, with the buttons", docs, id)
	}
	if len(fake.Sent()) != 0 {
		t.Error("an empty text was sent")
	}
}
