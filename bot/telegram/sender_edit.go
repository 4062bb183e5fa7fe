package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// edit sends a KindUpdate: editMessageText of r.EditID in r.ChatID with
// r.Text and r.Fields rendered as for a message, and r.Buttons as its
// inline keyboard (none removes the old one: the update replaces the whole
// message). Files, reply keyboards and ReplyToID do not apply to an edit,
// and a text longer than one message is cut to fit, marked with "…".
//
// Telegram's "message is not modified" (the same text and buttons) is a
// success: the message already shows what was asked, and an outbox replay
// often asks twice. A message that is gone or too old to edit is a
// permanent ErrNotEditable. sentID is r.EditID.
func (s *Sender) edit(ctx context.Context, r bot.Reply) (sentID string, retry bool, err error) {
	chat, err := chatID(r.ChatID)
	if err != nil {
		return "", false, err
	}
	msgID, err := strconv.Atoi(r.EditID)
	if err != nil || msgID <= 0 {
		return "", false, fmt.Errorf("telegram: edit in chat %s: message id %q: %w", r.ChatID, r.EditID, ErrNotEditable)
	}
	var markup models.ReplyMarkup
	if len(r.Buttons) > 0 {
		markup = replyMarkup(bot.Reply{Buttons: r.Buttons}) // an edit takes only an inline keyboard
	}
	text := renderText(r)
	if parts := SplitHTML(text, MaxLen-2); len(parts) > 1 {
		// One message can only become one message: keep what fits.
		text = parts[0] + "\n…"
	}
	disabled := true
	return s.deliver(ctx, r.ChatID, text, func(ctx context.Context, text string, mode models.ParseMode) (string, int, error) {
		rec := &statusRecord{}
		_, err := s.b.EditMessageText(context.WithValue(ctx, statusKey{}, rec), &tgbot.EditMessageTextParams{
			ChatID:             chat,
			MessageID:          msgID,
			Text:               text,
			ParseMode:          mode,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: &disabled},
			ReplyMarkup:        markup,
		})
		if err != nil && errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "message is not modified") {
			return r.EditID, rec.code, nil
		}
		if err != nil {
			return "", rec.code, err
		}
		return r.EditID, rec.code, nil
	})
}

// notEditable reports whether a 400 says the message to edit cannot be:
// gone, never the bot's, or past the time Telegram allows edits.
func notEditable(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"message to edit not found", "message can't be edited", "message_id_invalid"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
