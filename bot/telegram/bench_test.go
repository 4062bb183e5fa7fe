package telegram_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// benchQuestions mixes answered, uncertain and unanswerable questions (the
// last open tickets), as typed by officers, with and without tone marks.
var benchQuestions = []string{
	"khai báo thiết bị X-quang",
	"nghi dinh 132 cap xa",
	"báo cáo an toàn bức xạ hằng năm",
	"Nghị định 133 quy định gì về sở hữu trí tuệ",
	"thủ tục cấp giấy phép tiến hành công việc bức xạ",
	"hộ chiếu",
	"làm sao để đăng ký bóng đá",
}

// firstSend records when the first reply to each chat reached the
// channel's Sender: the end of "inbox to outbox".
type firstSend struct {
	mu   sync.Mutex
	at   map[string]time.Time
	want int
	done chan struct{}
}

func (s *firstSend) Send(_ context.Context, r bot.Reply) (string, bool, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.at[r.ChatID]; !ok && r.CallbackID == "" {
		s.at[r.ChatID] = now
		if len(s.at) == s.want {
			close(s.done)
		}
	}
	return "1", false, nil
}

// BenchmarkInboundTelegram measures inbound handling, inbox to outbox with
// search included: Telegram updates (real payloads, converted as the
// poller does) are stored in the inbox in batches as the poller stores
// them, the Router answers each from the shipped knowledge base in one
// bbolt transaction (fsync on), and the Outbox hands the reply to the
// channel's Sender (an in-memory one: sending to Telegram is not part of
// inbound handling; no rate limits). Every update comes from its own chat.
//
//   - burst: b.N updates arrive at once (100 per batch); updates/s is the
//     sustained throughput, p99-ms the latency of the last ones to finish.
//   - paced-1000: updates arrive at 1,000/s (10 every 10 ms, on a fixed
//     schedule: a late Add makes the next one bigger, as the poller's next
//     getUpdates would be); p99-ms is the latency an officer sees at that
//     load, from the scheduled arrival.
//   - paced-100: 100/s (one every 10 ms), the latency below saturation.
//   - burst-nosync: burst without fsync, diagnostic only.
//   - router-only: the Router alone, updates/s until the inbox is empty.
func BenchmarkInboundTelegram(b *testing.B) {
	for _, bc := range []struct {
		name   string
		batch  int
		every  time.Duration
		noSync bool
	}{
		{"burst", 100, 0, false},
		{"paced-1000", 10, 10 * time.Millisecond, false},
		// Below saturation: the latency of one update on a calm day.
		{"paced-100", 1, 10 * time.Millisecond, false},
		// Diagnostic only, never a production setting: without fsync, how
		// fast the handling itself is (what the disk costs is the difference).
		{"burst-nosync", 100, 0, true},
	} {
		b.Run(bc.name, func(b *testing.B) { benchInbound(b, bc.batch, bc.every, bc.noSync) })
	}
	b.Run("router-only", benchRouterOnly)
}

