package schedules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

// A reminder travels in the outbox's low-priority lane, so that a fan-out
// to thousands of chats never delays an officer's answer, and carries the
// "report submitted" button for its occurrence.
func TestReminderReplyIsBulkWithTheConfirmButton(t *testing.T) {
	d := schedules.DefaultCalendar().Get("nd09-periodic")
	if d == nil {
		t.Fatal("the shipped calendar has no nd09-periodic")
	}
	now := time.Date(2026, 12, 20, 8, 0, 0, 0, time.UTC)
	occ := time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)
	r := schedules.ReminderReply(d, occ, schedules.Officer{Channel: outbox.Telegram, UserID: "7", ChatID: "7"}, false, now)
	if !r.Bulk {
		t.Error("a reminder is not in the bulk lane: a fan-out would hold up officers' answers")
	}
	if len(r.Buttons) != 1 || !strings.HasPrefix(r.Buttons[0][0].Data, "dl:ok:nd09-periodic:") {
		t.Errorf("buttons = %+v, want the report-submitted button", r.Buttons)
	}
}
