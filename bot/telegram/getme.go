package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// GetMe asks Telegram for the bot's own account and returns its username
// (without '@'), which the Router needs to tell "/help@our_bot" from
// "/help@other_bot" in groups. apiURL "" means DefaultAPIURL; client nil
// means one with DefaultSendTimeout. Bound the call with ctx at start-up:
// an unreachable Telegram blocks until ctx ends. A refusal is an *APIError
// (401 for a wrong token), a transport failure wraps ErrNetwork; the token
// never appears in the error.
func GetMe(ctx context.Context, token, apiURL string, client *http.Client) (username string, err error) {
	if client == nil {
		client = &http.Client{Timeout: DefaultSendTimeout}
	}
	api, err := newAPIClient(token, apiURL, client)
	if err != nil {
		return "", fmt.Errorf("telegram: GetMe: %w", err)
	}
	var me struct {
		Username string `json:"username"`
	}
	if err := api.call(ctx, "getMe", map[string]any{}, &me); err != nil {
		return "", err
	}
	if me.Username == "" {
		return "", errors.New("telegram: getMe: the bot has no username")
	}
	return me.Username, nil
}
