package faketg

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// msgKey names one message: its chat and message_id.
type msgKey struct {
	chat int64
	id   int
}

// TextEdit is one accepted editMessageText.
type TextEdit struct {
	ChatID    int64
	MessageID int
	Text      string // as sent, HTML tags included
	ParseMode string
	RawMarkup string
	Markup    Markup
	At        time.Time
}

// Plain is the new text as the user sees it.
func (e TextEdit) Plain() string {
	if e.ParseMode == "HTML" {
		return plainText(e.Text)
	}
	return e.Text
}

// TextEdits returns every accepted editMessageText, in order.
func (s *Server) TextEdits() []TextEdit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TextEdit(nil), s.textEdits...)
}

// editText edits a message the bot sent with sendMessage, as Telegram
// does: an unknown message is "message to edit not found", the same text
// and markup again is "message is not modified" (both 400), and
// reply_markup, when absent, removes the inline keyboard.
func (s *Server) editText(w http.ResponseWriter, f map[string]string) {
	chatID, ok := atoi64(f["chat_id"])
	msgID, ok2 := atoi64(f["message_id"])
	if !ok || !ok2 {
		writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0, 0)
		return
	}
	text, mode := f["text"], f["parse_mode"]
	plain := text
	if mode == "HTML" {
		if err := CheckHTML(text); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse entities: "+err.Error(), 0, 0)
			return
		}
		plain = plainText(text)
	}
	switch n := utf8.RuneCountInString(plain); {
	case n == 0:
		writeError(w, http.StatusBadRequest, "Bad Request: message text is empty", 0, 0)
		return
	case n > 4096:
		writeError(w, http.StatusBadRequest, "Bad Request: MESSAGE_TOO_LONG", 0, 0)
		return
	}
	mk, ok := parseMarkup(w, f)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := msgKey{chatID, int(msgID)}
	old, known := s.texts[k]
	switch {
	case !known:
		writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0, 0)
		return
	case old == text+"\x00"+f["reply_markup"]:
		writeError(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", 0, 0)
		return
	}
	s.texts[k] = text + "\x00" + f["reply_markup"]
	now := s.opts.Now()
	s.textEdits = append(s.textEdits, TextEdit{ChatID: chatID, MessageID: int(msgID), Text: text, ParseMode: mode,
		RawMarkup: f["reply_markup"], Markup: mk, At: now})
	s.notifyLocked()
	bu := BotUser
	writeOK(w, &models.Message{ID: int(msgID), From: &bu, Date: int(now.Unix()), EditDate: int(now.Unix()),
		Chat: chatOf(chatID, chatID, ""), Text: plain})
}

// PushEdit queues an edited_message update: userID changed their message
// messageID in chatID to text. It returns the update_id.
func (s *Server) PushEdit(chatID, userID int64, messageID int, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := int(s.opts.Now().Unix())
	name := "Officer " + strconv.FormatInt(userID, 10)
	msg := &models.Message{
		ID:       messageID,
		From:     &models.User{ID: userID, FirstName: name, LanguageCode: "vi"},
		Date:     now - 60,
		EditDate: now,
		Chat:     chatOf(chatID, userID, name),
		Text:     text,
	}
	return s.pushLocked(models.Update{EditedMessage: msg})
}
