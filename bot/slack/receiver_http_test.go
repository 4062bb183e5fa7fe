package slack_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// httpReceiver returns an HTTP-mode receiver on fs with the clock c.
func httpReceiver(t *testing.T, fs *fakeslack.Server, in slack.Inbox, c *clock, opts slack.ReceiverOptions) *slack.Receiver {
	t.Helper()
	opts.SigningSecret = secret
	opts.APIURL = fs.URL()
	opts.Now = c.Now
	opts.Logger = quiet
	if opts.StaffGroup == "" && opts.TriageChannel == "" {
		opts.StaffGroup = "SSTAFF"
	}
	r, err := slack.NewReceiver(fakeslack.BotToken, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestHTTPRefusals(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	c := newClock()
	r := httpReceiver(t, fs, in, c, slack.ReceiverOptions{})
	h := r.Handler()
	now := c.Now()
	body := fakeslack.EventCallback("EvH1", fakeslack.MessageEvent{User: "S1", Text: "hi", TS: "5.1", Channel: "CTRIAGE"})

	tampered := fakeslack.SignedRequest(secret, "/slack/events", body, now)
	tampered.Body = httpBody(bytes.Replace(body, []byte(`"hi"`), []byte(`"hx"`), 1))
	huge := append([]byte(`{"type":"event_callback","x":"`), bytes.Repeat([]byte("a"), slack.MaxBody)...)
	hugeUnknownLen := fakeslack.SignedRequest(secret, "/slack/events", huge, now)
	hugeUnknownLen.ContentLength = -1 // chunked: the limit must hold while reading

	cases := []struct {
		name   string
		req    *http.Request
		status int
		reason string
	}{
		{"forged", fakeslack.SignedRequest("wrong-secret", "/slack/events", body, now), 401, slack.RefusedSignature},
		{"unsigned", fakeslack.UnsignedRequest("/slack/events", body), 401, slack.RefusedUnsigned},
		{"stale", fakeslack.SignedRequest(secret, "/slack/events", body, now.Add(-6*time.Minute)), 401, slack.RefusedStale},
		{"future", fakeslack.SignedRequest(secret, "/slack/events", body, now.Add(6*time.Minute)), 401, slack.RefusedFuture},
		{"tampered", tampered, 401, slack.RefusedSignature},
		{"oversized", fakeslack.SignedRequest(secret, "/slack/events", huge, now), 413, slack.RefusedTooLarge},
		{"oversized chunked", hugeUnknownLen, 413, slack.RefusedTooLarge},
		{"command forged", fakeslack.SignedRequest("x", "/slack/commands", fakeslack.SlashCommand{Command: "/support", TriggerID: "t"}.Form(), now), 401, slack.RefusedSignature},
		{"interactive unsigned", fakeslack.UnsignedRequest("/slack/interactive", fakeslack.InteractiveForm([]byte(`{}`))), 401, slack.RefusedUnsigned},
	}
	want := map[string]int{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(h, tc.req)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.status, w.Body)
			}
		})
		want[tc.reason]++
	}
	// A genuine request passes; the same request again is a replay.
	genuine := fakeslack.SignedRequest(secret, "/slack/events", body, now)
	if w := serve(h, genuine); w.Code != 200 {
		t.Fatalf("genuine: %d %s", w.Code, w.Body)
	}
	if w := serve(h, fakeslack.SignedRequest(secret, "/slack/events", body, now)); w.Code != 401 {
		t.Fatalf("replayed: %d", w.Code)
	}
	want[slack.RefusedReplay]++
	// Same event id, signed anew (a second later), but no retry header:
	// not Slack's retry, so a replay too.
	c.Add(time.Second)
	if w := serve(h, fakeslack.SignedRequest(secret, "/slack/events", body, c.Now())); w.Code != 401 {
		t.Fatalf("replayed event id: %d", w.Code)
	}
	want[slack.RefusedReplay]++

	got := r.Refused()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("refused[%s] = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if n := in.pending(t); n != 1 {
		t.Fatalf("pending %d, want only the genuine one", n)
	}
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func TestHTTPURLVerificationAndRetry(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	c := newClock()
	h := httpReceiver(t, fs, in, c, slack.ReceiverOptions{}).Handler()

	w := serve(h, fakeslack.SignedRequest(secret, "/slack/events", fakeslack.URLVerification("chal-123"), c.Now()))
	var got map[string]string
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &got) != nil || got["challenge"] != "chal-123" {
		t.Fatalf("url_verification: %d %s", w.Code, w.Body)
	}

	body := fakeslack.EventCallback("EvR", fakeslack.MessageEvent{User: "G1", Text: "a", TS: "6.1", Channel: "DG1", ChannelType: "im"})
	if w := serve(h, fakeslack.SignedRequest(secret, "/slack/events", body, c.Now())); w.Code != 200 {
		t.Fatalf("first: %d", w.Code)
	}
	for i := 1; i <= 3; i++ { // Slack's retries: re-signed, with X-Slack-Retry-Num
		c.Add(time.Minute)
		req := fakeslack.SignedRequest(secret, "/slack/events", body, c.Now())
		req.Header.Set("X-Slack-Retry-Num", string(rune('0'+i)))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		if w := serve(h, req); w.Code != 200 {
			t.Fatalf("retry %d: %d %s", i, w.Code, w.Body)
		}
	}
	if n := in.pending(t); n != 1 {
		t.Fatalf("pending %d, want 1", n)
	}
}

