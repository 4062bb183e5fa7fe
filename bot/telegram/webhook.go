package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// WebhookPath is where the HTTP server mounts NewWebhookHandler.
const WebhookPath = "/telegram/webhook"

// maxWebhookBody bounds one update; Telegram's are a few kilobytes.
const maxWebhookBody = 1 << 20

// secretHeader carries the secret_token given to setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// NewWebhookHandler returns the handler for Telegram's webhook calls. It
// checks the X-Telegram-Bot-Api-Secret-Token header against secret in
// constant time (401 on mismatch; an empty secret refuses every call, so a
// missing setting never opens the endpoint), decodes the update (400 if it
// cannot), stores it in the inbox and only then answers 200. When storing
// fails it answers 500, and Telegram delivers the update again.
func NewWebhookHandler(secret string, in *bot.Inbox) http.Handler {
	return &webhook{secret: []byte(secret), in: in, now: time.Now, log: slog.Default()}
}

type webhook struct {
	secret []byte
	in     *bot.Inbox
	now    func() time.Time
	log    *slog.Logger
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := []byte(r.Header.Get(secretHeader))
	if len(h.secret) == 0 || subtle.ConstantTimeCompare(got, h.secret) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || u.ID == 0 {
		http.Error(w, "not a Telegram update", http.StatusBadRequest)
		return
	}
	if m, ok := Convert(&u, h.now()); ok {
		markDamaged(&m, body)
		if _, err := h.in.Add([]bot.Message{m}, nil); err != nil {
			h.log.Error("telegram webhook: storing update failed; Telegram will retry", "update_id", u.ID, "err", err)
			http.Error(w, "storage failed", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// SetWebhook points Telegram at url (https, ending in WebhookPath) with the
// secret the handler checks. Pending updates are kept. Until
// deleteWebhook (which Poller.Run calls), getUpdates answers 409.
func SetWebhook(ctx context.Context, token, apiURL, url, secret string) error {
	api, err := newAPIClient(token, apiURL, &http.Client{Timeout: DefaultSendTimeout})
	if err != nil {
		return fmt.Errorf("telegram: SetWebhook: %w", err)
	}
	if secret == "" {
		return errors.New("telegram: SetWebhook: empty secret")
	}
	return api.call(ctx, "setWebhook", map[string]any{
		"url":                  url,
		"secret_token":         secret,
		"allowed_updates":      []string{"message", "edited_message", "callback_query"},
		"drop_pending_updates": false,
	}, nil)
}
