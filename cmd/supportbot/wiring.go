package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
	bolt "go.etcd.io/bbolt"
)

// wiring is the process's core, shared by serve and console: one bbolt
// file, the knowledge index, the ticket store, the inbox, the outbox and
// the router. Channels are added on top of it.
type wiring struct {
	cfg     Config
	log     *slog.Logger
	db      *bolt.DB
	kb      *knowledge.Index
	store   *tickets.Store
	metrics *bot.Metrics
	inbox   *bot.Inbox
	outbox  *outbox.Outbox
	router  *bot.Router
	ready   *readiness
	now     func() time.Time // the app's clock (tests replace it)

	engine    *schedules.Engine    // cron jobs: reminders, and with Slack the SLA watch, rota and digest
	reminders *schedules.Reminders // deadline reminders
	rota      *schedules.Rota      // on-call rota; nil without SUPPORTBOT_ROTA_FILE

	broadcasts *bot.Broadcaster // announcements (broadcast.go)

	register *bot.ErasureRegister // erasures, beside the database (privacy_cmd.go)
	eraser   *bot.Eraser          // erasure requests and retention

	channels []*channelHealth // the configured channels' receivers (status_health.go)
	kbState  kbReloads        // when the index was last loaded (admin_kb.go)
}

// writableKBDir returns the configured knowledge folder for commands that
// write into it, or an error saying why one is needed (vi, en) and how to
// set it: the embedded corpus cannot be written.
func writableKBDir(a *app, whyVI, whyEN string) (string, error) {
	cfg, err := a.config()
	if err != nil {
		return "", err
	}
	if cfg.KBDir == "" {
		return "", fmt.Errorf("%s", a.tr(
			keyKBDir+" chưa đặt: "+whyVI+"; đặt "+keyKBDir+" là thư mục tri thức (ví dụ knowledge/corpus của kho mã)",
			keyKBDir+" is not set: "+whyEN+"; set "+keyKBDir+" to the knowledge folder (e.g. the repository's knowledge/corpus)"))
	}
	return cfg.KBDir, nil
}

// kbFS is the knowledge files: the configured directory or the embedded
// starter corpus.
func kbFS(cfg Config) (fs.FS, error) {
	if cfg.KBDir == "" {
		return knowledge.DefaultCorpus(), nil
	}
	fi, err := os.Stat(cfg.KBDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyKBDir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: %s is not a directory", keyKBDir, cfg.KBDir)
	}
	return os.DirFS(cfg.KBDir), nil
}

// wire opens everything in dependency order. The database comes first: its
// lock makes a second process on the same data directory fail at once,
// before anything else (the bleve index has a lock of its own that would
// block instead). On error, whatever was opened is closed again. The router
// takes "/cmd@anybot" as its own: right for the console, which has no bot
// username.
func wire(a *app, cfg Config, log *slog.Logger) (*wiring, error) {
	return wireBot(a, cfg, log, nil)
}

