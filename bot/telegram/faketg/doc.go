// Package faketg is an in-process fake of the Telegram Bot API for tests.
//
// A Server is an httptest.Server that routes /bot<token>/<method>, accepts
// the JSON bodies our own poller sends and the multipart/form-data bodies
// go-telegram/bot sends (complex fields such as reply_markup arrive as JSON
// strings), and answers with the payload shapes Telegram uses, encoded from
// go-telegram's models types.
//
// Besides the methods the bot calls (getUpdates, sendMessage,
// editMessageText, sendDocument, getFile, answerCallbackQuery,
// editMessageReplyMarkup, setMyCommands, getMe, setWebhook, deleteWebhook)
// and file downloads (GET /file/bot<token>/<file_path>), it offers a
// control API in Go:
//
//   - PushText, PushCallback, PushUpdate queue updates; getUpdates serves
//     them with Telegram's offset rule (an update is confirmed, and
//     forgotten, only when a later request asks for a greater offset) and
//     long polling; Confirmed and Unconfirmed tell which were confirmed.
//   - PushDocument, PushPhoto and PushEdit queue an officer's document,
//     photo (two sizes) or edited message; AddFile stores a file for
//     getFile and sendDocument by file_id. Downloads over 20 MB and
//     uploads over 50 MB are refused, as by Telegram.
//   - Sent returns every accepted sendMessage with its parsed text,
//     parse_mode and reply_markup; TextEdits every editMessageText (an
//     unknown message gives "message to edit not found", the same content
//     again "message is not modified"); Documents every sendDocument with
//     the bytes received; Calls returns every request (downloads as
//     method "download").
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
