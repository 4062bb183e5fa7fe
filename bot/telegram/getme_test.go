package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func TestGetMe(t *testing.T) {
	ctx := context.Background()
	t.Run("default username", func(t *testing.T) {
		s := newFake(t, faketg.Options{})
		got, err := telegram.GetMe(ctx, s.Token(), s.URL(), nil)
		if err != nil || got != faketg.BotUser.Username {
			t.Errorf("GetMe = %q, %v; want %q", got, err, faketg.BotUser.Username)
		}
	})
	t.Run("configured username", func(t *testing.T) {
		s := newFake(t, faketg.Options{BotUsername: "OurBot"})
		got, err := telegram.GetMe(ctx, s.Token(), s.URL()+"/", nil)
		if err != nil || got != "OurBot" {
			t.Errorf("GetMe = %q, %v; want OurBot", got, err)
		}
		if calls := s.Calls(); len(calls) != 1 || calls[0].Method != "getMe" {
			t.Errorf("calls %+v, want one getMe", calls)
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		s := newFake(t, faketg.Options{})
		const token = "777:wrong-secret-token"
		_, err := telegram.GetMe(ctx, token, s.URL(), nil)
		var ae *telegram.APIError
		if !errors.As(err, &ae) || ae.Code != http.StatusUnauthorized {
			t.Errorf("err %v, want a 401 *APIError", err)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("token in error: %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		s := newFake(t, faketg.Options{})
		s.DropNext("getMe")
		_, err := telegram.GetMe(ctx, s.Token(), s.URL(), nil)
		if !errors.Is(err, telegram.ErrNetwork) {
			t.Errorf("err %v, want ErrNetwork", err)
		}
		if err != nil && strings.Contains(err.Error(), s.Token()) {
			t.Errorf("token in error: %v", err)
		}
	})
	t.Run("stalled until ctx ends", func(t *testing.T) {
		s := newFake(t, faketg.Options{})
		s.StallNext("getMe")
		sctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := telegram.GetMe(sctx, s.Token(), s.URL(), nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("empty token", func(t *testing.T) {
		if _, err := telegram.GetMe(ctx, " ", "http://127.0.0.1:1", nil); err == nil {
			t.Error("empty token accepted")
		}
	})
}
