package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
)

// DefaultFetchTimeout bounds one download of the Fetcher (getFile and
// the file itself).
const DefaultFetchTimeout = 2 * time.Minute

// FetcherOptions configure a Fetcher; the zero value works.
type FetcherOptions struct {
	// HTTPClient makes the requests; default a client with Timeout.
	HTTPClient *http.Client
	// Timeout of the default client; default DefaultFetchTimeout.
	Timeout time.Duration
}

// Fetcher reads files officers sent on Telegram (bot.File with From
// bot.Telegram and the file_id in ID), so that another channel can
// forward them: getFile, then a download from the file path Telegram
// gives. It implements outbox.Fetcher and is safe for concurrent use.
//
// The Bot API lets a bot download files of at most MaxFileSize: a larger
// one fails with ErrFileTooBig, before any download when Telegram states
// the size and while reading otherwise. Errors never show the token,
// which is part of the download URL.
type Fetcher struct {
	api *apiClient
}

var _ outbox.Fetcher = (*Fetcher)(nil)

// NewFetcher returns a Fetcher for the bot token on apiURL ("" means
// DefaultAPIURL). It makes no request.
func NewFetcher(token, apiURL string, opts FetcherOptions) (*Fetcher, error) {
	hc := opts.HTTPClient
	if hc == nil {
		if opts.Timeout <= 0 {
			opts.Timeout = DefaultFetchTimeout
		}
		hc = &http.Client{Timeout: opts.Timeout}
	}
	api, err := newAPIClient(token, apiURL, hc)
	if err != nil {
		return nil, fmt.Errorf("telegram: NewFetcher: %w", err)
	}
	return &Fetcher{api: api}, nil
}

// Fetch returns the content of f; the caller closes it. A read past
// MaxFileSize fails with ErrFileTooBig. Other failures: an *APIError from
// getFile (400 for an unknown file_id), ErrNetwork, or an error naming the
// HTTP status of the download.
func (fe *Fetcher) Fetch(ctx context.Context, f bot.File) (io.ReadCloser, error) {
	if f.From != bot.Telegram || f.ID == "" {
		return nil, fmt.Errorf("telegram: fetch %q: not a Telegram file (from %q)", f.Name, f.From)
	}
	if f.Size > MaxFileSize {
		return nil, fmt.Errorf("telegram: fetch %q: %w: %d bytes, the Bot API serves at most %d", f.Name, ErrFileTooBig, f.Size, MaxFileSize)
	}
	var info struct {
		FileSize int64  `json:"file_size"`
		FilePath string `json:"file_path"`
	}
	if err := fe.api.call(ctx, "getFile", map[string]any{"file_id": f.ID}, &info); err != nil {
		return nil, fmt.Errorf("telegram: fetch %q: %w", f.Name, err)
	}
	if info.FileSize > MaxFileSize {
		return nil, fmt.Errorf("telegram: fetch %q: %w: %d bytes", f.Name, ErrFileTooBig, info.FileSize)
	}
	if info.FilePath == "" {
		return nil, fmt.Errorf("telegram: fetch %q: getFile gave no file_path", f.Name)
	}
	u := fe.api.base + "/file/bot" + fe.api.token + "/" + escapePath(info.FilePath)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fe.api.red.err(fmt.Errorf("telegram: fetch %q: %w", f.Name, err))
	}
	resp, err := fe.api.hc.Do(req)
	if err != nil {
		// *url.Error quotes the URL, token included.
		return nil, fe.api.red.err(fmt.Errorf("telegram: fetch %q: %w: %w", f.Name, ErrNetwork, err))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err := fmt.Errorf("telegram: fetch %q: download: HTTP %d", f.Name, resp.StatusCode)
		if resp.StatusCode >= 500 {
			err = fmt.Errorf("%w: %w", err, ErrServer)
		}
		return nil, err
	}
	if resp.ContentLength > MaxFileSize {
		resp.Body.Close()
		return nil, fmt.Errorf("telegram: fetch %q: %w: %d bytes", f.Name, ErrFileTooBig, resp.ContentLength)
	}
	return &cappedBody{rc: resp.Body, left: MaxFileSize, name: f.Name, red: fe.api.red}, nil
}

// escapePath escapes each segment of a file_path ("documents/file_3.pdf")
// for the URL, keeping its slashes.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// cappedBody fails a read past the cap instead of silently truncating, so
// that a forwarded file is never cut short; it redacts the token from
// read errors.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	name string
	red  redactor
}

func (b *cappedBody) Read(p []byte) (int, error) {
	// Reading one byte past the cap tells a file of exactly the cap from
	// a larger one.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		return 0, fmt.Errorf("telegram: fetch %q: %w: over %d bytes", b.name, ErrFileTooBig, MaxFileSize)
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = b.red.err(fmt.Errorf("telegram: fetch %q: %w: %w", b.name, ErrNetwork, err))
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }
