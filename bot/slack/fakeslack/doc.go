// Package fakeslack is an in-process fake of Slack for tests: the Web API
// the bot calls, and a Socket Mode websocket.
//
// A Server is an httptest.Server. Point slack-go at URL() (it ends with a
// slash, as slack.OptionAPIURL needs). It records every Web API call with
// its parameters (form fields, or the top-level fields of a JSON body, JSON
// values kept as JSON text) and answers with Slack's payload shapes:
//
//   - auth.test (the bot's identity: BotUserID, BotID), users.info (users
//     added with AddUser), usergroups.users.list (SetGroup),
//     conversations.members (SetMembers; paginated by PageSize);
//   - chat.postMessage (increasing ts), chat.update, chat.postEphemeral,
//     views.open, views.publish, recorded as Posts;
//   - files.getUploadURLExternal, the upload to the URL it returns (its
//     own), files.completeUploadExternal, recorded as Uploads; files
//     served at FileURL for url_private downloads;
//   - apps.connections.open, with the app token, returning the URL of its
//     own Socket Mode websocket.
//
// Failures on demand: Fail queues, for the next calls of a method, a 429
// with Retry-After, a 5xx, or an "ok": false error code;
// SetChannelError makes every post to a channel fail with a code.
//
// Socket Mode: the websocket says hello, then sends the envelopes a test
// pushes (PushEvent, PushCommand, PushInteractive, PushRaw) and collects
// the acks with their payloads (Acks, WaitAck). Like Slack, it sends an
// events_api envelope again, with retry_attempt+1, on the next connection
// when it was not acked; commands and interactions are sent once. OnAck
// runs synchronously when an ack arrives, before it is recorded, so that
// a test can look at the bot's state at that instant. Disconnect asks the
// client to reconnect.
//
// Helpers build the payloads Slack sends (MessageEvent, EventCallback,
// BlockActions, ViewSubmission, SlashCommand) and signed HTTP requests
// (SignedRequest).
//
// All methods are safe for concurrent use.
package fakeslack
