package slack

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// DefaultAPIURL is Slack's Web API base URL. slack-go appends the method
// name to it, so it ends with a slash.
const DefaultAPIURL = slack.APIURL

// DefaultTimeout bounds one Web API request.
const DefaultTimeout = 30 * time.Second

// newClient returns a slack-go client for the bot token on apiURL ("" means
// DefaultAPIURL; a missing trailing slash is added). slack-go's built-in
// retries stay off: the outbox (sending) and Slack (events) retry.
func newClient(botToken, appToken, apiURL string, hc *http.Client) (*slack.Client, error) {
	if strings.TrimSpace(botToken) == "" {
		return nil, errors.New("empty bot token")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	opts := []slack.Option{slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(hc)}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	return slack.New(botToken, opts...), nil
}
