package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// MaxUploadSize is the largest file the Bot API accepts in a sendDocument
// upload (50 MB).
const MaxUploadSize = 50 << 20

// maxUploadWait is the longest a 429 on an upload is waited out inside
// Send; a longer wait gives up on that file (the text has gone already).
const maxUploadWait = 30 * time.Second

// upload is one file of a Reply ready to send. Its bytes are held in
// memory because a retry needs them again (go-telegram consumes the
// reader) and MaxUploadSize keeps that bounded.
type upload struct {
	name   string
	fileID string // a file Telegram already holds: sent by file_id, never read
	data   []byte
}

func (u upload) input() models.InputFile {
	if u.fileID != "" {
		return &models.InputFileString{Data: u.fileID}
	}
	return &models.InputFileUpload{Filename: u.name, Data: bytes.NewReader(u.data)}
}

// readFiles reads the files of a Reply: one with inline Data (a file the
// bot made, such as a calendar) as it is, a Telegram file by its id, a
// stored file from Path, any other through the Fetchers. failed names the
// files that could not be read (the operator's log has why).
func (s *Sender) readFiles(ctx context.Context, files []bot.File) (ups []upload, failed []string) {
	for _, f := range files {
		name := fileName(f)
		if len(f.Data) > 0 {
			if len(f.Data) > MaxUploadSize {
				s.log.Warn("telegram: cannot attach file", "file", name, "err", ErrFileTooBig)
				failed = append(failed, name)
				continue
			}
			ups = append(ups, upload{name: name, data: f.Data})
			continue
		}
		if f.From == bot.Telegram && f.ID != "" && f.Path == "" {
			ups = append(ups, upload{name: name, fileID: f.ID})
			continue
		}
		data, err := s.readFile(ctx, f)
		if err != nil {
			s.log.Warn("telegram: cannot attach file", "file", name, "err", s.red.str(err.Error()))
			failed = append(failed, name)
			continue
		}
		ups = append(ups, upload{name: name, data: data})
	}
	return ups, failed
}

func (s *Sender) readFile(ctx context.Context, f bot.File) ([]byte, error) {
	if f.Size > MaxUploadSize {
		return nil, fmt.Errorf("%w: %d bytes, Telegram takes at most %d", ErrFileTooBig, f.Size, MaxUploadSize)
	}
	var rc io.ReadCloser
	var err error
	switch {
	case f.Path != "":
		p := f.Path
		if !filepath.IsAbs(p) && s.fileDir != "" {
			p = filepath.Join(s.fileDir, p)
		}
		rc, err = os.Open(p)
	case s.fetchers != nil:
		rc, err = s.fetchers.Fetch(ctx, f)
	default:
		err = fmt.Errorf("no fetcher for files of %q", f.From)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxUploadSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxUploadSize {
		return nil, fmt.Errorf("%w: over %d bytes", ErrFileTooBig, MaxUploadSize)
	}
	return data, nil
}

// fileName is the name the reader sees: the sender's, else the stored
// file's, else a neutral one.
func fileName(f bot.File) string {
	switch {
	case f.Name != "":
		return f.Name
	case f.Path != "":
		return filepath.Base(f.Path)
	}
	return "tep-file"
}

// sendFiles sends each upload as a document to chat. When carry is set
// nothing was sent before them: the first document that goes carries the
// Reply's buttons and reply, its id is sentID, and a retryable failure
// before anything went is returned for the outbox to retry. Otherwise
// (the text went) files that fail are named in a note message and the
// result is always a success, so that the text is never sent twice.
func (s *Sender) sendFiles(ctx context.Context, chat any, r bot.Reply, ups []upload, carry bool) (sentID string, retry bool, err error) {
	var failed []string
	for _, u := range ups {
		p := &tgbot.SendDocumentParams{ChatID: chat, Document: u.input()}
		if carry && sentID == "" {
			mp := s.params(chat, r, "", "")
			p.ReplyMarkup, p.ReplyParameters = mp.ReplyMarkup, mp.ReplyParameters
		}
		id, retry, err := s.sendDocument(ctx, p, u, r.ChatID)
		if err != nil {
			if carry && sentID == "" && retry {
				return "", true, err
			}
			s.log.Warn("telegram: file not delivered", "chat", r.ChatID, "file", u.name, "err", err)
			failed = append(failed, u.name)
			continue
		}
		if sentID == "" {
			sentID = id
		}
	}
	if len(failed) == 0 {
		return sentID, false, nil
	}
	noteTo := bot.Reply{}
	if carry && sentID == "" {
		noteTo = r // nothing went: the note is the message, with the buttons
	}
	id, retry, err := s.deliver(ctx, r.ChatID, fileNote(failed), func(ctx context.Context, text string, mode models.ParseMode) (string, int, error) {
		return s.send(ctx, s.params(chat, noteTo, text, mode))
	})
	if sentID == "" {
		return id, retry, err
	}
	if err != nil {
		s.log.Warn("telegram: note about undelivered files not sent", "chat", r.ChatID, "err", err)
	}
	return sentID, false, nil
}

// sendDocument uploads one file, waiting out one retryable failure (a
// 429 of at most maxUploadWait, a 5xx, a network error) before it gives
// up: by then the text has usually gone, and the outbox must not send it
// again for the sake of a file.
func (s *Sender) sendDocument(ctx context.Context, p *tgbot.SendDocumentParams, u upload, chat string) (id string, retry bool, err error) {
	for attempt := 0; ; attempt++ {
		rec := &statusRecord{}
		m, err := s.up.SendDocument(context.WithValue(ctx, statusKey{}, rec), p)
		if err == nil {
			return strconv.Itoa(m.ID), false, nil
		}
		retry, err = s.classify(err, rec.code, chat)
		if !retry || attempt > 0 {
			return "", retry, err
		}
		wait := time.Second
		var rl *RateLimitError
		if errors.As(err, &rl) {
			if rl.Wait > maxUploadWait {
				return "", retry, err
			}
			wait = rl.Wait
		}
		if sleepCtx(ctx, wait) != nil {
			return "", true, err
		}
		p.Document = u.input() // the first attempt consumed the reader
	}
}
