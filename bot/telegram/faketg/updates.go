package faketg

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Msg describes an inbound message for Push.
type Msg struct {
	ChatID  int64
	UserID  int64
	Text    string
	Lang    string // the user's language_code; default "vi"
	ReplyTo int    // message_id this message replies to (0: none)
	Caption string // with Photo
	Photo   bool   // a photo instead of text
	Name    string // the user's first name; default "Officer <id>"
}

// Push queues an update carrying a message and returns its update_id.
func (s *Server) Push(m Msg) int64 {
	if m.Lang == "" {
		m.Lang = "vi"
	}
	if m.Name == "" {
		m.Name = "Officer " + strconv.FormatInt(m.UserID, 10)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := &models.Message{
		ID:   s.nextMessageIDLocked(m.ChatID),
		From: &models.User{ID: m.UserID, FirstName: m.Name, LanguageCode: m.Lang},
		Date: int(s.opts.Now().Unix()),
		Chat: chatOf(m.ChatID, m.UserID, m.Name),
	}
	if m.Photo {
		msg.Photo = []models.PhotoSize{{FileID: "AgACAgIAAxkBAAI", FileUniqueID: "AQAD", Width: 90, Height: 90, FileSize: 1024}}
		msg.Caption = m.Caption
	} else {
		msg.Text = m.Text
		if strings.HasPrefix(m.Text, "/") {
			cmd, _, _ := strings.Cut(m.Text, " ")
			msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: utf16Len(cmd)}}
		}
	}
	if m.ReplyTo != 0 {
		msg.ReplyToMessage = s.messageLocked(m.ChatID, m.ReplyTo)
	}
	return s.pushLocked(models.Update{Message: msg})
}

// utf16Len is the length Telegram gives entities: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// PushText queues a private (chatID == userID) or group text message
// from userID and returns its update_id.
func (s *Server) PushText(chatID, userID int64, text string) int64 {
	return s.Push(Msg{ChatID: chatID, UserID: userID, Text: text})
}

// PushCallback queues a button press by userID on the bot's message
// messageID in chatID, with the button's callback data. It returns the
// update_id and the callback query id to expect in answerCallbackQuery.
func (s *Server) PushCallback(chatID, userID int64, messageID int, data string) (updateID int64, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	callbackID = strconv.FormatInt(4_000_000_000_000+s.nextUpdate, 10)
	s.callbacks[callbackID] = true
	cq := &models.CallbackQuery{
		ID:           callbackID,
		From:         models.User{ID: userID, FirstName: "Officer " + strconv.FormatInt(userID, 10), LanguageCode: "vi"},
		ChatInstance: "-" + strconv.FormatInt(chatID, 10),
		Data:         data,
		Message: models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: s.messageLocked(chatID, messageID),
		},
	}
	return s.pushLocked(models.Update{CallbackQuery: cq}), callbackID
}

// PushUpdate queues an update as given; a zero ID gets the next update_id.
func (s *Server) PushUpdate(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(u)
}

func (s *Server) pushLocked(u models.Update) int64 {
	if u.ID == 0 {
		u.ID = s.nextUpdate
	}
	raw, err := json.Marshal(&u)
	if err != nil {
		panic(fmt.Sprintf("faketg: encode update %d: %v", u.ID, err)) // a bug in the test's update
	}
	return s.pushRawLocked(u.ID, raw)
}

// PushRaw queues an update given as JSON without its update_id (for
// example `{"message":{...}}`), for payloads go-telegram's types cannot
// express or decode. It returns the update_id given to it.
func (s *Server) PushRaw(body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdate
	rest := strings.TrimPrefix(strings.TrimSpace(body), "{")
	sep := ","
	if strings.HasPrefix(strings.TrimSpace(rest), "}") {
		sep = ""
	}
	return s.pushRawLocked(id, json.RawMessage(`{"update_id":`+strconv.FormatInt(id, 10)+sep+rest))
}

