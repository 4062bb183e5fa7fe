package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// The store of BenchmarkEraseOfficer1000In100k: 100,000 tickets from 5,000
// officers, of which one officer (benchOfficer) opened every hundredth,
// 1,000 in all, each with two more messages of theirs, a triage card and
// its question relayed into the thread (both delivered, so that the
// erasure edits them); and 2,000 dead letters in the outbox.
const (
	benchTickets  = 100_000
	benchEvery    = 100 // the officer's share: one ticket in benchEvery
	benchOfficers = 5_000
	benchOfficer  = "900000001"
	benchDead     = 2_000 // dead letters in the outbox
)

// benchFixture builds the store in a directory of b's (NoSync: only the
// erasure is measured) and returns the path of its file.
func benchFixture(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	if err := buildEraseFixture(dir); err != nil {
		b.Fatal(err)
	}
	return filepath.Join(dir, tickets.DBFile)
}

func buildEraseFixture(dir string) error {
	db, err := tickets.OpenDB(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	db.NoSync = true
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		return err
	}
	var ids []string // the officer's
	const perTx = 1000
	for start := 0; start < benchTickets; start += perTx {
		err := st.Update(func(tx *tickets.Tx) error {
			for i := start; i < start+perTx; i++ {
				user := strconv.Itoa(100000 + i%benchOfficers)
				if i%benchEvery == 0 {
					user = benchOfficer
				}
				tk, _, err := tx.Create(tickets.NewTicket{Channel: "telegram", UserID: user, ChatID: user,
					UserName: "Cán bộ " + user, Province: "Lào Cai", Commune: "Xã Bát Xát", Topic: "ip",
					Text: fmt.Sprintf("Câu hỏi số %d về cấp lại văn bằng bảo hộ sở hữu trí tuệ của cán bộ %s", i, user)})
				if err != nil {
					return err
				}
				if user != benchOfficer {
					continue
				}
				ids = append(ids, tk.ID)
				for j := range 2 {
					if _, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + user, Name: "Cán bộ " + user},
						Text: fmt.Sprintf("Bổ sung %d cho %s", j, tk.ID), Direction: tickets.DirIn}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("create tickets: %w", err)
		}
	}
	// The officer's cards and question relays, delivered; and a month of
	// replies refused for good (officers who blocked the bot), kept as
	// dead letters, which an erasure's outbox look goes through.
	sent := make(chan struct{}, 2*len(ids)+benchDead)
	note := func(tx *bolt.Tx, _ bot.Reply, _ any) error {
		tx.OnCommit(func() { sent <- struct{}{} })
		return nil
	}
	out, err := bot.NewOutbox(db, bot.OutboxOptions{
		OnSent:   func(tx *bolt.Tx, r bot.Reply, id string) error { return note(tx, r, id) },
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return note(tx, r, err) },
	})
	if err != nil {
		return err
	}
	out.Register(bot.Telegram, bot.SenderFunc(func(context.Context, bot.Reply) (string, bool, error) {
		return "", false, errors.New("403 Forbidden: bot was blocked by the user")
	}), bot.Limits{})
	var mu sync.Mutex // guards seq
	seq := 0
	out.Register(bot.Slack, bot.SenderFunc(func(context.Context, bot.Reply) (string, bool, error) {
		mu.Lock()
		defer mu.Unlock()
		seq++
		return "ts" + strconv.Itoa(seq), false, nil
	}), bot.Limits{})
	var rs []bot.Reply
	for _, id := range ids {
		rs = append(rs,
			bot.Reply{Channel: bot.Slack, ChatID: stTriage, Ref: "triage:" + id, TicketID: id, Text: "card of " + id},
			bot.Reply{Channel: bot.Slack, ChatID: stTriage, ThreadRef: "triage:" + id, Ref: "said:" + id + ":q", Text: "question of " + id})
	}
	for i := range benchDead {
		chat := strconv.Itoa(300000 + i)
		rs = append(rs, bot.Reply{Channel: bot.Telegram, ChatID: chat, TicketID: tickets.FormatID(uint64(i + 2)),
			Text: "Trả lời về phiếu của cán bộ " + chat})
	}
	if err := db.Update(func(tx *bolt.Tx) error { return out.EnqueueTx(tx, rs...) }); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- out.Run(ctx) }()
	for range rs {
		select {
		case <-sent:
		case <-time.After(time.Minute):
			cancel()
			return fmt.Errorf("the fixture's posts were not delivered")
		}
	}
	cancel()
	if err := <-done; err != nil {
		return err
	}
	return db.Sync()
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	o, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}

