package slack

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Block Kit limits the rendering keeps to.
const (
	maxSectionText = 3000 // characters of a section's text
	maxFieldText   = 2000 // characters of one field
	maxFields      = 10   // fields per section
	maxBlocks      = 50   // blocks per message (100 per view; 50 keeps both)
	maxButtonText  = 75
	maxButtonValue = 2000
	maxButtons     = 25 // elements per actions block
	maxTitle       = 24 // a modal's title and submit button
	maxLabel       = 2000
	maxFallback    = 3000 // the top-level text shown in notifications
	maxMeta        = 3000 // private_metadata
)

// userIDPattern is what a Slack user ID looks like; Mentions that do not
// are dropped rather than written into a message.
var userIDPattern = regexp.MustCompile(`^[A-Z0-9]{2,24}$`)

// mrkdwn returns a mrkdwn text object; verbatim, so that Slack does not
// find links or mentions in it that the rendering did not put there.
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

func plain(s string, max int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, cutRunes(s, max), false, false)
}

// blocks renders the content of a message: its text (with mentions before
// it), fields, choices and buttons, within maxBlocks.
func blocks(r outbox.Reply, t *texts) []slack.Block {
	text := Mrkdwn(r.Text)
	if m := mentions(r.Mentions); m != "" {
		text = strings.TrimSpace(m + " " + text)
	}
	var tail []slack.Block
	tail = append(tail, fieldBlocks(r.Fields)...)
	if kb := keyboardText(r.Keyboard, t); kb != "" {
		tail = append(tail, slack.NewSectionBlock(mrkdwn(kb), nil, nil))
	}
	tail = append(tail, buttonBlocks("actions", r.Buttons)...)
	head := textBlocks(text)
	if len(head)+len(tail) > maxBlocks {
		if len(tail) >= maxBlocks {
			tail = tail[:maxBlocks-min(1, len(head))]
		}
		if room := maxBlocks - len(tail); len(head) > room {
			head = head[:room]
			last := head[room-1].(*slack.SectionBlock)
			last.Text = mrkdwn(cutTo(last.Text.Text, maxSectionText-len([]rune(t.Cut))) + t.Cut)
		}
	}
	return append(head, tail...)
}

// cutTo cuts rendered mrkdwn to n characters with splitMrkdwn's care.
func cutTo(s string, n int) string { return splitMrkdwn(s, n)[0] }

// textBlocks puts rendered mrkdwn in sections of at most maxSectionText.
func textBlocks(text string) []slack.Block {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var out []slack.Block
	for _, part := range splitMrkdwn(text, maxSectionText) {
		if strings.TrimSpace(part) != "" {
			out = append(out, slack.NewSectionBlock(mrkdwn(part), nil, nil))
		}
	}
	return out
}

// fieldBlocks renders fields as sections of at most maxFields fields,
// each "*label*\nvalue".
func fieldBlocks(fields []outbox.Field) []slack.Block {
	var out []slack.Block
	var objs []*slack.TextBlockObject
	for _, f := range fields {
		label := Mrkdwn(f.Label)
		if strings.TrimSpace(label) != "" {
			label = "*" + strings.TrimSpace(label) + "*\n"
		}
		s := label + Mrkdwn(f.Value)
		if strings.TrimSpace(s) == "" {
			s = "-"
		}
		objs = append(objs, mrkdwn(cutTo(s, maxFieldText)))
		if len(objs) == maxFields {
			out = append(out, slack.NewSectionBlock(nil, objs, nil))
			objs = nil
		}
	}
	if len(objs) > 0 {
		out = append(out, slack.NewSectionBlock(nil, objs, nil))
	}
	return out
}

