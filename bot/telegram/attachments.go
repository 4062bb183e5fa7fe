package telegram

import (
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// MaxFileSize is the largest file the Bot API lets a bot download with
// getFile (20 MB); a larger one cannot be forwarded, so Convert does not
// take it and the Fetcher refuses it.
const MaxFileSize = 20 << 20

// Values of Message.FileProblem.
const (
	FileTooBig      = "too_big"     // over MaxFileSize
	FileUnsupported = "unsupported" // voice, sticker, video, ...: not a photo or document
)

// attachments returns the files of msg the bot takes (the largest size of
// a photo, a document) and, when something was sent that it does not
// take, why.
func attachments(msg *models.Message) (files []bot.File, problem string) {
	switch {
	case msg.Animation != nil:
		// Checked before Document: Telegram also fills "document" on a GIF
		// for old clients, and a GIF is not a paper for a ticket.
		return nil, FileUnsupported
	case len(msg.Photo) > 0:
		p, ok := largestPhoto(msg.Photo)
		if !ok {
			return nil, FileTooBig
		}
		// Telegram recompresses every photo to JPEG and gives it no name.
		return []bot.File{{From: bot.Telegram, ID: p.FileID, Name: "photo_" + strconv.Itoa(msg.ID) + ".jpg",
			Mime: "image/jpeg", Size: int64(max(p.FileSize, 0))}}, ""
	case msg.Document != nil:
		d := msg.Document
		if d.FileID == "" { // nothing to download (found by FuzzConvert; Telegram always sends one)
			return nil, FileUnsupported
		}
		if d.FileSize > MaxFileSize {
			return nil, FileTooBig
		}
		name := d.FileName
		if name == "" {
			name = "document_" + strconv.Itoa(msg.ID)
		}
		return []bot.File{{From: bot.Telegram, ID: d.FileID, Name: name, Mime: d.MimeType, Size: max(d.FileSize, 0)}}, ""
	case msg.Voice != nil, msg.Audio != nil, msg.Video != nil, msg.VideoNote != nil, msg.Sticker != nil,
		msg.Contact != nil, msg.Location != nil, msg.Venue != nil, msg.Poll != nil, msg.Dice != nil:
		return nil, FileUnsupported
	}
	return nil, ""
}

// largestPhoto picks the biggest of the sizes Telegram offers that the
// bot may download (Telegram lists them smallest first, but the order is
// not documented); ok is false when none may be. A size without a file_id
// cannot be downloaded and is skipped.
func largestPhoto(sizes []models.PhotoSize) (best models.PhotoSize, ok bool) {
	for _, p := range sizes {
		if int64(p.FileSize) > MaxFileSize || p.FileID == "" {
			continue
		}
		if !ok || p.Width*p.Height > best.Width*best.Height ||
			(p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize) {
			best, ok = p, true
		}
	}
	return best, ok
}
