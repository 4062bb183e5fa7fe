package telegram_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func postUpdate(h http.Handler, secret *string, body string) int {
	req := httptest.NewRequest(http.MethodPost, telegram.WebhookPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != nil {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", *secret)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func ptr(s string) *string { return &s }

func TestWebhookSecret(t *testing.T) {
	cases := []struct {
		name       string
		secret     *string
		wantCode   int
		wantStored int
	}{
		{"good secret", ptr("s3cret-ABC"), 200, 1},
		{"wrong secret", ptr("s3cret-ABD"), 401, 0},
		{"prefix of the secret", ptr("s3cret"), 401, 0},
		{"missing secret", nil, 401, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInbox(t, openDB(t, t.TempDir()))
			h := telegram.NewWebhookHandler("s3cret-ABC", in)
			if code := postUpdate(h, tc.secret, textUpdate); code != tc.wantCode {
				t.Errorf("status %d, want %d", code, tc.wantCode)
			}
			if got := pending(t, in); got != tc.wantStored {
				t.Errorf("inbox holds %d, want %d", got, tc.wantStored)
			}
		})
	}
}

func TestWebhookEmptySecretRefusesAll(t *testing.T) {
	in := newInbox(t, openDB(t, t.TempDir()))
	h := telegram.NewWebhookHandler("", in)
	if code := postUpdate(h, ptr(""), textUpdate); code != http.StatusUnauthorized {
		t.Errorf("status %d with no secret configured, want 401", code)
	}
}

func TestWebhookStoresThenAnswers(t *testing.T) {
	db := openDB(t, t.TempDir())
	in := newInbox(t, db)
	h := telegram.NewWebhookHandler("k", in)
	if code := postUpdate(h, ptr("k"), textUpdate); code != 200 {
		t.Fatalf("status %d", code)
	}
	if code := postUpdate(h, ptr("k"), textUpdate); code != 200 {
		t.Fatalf("redelivery status %d, want 200", code)
	}
	if got := pending(t, in); got != 1 {
		t.Errorf("inbox holds %d after a redelivery, want 1", got)
	}
	if code := postUpdate(h, ptr("k"), joinUpdate); code != 200 {
		t.Errorf("ignored update answered %d, want 200 (else Telegram retries it forever)", code)
	}
	if code := postUpdate(h, ptr("k"), `{"update_id":`); code != 400 {
		t.Errorf("undecodable body answered %d, want 400", code)
	}
	if code := postUpdate(h, ptr("k"), `{"update_id":9,"message":{"text":"`+strings.Repeat("x", 2<<20)+`"}}`); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body answered %d, want 413", code)
	}
	req := httptest.NewRequest(http.MethodGet, telegram.WebhookPath, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET answered %d, want 405", rec.Code)
	}

	if err := db.Close(); err != nil { // storage fails from now on
		t.Fatal(err)
	}
	if code := postUpdate(h, ptr("k"), callbackUpdate); code != http.StatusInternalServerError {
		t.Errorf("status %d when storage fails, want 500 so that Telegram retries", code)
	}
}

func TestSetWebhook(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	if err := telegram.SetWebhook(context.Background(), fake.Token(), fake.URL(), "https://bot.example.gov.vn"+telegram.WebhookPath, "k"); err != nil {
		t.Fatal(err)
	}
	url, secret := fake.Webhook()
	if url != "https://bot.example.gov.vn/telegram/webhook" || secret != "k" {
		t.Errorf("webhook %q %q", url, secret)
	}
	if err := telegram.SetWebhook(context.Background(), fake.Token(), fake.URL(), "https://x", ""); err == nil {
		t.Error("SetWebhook accepted an empty secret")
	}
}
