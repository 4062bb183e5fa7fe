package slack_test

import (
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

// Readiness used to call Slack ready as soon as the receiver ran, before
// any connection. OnConnection now says when Slack's hello arrives, and
// when the connection drops.
func TestSocketReportsConnection(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	states := make(chan bool, 16)
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{OnConnection: func(up bool, _ time.Time) {
		select {
		case states <- up:
		default:
		}
	}})
	runReceiver(t, r)
	ctx := ctxT(t)
	until := func(v bool) {
		t.Helper()
		for {
			select {
			case got := <-states:
				if got == v {
					return
				}
			case <-ctx.Done():
				t.Fatalf("OnConnection(%v) never called", v)
			}
		}
	}
	until(true) // after "connecting" (false), Slack's hello
	fs.Disconnect()
	until(false)
	until(true) // reconnected: hello again
}
