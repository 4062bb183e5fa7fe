package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot"
)

// callback is the outer payload of the Events API (HTTP body, or a Socket
// Mode events_api envelope's payload).
type callback struct {
	Type      string          `json:"type"` // event_callback, url_verification
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields the bot reads of message, app_mention and
// app_home_opened events. Decoding them ourselves, instead of through
// slackevents' types, keeps one odd block from losing a whole message.
type innerEvent struct {
	Type        string      `json:"type"`
	Subtype     string      `json:"subtype"`
	User        string      `json:"user"`
	BotID       string      `json:"bot_id"`
	Text        string      `json:"text"`
	TS          string      `json:"ts"`
	ThreadTS    string      `json:"thread_ts"`
	Channel     string      `json:"channel"`
	ChannelType string      `json:"channel_type"`
	Tab         string      `json:"tab"`
	Files       []eventFile `json:"files"`
}

type eventFile struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Title      string `json:"title"`
	Mimetype   string `json:"mimetype"`
	Size       int64  `json:"size"`
	URLPrivate string `json:"url_private"`
}

// subtypes of message events the bot reads; the others (edits, deletions,
// joins, bot messages) are not someone asking something.
var readSubtypes = map[string]bool{"": true, "file_share": true, "thread_broadcast": true}

// fromEvent translates an event_callback. keep is false for events the
// bot does not store: its own, other bots', edits, event types it does not
// handle. An error means the payload could not be decoded.
func (r *Receiver) fromEvent(ctx context.Context, raw []byte) (m bot.Message, keep bool, err error) {
	var cb callback
	if err := json.Unmarshal(raw, &cb); err != nil {
		return m, false, fmt.Errorf("events_api payload: %w", err)
	}
	if cb.Type != "event_callback" || len(cb.Event) == 0 {
		return m, false, nil
	}
	var ev innerEvent
	if err := json.Unmarshal(cb.Event, &ev); err != nil {
		return m, false, fmt.Errorf("event %s: %w", cb.EventID, err)
	}
	if cb.EventID == "" {
		return m, false, errors.New("event without event_id")
	}
	now := r.opts.Now()
	switch ev.Type {
	case "app_home_opened":
		if (ev.Tab != "" && ev.Tab != "home") || ev.User == "" {
			return m, false, nil
		}
		u := r.users.get(ctx, ev.User)
		return bot.Message{
			Channel: bot.Slack, SourceID: cb.EventID, ChatID: ev.User, ChatType: bot.ChatPrivate,
			UserID: ev.User, UserName: u.name, LangCode: r.lang(u), Role: r.role(ctx, ev.User),
			Command: "app_home", Received: now,
		}, true, nil
	case "message", "app_mention":
	default:
		return m, false, nil
	}
	botUser, botID, err := r.whoami(ctx)
	if err != nil {
		r.log.Warn("slack: auth.test failed; cannot recognise the bot's own messages by user", "err", err)
	}
	if !readSubtypes[ev.Subtype] || ev.BotID != "" || ev.User == "" ||
		(botUser != "" && ev.User == botUser) || (botID != "" && ev.BotID == botID) {
		return m, false, nil
	}
	if ev.Channel == "" || ev.TS == "" {
		// Nowhere to answer, and no key to deduplicate on (found by
		// FuzzSlackEvent; Slack always sends both).
		return m, false, fmt.Errorf("event %s: %s without channel or ts", cb.EventID, ev.Type)
	}
	u := r.users.get(ctx, ev.User)
	m = bot.Message{
		Channel: bot.Slack,
		// A mention in a channel arrives twice, as message and as
		// app_mention, with two event_ids: keyed by the message itself,
		// both (and every redelivery) are one entry.
		SourceID:  "msg:" + ev.Channel + ":" + ev.TS,
		ChatID:    ev.Channel,
		ChatType:  chatType(ev.ChannelType, ev.Channel),
		Thread:    ev.ThreadTS,
		MessageID: ev.TS,
		UserID:    ev.User,
		UserName:  u.name,
		LangCode:  r.lang(u),
		Role:      r.role(ctx, ev.User),
		Text:      plainFromSlack(ev.Text, botUser, r.users.name(ctx)),
		Received:  now,
	}
	for _, f := range ev.Files {
		if f.Size > MaxFileSize {
			m.FileProblem = "too_big"
			continue
		}
		m.Files = append(m.Files, bot.File{
			From: bot.Slack, ID: f.ID, Name: firstNonEmpty(f.Name, f.Title), Mime: f.Mimetype,
			Size: f.Size, URL: f.URLPrivate,
		})
	}
	return m, true, nil
}

// chatType maps Slack's channel_type (or, without it, the channel ID's
// first letter) to the core's chat kinds.
func chatType(channelType, channel string) string {
	if channelType == "im" || (channelType == "" && strings.HasPrefix(channel, "D")) {
		return bot.ChatPrivate
	}
	return bot.ChatGroup
}