// benchRouterOnly measures the Router alone (inbox → replies enqueued in the
// outbox, which does not run): b.N updates stored at once, then the time
// until the inbox is empty, checked every millisecond. No latencies: the
// enqueue of one reply cannot be observed from outside.
func benchRouterOnly(b *testing.B) {
	searcher, db := benchOpen(b)
	st, _ := tickets.NewStore(db, tickets.Options{})
	in, _ := bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(st)})
	out, _ := outbox.New(db, outbox.Options{Batch: bot.StoreBatch(st)})
	out.Register(bot.Telegram, &firstSend{}, noLimits) // never runs
	router, err := bot.NewRouter(db, in, searcher, st, out, bot.RouterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	msgs := benchMessages(b, b.N)
	benchAgreed(b, db, msgs)
	for i := 0; i < b.N; i += 100 {
		if _, err := in.Add(msgs[i:min(i+100, b.N)], nil); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = router.Run(ctx) })
	b.ResetTimer()
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	for n := b.N; n > 0; <-tick.C {
		if n, err = in.Pending(); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	tick.Stop()
	cancel()
	wg.Wait()
	if kept, _ := in.Kept(); len(kept) > 0 {
		b.Fatalf("%d updates failed: %+v", len(kept), kept[0])
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(0, "ns/op")
}

// benchOpen opens the on-disk knowledge index, as `supportbot serve` opens
// it (bleve's memory-only index, NewMemIndex, is several times slower to
// search), and a fresh bbolt file; both are closed when b's run ends.
func benchOpen(b *testing.B) (*knowledge.Index, *bolt.DB) {
	b.Helper()
	searcher, err := knowledge.Open(b.TempDir(), knowledge.DefaultCorpus())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { searcher.Close() })
	db, err := tickets.OpenDB(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return searcher, db
}

// benchAgreed records in db that the senders of msgs agreed to the privacy
// notice, before the benchmark's clock starts: the questions the knowledge
// base cannot answer open tickets, and answers keep their question for the
// feedback buttons, as for every officer who asks.
func benchAgreed(b *testing.B, db *bolt.DB, msgs []bot.Message) {
	b.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		for _, m := range msgs {
			if err := bot.RecordConsent(tx, m.Channel, m.UserID, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// benchMessages returns n questions from n officers, converted from
// Telegram updates as the poller converts them.
func benchMessages(b *testing.B, n int) []bot.Message {
	msgs := make([]bot.Message, n)
	for i := range msgs {
		chat := int64(10_000_000 + i)
		u := models.Update{ID: int64(i + 1), Message: &models.Message{
			ID: 1, Date: 1767225600, Text: benchQuestions[i%len(benchQuestions)],
			From: &models.User{ID: chat, FirstName: "Cán bộ", LanguageCode: "vi"},
			Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate},
		}}
		m, ok := telegram.Convert(&u, time.Now())
		if !ok {
			b.Fatal("update not converted")
		}
		msgs[i] = m
	}
	return msgs
}

func benchInbound(b *testing.B, batch int, every time.Duration, noSync bool) {
	searcher, db := benchOpen(b)
	db.NoSync = noSync
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// As cmd wires it: the inbox, the router and the outbox's records
	// share one group commit.
	in, err := bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(st)})
	if err != nil {
		b.Fatal(err)
	}
	var router *bot.Router
	out, err := outbox.New(db, outbox.Options{
		OnSent: func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		Batch:  bot.StoreBatch(st), // as cmd wires it: one group commit for router and outbox
	})
	if err != nil {
		b.Fatal(err)
	}
	if router, err = bot.NewRouter(db, in, searcher, st, out, bot.RouterOptions{}); err != nil {
		b.Fatal(err)
	}
	sink := &firstSend{at: map[string]time.Time{}, want: b.N, done: make(chan struct{})}
	out.Register(bot.Telegram, sink, noLimits)

	msgs := benchMessages(b, b.N) // converted beforehand, as the poller converts them
	benchAgreed(b, db, msgs)
	added := make([]time.Time, b.N)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, run := range []func(context.Context) error{router.Run, out.Run} {
		wg.Go(func() { errs <- run(ctx) })
	}

	b.ResetTimer()
	start := time.Now()
	// Updates arrive on a fixed schedule whatever the inbox does, as they
	// reach Telegram: batch every `every` from start. Like the poller, the
	// feeder stores all that have arrived and not been stored yet (at most
	// 100 per Add, a getUpdates page), so a slow Add makes the next one
	// bigger, never the offered load smaller. Latency counts from the
	// scheduled arrival, so the feeder's own lag is included.
	var tick *time.Ticker
	if every > 0 {
		tick = time.NewTicker(every)
		defer tick.Stop()
	}
	for i := 0; i < b.N; {
		due := b.N
		if every > 0 {
			due = min(b.N, (int(time.Since(start)/every)+1)*batch)
		}
		for i < due {
			j := min(i+batch, due) // burst: pages of 100
			if every > 0 {
				j = min(i+100, due) // paced: all that arrived, up to a getUpdates page
			}
			now := time.Now()
			for k := i; k < j; k++ {
				msgs[k].Received = now
				added[k] = now // burst: when stored, as before
				if every > 0 {
					added[k] = start.Add(time.Duration(k/batch) * every) // paced: when scheduled
				}
			}
			if _, err := in.Add(msgs[i:j], nil); err != nil {
				b.Fatal(err)
			}
			i = j
		}
		if tick != nil && i < b.N {
			<-tick.C
		}
	}
	select {
	case <-sink.done:
	case <-time.After(5*time.Minute + time.Duration(b.N)*10*time.Millisecond):
		b.Fatalf("only %d of %d updates answered", len(sink.at), b.N)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	if opened, err := st.List(tickets.Filter{}); err != nil {
		b.Fatal(err)
	} else if len(opened) == 0 && b.N >= len(benchQuestions) {
		b.Fatal("no question opened a ticket: the mix measured is answers only")
	}

	lat := make([]float64, 0, b.N)
	sink.mu.Lock()
	for i, m := range msgs {
		at, ok := sink.at[m.ChatID]
		if !ok {
			b.Fatalf("update %d never answered", i)
		}
		lat = append(lat, at.Sub(added[i]).Seconds()*1000)
	}
	sink.mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)], "p99-ms")
	b.ReportMetric(0, "ns/op") // meaningless here: updates/s says it
}