// buttonBlocks renders rows of buttons as actions blocks, one per row (a
// row longer than maxButtons wraps). Every action_id is unique within the
// message: prefix, row and column.
func buttonBlocks(prefix string, rows [][]outbox.Button) []slack.Block {
	var out []slack.Block
	n := 0
	for i, row := range rows {
		var els []slack.BlockElement
		for j, b := range row {
			btn := slack.NewButtonBlockElement(fmt.Sprintf("%s_%d_%d", prefix, i, j),
				cutRunes(b.Data, maxButtonValue), plain(PlainText(b.Text), maxButtonText))
			switch b.Style {
			case "primary":
				btn.Style = slack.StylePrimary
			case "danger":
				btn.Style = slack.StyleDanger
			}
			els = append(els, btn)
			if len(els) == maxButtons {
				out = append(out, slack.NewActionBlock(fmt.Sprintf("%s_%d", prefix, n), els...))
				n, els = n+1, nil
			}
		}
		if len(els) > 0 {
			out = append(out, slack.NewActionBlock(fmt.Sprintf("%s_%d", prefix, n), els...))
			n++
		}
	}
	return out
}

// keyboardText renders a choice keyboard, which Slack has not, as a list.
func keyboardText(kb [][]string, t *texts) string {
	var b strings.Builder
	for _, row := range kb {
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				b.WriteString("\n• " + EscapeText(PlainText(c)))
			}
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return EscapeText(t.Choices) + b.String()
}

// mentions renders user IDs as Slack mentions; anything that is not a
// user ID is dropped.
func mentions(ids []string) string {
	var parts []string
	for _, id := range ids {
		if userIDPattern.MatchString(id) {
			parts = append(parts, "<@"+id+">")
		}
	}
	return strings.Join(parts, " ")
}

// fallback is the top-level text of a message, shown in notifications:
// plain, escaped, short.
func fallback(r outbox.Reply) string {
	s := cutTo(EscapeText(strings.TrimSpace(PlainText(r.Text))), maxFallback-100)
	if m := mentions(r.Mentions); m != "" {
		s = strings.TrimSpace(m + " " + s)
	}
	return s
}

// modal renders a View as a modal for views.open.
func modal(v *outbox.View, t *texts) slack.ModalViewRequest {
	title := strings.TrimSpace(PlainText(v.Title))
	if title == "" {
		title = t.DefaultTitle
	}
	submit := strings.TrimSpace(PlainText(v.Submit))
	if submit == "" {
		submit = t.DefaultSubmit
	}
	bs := textBlocks(Mrkdwn(v.Text))
	for _, in := range v.Inputs {
		label := plain(PlainText(in.Label), maxLabel)
		if in.Checkbox {
			optLabel := PlainText(in.Label)
			if strings.TrimSpace(optLabel) == "" {
				optLabel = t.CheckboxTicked
			}
			opt := slack.NewOptionBlockObject("true", plain(optLabel, maxLabel), nil)
			el := slack.NewCheckboxGroupsBlockElement(in.ID, opt)
			if in.Initial == "true" {
				el.InitialOptions = []*slack.OptionBlockObject{opt}
			}
			bs = append(bs, slack.NewInputBlock(in.ID, label, nil, el).WithOptional(true))
			continue
		}
		el := slack.NewPlainTextInputBlockElement(nil, in.ID)
		el.Multiline = in.Multiline
		el.InitialValue = in.Initial
		bs = append(bs, slack.NewInputBlock(in.ID, label, nil, el).WithOptional(in.Optional))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(title, maxTitle),
		Submit:          plain(submit, maxTitle),
		CallbackID:      v.ID,
		PrivateMetadata: cutRunes(v.Meta, maxMeta),
		Blocks:          slack.Blocks{BlockSet: bs},
	}
}

// home renders a View as a home tab for views.publish: its text, then
// each section's text, fields and buttons.
func home(v *outbox.View) slack.HomeTabViewRequest {
	bs := textBlocks(Mrkdwn(v.Text))
	for i, s := range v.Sections {
		bs = append(bs, textBlocks(Mrkdwn(s.Text))...)
		bs = append(bs, fieldBlocks(s.Fields)...)
		if len(s.Buttons) > 0 {
			bs = append(bs, buttonBlocks(fmt.Sprintf("home_%d", i), [][]outbox.Button{s.Buttons})...)
		}
		if i < len(v.Sections)-1 {
			bs = append(bs, slack.NewDividerBlock())
		}
	}
	if len(bs) > 100 { // a view holds at most 100 blocks
		bs = bs[:100]
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, CallbackID: v.ID,
		PrivateMetadata: cutRunes(v.Meta, maxMeta), Blocks: slack.Blocks{BlockSet: bs}}
}
