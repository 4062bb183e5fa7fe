package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot/outbox"
)

// SenderOptions configure a Sender; the zero value works.
type SenderOptions struct {
	// APIURL is the Web API base URL; default DefaultAPIURL.
	APIURL string
	// HTTPClient sends the requests; default a client with DefaultTimeout.
	HTTPClient *http.Client
	// Fetchers read the files of replies that come from other channels
	// (a photo an officer sent on Telegram); nil: such files get a note.
	Fetchers outbox.Fetchers
	// Lang of the notes this package adds ("vi", the default, or "en").
	Lang string
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Sender delivers the outbox's replies to Slack. It implements
// outbox.Sender and is safe for concurrent use.
type Sender struct {
	api  *slack.Client
	opts SenderOptions
	txt  *texts
	log  *slog.Logger
}

var _ outbox.Sender = (*Sender)(nil)

// NewSender returns a Sender for the bot token (xoxb-…). An empty token is
// an error; it makes no request.
func NewSender(botToken string, opts SenderOptions) (*Sender, error) {
	api, err := newClient(botToken, "", opts.APIURL, opts.HTTPClient)
	if err != nil {
		return nil, fmt.Errorf("slack: NewSender: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Sender{api: api, opts: opts, txt: textsFor(opts.Lang), log: opts.Logger.With("channel", "slack")}, nil
}

// Limits are Slack's limits for the outbox: about one message a second
// per channel (chat.postMessage), 50 chat.update a minute (tier 3). Slack
// takes long texts in one message (several sections), so there is no
// Split.
func (s *Sender) Limits() outbox.Limits {
	return outbox.Limits{PerChat: time.Second, UpdatesPerMinute: 50, Margin: 20 * time.Millisecond}
}

// ErrorKind names the kind of an error Send returned, for metrics; see the
// package function ErrorKind.
func (s *Sender) ErrorKind(err error) string { return ErrorKind(err) }

// Send delivers r by its Kind and returns the ts of the message sent
// (KindMessage, KindUpdate, KindEphemeral), or "".
//
//	KindMessage    chat.postMessage to ChatID (thread Thread), then each file uploaded there
//	KindUpdate     chat.update of EditID in ChatID
//	KindEphemeral  chat.postEphemeral to UserID in ChatID (thread Thread); without
//	               a conversation (ChatID empty or UserID) a direct message instead
//	KindAnswer     Text non-empty: an ephemeral to UserID in ChatID; empty: nothing
//	KindView       views.publish for UserID (View.Home) or views.open with TriggerID
//
// Failures: 429 → retry with a *RateLimitError (RetryAfter); 5xx, network
// errors and Slack's internal errors → retry (ErrServer, ErrNetwork);
// channel_not_found, not_in_channel, is_archived → permanent
// (ErrChannelNotFound); an expired trigger → permanent (ErrExpiredTrigger);
// a refused token → permanent (ErrUnauthorized); any other Slack error →
// permanent (ErrBadRequest); a kind it does not know → permanent
// (outbox.ErrUnsupported). A file that cannot be read or uploaded does not
// fail the send: the text was delivered, and a short note replaces the
// file.
func (s *Sender) Send(ctx context.Context, r outbox.Reply) (sentID string, retry bool, err error) {
	switch r.Kind {
	case outbox.KindMessage:
		return s.post(ctx, r)
	case outbox.KindUpdate:
		if r.EditID == "" {
			return "", false, fmt.Errorf("%w: chat.update without the ts of the message (EditID)", ErrBadRequest)
		}
		_, ts, _, err := s.api.UpdateMessageContext(ctx, r.ChatID, r.EditID,
			slack.MsgOptionText(fallback(r), false), slack.MsgOptionBlocks(blocks(r, s.txt)...))
		retry, err := classify(ctx, "chat.update", err)
		return firstNonEmpty(ts, r.EditID), retry, err
	case outbox.KindEphemeral:
		return s.ephemeral(ctx, r)
	case outbox.KindAnswer:
		if r.Text == "" || r.UserID == "" || r.ChatID == "" {
			return "", false, nil
		}
		return s.ephemeral(ctx, r)
	case outbox.KindView:
		return s.view(ctx, r)
	}
	return "", false, fmt.Errorf("slack: reply kind %q: %w", r.Kind, outbox.ErrUnsupported)
}

func (s *Sender) post(ctx context.Context, r outbox.Reply) (string, bool, error) {
	bs := blocks(r, s.txt)
	ts := ""
	if len(bs) > 0 {
		opts := []slack.MsgOption{slack.MsgOptionText(fallback(r), false), slack.MsgOptionBlocks(bs...)}
		if r.Thread != "" {
			opts = append(opts, slack.MsgOptionTS(r.Thread))
		}
		var err error
		_, ts, err = s.api.PostMessageContext(ctx, r.ChatID, opts...)
		if retry, err := classify(ctx, "chat.postMessage", err); err != nil {
			return "", retry, fmt.Errorf("%w (channel %s)", err, r.ChatID)
		}
	} else if len(r.Files) == 0 {
		return "", false, fmt.Errorf("%w: an empty message", ErrBadRequest)
	}
	for _, f := range r.Files {
		if err := s.upload(ctx, r, f); err != nil {
			s.log.Warn("slack: forwarding a file failed; posting a note", "file", f.Name, "chat", r.ChatID, "err", err)
			s.note(ctx, r, f, err)
		}
	}
	return ts, false, nil
}

func (s *Sender) ephemeral(ctx context.Context, r outbox.Reply) (string, bool, error) {
	if r.UserID == "" {
		return "", false, fmt.Errorf("%w: an ephemeral message without a user", ErrBadRequest)
	}
	if r.ChatID == "" || r.ChatID == r.UserID {
		// No conversation (a submitted modal's "chat" is its user):
		// a direct message is just as private.
		r.ChatID, r.Kind = r.UserID, outbox.KindMessage
		return s.post(ctx, r)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(fallback(r), false), slack.MsgOptionBlocks(blocks(r, s.txt)...)}
	if r.Thread != "" {
		opts = append(opts, slack.MsgOptionTS(r.Thread))
	}
	ts, err := s.api.PostEphemeralContext(ctx, r.ChatID, r.UserID, opts...)
	retry, err := classify(ctx, "chat.postEphemeral", err)
	return ts, retry, err
}

func (s *Sender) view(ctx context.Context, r outbox.Reply) (string, bool, error) {
	if r.View == nil {
		return "", false, fmt.Errorf("%w: a view reply without a view", ErrBadRequest)
	}
	if r.View.Home {
		if r.UserID == "" {
			return "", false, fmt.Errorf("%w: views.publish without a user", ErrBadRequest)
		}
		res, err := s.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: r.UserID, View: home(r.View)})
		retry, err := classify(ctx, "views.publish", err)
		if err != nil {
			return "", retry, err
		}
		return res.ID, false, nil
	}
	if r.TriggerID == "" {
		return "", false, fmt.Errorf("%w: views.open without a trigger", ErrExpiredTrigger)
	}
	res, err := s.api.OpenViewContext(ctx, r.TriggerID, modal(r.View, s.txt))
	retry, err := classify(ctx, "views.open", err)
	if err != nil {
		if errors.Is(err, ErrRateLimited) || errors.Is(err, ErrServer) || errors.Is(err, ErrNetwork) {
			// A trigger lives about 3 s: by the time a retry comes, it
			// is gone. Retrying would only fail later.
			retry = false
		}
		return "", retry, err
	}
	return res.ID, false, nil
}
