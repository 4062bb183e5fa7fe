package slack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Fetcher reads files staff attach on Slack (their url_private, with the
// bot token), so that another channel can forward them. It implements
// outbox.Fetcher and is safe for concurrent use.
type Fetcher struct {
	api *slack.Client
}

var _ outbox.Fetcher = (*Fetcher)(nil)

// NewFetcher returns a Fetcher for the bot token. apiURL ("" means
// DefaultAPIURL) matters because slack-go sends the token only to https
// Slack hosts and to the API URL's host; hc nil means a client with
// DefaultTimeout.
func NewFetcher(botToken, apiURL string, hc *http.Client) (*Fetcher, error) {
	api, err := newClient(botToken, "", apiURL, hc)
	if err != nil {
		return nil, fmt.Errorf("slack: NewFetcher: %w", err)
	}
	return &Fetcher{api: api}, nil
}

// Fetch reads f.URL (url_private). A file over MaxFileSize fails with
// ErrFileTooBig, whatever its announced Size; the caller closes the
// reader.
func (x *Fetcher) Fetch(ctx context.Context, f outbox.File) (io.ReadCloser, error) {
	if f.Size > MaxFileSize {
		return nil, fmt.Errorf("slack: fetch %s: %w", f.ID, ErrFileTooBig)
	}
	if f.URL == "" {
		return nil, fmt.Errorf("slack: fetch %s: no url_private", f.ID)
	}
	w := &cappedBuffer{max: MaxFileSize}
	if err := x.api.GetFileContext(ctx, f.URL, w); err != nil {
		if w.over {
			return nil, fmt.Errorf("slack: fetch %s: %w", f.ID, ErrFileTooBig)
		}
		return nil, fmt.Errorf("slack: fetch %s: %w", f.ID, err)
	}
	return io.NopCloser(bytes.NewReader(w.buf.Bytes())), nil
}

// cappedBuffer is a buffer that refuses to grow past max bytes.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > c.max {
		c.over = true
		return 0, ErrFileTooBig
	}
	return c.buf.Write(p)
}