// fromCommand translates a slash command. Its text is kept as Slack sent
// it (the command escapes: mentions as "<@U1|name>", & < > as entities), so
// that "/support assign HT-000042 @lan" names the user by ID and a typed
// "<@U1>" cannot pass for a mention.
func (r *Receiver) fromCommand(ctx context.Context, c *slack.SlashCommand) bot.Message {
	u := r.users.get(ctx, c.UserID)
	ct := bot.ChatGroup
	if c.ChannelName == "directmessage" || strings.HasPrefix(c.ChannelID, "D") {
		ct = bot.ChatPrivate
	}
	return bot.Message{
		Channel: bot.Slack, SourceID: "cmd:" + c.TriggerID, ChatID: c.ChannelID, ChatType: ct,
		UserID: c.UserID, UserName: firstNonEmpty(u.name, c.UserName), LangCode: r.lang(u),
		Role: r.role(ctx, c.UserID), Command: c.Command, Text: strings.TrimSpace(c.Text),
		TriggerID: c.TriggerID, Received: r.opts.Now(),
	}
}

// fromInteraction translates a button press or a submitted modal. errs
// holds Validate's errors: the modal stays open and nothing is stored.
func (r *Receiver) fromInteraction(ctx context.Context, cb *slack.InteractionCallback) (m bot.Message, keep bool, errs map[string]string) {
	if cb.User.ID == "" {
		return m, false, nil // nobody to answer (found by FuzzSlackInteractive; Slack always names the user)
	}
	u := r.users.get(ctx, cb.User.ID)
	m = bot.Message{
		Channel: bot.Slack, UserID: cb.User.ID, UserName: firstNonEmpty(u.name, cb.User.Name),
		LangCode: r.lang(u), TriggerID: cb.TriggerID, Received: r.opts.Now(),
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return m, false, nil
		}
		a := cb.ActionCallback.BlockActions[0]
		actionTS := firstNonEmpty(a.ActionTs, cb.ActionTs)
		if actionTS == "" {
			return m, false, nil // no key to deduplicate on
		}
		m.SourceID = "act:" + actionTS + ":" + cb.User.ID
		m.CallbackData = a.Value
		if a.Value == "" && a.SelectedOption.Value != "" {
			m.CallbackData = a.SelectedOption.Value
		}
		m.CallbackID = actionTS
		m.ChatID = firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID)
		m.ChatType = chatType("", m.ChatID)
		if m.ChatID == "" { // a button in a modal or the home tab
			m.ChatID, m.ChatType = cb.User.ID, bot.ChatPrivate
		}
		m.Thread = firstNonEmpty(cb.Container.ThreadTs, cb.Message.ThreadTimestamp)
		m.MessageID = firstNonEmpty(cb.Container.MessageTs, cb.Message.Timestamp)
		m.ReplyToID = m.MessageID
	case slack.InteractionTypeViewSubmission:
		if cb.View.ID == "" {
			return m, false, nil // no key to deduplicate on
		}
		m.SourceID = "view:" + cb.View.ID + ":" + cb.View.Hash
		m.ViewID, m.ViewMeta = cb.View.CallbackID, cb.View.PrivateMetadata
		m.ChatID, m.ChatType = cb.User.ID, bot.ChatPrivate
		m.Values = viewValues(cb.View.State)
		if r.opts.Validate != nil {
			if errs := r.opts.Validate(m.ViewID, m.Values, firstNonEmpty(m.LangCode, r.opts.Lang, "vi")); len(errs) > 0 {
				return m, false, errs
			}
		}
	default: // view_closed, shortcuts, ...: nothing the core handles
		return m, false, nil
	}
	m.Role = r.role(ctx, cb.User.ID)
	return m, true, nil
}

// viewValues reads a submitted view's inputs by their ID (block_id, equal
// to action_id for the views Sender opens): a text's value, "true" for a
// ticked checkbox, a select's chosen value.
func viewValues(st *slack.ViewState) map[string]string {
	out := map[string]string{}
	if st == nil {
		return out
	}
	for blockID, actions := range st.Values {
		for actionID, a := range actions {
			id := blockID
			if len(actions) > 1 {
				id = actionID
			}
			switch {
			case a.Type == "checkboxes":
				v := ""
				for _, o := range a.SelectedOptions {
					if o.Value == "true" {
						v = "true"
					}
				}
				out[id] = v
			case a.SelectedOption.Value != "":
				out[id] = a.SelectedOption.Value
			default:
				out[id] = a.Value
			}
		}
	}
	return out
}

// lang is the language of a user: their Slack locale, else the option.
func (r *Receiver) lang(u userInfo) string {
	return firstNonEmpty(u.lang, r.opts.Lang)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
