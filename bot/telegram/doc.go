// Package telegram is the Telegram channel of supportbot: it receives
// updates into the bot's durable inbox and delivers the outbox's replies.
//
//   - Poller long-polls getUpdates with its own loop (not go-telegram's,
//     which confirms updates before they are handled): each batch is stored
//     in the inbox together with the next offset in ONE bbolt transaction
//     before the next getUpdates confirms it to Telegram. Nothing is lost on
//     a crash; a replayed update is dropped by the inbox's dedupe.
//   - NewWebhookHandler is the optional webhook mode: constant-time secret
//     check, store in the inbox, then 200 (500 if storing failed, so that
//     Telegram retries).
//   - Convert turns an update into a bot.Message: chat type private or
//     group, photos and documents as Files (with FileProblem for what it
//     cannot take), edits marked with Command CommandEdited. The poller
//     and the webhook mark text that invalid UTF-8 in the update's JSON
//     turned into U+FFFD (Message.BadText), so that the officer is asked
//     to type it again.
//   - Sender implements bot.Sender with go-telegram/bot for every Reply
//     kind: HTML messages with fields, inline and reply keyboards and
//     documents (read from Path or through outbox.Fetchers), edits
//     (KindUpdate), callback answers; KindView is outbox.ErrUnsupported.
//     It classifies failures: 429 (with RetryAfter), 5xx and network
//     errors retry; 403 and 400 "chat not found" are permanent; any other
//     400 (bad HTML) is retried once at once as plain text before it is
//     declared permanent. A file is never worth losing the text: one that
//     cannot be sent is named in a note instead.
//   - Fetcher reads an officer's file (getFile, then the download) for
//     another channel to forward, refusing files over the Bot API's 20 MB.
//   - EscapeHTML, SanitizeHTML and StripHTML render text for Telegram's HTML
//     parse mode; PublishCommands sets the command menu in vi and en.
//
// The bot token is a secret: every error and log line from this package
// has it replaced by "<token>".
//
// go-telegram/bot is imported only here (and in faketg, the fake Bot API
// used by tests).
package telegram
