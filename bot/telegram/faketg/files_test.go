package faketg_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func newLib(t *testing.T, s *faketg.Server) *tgbot.Bot {
	t.Helper()
	b, err := tgbot.New(s.Token(), tgbot.WithServerURL(s.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEditMessageText(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	ctx := context.Background()
	b := newLib(t, s)
	m, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: int64(5), Text: "<b>Mới</b>", ParseMode: models.ParseModeHTML})
	if err != nil {
		t.Fatal(err)
	}
	edit := &tgbot.EditMessageTextParams{ChatID: int64(5), MessageID: m.ID, Text: "<b>Đã nhận</b>", ParseMode: models.ParseModeHTML}
	res, err := b.EditMessageText(ctx, edit)
	if err != nil || res.ID != m.ID || res.Text != "Đã nhận" {
		t.Fatalf("edit = %+v, %v", res, err)
	}
	if e := s.TextEdits(); len(e) != 1 || e[0].Plain() != "Đã nhận" || e[0].MessageID != m.ID {
		t.Errorf("edits %+v", e)
	}
	if _, err := b.EditMessageText(ctx, edit); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("same edit again = %v, want not modified", err)
	}
	edit.MessageID = 999
	if _, err := b.EditMessageText(ctx, edit); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit of an unknown message = %v", err)
	}
}

func TestFilesRoundTrip(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	ctx := context.Background()
	b := newLib(t, s)

	// An officer's document, as an update.
	_, id := s.PushDocument(7, 7, faketg.FileData{Name: "a.pdf", Mime: "application/pdf", Data: []byte("%PDF")}, "xem")
	a := call(t, s, "getUpdates", nil)
	var us []models.Update
	if err := json.Unmarshal(a.Result, &us); err != nil {
		t.Fatal(err)
	}
	if d := us[0].Message.Document; d == nil || d.FileID != id || d.FileName != "a.pdf" || d.FileSize != 4 || us[0].Message.Caption != "xem" {
		t.Fatalf("update %+v", us[0].Message)
	}

	// getFile, then the download URL.
	f, err := b.GetFile(ctx, &tgbot.GetFileParams{FileID: id})
	if err != nil || f.FilePath == "" || f.FileSize != 4 {
		t.Fatalf("getFile = %+v, %v", f, err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "%PDF" {
		t.Errorf("download: %d %q", resp.StatusCode, body)
	}
	if resp, err := http.Get(s.URL() + "/file/botWRONG/" + f.FilePath); err == nil {
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("download with a wrong token: %d", resp.StatusCode)
		}
	}

	// An upload, and a resend by file_id.
	m, err := b.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: int64(9), Document: &models.InputFileUpload{Filename: "b.txt", Data: bytes.NewReader([]byte("xin chào"))}})
	if err != nil || m.Document == nil {
		t.Fatalf("upload = %+v, %v", m, err)
	}
	if _, err := b.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: int64(9), Document: &models.InputFileString{Data: id}}); err != nil {
		t.Fatal(err)
	}
	d := s.Documents()
	if len(d) != 2 || d[0].FileName != "b.txt" || string(d[0].Data) != "xin chào" || d[1].FileID != id || string(d[1].Data) != "%PDF" {
		t.Errorf("documents %+v", d)
	}
	if _, err := b.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: int64(9), Document: &models.InputFileString{Data: "nope"}}); err == nil {
		t.Error("unknown file_id accepted")
	}
	if _, err := b.GetFile(ctx, &tgbot.GetFileParams{FileID: s.AddFile(faketg.FileData{Name: "big", Size: faketg.MaxDownload + 1})}); err == nil || !strings.Contains(err.Error(), "file is too big") {
		t.Errorf("getFile of a big file = %v", err)
	}
}

func TestPushEdit(t *testing.T) {
	s := faketg.New(faketg.Options{})
	defer s.Close()
	s.PushEdit(7, 7, 3, "câu hỏi đã sửa")
	var us []models.Update
	if err := json.Unmarshal(call(t, s, "getUpdates", nil).Result, &us); err != nil {
		t.Fatal(err)
	}
	if e := us[0].EditedMessage; us[0].Message != nil || e == nil || e.ID != 3 || e.Text != "câu hỏi đã sửa" || e.EditDate == 0 {
		t.Errorf("update %+v", us[0])
	}
}
