package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MessageEvent is the inner event of a message or app_mention, in
// Slack's shape. Zero fields are left out.
type MessageEvent struct {
	Type        string      `json:"type"` // "message" (default) or "app_mention"
	Subtype     string      `json:"subtype,omitempty"`
	User        string      `json:"user,omitempty"`
	BotID       string      `json:"bot_id,omitempty"`
	Text        string      `json:"text"`
	TS          string      `json:"ts"`
	ThreadTS    string      `json:"thread_ts,omitempty"`
	Channel     string      `json:"channel"`
	ChannelType string      `json:"channel_type,omitempty"` // channel, group, im
	EventTS     string      `json:"event_ts,omitempty"`
	Files       []EventFile `json:"files,omitempty"`
}

// EventFile is a file attached to a message event.
type EventFile struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Title      string `json:"title,omitempty"`
	Mimetype   string `json:"mimetype"`
	Size       int64  `json:"size"`
	URLPrivate string `json:"url_private"`
}

// AppHomeOpened is the inner event of a user opening the bot's home tab.
type AppHomeOpened struct {
	Type    string `json:"type"` // app_home_opened
	User    string `json:"user"`
	Channel string `json:"channel"`
	Tab     string `json:"tab"`
	EventTS string `json:"event_ts"`
}

// HomeOpened returns the app_home_opened event of user.
func HomeOpened(user string) AppHomeOpened {
	return AppHomeOpened{Type: "app_home_opened", User: user, Channel: "D" + user, Tab: "home", EventTS: "1700000000.000001"}
}

// EventCallback wraps an inner event in Slack's event_callback envelope
// (the body of an Events API request, the payload of an events_api
// envelope). A MessageEvent without Type is a "message".
func EventCallback(eventID string, ev any) json.RawMessage {
	if m, ok := ev.(MessageEvent); ok {
		if m.Type == "" {
			m.Type = "message"
		}
		if m.EventTS == "" {
			m.EventTS = m.TS
		}
		ev = m
	}
	b, _ := json.Marshal(map[string]any{
		"token": "legacy-verification-token", "team_id": TeamID, "api_app_id": "AFAKE",
		"event": ev, "type": "event_callback", "event_id": eventID, "event_time": 1700000000,
		"authorizations": []map[string]any{{"team_id": TeamID, "user_id": BotUserID, "is_bot": true}},
	})
	return b
}

// URLVerification is the body of Slack's url_verification request.
func URLVerification(challenge string) []byte {
	b, _ := json.Marshal(map[string]string{"token": "legacy", "challenge": challenge, "type": "url_verification"})
	return b
}

// BlockAction describes a button press.
type BlockAction struct {
	User      string
	UserName  string
	Channel   string // "" for a button in a modal or the home tab
	MessageTS string // the message holding the button
	ThreadTS  string // its thread, if any
	ActionID  string
	Value     string
	ActionTS  string
	TriggerID string
}

// BlockActions returns the interactive payload of a button press.
func BlockActions(a BlockAction) json.RawMessage {
	container := map[string]any{"type": "message", "message_ts": a.MessageTS, "channel_id": a.Channel, "is_ephemeral": false}
	if a.ThreadTS != "" {
		container["thread_ts"] = a.ThreadTS
	}
	if a.Channel == "" {
		container = map[string]any{"type": "view", "view_id": "VHOME"}
	}
	p := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": TeamID, "domain": "fake"},
		"user":       map[string]any{"id": a.User, "username": a.UserName, "name": a.UserName, "team_id": TeamID},
		"api_app_id": "AFAKE", "token": "legacy", "container": container, "trigger_id": a.TriggerID,
		"actions": []map[string]any{{
			"action_id": a.ActionID, "block_id": "actions_0", "type": "button", "value": a.Value,
			"text": map[string]any{"type": "plain_text", "text": "Button"}, "action_ts": a.ActionTS,
		}},
	}
	if a.Channel != "" {
		p["channel"] = map[string]any{"id": a.Channel, "name": "triage"}
		msg := map[string]any{"type": "message", "ts": a.MessageTS, "text": "card", "user": BotUserID, "bot_id": BotID}
		if a.ThreadTS != "" {
			msg["thread_ts"] = a.ThreadTS
		}
		p["message"] = msg
	}
	b, _ := json.Marshal(p)
	return b
}

