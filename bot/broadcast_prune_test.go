package bot_test

import (
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// An announcement and the record of who got it stay for `broadcast
// status` during AnnouncementRetention, then go.
func TestPruneOldAnnouncements(t *testing.T) {
	h := newPruneHarness(t, nil)
	seedOfficers(t, h.rtHarness, 6)
	b := newBroadcaster(t, h.rtHarness, bot.BroadcastOptions{})
	ann, _, err := b.Start("Cổng dịch vụ công bảo trì tối nay 22:00–23:00.", bot.Audience{})
	if err != nil {
		t.Fatal(err)
	}
	if s := runUntilDone(t, b, ann.ID); s.Sent != 6 {
		t.Fatalf("status %+v, want 6 sent", s)
	}
	h.advance(bot.AnnouncementRetention - time.Hour)
	h.prune()
	if _, err := b.Status(ann.ID); err != nil || h.count("bot_announcement_to") != 6 {
		t.Fatalf("a young announcement was pruned: %v, %d records", err, h.count("bot_announcement_to"))
	}
	h.advance(2 * time.Hour)
	h.prune()
	if _, err := b.Status(ann.ID); err == nil {
		t.Error("an announcement older than its retention is still there")
	}
	if n := h.count("bot_announcement_to"); n != 0 {
		t.Errorf("%d per-recipient records left", n)
	}
}