// BenchmarkEraseOfficer1000In100k erases an officer with 1,000 tickets
// from a 100,000-ticket store (NoSync: the erasure's own work, not the
// disk's) while the Router handles a steady stream of other officers'
// questions (500 a second from four senders, through the real Inbox,
// Router and Outbox, the answer search instant). It reports the erasure's time until its last
// commit (erase-s) and with the free-page scrub (total-s), and the latency
// of the questions added during the erasure from the inbox to the commit
// of their handling (p50, p99, max), beside the p99 of the quarter second
// before it, and how long the scrub held bbolt's writer in all (scrub-ms,
// over its passes) and at most at once (scrub-max-lock-ms, what a question
// of that moment waits for). Targets (issue 11): erase under
// 2 s, p99 under 100 ms.
func BenchmarkEraseOfficer1000In100k(b *testing.B) {
	fixture := benchFixture(b)
	b.ResetTimer()
	b.StopTimer()
	var (
		lats, bases     []time.Duration
		took, totalTook time.Duration
		worst, scrub    time.Duration
		scrubHold       time.Duration
		posts           int
	)
	for range b.N {
		dir := b.TempDir()
		if err := copyFile(filepath.Join(dir, tickets.DBFile), fixture); err != nil {
			b.Fatal(err)
		}
		r := newEraseBenchRun(b, dir)
		rep, total, lat, base := r.erase(b)
		r.stop()
		if rep.Tickets != benchTickets/benchEvery {
			b.Fatalf("anonymised %d tickets, want %d", rep.Tickets, benchTickets/benchEvery)
		}
		lats, bases = append(lats, lat...), append(bases, base...)
		took, totalTook, worst, posts = took+rep.Took, totalTook+total, max(worst, total), rep.Posts
		scrub += rep.Scrub.Took
		scrubHold = max(scrubHold, rep.Scrub.MaxLock)
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "erase-s")
	b.ReportMetric(totalTook.Seconds()/float64(b.N), "total-s")
	b.ReportMetric(worst.Seconds(), "worst-total-s")
	b.ReportMetric(float64(scrub.Microseconds())/1000/float64(b.N), "scrub-ms")
	b.ReportMetric(float64(scrubHold.Microseconds())/1000, "scrub-max-lock-ms")
	b.ReportMetric(float64(posts), "posts")
	b.ReportMetric(float64(len(lats))/float64(b.N), "questions")
	reportLatency(b, lats)
	slices.Sort(bases)
	b.ReportMetric(float64(bases[int(0.99*float64(len(bases)-1))].Microseconds())/1000, "before-p99-ms")
}

// eraseBenchRun is the pipeline of one iteration on a copy of the fixture.
type eraseBenchRun struct {
	db     *bolt.DB
	inbox  *bot.Inbox
	eraser *bot.Eraser
	clock  *eraseClock
	stop   func()
}

func newEraseBenchRun(b *testing.B, dir string) *eraseBenchRun {
	b.Helper()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		b.Fatal(err)
	}
	db.NoSync = true
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	inbox, err := bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(st)})
	if err != nil {
		b.Fatal(err)
	}
	var router *bot.Router
	out, err := bot.NewOutbox(db, bot.OutboxOptions{
		OnSent: func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		Batch:  bot.StoreBatch(st),
	})
	if err != nil {
		b.Fatal(err)
	}
	c := &eraseClock{added: map[string]time.Time{}, handled: map[string]time.Duration{}}
	ok := bot.SenderFunc(func(context.Context, bot.Reply) (string, bool, error) { return "m", false, nil })
	out.Register(bot.Telegram, ok, bot.Limits{})
	out.Register(bot.Slack, outbox.SenderFunc(func(_ context.Context, r bot.Reply) (string, bool, error) {
		return r.EditID, false, nil
	}), bot.Limits{})
	staff := bot.StaffOptions{Channel: bot.Slack, Triage: stTriage}
	if router, err = bot.NewRouter(db, inbox, instantKB{}, st, out, bot.RouterOptions{Staff: staff}); err != nil {
		b.Fatal(err)
	}
	bot.SetHandledHook(router, c.noteHandled)
	reg, err := bot.OpenErasureRegister(filepath.Join(dir, "privacy"))
	if err != nil {
		b.Fatal(err)
	}
	e, err := bot.NewEraser(bot.EraserOptions{DB: db, Tickets: st, Outbox: out, Register: reg, DataDir: dir, Staff: staff})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		if err := bot.Agree(db, bot.Telegram, strconv.Itoa(200000+i), time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{router.Run, out.Run} {
		wg.Go(func() { _ = run(ctx) })
	}
	return &eraseBenchRun{db: db, inbox: inbox, eraser: e, clock: c, stop: func() {
		cancel()
		wg.Wait()
		db.Close()
	}}
}

