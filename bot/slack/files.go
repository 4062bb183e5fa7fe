package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot/outbox"
)

// upload forwards one file of r into r's channel and thread (files v2:
// getUploadURLExternal, the upload, completeUploadExternal).
func (s *Sender) upload(ctx context.Context, r outbox.Reply, f outbox.File) error {
	data, err := s.read(ctx, f)
	if err != nil {
		return err
	}
	name := firstNonEmpty(f.Name, filepath.Base(f.Path), f.ID, "file")
	_, err = s.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(data), FileSize: len(data), Filename: name, Title: name,
		Channel: r.ChatID, ThreadTimestamp: r.Thread,
	})
	_, err = classify(ctx, "files.upload", err)
	return err
}

// read reads a file of a reply, at most MaxFileSize bytes: from the bot's
// data directory (Path) or through the Fetcher of its channel.
func (s *Sender) read(ctx context.Context, f outbox.File) ([]byte, error) {
	if f.Size > MaxFileSize {
		return nil, ErrFileTooBig
	}
	var rc io.ReadCloser
	var err error
	if f.Path != "" {
		rc, err = os.Open(f.Path)
	} else {
		rc, err = s.opts.Fetchers.Fetch(ctx, f)
	}
	if err != nil {
		return nil, fmt.Errorf("slack: read file %q: %w", f.Name, err)
	}
	defer rc.Close()
	return readCapped(rc, MaxFileSize)
}

// readCapped reads r to its end, failing with ErrFileTooBig past max bytes.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("slack: read file: %w", err)
	}
	if int64(len(data)) > max {
		return nil, ErrFileTooBig
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("slack: read file: empty")
	}
	return data, nil
}

// note tells the channel, in r's thread, that a file could not be
// forwarded. Its own failure is only logged: the text went out already.
func (s *Sender) note(ctx context.Context, r outbox.Reply, f outbox.File, cause error) {
	name := firstNonEmpty(f.Name, filepath.Base(f.Path), f.ID)
	format := s.txt.FileFailed
	if errors.Is(cause, ErrFileTooBig) {
		format = s.txt.FileTooBig
	}
	text := EscapeText(fmt.Sprintf(format, name))
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(slack.NewSectionBlock(mrkdwn(text), nil, nil))}
	if r.Thread != "" {
		opts = append(opts, slack.MsgOptionTS(r.Thread))
	}
	if _, _, err := s.api.PostMessageContext(ctx, r.ChatID, opts...); err != nil {
		s.log.Warn("slack: posting a file note failed", "chat", r.ChatID, "err", err)
	}
}
