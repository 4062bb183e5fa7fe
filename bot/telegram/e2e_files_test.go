package telegram_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// Today's complaint: a screenshot sent with /ticket kept only its caption.
// Now the ticket holds the photo's file, for staff to fetch.
func TestE2EScreenshotWithTicketCommandIsKept(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 401
	p.agreed(t, officer)
	jpeg := bytes.Repeat([]byte{0xff, 0xd8}, 4096)
	_, fileID := fake.PushPhoto(officer, officer, jpeg, "/ticket Không đăng nhập được hệ thống báo cáo")
	if got := waitSent(t, fake, officer, 1)[0].Plain(); !strings.Contains(got, "HT-000001") {
		t.Fatalf("/ticket with a screenshot answered %q, want the ticket number", got)
	}
	p.stop(t)
	st, db := reopenStore(t, p)
	defer db.Close()
	ts := ticketsOf(t, st, officer)
	if len(ts) != 1 {
		t.Fatalf("%d tickets, want 1", len(ts))
	}
	var found bool
	for _, m := range ts[0].Messages {
		for _, f := range m.Files {
			found = found || (f.ID == fileID && f.Channel == "telegram" && f.Mime == "image/jpeg")
		}
	}
	if !found {
		t.Errorf("ticket %+v does not hold the screenshot %s", ts[0].Messages, fileID)
	}
}

// A voice message is not passed on, and the officer is told, while its
// caption is still answered.
func TestE2EUnsupportedFileIsExplained(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 402
	fake.PushUpdate(models.Update{Message: &models.Message{ID: 1, Date: 1767225600,
		From:  &models.User{ID: officer, FirstName: "Lan", LanguageCode: "vi"},
		Chat:  models.Chat{ID: officer, Type: models.ChatTypePrivate},
		Voice: &models.Voice{FileID: "AwAC-v", FileUniqueID: "u", Duration: 4, MimeType: "audio/ogg", FileSize: 8000},
	}})
	sent := waitSent(t, fake, officer, 1)
	if !strings.Contains(dump(sent), "tệp") {
		t.Errorf("the officer was not told the voice message was not taken:\n%s", dump(sent))
	}
}
