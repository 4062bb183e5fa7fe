// Package slack is the Slack channel of supportbot, for ministry staff: it
// receives Slack's events into the bot's durable inbox and delivers the
// outbox's replies. slack-go is imported only here (and in fakeslack, the
// fake Slack used by tests).
//
//   - Receiver takes events in. In Socket Mode (an app token xapp-…, the
//     default) Run keeps a socketmode connection, restarting it when it
//     ends; in HTTP mode (a signing secret and no app token) Handler serves
//     /slack/events, /slack/interactive and /slack/commands, checking every
//     request's signature on the raw body, refusing stale, future, replayed
//     and oversized requests and counting every refusal by reason
//     (Refused). Either way each envelope is translated to a bot.Message,
//     stored with bot.Inbox.Add and only THEN acknowledged: a message that
//     was acked is on disk, one that was not is redelivered by Slack (events)
//     or shown to the user as failed (buttons, commands). Redeliveries are
//     dropped by the inbox's dedupe. Events the bot caused itself are acked
//     and dropped. A submitted modal is checked by ReceiverOptions.Validate
//     before it is stored; its errors keep the modal open.
//   - Sender implements outbox.Sender: Block Kit messages rendered from the
//     core markup (markup.go: every piece of officer text is escaped so that
//     it can never mention, link or format), updates, ephemeral messages,
//     modals and the App Home, file uploads. It classifies failures: 429
//     (with RetryAfter), 5xx and network errors retry; Slack's error codes
//     such as channel_not_found are permanent. slack-go's own retries stay
//     off: the outbox retries.
//   - Fetcher reads files staff attach (url_private with the bot token, at
//     most MaxFileSize), so that another channel can forward them.
//
// Staff are the members of a user group (ReceiverOptions.StaffGroup) or,
// without one, of the triage channel; everyone else on Slack is a guest.
// Membership and display names are cached; see staff.go and users.go.
//
// Tokens are secrets: errors and logs of this package never carry them.
package slack
