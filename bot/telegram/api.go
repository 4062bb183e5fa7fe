package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultAPIURL is Telegram's Bot API endpoint.
const DefaultAPIURL = "https://api.telegram.org"

// apiClient makes the raw JSON requests this package sends itself
// (getUpdates, deleteWebhook, setWebhook): go-telegram exports no
// getUpdates, and its poller is not durable.
type apiClient struct {
	base  string // without trailing slash
	token string
	hc    *http.Client
	red   redactor
}

func newAPIClient(token, apiURL string, hc *http.Client) (*apiClient, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("telegram: empty bot token")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if !strings.HasPrefix(apiURL, "http://") && !strings.HasPrefix(apiURL, "https://") {
		return nil, fmt.Errorf("telegram: API URL %q: want http:// or https://", apiURL)
	}
	return &apiClient{base: strings.TrimRight(apiURL, "/"), token: token, hc: hc, red: redactor(token)}, nil
}

type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts params as JSON to method and decodes the result into dest.
// A refusal by Telegram is an *APIError; a transport failure wraps
// ErrNetwork; both have the token removed.
func (c *apiClient) call(ctx context.Context, method string, params, dest any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("telegram: %s: encode: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return c.red.err(fmt.Errorf("telegram: %s: %w", method, err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.red.err(fmt.Errorf("telegram: %s: %w: %w", method, ErrNetwork, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return c.red.err(fmt.Errorf("telegram: %s: read answer: %w: %w", method, ErrNetwork, err))
	}
	var ar apiResponse
	if err := json.Unmarshal(raw, &ar); err != nil || (!ar.OK && ar.ErrorCode == 0) {
		// Telegram's front end answers 5xx with HTML.
		return &APIError{Method: method, Code: resp.StatusCode, Description: http.StatusText(resp.StatusCode)}
	}
	if !ar.OK {
		return &APIError{Method: method, Code: ar.ErrorCode, Description: c.red.str(ar.Description),
			RetryAfter: time.Duration(ar.Parameters.RetryAfter) * time.Second}
	}
	if dest != nil {
		if err := json.Unmarshal(ar.Result, dest); err != nil {
			return fmt.Errorf("telegram: %s: decode result: %w", method, err)
		}
	}
	return nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
