package telegram

import "github.com/mostvn/supportbot/bot"

// Markup types of our own rather than go-telegram's models: its
// InlineKeyboardButton always sends "copy_text":{"text":""} (a struct,
// not a pointer), which Telegram may refuse; these send only what is set.

type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

type replyKeyboard struct {
	Keyboard        [][]keyboardButton `json:"keyboard"`
	OneTimeKeyboard bool               `json:"one_time_keyboard"`
	ResizeKeyboard  bool               `json:"resize_keyboard"`
}

type keyboardButton struct {
	Text string `json:"text"`
}

type removeKeyboard struct {
	RemoveKeyboard bool `json:"remove_keyboard"`
}

// replyMarkup returns the reply_markup for r, or nil. A message carries
// one markup: inline buttons win over a reply keyboard, which wins over
// removing one.
func replyMarkup(r bot.Reply) any {
	switch {
	case len(r.Buttons) > 0:
		kb := inlineKeyboard{InlineKeyboard: make([][]inlineButton, 0, len(r.Buttons))}
		for _, row := range r.Buttons {
			if len(row) == 0 {
				continue
			}
			out := make([]inlineButton, 0, len(row))
			for _, b := range row {
				out = append(out, inlineButton{Text: b.Text, CallbackData: b.Data})
			}
			kb.InlineKeyboard = append(kb.InlineKeyboard, out)
		}
		return &kb
	case len(r.Keyboard) > 0:
		kb := replyKeyboard{OneTimeKeyboard: true, ResizeKeyboard: true}
		for _, row := range r.Keyboard {
			if len(row) == 0 {
				continue
			}
			out := make([]keyboardButton, 0, len(row))
			for _, t := range row {
				out = append(out, keyboardButton{Text: t})
			}
			kb.Keyboard = append(kb.Keyboard, out)
		}
		return &kb
	case r.RemoveKB:
		return &removeKeyboard{RemoveKeyboard: true}
	}
	return nil
}