// wireBot is wire for a channel whose bot has a username: botUsername, when
// not nil, is called once, after the database is locked (a second process
// still fails at once, without waiting for Telegram), and its answer
// becomes RouterOptions.BotUsername; "" keeps wire's behaviour.
func wireBot(a *app, cfg Config, log *slog.Logger, botUsername func() string) (_ *wiring, err error) {
	w := &wiring{cfg: cfg, log: log, ready: &readiness{}, metrics: bot.NewMetrics(), now: a.now}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	opts, err := ticketOptions(cfg, a.now)
	if err != nil {
		return nil, err
	}
	// The files that configure the schedules are read before the database
	// is opened: a mistake in one stops the start with its file:line.
	cal, err := schedules.LoadCalendar(cfg.DeadlinesFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyDeadlinesFile, err)
	}
	if cfg.RotaFile != "" {
		if w.rota, err = schedules.LoadRota(cfg.RotaFile); err != nil {
			return nil, fmt.Errorf("%s: %w", keyRotaFile, err)
		}
	}
	files, err := kbFS(cfg)
	if err != nil {
		return nil, err
	}
	if w.db, err = tickets.OpenDB(cfg.DataDir); err != nil {
		return nil, err
	}
	w.ready.set("database", w.checkDB)
	start := time.Now()
	if w.kb, err = knowledge.OpenWith(cfg.DataDir, files, knowledge.OpenOptions{Progress: buildProgress(a, log)}); err != nil {
		return nil, fmt.Errorf("knowledge index: %w", err)
	}
	w.kbState.loaded(w.now())
	for _, le := range w.kb.LoadErrors() {
		log.Warn("knowledge file skipped", "err", le.Error())
	}
	log.Info("knowledge index open", "entries", w.kb.Stats().Entries, "took", time.Since(start).Round(time.Millisecond))
	w.ready.set("knowledge index", w.checkKB)
	if w.store, err = tickets.NewStore(w.db, opts); err != nil {
		return nil, err
	}
	if w.inbox, err = bot.NewInbox(w.db, bot.InboxOptions{Batch: bot.StoreBatch(w.store), Now: a.now}); err != nil {
		return nil, err
	}
	// The router is made after the outbox, which needs its hooks: the
	// closures read w.router when an item is sent, by then it is set.
	w.outbox, err = outbox.New(w.db, outbox.Options{
		Now:     a.now,
		Metrics: w.metrics,
		Logger:  log.With("part", "outbox"),
		OnSent: func(tx *bolt.Tx, r bot.Reply, sentID string) error {
			return w.router.OnSent(tx, r, sentID)
		},
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error {
			return w.router.OnFailed(tx, r, err)
		},
		Batch:   bot.StoreBatch(w.store), // one group commit, one fsync, for handling and delivery records
		KeepRef: bot.KeepTicketRefs(w.store),
	})
	if err != nil {
		return nil, err
	}
	var username string
	if botUsername != nil {
		username = botUsername()
	}
	if w.register, err = bot.OpenErasureRegister(privacyDir(cfg)); err != nil {
		return nil, err
	}
	if w.eraser, err = newEraser(w.db, w.store, w.outbox, w.register, cfg, log, a.now); err != nil {
		return nil, err
	}
	// A data file put back by hand may hold officers erased since: erase
	// them again before any message is handled against it. Until that
	// succeeds the bot does not start (systemd starts it again, which
	// retries): serving would answer from, and show staff, the erased data.
	reapplyCtx, cancel := context.WithTimeout(context.Background(), startReapplyBound)
	err = reapplyAtStart(reapplyCtx, w.eraser)
	cancel()
	if err != nil {
		return nil, fmt.Errorf(a.tr(
			"chưa xoá lại được dữ liệu của các cán bộ đã xoá trong tệp dữ liệu này (có lẽ được chép lại từ bản cũ): %w; bot không khởi động khi dữ liệu đã xoá còn đó, và sẽ thử lại khi được khởi động lại",
			"could not erase again the officers erased since this data file was made (it was likely put back from an older copy): %w; the bot does not start while erased data is in it, and tries again when started again"), err)
	}
	// The reminders come before the router: /han, /theodoi, /bothoi and
	// /support deadlines read the calendar and the follows through them.
	if err := w.newReminders(cal); err != nil {
		return nil, err
	}
	w.router, err = bot.NewRouter(w.db, w.inbox, w.kb, w.store, w.outbox, bot.RouterOptions{
		Now:         a.now,
		Metrics:     w.metrics,
		Logger:      log.With("part", "router"),
		BotUsername: username,
		Staff:       staffOptions(cfg, w.rota),
		Deadlines:   w.reminders,
		Retention:   routerRetention(cfg.Retention),
		Eraser:      w.eraser,
	})
	if err != nil {
		return nil, err
	}
	if w.broadcasts, err = bot.NewBroadcaster(w.db, w.outbox, bot.BroadcastOptions{Now: a.now}); err != nil {
		return nil, err
	}
	w.metrics.GaugeFunc("supportbot_tickets_breached", "Open tickets past their first-response or resolution target.", w.breachedTickets)
	if err := w.wireSchedules(); err != nil {
		return nil, err
	}
	if n, err := w.inbox.Pending(); err == nil && n > 0 {
		log.Info("inbox has pending messages from before the stop", "pending", n)
	}
	if n, oldest := w.outbox.Depth(); n > 0 {
		log.Info("outbox has unsent replies from before the stop", "depth", n, "oldest", oldest.Round(time.Second))
	}
	return w, nil
}

// startReapplyBound bounds the re-application of erasures at start. At
// start no reader holds back the free-page scrub, so even thousands of
// tickets take seconds; the bound only ends a hang, and is generous
// because giving up means not starting.
const startReapplyBound = 10 * time.Minute

// reapplyAtStart is the start's re-application; tests make it fail.
var reapplyAtStart = func(ctx context.Context, e *bot.Eraser) error {
	_, err := e.ReapplyIfDue(ctx)
	return err
}

// addCore adds the router and the outbox to g.
func (w *wiring) addCore(g *runGroup) {
	g.add("router", w.router.Run)
	g.add("outbox", w.outbox.Run)
	g.add("broadcasts", w.broadcasts.Run)
	g.add("schedules", w.engine.Run)
	g.add("privacy", w.eraser.Run)
}

// addAdmin adds the admin socket (admin.go) to g. Without it the bot still
// runs; ticket commands then wait for it to stop.
func (w *wiring) addAdmin(g *runGroup) {
	srv, err := newAdminServer(&liveState{cfg: w.cfg, store: w.store, reminders: w.reminders, broadcasts: w.broadcasts, w: w}, w.log.With("part", "admin"))
	if err != nil {
		w.log.Warn("no admin socket: ticket commands and backup cannot run beside the bot", "err", err)
		return
	}
	g.add("admin socket", srv.run)
}

