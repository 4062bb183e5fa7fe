package telegram

import (
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// Convert translates a Telegram update into the bot's channel-neutral
// Message. ok is false for updates the bot does not handle (edits, service
// messages such as "X joined the group", messages from other bots, update
// kinds other than message and callback_query); the poller still advances
// its offset past them.
//
// SourceID is the update_id (the inbox's dedupe key); chat and user ids
// are decimal strings. A text or a media caption becomes Text; a message
// with media and no caption (photo, voice, sticker, ...) becomes a Message
// with empty Text, so that the bot can say it reads only text. For a button
// press, CallbackData and CallbackID are set and ReplyToID is the id of the
// bot's message that carried the button.
func Convert(u *models.Update, received time.Time) (bot.Message, bool) {
	m := bot.Message{
		Channel:  bot.Telegram,
		SourceID: strconv.FormatInt(u.ID, 10),
		Received: received,
	}
	switch {
	case u.Message != nil:
		msg := u.Message
		if msg.From == nil || msg.From.IsBot || !hasContent(msg) {
			return bot.Message{}, false
		}
		setUser(&m, msg.From)
		setChat(&m, msg.Chat)
		m.MessageID = strconv.Itoa(msg.ID)
		m.Text = msg.Text
		if m.Text == "" {
			m.Text = msg.Caption
		}
		if msg.ReplyToMessage != nil {
			m.ReplyToID = strconv.Itoa(msg.ReplyToMessage.ID)
		}
		return m, true
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.From.IsBot || cq.ID == "" {
			return bot.Message{}, false
		}
		setUser(&m, &cq.From)
		m.CallbackID = cq.ID
		m.CallbackData = cq.Data
		switch {
		case cq.Message.Message != nil:
			setChat(&m, cq.Message.Message.Chat)
			m.ReplyToID = strconv.Itoa(cq.Message.Message.ID)
		case cq.Message.InaccessibleMessage != nil:
			setChat(&m, cq.Message.InaccessibleMessage.Chat)
			m.ReplyToID = strconv.Itoa(cq.Message.InaccessibleMessage.MessageID)
		default:
			// A button on an inline message: no chat to answer in but the
			// user's private chat.
			m.ChatID, m.ChatType = m.UserID, string(models.ChatTypePrivate)
		}
		return m, true
	}
	return bot.Message{}, false
}

func setUser(m *bot.Message, u *models.User) {
	m.UserID = strconv.FormatInt(u.ID, 10)
	m.UserName = strings.TrimSpace(u.FirstName + " " + u.LastName)
	if m.UserName == "" {
		m.UserName = u.Username
	}
	m.LangCode = u.LanguageCode
}

func setChat(m *bot.Message, c models.Chat) {
	m.ChatID = strconv.FormatInt(c.ID, 10)
	m.ChatType = string(c.Type)
}

// hasContent reports whether a message is something a person said or
// sent, as opposed to a service message (members joining, a pinned
// message, a title change), which the bot must not answer.
func hasContent(m *models.Message) bool {
	return m.Text != "" || m.Caption != "" || len(m.Photo) > 0 || m.Document != nil ||
		m.Voice != nil || m.Audio != nil || m.Video != nil || m.VideoNote != nil ||
		m.Sticker != nil || m.Animation != nil || m.Contact != nil || m.Location != nil ||
		m.Venue != nil || m.Poll != nil || m.Dice != nil
}
