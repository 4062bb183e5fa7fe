package faketg

import (
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Sent is one accepted sendMessage.
type Sent struct {
	MessageID int
	ChatID    int64
	Text      string // as sent, HTML tags included
	ParseMode string
	ReplyTo   int    // reply_parameters.message_id (or reply_to_message_id)
	RawMarkup string // reply_markup as received (JSON)
	Markup    Markup
	NoPreview bool // link_preview_options.is_disabled
	At        time.Time
}

// Plain is the text as the user sees it: tags removed, entities decoded
// when the parse mode is HTML.
func (m Sent) Plain() string {
	if m.ParseMode == "HTML" {
		return plainText(m.Text)
	}
	return m.Text
}

// Markup is a parsed reply_markup: an inline keyboard, a reply keyboard or
// the removal of one.
type Markup struct {
	InlineKeyboard  [][]models.InlineKeyboardButton `json:"inline_keyboard"`
	Keyboard        [][]models.KeyboardButton       `json:"keyboard"`
	OneTimeKeyboard bool                            `json:"one_time_keyboard"`
	ResizeKeyboard  bool                            `json:"resize_keyboard"`
	RemoveKeyboard  bool                            `json:"remove_keyboard"`
}

// Answer is one accepted answerCallbackQuery.
type Answer struct {
	CallbackID string
	Text       string
	ShowAlert  bool
}

// Edit is one accepted editMessageReplyMarkup.
type Edit struct {
	ChatID    int64
	MessageID int
	Markup    Markup
}

// Sent returns every accepted sendMessage, in the order accepted.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the accepted sendMessage calls to one chat, in order.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Answers returns every accepted answerCallbackQuery.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Answer(nil), s.answers...)
}

// Edits returns every accepted editMessageReplyMarkup.
func (s *Server) Edits() []Edit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Edit(nil), s.edits...)
}

func (s *Server) sendMessage(w http.ResponseWriter, f map[string]string) {
	chatID, ok := atoi64(f["chat_id"])
	if !ok {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0, 0)
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
	} else if mode != "" {
		writeError(w, http.StatusBadRequest, "Bad Request: unsupported parse_mode in this fake: "+mode, 0, 0)
		return
	}
	switch n := utf8.RuneCountInString(plain); {
	case n == 0:
		writeError(w, http.StatusBadRequest, "Bad Request: message text is empty", 0, 0)
		return
	case n > 4096:
		writeError(w, http.StatusBadRequest, "Bad Request: message is too long", 0, 0)
		return
	}
	mk, ok := parseMarkup(w, f)
	if !ok {
		return
	}
	replyTo := 0
	if raw := f["reply_parameters"]; raw != "" {
		var rp models.ReplyParameters
		if err := json.Unmarshal([]byte(raw), &rp); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse reply parameters JSON object", 0, 0)
			return
		}
		replyTo = rp.MessageID
	} else if n, ok := atoi64(f["reply_to_message_id"]); ok {
		replyTo = int(n)
	}
	noPreview := false
	if raw := f["link_preview_options"]; raw != "" {
		var lp models.LinkPreviewOptions
		if json.Unmarshal([]byte(raw), &lp) == nil && lp.IsDisabled != nil {
			noPreview = *lp.IsDisabled
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked[chatID] {
		writeError(w, http.StatusForbidden, descriptions[http.StatusForbidden], 0, 0)
		return
	}
	now := s.opts.Now()
	if s.opts.EnforceLimits {
		if wait, why := s.lim.check(chatID, now, s.opts.Tolerance); wait > 0 {
			s.rateLimited++
			s.limitedBy[why]++
			s.notifyLocked()
			writeError(w, http.StatusTooManyRequests, "Too Many Requests: retry after "+itoa(wait), wait, 0)
			return
		}
		s.lim.record(chatID, now)
	}
	m := Sent{
		MessageID: s.nextMessageIDLocked(chatID),
		ChatID:    chatID,
		Text:      text,
		ParseMode: mode,
		ReplyTo:   replyTo,
		RawMarkup: f["reply_markup"],
		Markup:    mk,
		NoPreview: noPreview,
		At:        now,
	}
	s.sent = append(s.sent, m)
	s.texts[msgKey{chatID, m.MessageID}] = text + "\x00" + f["reply_markup"]
	s.notifyLocked()
	bu := BotUser
	res := &models.Message{ID: m.MessageID, From: &bu, Date: int(now.Unix()), Chat: chatOf(chatID, chatID, ""), Text: plain}
	if replyTo != 0 {
		res.ReplyToMessage = &models.Message{ID: replyTo, Date: int(now.Unix()), Chat: res.Chat}
	}
	writeOK(w, res)
}

func (s *Server) answerCallback(w http.ResponseWriter, f map[string]string) {
	id := f["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callbacks[id] {
		writeError(w, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0, 0)
		return
	}
	delete(s.callbacks, id)
	s.answers = append(s.answers, Answer{CallbackID: id, Text: f["text"], ShowAlert: f["show_alert"] == "true"})
	s.notifyLocked()
	writeOK(w, true)
}

func (s *Server) editMarkup(w http.ResponseWriter, f map[string]string) {
	chatID, ok := atoi64(f["chat_id"])
	msgID, ok2 := atoi64(f["message_id"])
	if !ok || !ok2 {
		writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0, 0)
		return
	}
	mk, ok := parseMarkup(w, f)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.edits = append(s.edits, Edit{ChatID: chatID, MessageID: int(msgID), Markup: mk})
	s.notifyLocked()
	bu := BotUser
	writeOK(w, &models.Message{ID: int(msgID), From: &bu, Date: int(s.opts.Now().Unix()), Chat: chatOf(chatID, chatID, "")})
}

func (s *Server) setCommands(w http.ResponseWriter, f map[string]string) {
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(f["commands"]), &cmds); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse commands JSON object", 0, 0)
		return
	}
	for _, c := range cmds {
		if c.Command == "" || len(c.Command) > 32 || c.Description == "" || utf8.RuneCountInString(c.Description) > 256 {
			writeError(w, http.StatusBadRequest, "Bad Request: BOT_COMMAND_INVALID", 0, 0)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[f["language_code"]] = cmds
	s.notifyLocked()
	writeOK(w, true)
}

// parseMarkup decodes f's reply_markup, if any; on a bad one it answers
// 400 as Telegram does and returns false.
func parseMarkup(w http.ResponseWriter, f map[string]string) (Markup, bool) {
	var mk Markup
	if raw := f["reply_markup"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &mk); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse reply keyboard markup JSON object", 0, 0)
			return Markup{}, false
		}
	}
	return mk, true
}
