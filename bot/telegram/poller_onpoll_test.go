package telegram_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// pollLog records what OnPoll was told.
type pollLog struct {
	mu  sync.Mutex // guards oks
	oks []bool
}

func (l *pollLog) on(ok bool, _ time.Time) {
	l.mu.Lock()
	l.oks = append(l.oks, ok)
	l.mu.Unlock()
}

func (l *pollLog) snapshot() []bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]bool(nil), l.oks...)
}

// Readiness used to call a poller ready as soon as it ran, before Telegram
// had ever answered. OnPoll now reports each getUpdates: a failure first,
// then, once Telegram answers, a success.
func TestPollerReportsEachPoll(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	fake.FailNext("getUpdates", 502, 0)
	in := newInbox(t, openDB(t, t.TempDir()))
	var log pollLog
	var sl sleeps
	id := fake.PushText(42, 42, "xin chào")
	stop := runPoller(t, newPoller(t, fake, in, telegram.PollerOptions{OnPoll: log.on, Sleep: sl.sleep}))
	waitConfirmed(t, fake, id)
	_ = stop()
	got := log.snapshot()
	if len(got) < 2 || got[0] || !got[len(got)-1] {
		t.Fatalf("OnPoll saw %v, want a failure first and a success last", got)
	}
}
