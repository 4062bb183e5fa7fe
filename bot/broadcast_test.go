package bot_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// seedOfficers stores n Telegram officers "1000".."1000+n-1"; every
// third is of Lào Cai, the others of Hà Nội, and the first is a
// province officer. A Slack staff record is added, which never receives
// announcements.
func seedOfficers(t *testing.T, h *rtHarness, n int) {
	t.Helper()
	for i := range n {
		prov, role := "Hà Nội", "commune"
		if i%3 == 0 {
			prov = "Lào Cai"
		}
		if i == 0 {
			role = "province"
		}
		if err := bot.PutOfficer(h.db, bot.Telegram, strconv.Itoa(1000+i), prov, role); err != nil {
			t.Fatal(err)
		}
	}
	if err := bot.PutOfficer(h.db, bot.Slack, "U1", "", ""); err != nil {
		t.Fatal(err)
	}
}

func newBroadcaster(t *testing.T, h *rtHarness, o bot.BroadcastOptions) *bot.Broadcaster {
	t.Helper()
	o.Now = h.now
	b, err := bot.NewBroadcaster(h.db, h.outbox, o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runUntilDone runs b until announcement id is done.
func runUntilDone(t *testing.T, b *bot.Broadcaster, id string) bot.AnnouncementStatus {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); b.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	deadline := time.Now().Add(rtWait)
	for {
		s, err := b.Status(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Done() {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("announcement not done: %+v", s)
		}
		time.Sleep(10 * time.Millisecond) // polling the store, as the CLI does
	}
}

// received counts the announcement copies delivered per chat so far.
func received(h *rtHarness, got map[string]int) {
	for {
		select {
		case s := <-h.sent:
			if s.Ref != "" {
				got[s.ChatID]++
			}
		default:
			return
		}
	}
}

func TestBroadcastAudience(t *testing.T) {
	h := newStoppedHarness(t)
	seedOfficers(t, h, 30)
	b := newBroadcaster(t, h, bot.BroadcastOptions{})
	for _, c := range []struct {
		aud  bot.Audience
		want int
	}{
		{bot.Audience{}, 30},
		{bot.Audience{Province: "lao cai"}, 10},
		{bot.Audience{Province: "Lào Cai", Role: "province"}, 1},
		{bot.Audience{Role: "commune"}, 29},
	} {
		rs, err := b.Recipients(c.aud)
		if err != nil || len(rs) != c.want {
			t.Errorf("Recipients(%+v) = %d, %v; want %d", c.aud, len(rs), err, c.want)
		}
	}
	if _, err := b.Recipients(bot.Audience{Province: "Atlantis"}); err == nil {
		t.Error("an unknown province was accepted")
	}
	if _, err := b.Recipients(bot.Audience{Role: "mayor"}); err == nil {
		t.Error("an unknown role was accepted")
	}
	if _, _, err := b.Start("x", bot.Audience{Province: "Lào Cai", Role: "other"}); !errors.Is(err, bot.ErrNoRecipients) {
		t.Errorf("Start to nobody: %v, want ErrNoRecipients", err)
	}
}

// TestBroadcastOnceEachResumable: every officer receives the announcement
// exactly once, also when the process stops half-way through enqueueing
// and a new one (a restarted bot, or the same command run again) resumes.
func TestBroadcastOnceEachResumable(t *testing.T) {
	h := newStoppedHarness(t)
	seedOfficers(t, h, 45)
	first := newBroadcaster(t, h, bot.BroadcastOptions{Window: 20, Batch: 7})
	ann, created, err := first.Start("Cổng dịch vụ công bảo trì tối nay 22:00–23:00 <b>", bot.Audience{})
	if err != nil || !created || ann.Total != 45 {
		t.Fatalf("Start = %+v, %v, %v", ann, created, err)
	}
	n, err := first.Step()
	if err != nil || n != 20 {
		t.Fatalf("first Step enqueued %d, %v; want the window, 20", n, err)
	}
	if n, _ := first.Step(); n != 0 {
		t.Fatalf("a full window took %d more", n)
	}
	// The process stops here; another starts with the same command.
	h.start()
	second := newBroadcaster(t, h, bot.BroadcastOptions{Window: 20, Batch: 7})
	again, created, err := second.Start("Cổng dịch vụ công bảo trì tối nay 22:00–23:00 <b>", bot.Audience{})
	if err != nil || created || again.ID != ann.ID {
		t.Fatalf("second Start = %+v, created %v, %v; want the same announcement", again, created, err)
	}
	s := runUntilDone(t, second, ann.ID)
	if s.Sent != 45 || s.Failed != 0 || s.Pending != 0 || s.Queued != 45 {
		t.Errorf("status %+v, want 45 sent", s)
	}
	got := map[string]int{}
	for len(got) < 45 {
		select {
		case r := <-h.sent:
			if r.Ref == "" {
				continue
			}
			got[r.ChatID]++
			mustContain(t, r.Text, "Thông báo", "&lt;b&gt;")
		case <-time.After(rtWait):
			t.Fatalf("only %d chats got it", len(got))
		}
	}
	received(h, got)
	for chat, n := range got {
		if n != 1 {
			t.Errorf("chat %s got it %d times", chat, n)
		}
	}
	if _, ok := got["U1"]; ok {
		t.Error("a Slack staff record received an announcement")
	}
	list, err := second.List()
	if err != nil || len(list) != 1 || list[0].ID != ann.ID {
		t.Errorf("List = %+v, %v", list, err)
	}
}

// TestBroadcastLeavesRoomForAnswers: an officer's question asked while an
// announcement is under way waits behind at most a window of it, not the
// whole announcement.
func TestBroadcastLeavesRoomForAnswers(t *testing.T) {
	h := newStoppedHarness(t)
	seedOfficers(t, h, 300)
	b := newBroadcaster(t, h, bot.BroadcastOptions{Window: 10})
	ann, _, err := b.Start("Thông tư mới", bot.Audience{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Step(); err != nil {
		t.Fatal(err)
	}
	if n, oldest := h.outbox.Depth(); n > 10 {
		t.Fatalf("outbox depth %d (oldest %v) after one step, want at most the window (10)", n, oldest)
	}
	h.start()
	h.add(h.msg("42", "/help"))
	before := 0
	for {
		r := h.next()
		if r.ChatID == "42" {
			break
		}
		before++
	}
	if before > 10 {
		t.Errorf("the answer waited behind %d announcement copies, want at most the window (10)", before)
	}
	runUntilDone(t, b, ann.ID)
}
