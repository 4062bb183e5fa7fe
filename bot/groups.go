package bot

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Group chats. Several officers read a group, and most of what they say
// there is meant for each other ("chào mọi người"), so the Router answers
// in a group only what is addressed to the bot: a command (for us, see
// commandForUs), a message that mentions it (@username,
// RouterOptions.BotUsername), a reply to one of its messages, or a press
// of one of its buttons. Everything else is marked handled without a word,
// a search or a ticket.
//
// One officer's tickets are never shown to the others: /phieu in a group
// sends the list (or the ticket) to the officer's private chat and says so
// in the group; an officer the bot cannot write to privately (on a channel
// without private chats keyed by the user) is asked to ask privately.

// bucketBotSent records the messages the bot sent in group chats that are
// not linked to a ticket (bucketLinks holds those), so that a reply to
// any of the bot's messages counts as addressed to it.
var bucketBotSent = []byte("bot_sent") // channel 0x00 chat id 0x00 message id -> time sent (8-byte unix ns)

// kindIgnored is a group message not addressed to the bot: handled, no
// reply.
const kindIgnored planKind = 90

// kindEdited is an edited message (Message.Command CommandEdited).
const kindEdited planKind = 91

// CommandEdited is Message.Command on an edited message: the bot answered
// the first version, and says so instead of answering the edit as a new
// question (package telegram sets it).
const CommandEdited = "edited"

// inGroup reports whether m was said where others read along.
// "supergroup": entries stored before channels reported ChatGroup.
func inGroup(m *Message) bool { return m.ChatType == ChatGroup || m.ChatType == "supergroup" }

// notForUs reports whether m is group talk the bot must not answer. Slack
// is left out: its receiver forwards from channels only what concerns the
// bot (a mention, which it strips, a ticket's thread, the triage channel).
func notForUs(tx *bolt.Tx, m *Message, username string) bool {
	return inGroup(m) && m.Channel != Slack && !addressed(tx, m, username)
}

// addressed reports whether a group message m is meant for the bot named
// username.
func addressed(tx *bolt.Tx, m *Message, username string) bool {
	if m.CallbackData != "" {
		return true // a press of one of our buttons
	}
	if _, _, _, ok := parseCommand(m.Text); ok {
		return true // whether it is ours is for command to say
	}
	if username != "" && mentionAt(m.Text, username) >= 0 {
		return true
	}
	if m.ReplyToID == "" {
		return false
	}
	return linkedTicket(tx, m.Channel, m.ChatID, m.ReplyToID) != "" || sentByBot(tx, m.Channel, m.ChatID, m.ReplyToID)
}

// mentionAt returns the byte offset of "@username" in text as a whole word
// (case-insensitive, as Telegram usernames are), or -1.
func mentionAt(text, username string) int {
	lower, at := strings.ToLower(text), "@"+strings.ToLower(username)
	for off := 0; ; {
		i := strings.Index(lower[off:], at)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(at)
		if end == len(lower) || !isNameByte(lower[end]) {
			return i
		}
		off = end
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// stripMention removes the mentions of username from text ("@bot cấp lại
// văn bằng?" asks "cấp lại văn bằng?").
func stripMention(text, username string) string {
	if username == "" {
		return text
	}
	for {
		i := mentionAt(text, username)
		if i < 0 {
			return strings.TrimSpace(text)
		}
		text = text[:i] + text[i+1+len(username):]
	}
}

func sentByBot(tx *bolt.Tx, ch Channel, chatID, msgID string) bool {
	b := tx.Bucket(bucketBotSent)
	return b != nil && b.Get(linkKey(ch, chatID, msgID)) != nil
}

// recordSent remembers that the bot sent msgID in a group chat.
func recordSent(tx *bolt.Tx, ch Channel, chatID, msgID string, at time.Time) error {
	b, err := tx.CreateBucketIfNotExists(bucketBotSent)
	if err != nil {
		return fmt.Errorf("bot: sent bucket: %w", err)
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))
	return b.Put(linkKey(ch, chatID, msgID), v)
}

// groupReply reports whether rep went to a group chat: the core replies
// to the asker's message only there (turn.reply).
func groupReply(rep Reply) bool { return rep.ReplyToID != "" && rep.CallbackID == "" }

// ticketsInGroup answers /phieu [ID] said in a group: the answer goes to
// the officer's private chat, and the group only hears that it did.
func (t *turn) ticketsInGroup(args string) error {
	if t.m.Channel != Telegram {
		// Only Telegram's private chat is keyed by the user.
		t.reply(tr(t.lang, txtTicketsAskPrivately))
		return nil
	}
	t.reply(tr(t.lang, txtTicketsSentPrivately, esc(t.m.UserName)))
	group := t.m
	private := *t.m
	private.ChatID, private.ChatType, private.MessageID = t.m.UserID, ChatPrivate, ""
	t.m = &private
	defer func() { t.m = group }()
	if args == "" {
		return t.listTickets()
	}
	return t.showTicket(args)
}
