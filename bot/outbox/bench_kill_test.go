package outbox_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// BenchmarkOutboxKillMidBroadcast runs a broadcast of 300 bulk messages
// (300 chats, Telegram's limits with 5 a second reserved for answers, real
// clock, 16 workers) against a fake that enforces the limits, kills it
// when half are accepted (a consistent copy of the file taken right then
// is what a kill -9 leaves on disk) and finishes it in a new outbox on
// that copy. It reports:
//
//	in_flight  sends accepted but not recorded at the kill
//	doubled    chats that got the announcement twice (must be <= in_flight)
//	missing    chats that never got it (must be 0)
//	429s       sends refused (must be 0: the limits hold across the kill)
//	x_min      wall time over the bulk lane's minimum (300 / 25 per second)
func BenchmarkOutboxKillMidBroadcast(b *testing.B) {
	const chats, killAt = 300, 150
	l := outbox.TelegramLikeLimits()
	l.ReservedPerSecond = 5
	for b.Loop() {
		dir := b.TempDir()
		fake := newOBTelegramFake(time.Now, 1)
		db1 := obOpenDB(b, filepath.Join(dir, "first.db"))
		o1, err := outbox.New(db1, outbox.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s1, killed := obKillingSender(b, db1, filepath.Join(dir, "second.db"), killAt, fake.Send, nil)
		o1.Register(outbox.Telegram, s1, l)
		rs := make([]outbox.Reply, chats)
		for i := range rs {
			rs[i] = outbox.Reply{Channel: outbox.Telegram, ChatID: fmt.Sprint(300000 + i), Text: "Thông báo", Bulk: true}
		}
		start := time.Now()
		if err := o1.Enqueue(rs...); err != nil {
			b.Fatal(err)
		}
		obRun(b, o1, killed)
		db1.Close()

		db2 := obOpenDB(b, filepath.Join(dir, "second.db"))
		left, _ := func() (int, error) {
			o, err := outbox.New(db2, outbox.Options{})
			if err != nil {
				return 0, err
			}
			n, _ := o.Depth()
			return n, nil
		}()
		fake.mu.Lock()
		inFlight := left - (chats - len(fake.texts))
		fake.mu.Unlock()
		done := newOBCounter(left)
		o2, err := outbox.New(db2, outbox.Options{OnSent: func(*bolt.Tx, outbox.Reply, string) error { done.add(); return nil }})
		if err != nil {
			b.Fatal(err)
		}
		o2.Register(outbox.Telegram, fake, l)
		obRun(b, o2, done.done)
		elapsed := time.Since(start)
		db2.Close()

		fake.mu.Lock()
		doubled, missing := 0, chats-len(fake.texts)
		for _, texts := range fake.texts {
			doubled += len(texts) - 1
		}
		refused := fake.refused
		fake.mu.Unlock()
		b.ReportMetric(float64(inFlight), "in_flight")
		b.ReportMetric(float64(doubled), "doubled")
		b.ReportMetric(float64(missing), "missing")
		b.ReportMetric(float64(refused), "429s")
		b.ReportMetric(elapsed.Seconds()/(float64(chats)/float64(l.BulkPerSecond())), "x_min")
	}
}