// close releases the index and the database (after every actor returned).
func (w *wiring) close() error {
	var errs []error
	if w.kb != nil {
		errs = append(errs, w.kb.Close())
	}
	if w.db != nil {
		errs = append(errs, w.db.Close())
	}
	return errors.Join(errs...)
}

// waitThen runs fn once, then waits for the stop: for one-shot start-up
// jobs (publishing the command menu) that must not stop the group when
// they end.
func waitThen(fn func(ctx context.Context)) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		fn(ctx)
		<-ctx.Done()
		return nil
	}
}

// staffOptions is where staff work tickets: the Slack triage channel when
// Slack is configured, else nowhere (tickets are worked from the command
// line). A console beside the same data directory posts nothing to Slack.
func staffOptions(cfg Config, rota *schedules.Rota) bot.StaffOptions {
	if !cfg.SlackEnabled() {
		return bot.StaffOptions{}
	}
	o := bot.StaffOptions{Channel: bot.Slack, Triage: cfg.SlackTriage, OnCall: cfg.SlackOnCall, Lang: cfg.SlackLang, KnowledgeDir: cfg.KBDir}
	if rota != nil {
		o.OnCallFunc, o.Rota = rota.UserAt, rota
	}
	return o
}

// onCall is who is on call: the rota's person, else the fixed
// SUPPORTBOT_SLACK_ONCALL.
func (w *wiring) onCall(now time.Time) string {
	if w.rota != nil {
		return w.rota.UserAt(now)
	}
	return w.cfg.SlackOnCall
}

// newReminders makes the deadline reminders over cal (registered on the
// engine by wireSchedules).
func (w *wiring) newReminders(cal *schedules.Calendar) (err error) {
	cfg := w.cfg
	w.reminders, err = schedules.New(w.db, schedules.Options{Calendar: cal, Directory: bot.OfficerDirectory{}, Outbox: w.outbox,
		Now: w.now, Logger: w.log.With("part", "reminders"), Metrics: w.metrics, TriageChannel: slackTriage(cfg), TriageLang: cfg.SlackLang})
	return err
}

// wireSchedules makes the cron engine and its jobs: deadline reminders
// always (officers get them on any channel; made by newReminders), and
// with a Slack staff channel the SLA escalation, the rota's handovers and
// the daily digest.
func (w *wiring) wireSchedules() (err error) {
	cfg, log := w.cfg, w.log
	w.engine = schedules.NewEngine(schedules.EngineOptions{Now: w.now, Logger: log.With("part", "schedules"), Metrics: w.metrics})
	if err := w.reminders.Register(w.engine); err != nil {
		return err
	}
	if !cfg.SlackEnabled() {
		return nil
	}
	sla, err := schedules.NewSLAWatch(schedules.SLAOptions{Tickets: w.store, Outbox: w.outbox, Triage: cfg.SlackTriage,
		OnCall: w.onCall, Supervisor: cfg.SlackSupervisor, SupervisorAfter: cfg.SupervisorAfter, Lang: cfg.SlackLang,
		Logger: log.With("part", "sla")})
	if err != nil {
		return err
	}
	if err := sla.Register(w.engine); err != nil {
		return err
	}
	if w.rota != nil {
		n, err := schedules.NewRotaNotices(schedules.RotaNoticesOptions{DB: w.db, Outbox: w.outbox, Triage: cfg.SlackTriage,
			Rota: w.rota, Lang: cfg.SlackLang, Logger: log.With("part", "rota")})
		if err != nil {
			return err
		}
		if err := n.Register(w.engine); err != nil {
			return err
		}
	}
	d, err := schedules.NewDigest(schedules.DigestOptions{Tickets: w.store, Outbox: w.outbox, Triage: cfg.SlackTriage,
		DataDir: cfg.DataDir, Lang: cfg.SlackLang, Rota: w.rota, Logger: log.With("part", "digest")})
	if err != nil {
		return err
	}
	return d.Register(w.engine)
}

// slackTriage is the triage channel when Slack is on, else "" (reminders
// then post their lists of units still owing a report nowhere).
func slackTriage(cfg Config) string {
	if !cfg.SlackEnabled() {
		return ""
	}
	return cfg.SlackTriage
}

// breachedTickets counts the open tickets past an SLA target, for the
// gauge supportbot_tickets_breached (read at each scrape); -1 when the
// store cannot be read, so that a failure never reads as "no breaches".
func (w *wiring) breachedTickets() float64 {
	var n int
	err := w.store.View(func(tx *tickets.Tx) error {
		ts, err := tx.Breached(w.now())
		n = len(ts)
		return err
	})
	if err != nil {
		return -1
	}
	return float64(n)
}