func (s *Server) pushRawLocked(id int64, raw json.RawMessage) int64 {
	if id >= s.nextUpdate {
		s.nextUpdate = id + 1
	}
	s.queue = append(s.queue, queued{id: id, raw: raw})
	s.notifyLocked()
	return id
}

// queued is an update waiting for confirmation, encoded once.
type queued struct {
	id  int64
	raw json.RawMessage
}

func (s *Server) nextMessageIDLocked(chatID int64) int {
	s.nextMsg[chatID]++
	return s.nextMsg[chatID]
}

// messageLocked returns the message as Telegram would embed it: the bot's
// sent message when known, else a stub with the id.
func (s *Server) messageLocked(chatID int64, id int) *models.Message {
	for i := len(s.sent) - 1; i >= 0; i-- {
		if m := s.sent[i]; m.ChatID == chatID && m.MessageID == id {
			bu := BotUser
			return &models.Message{ID: id, From: &bu, Date: int(m.At.Unix()), Chat: chatOf(chatID, chatID, ""), Text: plainText(m.Text)}
		}
	}
	return &models.Message{ID: id, Date: int(s.opts.Now().Unix()), Chat: chatOf(chatID, chatID, "")}
}

func chatOf(chatID, userID int64, name string) models.Chat {
	switch {
	case chatID <= -1_000_000_000_000:
		return models.Chat{ID: chatID, Type: models.ChatTypeSupergroup, Title: "Nhóm " + strconv.FormatInt(-chatID, 10)}
	case chatID < 0:
		return models.Chat{ID: chatID, Type: models.ChatTypeGroup, Title: "Nhóm " + strconv.FormatInt(-chatID, 10)}
	default:
		return models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: name}
	}
}

// Confirmed returns the update_ids confirmed so far (by a getUpdates with
// a greater offset), in order.
func (s *Server) Confirmed() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.confirmed...)
}

// Unconfirmed returns the update_ids still waiting for confirmation.
func (s *Server) Unconfirmed() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for _, u := range s.queue {
		ids = append(ids, u.id)
	}
	return ids
}

// Offsets returns the offset of every getUpdates received, in order (0
// when the request had none).
func (s *Server) Offsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.offsets...)
}

// getUpdates serves the queue with Telegram's rules: offset confirms every
// update below it; the answer holds updates from offset on, at most limit;
// with none, it waits up to timeout seconds. A newer getUpdates ends an
// older one still waiting with 409, as Telegram does.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, f map[string]string) {
	offset, _ := atoi64(f["offset"])
	limit, ok := atoi64(f["limit"])
	if !ok || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeoutSec, _ := atoi64(f["timeout"])
	timeout := min(time.Duration(timeoutSec)*time.Second, s.opts.MaxPoll)

	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0, 0)
		return
	}
	s.offsets = append(s.offsets, offset)
	if offset > 0 {
		kept := s.queue[:0:0]
		for _, u := range s.queue {
			if u.id < offset {
				s.confirmed = append(s.confirmed, u.id)
			} else {
				kept = append(kept, u)
			}
		}
		s.queue = kept
	}
	if s.poll != nil {
		close(s.poll) // the older request loses, as on Telegram
	}
	mine := make(chan struct{})
	s.poll = mine
	s.notifyLocked()
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		if s.poll == mine {
			s.poll = nil
		}
		s.mu.Unlock()
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		var batch []json.RawMessage
		for _, u := range s.queue {
			if int64(len(batch)) == limit {
				break
			}
			batch = append(batch, u.raw)
		}
		ch := s.changed
		s.mu.Unlock()
		if len(batch) > 0 || timeout == 0 {
			if batch == nil {
				batch = []json.RawMessage{}
			}
			writeOK(w, batch)
			return
		}
		select {
		case <-ch:
		case <-mine:
			writeError(w, http.StatusConflict, descriptions[http.StatusConflict], 0, 0)
			return
		case <-deadline.C:
			writeOK(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}
