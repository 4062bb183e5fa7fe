package telegram

import (
	"strings"

	"github.com/mostvn/supportbot/bot"
)

// renderText is the HTML of a message or an update: r.Text, then each of
// r.Fields on a line of its own as "<b>label:</b> value" after a blank
// line (Telegram has no field layout; a bold label reads as a card). Both
// are already the core's markup, which is Telegram HTML. r.Name is not
// added: the core writes whose words these are into the text.
func renderText(r bot.Reply) string {
	if len(r.Fields) == 0 {
		return r.Text
	}
	var b strings.Builder
	b.WriteString(r.Text)
	if strings.TrimSpace(r.Text) != "" {
		b.WriteString("\n\n")
	}
	for i, f := range r.Fields {
		if i > 0 {
			b.WriteByte('\n')
		}
		label := strings.TrimSuffix(strings.TrimSpace(f.Label), ":")
		if label != "" {
			b.WriteString("<b>" + label + ":</b> ")
		}
		b.WriteString(f.Value)
	}
	return b.String()
}

// withNote adds to text the line that tells the reader some files could
// not be attached. The Reply carries no language, and the reader may be
// an officer (Vietnamese) or not, so the note says it in both, briefly.
func withNote(text string, failed []string) string {
	if len(failed) == 0 {
		return text
	}
	if strings.TrimSpace(text) != "" {
		text += "\n\n"
	}
	return text + fileNote(failed)
}

// fileNote is the note for files that could not be attached.
func fileNote(failed []string) string {
	names := make([]string, len(failed))
	for i, n := range failed {
		names[i] = EscapeHTML(n)
	}
	list := strings.Join(names, ", ")
	return "⚠️ Không gửi kèm được tệp / Could not attach: <i>" + list + "</i>"
}
