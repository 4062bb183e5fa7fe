package schedules_test

import (
	"context"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/schedules"
)

// BenchmarkReminderFanout is issue 9's target end to end on the real
// clock: the 7-day reminder of a deadline followed by 10,000 officers
// (10,000 private chats) is fanned out by a Reminders tick into the real
// Outbox, which delivers it through the real Telegram Sender over HTTP to
// the fake Bot API enforcing Telegram's limits (30 messages/s overall,
// 1/s per chat). The limits allow 10,000 messages in 333.3 s at best; the
// target is x_min <= 1.05 (350 s) with no 429. The clock starts before the
// tick, so the fan-out's transactions are included. About 6 minutes per
// iteration: run it with -benchtime 1x.
func BenchmarkReminderFanout(b *testing.B) {
	const chats = 10_000
	cal, dir := benchFanout(b, chats)
	for b.Loop() {
		fake := faketg.New(faketg.Options{EnforceLimits: true})
		db, err := bolt.Open(b.TempDir()+"/bot.db", 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		var mu sync.Mutex
		delivered := 0
		done := make(chan struct{})
		out, err := outbox.New(db, outbox.Options{OnSent: func(*bolt.Tx, bot.Reply, string) error {
			mu.Lock()
			defer mu.Unlock()
			if delivered++; delivered == chats {
				close(done)
			}
			return nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		sender, err := telegram.NewSender(fake.Token(), fake.URL(), telegram.SenderOptions{})
		if err != nil {
			b.Fatal(err)
		}
		out.Register(bot.Telegram, sender, sender.Limits())

		clk := &remClock{t: vn(2026, 12, 13, 7, 59)}
		rem, err := schedules.New(db, schedules.Options{Calendar: cal, Outbox: out, Now: clk.Now, Directory: dir})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if err := rem.Tick(ctx, clk.Now()); err != nil { // the first tick: sets the last tick
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() { _ = out.Run(ctx) })

		start := time.Now()
		clk.Set(vn(2026, 12, 13, 8, 0)) // t-commune's 7-day reminder
		if err := rem.Tick(ctx, clk.Now()); err != nil {
			b.Fatal(err)
		}
		fanout := time.Since(start)
		select {
		case <-done:
		case <-time.After(12 * time.Minute):
			b.Fatalf("only %d of %d delivered", delivered, chats)
		}
		elapsed := time.Since(start)
		cancel()
		wg.Wait()
		_ = db.Close()
		fake.Close()

		perChat, dups := benchDelivered(fake)
		b.ReportMetric(elapsed.Seconds(), "real_s")
		b.ReportMetric(fanout.Seconds(), "fanout_s")
		b.ReportMetric(elapsed.Seconds()/(chats/30.0), "x_min")
		b.ReportMetric(float64(fake.RateLimited()), "429s")
		b.ReportMetric(float64(len(fake.Sent())), "delivered")
		b.ReportMetric(float64(len(perChat)), "chats")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(0, "ns/op")
	}
}
