package telegram_test

import (
	"strings"
	"testing"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// An officer who edits a question after the answer is told the bot
// answered the first version, instead of silence (before) or a second
// answer to a question the thread no longer shows.
func TestE2EEditedQuestionIsExplained(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	p := startPipeline(t, fake, t.TempDir(), noLimits, all)
	const officer = 501
	fake.PushText(officer, officer, "khai báo thiết bị X-quang")
	first := waitSent(t, fake, officer, 1)[0]
	if len(first.Markup.InlineKeyboard) == 0 {
		t.Fatalf("the question was not answered: %q", first.Plain())
	}
	fake.PushEdit(officer, officer, 1, "báo cáo an toàn bức xạ hằng năm")
	second := waitSent(t, fake, officer, 2)[1]
	if len(second.Markup.InlineKeyboard) != 0 || strings.Contains(second.Text, "<a href=") {
		t.Errorf("the edit was answered as a new question: %q", second.Plain())
	}
	if second.ReplyTo != 0 && second.ReplyTo != 1 {
		t.Errorf("reply to %d", second.ReplyTo)
	}
	p.stop(t)
	st, db := reopenStore(t, p)
	defer db.Close()
	if ts := ticketsOf(t, st, officer); len(ts) != 0 {
		t.Errorf("an edit opened %d tickets", len(ts))
	}
}
