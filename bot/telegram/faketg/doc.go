// Package faketg is an in-process fake of the Telegram Bot API for tests.
//
// A Server is an httptest.Server that routes /bot<token>/<method>, accepts
// the JSON bodies our own poller sends and the multipart/form-data bodies
// go-telegram/bot sends (complex fields such as reply_markup arrive as JSON
// strings), and answers with the payload shapes Telegram uses, encoded from
// go-telegram's models types.
//
// Besides the methods the bot calls (getUpdates, sendMessage,
// answerCallbackQuery, editMessageReplyMarkup, setMyCommands, getMe,
// setWebhook, deleteWebhook), it offers a control API in Go:
//
//   - PushText, PushCallback, PushUpdate queue updates; getUpdates serves
//     them with Telegram's offset rule (an update is confirmed, and
//     forgotten, only when a later request asks for a greater offset) and
//     long polling; Confirmed and Unconfirmed tell which were confirmed.
//   - Sent returns every accepted sendMessage with its parsed text,
//     parse_mode and reply_markup; Calls returns every request.
//   - FailNext makes the next call of a method fail the way Telegram does
//     (429 with parameters.retry_after, 502, 403 blocked, 400 chat not
//     found, 409 conflict, ...); DropNext closes the connection instead;
//     StallNext holds the request until the client gives up.
//   - Options.EnforceLimits refuses sends beyond Telegram's limits (1
//     message/s per chat, 20/min per group, 30/s overall) with 429 and
//     counts them (RateLimited).
//
// Texts sent with parse_mode HTML are checked like Telegram does: an
// unsupported tag, an unbalanced tag or a bare '&' or '<' gives
// "Bad Request: can't parse entities".
//
// All methods are safe for concurrent use.
package faketg
