package telegram_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// BenchmarkBroadcastTelegram is issue 4's broadcast target end to end on
// the real clock: 3,000 replies to 3,000 chats enqueued at once, delivered
// by the Outbox through the real Sender over HTTP to a fake Bot API that
// enforces Telegram's limits. The limits allow 3,000 messages in 100 s at
// best; the target is x_min <= 1.05 with no 429. It takes about 100 s per
// iteration: run it with -benchtime 1x.
func BenchmarkBroadcastTelegram(b *testing.B) {
	const chats = 3000
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
		rs := make([]bot.Reply, chats)
		for i := range rs {
			rs[i] = bot.Reply{Channel: bot.Telegram, ChatID: strconv.Itoa(1_000_000 + i),
				Text: "<b>Nhắc hạn</b>: báo cáo định kỳ sắp đến hạn. Xem /help."}
		}
		if err := out.Enqueue(rs...); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { _ = out.Run(ctx) })
		select {
		case <-done:
		case <-time.After(10 * time.Minute):
			b.Fatalf("only %d of %d delivered", delivered, chats)
		}
		elapsed := time.Since(start)
		cancel()
		wg.Wait()
		_ = db.Close()
		fake.Close()

		b.ReportMetric(elapsed.Seconds(), "real_s")
		b.ReportMetric(elapsed.Seconds()/(chats/30.0), "x_min")
		b.ReportMetric(float64(fake.RateLimited()), "429s")
		by := fake.RateLimitedBy()
		b.ReportMetric(float64(by[faketg.LimitGlobal]), "429s_global")
		b.ReportMetric(float64(by[faketg.LimitChat]), "429s_chat")
		b.ReportMetric(float64(len(fake.Sent())), "delivered")
		b.ReportMetric(0, "ns/op")
	}
}