// erase runs the erasure while a feeder adds a question every
// benchQuestionEvery; it returns the report, the erasure's whole time, the
// latencies of the questions added while it ran, and those of the
// questions added in the quarter second before it (the same stream without
// an erasure).
func (r *eraseBenchRun) erase(b *testing.B) (rep bot.EraseReport, total time.Duration, lat, base []time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var (
		mu     sync.Mutex // guards window, before, during
		window []string   // sources whose Add started while the erasure ran
		before []string   // sources added before it
		during bool
	)
	for f := range benchFeeders {
		wg.Go(func() {
			r.feed(ctx, b, f, func(source string) {
				mu.Lock()
				defer mu.Unlock()
				if during {
					window = append(window, source)
				} else if window == nil {
					before = append(before, source)
				}
			})
		})
	}
	time.Sleep(250 * time.Millisecond) // the stream flows before the erasure starts
	mu.Lock()
	during, window = true, []string{}
	mu.Unlock()
	start := time.Now()
	b.StartTimer()
	rep, err := r.eraser.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: benchOfficer,
		Why: "officer request", By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:bench"}})
	b.StopTimer()
	total = time.Since(start)
	mu.Lock()
	during = false
	ids, baseIDs := slices.Clone(window), slices.Clone(before)
	mu.Unlock()
	cancel()
	wg.Wait()
	if err != nil {
		b.Fatal(err)
	}
	// Every question of the window handled: its latency is known.
	deadline := time.Now().Add(time.Minute)
	for {
		var ok, okBase bool
		lat, ok = r.clock.latencies(ids)
		base, okBase = r.clock.latencies(baseIDs)
		if ok && okBase {
			return rep, total, lat, base
		}
		if time.Now().After(deadline) {
			b.Fatalf("questions added during the erasure were not handled")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The stream of questions: benchFeeders senders (webhook requests, say)
// each adding one question every benchQuestionEvery, 500 a second in all,
// so that even a short erasure sees enough of them for a p99.
const (
	benchFeeders       = 4
	benchQuestionEvery = 8 * time.Millisecond
)

// feed adds a question every benchQuestionEvery until ctx ends, from the
// officers of feeder f, noting each source as its Add starts.
func (r *eraseBenchRun) feed(ctx context.Context, b *testing.B, f int, added func(source string)) {
	t := time.NewTicker(benchQuestionEvery)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		user := strconv.Itoa(200000 + f*10 + i%10)
		m := bot.Message{Channel: bot.Telegram, SourceID: fmt.Sprintf("q%d-%d", f, i), ChatID: user, ChatType: bot.ChatPrivate,
			UserID: user, Text: "Thủ tục cấp lại văn bằng bảo hộ?", Received: time.Now()}
		r.clock.noteAdded(m.SourceID)
		added(m.SourceID)
		if _, err := r.inbox.Add([]bot.Message{m}, nil); err != nil {
			b.Error(err)
			return
		}
	}
}

// eraseClock times each question from its Add to the commit of its
// handling.
type eraseClock struct {
	mu      sync.Mutex // guards added, handled
	added   map[string]time.Time
	handled map[string]time.Duration
}

func (c *eraseClock) noteAdded(source string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.added[source] = time.Now()
}

func (c *eraseClock) noteHandled(m bot.Message) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handled[m.SourceID] = now.Sub(c.added[m.SourceID])
}

// latencies returns the latencies of sources, false until all are handled.
func (c *eraseClock) latencies(sources []string) ([]time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Duration, 0, len(sources))
	for _, s := range sources {
		d, ok := c.handled[s]
		if !ok {
			return nil, false
		}
		out = append(out, d)
	}
	return out, true
}
