package telegram

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// CommandEdited is Message.Command on an edited message (the core's
// bot.CommandEdited): the core answers that it replied to the first
// version instead of taking the edit for a new question.
const CommandEdited = bot.CommandEdited

// Convert translates a Telegram update into the bot's channel-neutral
// Message. ok is false for updates the bot does not handle (service
// messages such as "X joined the group", messages from other bots, update
// kinds other than message, edited_message and callback_query); the poller
// still advances its offset past them.
//
// SourceID is the update_id (the inbox's dedupe key); chat and user ids
// are decimal strings; ChatType is bot.ChatPrivate for a private chat and
// bot.ChatGroup for a group, supergroup or channel. A text or a media
// caption becomes Text. A photo (its largest size) or a document becomes
// Files; a file over MaxFileSize, which the Bot API will not let the bot
// download, is left out with FileProblem "too_big", and any other media
// (voice, sticker, video, ...) gives FileProblem "unsupported"; the
// caption is kept in both cases so that the bot can answer it and say
// what it could not take (see attachments.go).
//
// An edited message becomes a Message with Command "edited" and the new
// text (and files), so that the core can tell the officer it answered the
// first version; without the marker an edit would be a second question.
//
// For a button press, CallbackData and CallbackID are set and ReplyToID is
// the id of the bot's message that carried the button.
func Convert(u *models.Update, received time.Time) (bot.Message, bool) {
	m := bot.Message{
		Channel:  bot.Telegram,
		SourceID: strconv.FormatInt(u.ID, 10),
		Received: received,
	}
	switch {
	case u.Message != nil:
		return convertMessage(m, u.Message)
	case u.EditedMessage != nil:
		m, ok := convertMessage(m, u.EditedMessage)
		if ok {
			m.Command = CommandEdited
		}
		return m, ok
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
			m.ChatID, m.ChatType = m.UserID, bot.ChatPrivate
		}
		return m, true
	}
	return bot.Message{}, false
}

// convertMessage fills m from a message or an edited message.
func convertMessage(m bot.Message, msg *models.Message) (bot.Message, bool) {
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
	m.Files, m.FileProblem = attachments(msg)
	return m, true
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
	m.ChatType = chatType(c.Type)
}

// chatType maps Telegram's chat types to the core's two: the core only
// cares whether others read along (to reply to the asker's message).
func chatType(t models.ChatType) string {
	if t == models.ChatTypePrivate {
		return bot.ChatPrivate
	}
	return bot.ChatGroup
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

// markDamaged sets m.BadText when m's text was damaged on the way: raw,
// the update's JSON as it came, holds invalid UTF-8 or an unpaired UTF-16
// surrogate escape ("\ud800"), which encoding/json silently turns into
// U+FFFD. Without the mark the officer would get an answer to a garbled
// question; with it the core asks them to type it again. A U+FFFD the
// officer really typed, in an update with nothing invalid, is left alone.
func markDamaged(m *bot.Message, raw []byte) {
	if !strings.ContainsRune(m.Text, utf8.RuneError) {
		return
	}
	if !utf8.Valid(raw) || hasLoneSurrogate(raw) {
		m.BadText = true
	}
}

// hasLoneSurrogate reports whether JSON text raw has a \uXXXX escape of a
// UTF-16 surrogate that is not part of a high-low pair.
func hasLoneSurrogate(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 < len(raw) && raw[i+1] != 'u' {
			i++ // another escape ("\\", "\n"): skip its second byte
			continue
		}
		r, ok := hexEscape(raw, i)
		if !ok {
			continue
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a low surrogate first
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := hexEscape(raw, i+6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

// hexEscape decodes the \uXXXX escape at raw[i:].
func hexEscape(raw []byte, i int) (rune, bool) {
	if i+6 > len(raw) || !bytes.HasPrefix(raw[i:], []byte("\\u")) {
		return 0, false
	}
	var r rune
	for _, c := range raw[i+2 : i+6] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
