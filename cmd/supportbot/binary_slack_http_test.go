package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

// Slack over HTTP at binary level: the routes are served on
// SUPPORTBOT_HTTP_ADDR beside /healthz, a signed url_verification is
// answered, a forged request is refused, and a slash command from staff is
// answered privately through the outbox.
func TestBinarySlackOverHTTP(t *testing.T) {
	needBinary(t)
	sl := fakeslack.New(fakeslack.Options{})
	defer sl.Close()
	sl.AddUser(fakeslack.User{ID: staffID, Name: "lan", RealName: "Nguyễn Thị Lan", DisplayName: "Lan"})
	sl.SetMembers(triage, staffID, fakeslack.BotUserID)
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	env := append(os.Environ(),
		"SUPPORTBOT_DATA_DIR="+t.TempDir(),
		"SUPPORTBOT_HTTP_ADDR=127.0.0.1:0",
		"SUPPORTBOT_LOG_FORMAT=json",
		"SUPPORTBOT_CONFIG=",
		"SUPPORTBOT_SLACK_SIGNING_SECRET="+secret,
		"SUPPORTBOT_SLACK_BOT_TOKEN="+fakeslack.BotToken,
		"SUPPORTBOT_SLACK_API_URL="+sl.URL(),
		"SUPPORTBOT_SLACK_TRIAGE_CHANNEL="+triage,
	)
	p := start(t, env, "serve")
	base := "http://" + p.addr

	send := func(path string, body []byte, signedWith string) (int, string) {
		t.Helper()
		var r *http.Request
		if signedWith == "" {
			r = fakeslack.UnsignedRequest(path, body)
		} else {
			r = fakeslack.SignedRequest(signedWith, path, body, time.Now())
		}
		u, _ := url.Parse(base + path)
		r.URL, r.Host = u, u.Host
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if code, body := send("/slack/events", fakeslack.URLVerification("chal-123"), secret); code != 200 || !strings.Contains(body, "chal-123") {
		t.Errorf("url_verification = %d %q", code, body)
	}
	if code, _ := send("/slack/events", fakeslack.URLVerification("chal-123"), "not-the-secret"); code != http.StatusUnauthorized {
		t.Errorf("forged request = %d, want 401", code)
	}
	if code, _ := send("/slack/commands", []byte("text=help"), ""); code != http.StatusUnauthorized {
		t.Errorf("unsigned command = %d, want 401", code)
	}

	cmd := fakeslack.SlashCommand{Command: "/support", Text: "help", User: staffID, UserName: "lan", Channel: triage, ChannelName: "triage", TriggerID: "trig-h1"}
	if code, _ := send("/slack/commands", cmd.Form(), secret); code != 200 {
		t.Fatalf("signed /support help = %d", code)
	}
	waitSlack(t, sl, "the private answer to /support help", func() bool {
		for _, p := range sl.Posts("chat.postEphemeral") {
			if p.User == staffID && strings.Contains(string(p.Blocks)+p.Text, "/support") {
				return true
			}
		}
		return false
	})
	if code, body := httpGet(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz with Slack over HTTP = %d %q", code, body)
	}
	// The reporting calendar is served beside the Slack routes.
	if code, body := httpGet(t, base+"/deadlines.ics?audience=province_dost"); code != 200 ||
		!strings.HasPrefix(body, "BEGIN:VCALENDAR") || !strings.Contains(body, "BEGIN:VALARM") {
		t.Errorf("/deadlines.ics = %d %.200q", code, body)
	}
	if code, _ := httpGet(t, base+"/deadlines.ics?audience=mayors"); code != http.StatusBadRequest {
		t.Errorf("/deadlines.ics with an unknown audience = %d, want 400", code)
	}
}
