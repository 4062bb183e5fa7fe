package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func newFetcher(t *testing.T, fake *faketg.Server) *telegram.Fetcher {
	t.Helper()
	f, err := telegram.NewFetcher(fake.Token(), fake.URL(), telegram.FetcherOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// pulled returns the updates the fake serves, as the poller would get them.
func pulled(t *testing.T, fake *faketg.Server) []models.Update {
	t.Helper()
	resp, err := http.Post(fake.URL()+"/bot"+fake.Token()+"/getUpdates", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct {
		Result []models.Update `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a.Result
}

func readAll(t *testing.T, rc io.ReadCloser) ([]byte, error) {
	t.Helper()
	defer rc.Close()
	return io.ReadAll(rc)
}

// A screenshot an officer sends with /ticket goes from the update through
// Convert to the bytes another channel forwards.
func TestFetcherReadsWhatAnOfficerSent(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	jpeg := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0}, 5000)
	fake.PushPhoto(-4001, 7, jpeg, "/ticket Không đăng nhập được")
	pdf := []byte("%PDF-1.7 tờ khai")
	fake.PushDocument(7, 7, faketg.FileData{Name: "Tờ khai.pdf", Mime: "application/pdf", Data: pdf}, "")

	var fetchers outbox.Fetchers = outbox.Fetchers{bot.Telegram: newFetcher(t, fake)}
	for i, u := range pulled(t, fake) {
		m, ok := telegram.Convert(&u, time.Now())
		if !ok || len(m.Files) != 1 {
			t.Fatalf("update %d: %+v", i, m)
		}
		rc, err := fetchers.Fetch(context.Background(), m.Files[0])
		if err != nil {
			t.Fatalf("update %d: Fetch = %v", i, err)
		}
		got, err := readAll(t, rc)
		want := [][]byte{jpeg, pdf}[i]
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("update %d: read %d bytes (%v), want %d", i, len(got), err, len(want))
		}
		if i == 0 && m.Text != "/ticket Không đăng nhập được" {
			t.Errorf("caption %q lost", m.Text)
		}
		if i == 1 && (m.Files[0].Name != "Tờ khai.pdf" || m.Files[0].Mime != "application/pdf") {
			t.Errorf("file %+v", m.Files[0])
		}
	}
	if n := len(fake.Calls("download")); n != 2 {
		t.Errorf("%d downloads, want 2", n)
	}
}

func TestFetcherRefusals(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	fe := newFetcher(t, fake)
	ctx := context.Background()
	noToken := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), fake.Token()) || strings.Contains(err.Error(), "TEST-fake-token") {
			t.Errorf("error %q shows the token", err)
		}
	}

	t.Run("over 20 MB by getFile, nothing downloaded", func(t *testing.T) {
		id := fake.AddFile(faketg.FileData{Name: "scan.zip", Data: []byte("x"), Size: telegram.MaxFileSize + 1})
		_, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: id, Name: "scan.zip"})
		noToken(t, err)
		if len(fake.Calls("download")) != 0 {
			t.Error("downloaded a file over the limit")
		}
	})
	t.Run("over 20 MB by the file's stated size, no request", func(t *testing.T) {
		before := len(fake.Calls())
		_, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: "x", Size: 25 << 20})
		if !errors.Is(err, telegram.ErrFileTooBig) || len(fake.Calls()) != before {
			t.Errorf("Fetch = %v after %d requests", err, len(fake.Calls())-before)
		}
	})
	t.Run("a download larger than stated is cut off with an error", func(t *testing.T) {
		id := fake.AddFile(faketg.FileData{Name: "lie.bin", Data: make([]byte, telegram.MaxFileSize+1), Size: 10, Chunked: true})
		rc, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: id})
		if err != nil {
			t.Fatalf("Fetch = %v", err)
		}
		if _, err := readAll(t, rc); !errors.Is(err, telegram.ErrFileTooBig) {
			t.Errorf("read = %v, want ErrFileTooBig", err)
		}
	})
	t.Run("a stated Content-Length over 20 MB is refused before reading", func(t *testing.T) {
		id := fake.AddFile(faketg.FileData{Name: "lie2.bin", Data: make([]byte, telegram.MaxFileSize+1), Size: 10})
		if _, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: id}); !errors.Is(err, telegram.ErrFileTooBig) {
			t.Errorf("Fetch = %v, want ErrFileTooBig", err)
		}
	})
	t.Run("exactly 20 MB is fine", func(t *testing.T) {
		id := fake.AddFile(faketg.FileData{Name: "max.bin", Data: make([]byte, telegram.MaxFileSize)})
		rc, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if b, err := readAll(t, rc); err != nil || len(b) != telegram.MaxFileSize {
			t.Errorf("read %d bytes, %v", len(b), err)
		}
	})
	t.Run("unknown file_id", func(t *testing.T) {
		_, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: "nope"})
		noToken(t, err)
		var ae *telegram.APIError
		if !errors.As(err, &ae) || ae.Code != 400 {
			t.Errorf("Fetch = %v, want the 400 of getFile", err)
		}
	})
	t.Run("dropped download: network error without the token", func(t *testing.T) {
		id := fake.AddFile(faketg.FileData{Name: "a.pdf", Data: []byte("a")})
		// Twice: net/http sends a GET again once when a reused connection
		// closes before answering.
		fake.DropNext("download")
		fake.DropNext("download")
		defer fake.ClearFailures()
		_, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: id})
		noToken(t, err)
		if !errors.Is(err, telegram.ErrNetwork) {
			t.Errorf("Fetch = %v, want ErrNetwork", err)
		}
	})
	t.Run("download 502", func(t *testing.T) {
		id := fake.AddFile(faketg.FileData{Name: "a.pdf", Data: []byte("a")})
		fake.FailNext("download", 502, 0)
		_, err := fe.Fetch(ctx, bot.File{From: bot.Telegram, ID: id})
		noToken(t, err)
		if !errors.Is(err, telegram.ErrServer) {
			t.Errorf("Fetch = %v, want ErrServer", err)
		}
	})
	t.Run("not a Telegram file", func(t *testing.T) {
		if _, err := fe.Fetch(ctx, bot.File{From: bot.Slack, ID: "F1"}); err == nil {
			t.Error("fetched a Slack file")
		}
	})
	if _, err := telegram.NewFetcher("", "", telegram.FetcherOptions{}); err == nil {
		t.Error("NewFetcher accepted an empty token")
	}
}
