package telegram

import (
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Telegram's published limits (core.telegram.org/bots/faq, "broadcasting"),
// and the margin we keep below them.
const (
	perChat         = time.Second
	groupPerMinute  = 20
	globalPerSecond = 30
	// MaxLen is the longest text of one message, in UTF-16 code units
	// (what Telegram counts), after entity parsing; SplitHTML measures
	// the HTML source, which is never shorter.
	MaxLen = 4096
	margin = 10 * time.Millisecond
)

// APILimits returns the limits of the Telegram Bot API for the outbox:
// about one message per second per chat, 20 per minute per group, 30 per
// second in total, 4,096 UTF-16 units per message (longer texts are cut by
// SplitHTML); with a 10 ms margin. Edits count as messages of their chat
// (UpdatesPerMinute 0). Windows run from a send's completion, so each
// second of 30 sends also costs one request's round trip: a 3,000-chat
// broadcast takes 100 × (1 s + 10 ms + the round trip) instead of the
// theoretical 100 s.
func APILimits() outbox.Limits {
	return outbox.Limits{
		PerChat:           perChat,
		PerGroupPerMinute: groupPerMinute,
		GlobalPerSecond:   globalPerSecond,
		Split:             func(t string) []string { return SplitHTML(t, MaxLen) },
		IsGroup:           IsGroupChat,
		Margin:            margin,
	}
}

// IsGroupChat reports whether a chat id names a group: Telegram gives
// groups, supergroups and channels negative ids.
func IsGroupChat(chatID string) bool { return strings.HasPrefix(chatID, "-") }
