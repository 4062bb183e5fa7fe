package fakeslack_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

// TestFakeWithSlackGo checks the fake against slack-go itself: answers,
// failures on demand, increasing ts, the upload flow.
func TestFakeWithSlackGo(t *testing.T) {
	fs := fakeslack.New(fakeslack.Options{})
	defer fs.Close()
	api := slack.New(fakeslack.BotToken, slack.OptionAPIURL(fs.URL()))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	who, err := api.AuthTestContext(ctx)
	if err != nil || who.UserID != fakeslack.BotUserID || who.BotID != fakeslack.BotID {
		t.Fatalf("auth.test: %+v %v", who, err)
	}
	_, ts1, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("a", false))
	if err != nil {
		t.Fatal(err)
	}
	_, ts2, _ := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("b", false), slack.MsgOptionTS(ts1))
	if !(ts2 > ts1) {
		t.Fatalf("ts %s then %s", ts1, ts2)
	}
	if p := fs.Posts(); len(p) != 2 || p[1].ThreadTS != ts1 || p[1].Text != "b" {
		t.Fatalf("posts %+v", p)
	}

	fs.Fail("chat.postMessage", fakeslack.Failure{Status: 429, RetryAfter: 3})
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("c", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Fatalf("429: %v", err)
	}
	fs.Fail("chat.postMessage", fakeslack.Failure{Status: 502})
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("c", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 502 {
		t.Fatalf("502: %v", err)
	}
	fs.SetChannelError("CX", "is_archived")
	if _, _, err = api.PostMessageContext(ctx, "CX", slack.MsgOptionText("c", false)); err == nil || err.Error() != "is_archived" {
		t.Fatalf("archived: %v", err)
	}

	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Content: "xin chào", FileSize: 9, Filename: "a.txt", Channel: "C1", ThreadTimestamp: ts1}); err != nil {
		t.Fatal(err)
	}
	if u := fs.Uploads(); len(u) != 1 || string(u[0].Data) != "xin chào" || u[0].Channel != "C1" || u[0].ThreadTS != ts1 {
		t.Fatalf("uploads %+v", u)
	}

	if _, err := slack.New("xoxb-wrong", slack.OptionAPIURL(fs.URL())).AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("wrong token: %v", err)
	}
}