// Submission describes a submitted modal.
type Submission struct {
	User       string
	ViewID     string // V…
	Hash       string
	CallbackID string
	Meta       string
	Texts      map[string]string // plain_text_input values by input ID
	Checkboxes map[string]bool   // checkbox inputs by ID: ticked or not
}

// ViewSubmission returns the interactive payload of a submitted modal, its
// state keyed block_id → action_id → value, both the input's ID.
func ViewSubmission(s Submission) json.RawMessage {
	values := map[string]any{}
	for id, v := range s.Texts {
		values[id] = map[string]any{id: map[string]any{"type": "plain_text_input", "value": v}}
	}
	for id, on := range s.Checkboxes {
		sel := []map[string]any{}
		if on {
			sel = append(sel, map[string]any{"value": "true", "text": map[string]any{"type": "plain_text", "text": "Có"}})
		}
		values[id] = map[string]any{id: map[string]any{"type": "checkboxes", "selected_options": sel}}
	}
	p := map[string]any{
		"type": "view_submission", "team": map[string]any{"id": TeamID},
		"user":       map[string]any{"id": s.User, "username": s.User, "name": s.User, "team_id": TeamID},
		"api_app_id": "AFAKE", "token": "legacy", "trigger_id": "trig-" + s.ViewID,
		"view": map[string]any{
			"id": s.ViewID, "team_id": TeamID, "type": "modal", "callback_id": s.CallbackID,
			"private_metadata": s.Meta, "hash": s.Hash, "blocks": []any{},
			"state": map[string]any{"values": values},
		},
		"response_urls": []any{},
	}
	b, _ := json.Marshal(p)
	return b
}

// SlashCommand describes a slash command.
type SlashCommand struct {
	Command     string // "/support"
	Text        string
	User        string
	UserName    string
	Channel     string
	ChannelName string
	TriggerID   string
}

func (c SlashCommand) fields() map[string]string {
	return map[string]string{
		"token": "legacy", "team_id": TeamID, "team_domain": "fake", "channel_id": c.Channel,
		"channel_name": c.ChannelName, "user_id": c.User, "user_name": c.UserName, "command": c.Command,
		"text": c.Text, "api_app_id": "AFAKE", "is_enterprise_install": "false",
		"response_url": "https://hooks.slack.com/commands/T0001/1/abc", "trigger_id": c.TriggerID,
	}
}

// Form returns the command as Slack posts it over HTTP.
func (c SlashCommand) Form() []byte {
	v := url.Values{}
	for k, x := range c.fields() {
		v.Set(k, x)
	}
	return []byte(v.Encode())
}

// InteractiveForm returns an interactive payload as Slack posts it over
// HTTP: a form with one field, payload.
func InteractiveForm(payload json.RawMessage) []byte {
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// SignedRequest returns a POST of body to path, signed with secret at ts
// as Slack signs it, with the content type Slack uses for that path.
func SignedRequest(secret, path string, body []byte, ts time.Time) *http.Request {
	r := UnsignedRequest(path, body)
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
	return r
}

// UnsignedRequest is SignedRequest without the signature headers.
func UnsignedRequest(path string, body []byte) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "http://bot.example"+path, bytes.NewReader(body))
	if path == "/slack/events" {
		r.Header.Set("Content-Type", "application/json")
	} else {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// Sign returns the X-Slack-Signature Slack sends with body at ts:
// "v0=" + hex(HMAC-SHA256(secret, "v0:<unix ts>:" + body)).
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts.Unix(), 10) + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