func TestHTTPStoreFailureIs500(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	c := newClock()
	h := httpReceiver(t, fs, in, c, slack.ReceiverOptions{}).Handler()
	in.setFail(true)
	body := fakeslack.EventCallback("EvF", fakeslack.MessageEvent{User: "G1", Text: "a", TS: "7.1", Channel: "CTRIAGE"})
	if w := serve(h, fakeslack.SignedRequest(secret, "/slack/events", body, c.Now())); w.Code != 500 {
		t.Fatalf("status %d, want 500 so that Slack retries", w.Code)
	}
	in.setFail(false)
	req := fakeslack.SignedRequest(secret, "/slack/events", body, c.Now().Add(time.Second))
	req.Header.Set("X-Slack-Retry-Num", "1")
	if w := serve(h, req); w.Code != 200 {
		t.Fatalf("retry: %d", w.Code)
	}
	if n := in.pending(t); n != 1 {
		t.Fatalf("pending %d", n)
	}
}

func TestHTTPCommandInteractiveView(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	c := newClock()
	var gotLang string
	h := httpReceiver(t, fs, in, c, slack.ReceiverOptions{
		Lang: "en",
		Validate: func(viewID string, v map[string]string, lang string) map[string]string {
			gotLang = lang
			if viewID == "reply" && strings.TrimSpace(v["answer"]) == "" {
				return map[string]string{"answer": "Vui lòng nhập câu trả lời"}
			}
			return nil
		},
	}).Handler()

	// A slash command: acked at once with the ⏳ ephemeral, stored.
	cmd := fakeslack.SlashCommand{Command: "/support", Text: " tickets mine ", User: "S1", UserName: "lan", Channel: "CTRIAGE", TriggerID: "trig-1"}
	w := serve(h, fakeslack.SignedRequest(secret, "/slack/commands", cmd.Form(), c.Now()))
	var ack map[string]string
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ack) != nil || ack["response_type"] != "ephemeral" || !strings.HasPrefix(ack["text"], "⏳") {
		t.Fatalf("command ack: %d %s", w.Code, w.Body)
	}

	// A button press.
	press := fakeslack.BlockActions(fakeslack.BlockAction{User: "S1", UserName: "lan", Channel: "CTRIAGE", MessageTS: "8.1",
		ThreadTS: "8.0", ActionID: "actions_0_1", Value: "claim:HT-000042", ActionTS: "1700000100.123456", TriggerID: "trig-2"})
	if w := serve(h, fakeslack.SignedRequest(secret, "/slack/interactive", fakeslack.InteractiveForm(press), c.Now())); w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("press: %d %q", w.Code, w.Body)
	}

	// A modal with an empty answer: errors, kept open, not stored.
	sub := fakeslack.Submission{User: "S1", ViewID: "V1", Hash: "h1", CallbackID: "reply", Meta: "HT-000042",
		Texts: map[string]string{"answer": " "}, Checkboxes: map[string]bool{"close": true}}
	w = serve(h, fakeslack.SignedRequest(secret, "/slack/interactive", fakeslack.InteractiveForm(fakeslack.ViewSubmission(sub)), c.Now()))
	var errs struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &errs) != nil || errs.Action != "errors" || errs.Errors["answer"] == "" {
		t.Fatalf("invalid submission: %d %s", w.Code, w.Body)
	}
	if gotLang != "vi" { // S1's Slack locale is vi-VN
		t.Errorf("Validate got lang %q", gotLang)
	}
	// Filled in: stored, the modal closes (empty 200).
	sub.Hash, sub.Texts["answer"] = "h2", "Dùng mẫu 02"
	w = serve(h, fakeslack.SignedRequest(secret, "/slack/interactive", fakeslack.InteractiveForm(fakeslack.ViewSubmission(sub)), c.Now()))
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("valid submission: %d %q", w.Code, w.Body)
	}

	got := in.Stored()
	if len(got) != 3 {
		t.Fatalf("stored %d: %+v", len(got), got)
	}
	wantCmd := bot.Message{Channel: bot.Slack, SourceID: "cmd:trig-1", ChatID: "CTRIAGE", ChatType: bot.ChatGroup, UserID: "S1",
		UserName: "Chị Lan", LangCode: "vi", Role: bot.RoleStaff, Command: "/support", Text: "tickets mine", TriggerID: "trig-1", Received: c.Now()}
	wantPress := bot.Message{Channel: bot.Slack, SourceID: "act:1700000100.123456:S1", ChatID: "CTRIAGE", ChatType: bot.ChatGroup,
		Thread: "8.0", UserID: "S1", UserName: "Chị Lan", LangCode: "vi", Role: bot.RoleStaff, MessageID: "8.1", ReplyToID: "8.1",
		CallbackData: "claim:HT-000042", CallbackID: "1700000100.123456", TriggerID: "trig-2", Received: c.Now()}
	wantView := bot.Message{Channel: bot.Slack, SourceID: "view:V1:h2", ChatID: "S1", ChatType: bot.ChatPrivate, UserID: "S1",
		UserName: "Chị Lan", LangCode: "vi", Role: bot.RoleStaff, TriggerID: "trig-V1", ViewID: "reply", ViewMeta: "HT-000042",
		Values: map[string]string{"answer": "Dùng mẫu 02", "close": "true"}, Received: c.Now()}
	for i, want := range []bot.Message{wantCmd, wantPress, wantView} {
		if !equalMsg(got[i], want) {
			t.Errorf("message %d\n got %+v\nwant %+v", i, got[i], want)
		}
	}
}
