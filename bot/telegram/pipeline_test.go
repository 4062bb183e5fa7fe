package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// corpusIndex is the shipped knowledge base in memory, built once per test
// binary (about a second).
var corpusIndex = sync.OnceValues(func() (*knowledge.Index, error) {
	entries, errs := knowledge.LoadDir(knowledge.DefaultCorpus())
	if len(errs) > 0 {
		return nil, &errs[0]
	}
	return knowledge.NewMemIndex(entries)
})

func kb(tb testing.TB) bot.Searcher {
	tb.Helper()
	ix, err := corpusIndex()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// noLimits lets the functional tests run without Telegram's one message
// per second per chat; the limit tests use telegram.APILimits().
var noLimits = outbox.Limits{Split: func(t string) []string { return telegram.SplitHTML(t, 4096) }}

// pipeline is the whole process as cmd wires it: one bbolt file, inbox,
// router, tickets, outbox with the Telegram sender, and the poller, all
// against the fake Bot API.
type pipeline struct {
	dir    string
	db     *bolt.DB
	in     *bot.Inbox
	st     *tickets.Store
	out    *outbox.Outbox
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
	once   sync.Once
}

// parts says which actors run; sendTimeout bounds one Bot API request of
// the sender (default 10 s).
type parts struct {
	poller, router, outbox bool
	sendTimeout            time.Duration
}

var all = parts{poller: true, router: true, outbox: true}

func startPipeline(t *testing.T, fake *faketg.Server, dir string, limits outbox.Limits, run parts) *pipeline {
	t.Helper()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline{dir: dir, db: db}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if p.st, err = tickets.NewStore(db, tickets.Options{}); err != nil {
		t.Fatal(err)
	}
	if p.in, err = bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(p.st)}); err != nil {
		t.Fatal(err)
	}
	var router *bot.Router
	p.out, err = outbox.New(db, outbox.Options{
		Logger:   logger,
		OnSent:   func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return router.OnFailed(tx, r, err) },
		Batch:    bot.StoreBatch(p.st),
	})
	if err != nil {
		t.Fatal(err)
	}
	if router, err = bot.NewRouter(db, p.in, kb(t), p.st, p.out, bot.RouterOptions{Logger: logger}); err != nil {
		t.Fatal(err)
	}
	if run.sendTimeout == 0 {
		run.sendTimeout = 10 * time.Second
	}
	sender, err := telegram.NewSender(fake.Token(), fake.URL(), telegram.SenderOptions{Timeout: run.sendTimeout, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	p.out.Register(bot.Telegram, sender, limits)
	poller, err := telegram.NewPoller(fake.Token(), fake.URL(), p.in, telegram.PollerOptions{PollTimeout: 5 * time.Second, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	for _, a := range []struct {
		on  bool
		run func(context.Context) error
	}{{run.poller, poller.Run}, {run.router, router.Run}, {run.outbox, p.out.Run}} {
		if !a.on {
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := a.run(ctx); err != nil {
				p.mu.Lock()
				p.errs = append(p.errs, err)
				p.mu.Unlock()
				cancel() // the first to fail stops the rest
			}
		}()
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop cancels every part, waits for all of them and closes the database.
func (p *pipeline) stop(t *testing.T) {
	t.Helper()
	p.once.Do(func() {
		p.cancel()
		p.wg.Wait()
		if err := p.db.Close(); err != nil {
			t.Error(err)
		}
		if err := errors.Join(p.errs...); err != nil {
			t.Errorf("pipeline part failed: %v", err)
		}
	})
}

// agreed records that the officers agreed to the bot's privacy notice, as
// pressing its Agree does: without it the bot opens them no ticket.
func (p *pipeline) agreed(t *testing.T, officers ...int64) {
	t.Helper()
	err := p.db.Update(func(tx *bolt.Tx) error {
		for _, o := range officers {
			id := strconv.FormatInt(o, 10)
			if err := bot.RecordConsent(tx, bot.Telegram, id, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitSent waits until chat has received at least n messages and returns them.
func waitSent(t *testing.T, fake *faketg.Server, chat int64, n int) []faketg.Sent {
	t.Helper()
	if err := fake.Wait(waitCtx(t), func() bool { return len(fake.SentTo(chat)) >= n }); err != nil {
		t.Fatalf("chat %d got %d messages, want %d: %v\n%s", chat, len(fake.SentTo(chat)), n, err, dump(fake.SentTo(chat)))
	}
	return fake.SentTo(chat)
}

func dump(ms []faketg.Sent) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("  ▸ " + m.Plain() + "\n")
	}
	return b.String()
}

// button finds an inline button by its text in the messages.
func button(ms []faketg.Sent, prefix string) (msgID int, data string, ok bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Markup.InlineKeyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Text, prefix) {
					return ms[i].MessageID, b.CallbackData, true
				}
			}
		}
	}
	return 0, "", false
}

func ticketsOf(t *testing.T, st *tickets.Store, user int64) []*tickets.Ticket {
	t.Helper()
	ts, err := st.List(tickets.Filter{Channel: string(bot.Telegram), UserID: strconv.FormatInt(user, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// reopenStore opens the stopped pipeline's database again to inspect it.
func reopenStore(t *testing.T, p *pipeline) (*tickets.Store, *bolt.DB) {
	t.Helper()
	db, err := tickets.OpenDB(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st, db
}
