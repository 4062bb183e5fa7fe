package schedules_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/schedules"
)

// BenchmarkReminderFanoutKill is the crash target: the reminder to
// 10,000 chats is killed half-way through its delivery and resumed. The
// kill -9 is simulated exactly: when half the chats have been reached, a
// consistent copy of the database file is taken (bbolt Tx.CopyFile: the
// committed state at that instant, which is what a killed process leaves
// on disk), and the second run starts from that copy against the same fake
// Bot API. It reports the recipients skipped (must be 0), the duplicates
// (messages a chat got twice) and the sends in flight at the kill (sent to
// the fake but not recorded in the copy), which bound the duplicates.
// About 6 minutes: run it with -benchtime 1x.
func BenchmarkReminderFanoutKill(b *testing.B) {
	const chats = 10_000
	cal, dir := benchFanout(b, chats)
	for b.Loop() {
		fake := faketg.New(faketg.Options{EnforceLimits: true})
		sender, err := telegram.NewSender(fake.Token(), fake.URL(), telegram.SenderOptions{})
		if err != nil {
			b.Fatal(err)
		}
		clk := &remClock{t: vn(2026, 12, 13, 7, 59)}
		tmp := b.TempDir()

		// One process: its outbox counts deliveries; stop ends it.
		type proc struct {
			db        *bolt.DB
			rem       *schedules.Reminders
			delivered atomic.Int64
			cancel    context.CancelFunc
			wg        sync.WaitGroup
		}
		start := func(path string) *proc {
			p := &proc{}
			db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				b.Fatal(err)
			}
			p.db = db
			out, err := outbox.New(db, outbox.Options{OnSent: func(*bolt.Tx, bot.Reply, string) error {
				p.delivered.Add(1) // may count a record retried in a shared commit; only used to time the kill
				return nil
			}})
			if err != nil {
				b.Fatal(err)
			}
			out.Register(bot.Telegram, sender, sender.Limits())
			if p.rem, err = schedules.New(db, schedules.Options{Calendar: cal, Outbox: out, Now: clk.Now, Directory: dir}); err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			p.cancel = cancel
			p.wg.Go(func() { _ = out.Run(ctx) })
			return p
		}
		stop := func(p *proc) { p.cancel(); p.wg.Wait(); _ = p.db.Close() }

		began := time.Now()
		p1 := start(filepath.Join(tmp, "bot.db"))
		if err := p1.rem.Tick(context.Background(), clk.Now()); err != nil {
			b.Fatal(err)
		}
		clk.Set(vn(2026, 12, 13, 8, 0))
		if err := p1.rem.Tick(context.Background(), clk.Now()); err != nil {
			b.Fatal(err)
		}
		for p1.delivered.Load() < chats/2 {
			time.Sleep(10 * time.Millisecond)
		}
		// The kill: the state on disk at this instant.
		snap := filepath.Join(tmp, "killed.db")
		var recorded int
		err = p1.db.View(func(tx *bolt.Tx) error {
			recorded = chats - tx.Bucket([]byte("bot_outbox")).Stats().KeyN
			return tx.CopyFile(snap, 0o600)
		})
		sentAtKill := len(fake.Sent())
		if err != nil {
			b.Fatal(err)
		}
		stop(p1) // its further sends are the "in flight" of the kill
		sentByFirst := len(fake.Sent())

		// The restart, from the killed state.
		clk.Set(vn(2026, 12, 13, 8, 1))
		p2 := start(snap)
		if err := p2.rem.Tick(context.Background(), clk.Now()); err != nil {
			b.Fatal(err)
		}
		remaining := int64(chats - recorded)
		deadline := time.After(12 * time.Minute)
		for p2.delivered.Load() < remaining {
			select {
			case <-deadline:
				b.Fatalf("restart delivered %d of %d", p2.delivered.Load(), remaining)
			case <-time.After(50 * time.Millisecond):
			}
		}
		elapsed := time.Since(began)
		stop(p2)
		fake.Close()

		perChat, dups := benchDelivered(fake)
		b.ReportMetric(elapsed.Seconds(), "real_s")
		b.ReportMetric(float64(chats-len(perChat)), "skipped")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(float64(sentAtKill-recorded), "in_flight_at_kill")
		b.ReportMetric(float64(sentByFirst-recorded), "sent_not_in_snapshot")
		b.ReportMetric(float64(fake.RateLimited()), "429s")
		b.ReportMetric(0, "ns/op")
	}
}
