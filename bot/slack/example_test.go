package slack_test

import (
	"context"
	"log"
	"net/http"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/slack"
)

// The wiring of the Slack channel: a Receiver into the inbox (Socket Mode
// here; HTTP mode serves Handler instead), a Sender and a Fetcher for the
// outbox.
func Example() {
	var in *bot.Inbox // from bot.NewInbox
	var tgFetcher outbox.Fetcher
	ctx := context.Background()

	rcv, err := slack.NewReceiver("xoxb-…", in, slack.ReceiverOptions{
		AppToken:   "xapp-…", // or SigningSecret: "…" and serve rcv.Handler()
		StaffGroup: "S0123456",
		Validate: func(viewID string, values map[string]string, lang string) map[string]string {
			if viewID == "reply" && values["answer"] == "" {
				return map[string]string{"answer": "Vui lòng nhập câu trả lời"}
			}
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fetch, err := slack.NewFetcher("xoxb-…", "", nil)
	if err != nil {
		log.Fatal(err)
	}
	snd, err := slack.NewSender("xoxb-…", slack.SenderOptions{
		Fetchers: outbox.Fetchers{outbox.Telegram: tgFetcher, outbox.Slack: fetch},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = snd.Limits() // registered with the outbox together with snd

	http.Handle("/slack/", rcv.Handler()) // HTTP mode: the bot's HTTP server serves it
	if err := rcv.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
