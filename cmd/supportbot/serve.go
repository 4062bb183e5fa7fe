package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/schedules"
)

// publishTimeout bounds the start-up call that sets the command menu.
const publishTimeout = 20 * time.Second

// getMeTimeout bounds the start-up call that learns the bot's username; it
// delays the start by at most this much when Telegram is unreachable.
const getMeTimeout = 10 * time.Second

func serveCommand() *command {
	return &command{
		name: "serve",
		vi:   "Chạy bot: các kênh đã cấu hình (Telegram, Slack), HTTP /healthz /readyz /metrics",
		en:   "Run the bot: every configured channel (Telegram, Slack), HTTP /healthz /readyz /metrics",
		viLong: `Cần ` + keyTelegramToken + ` (cán bộ địa phương) và/hoặc ` + keySlackBotToken + ` (cán bộ Bộ); mỗi khoá bí mật cũng đọc được từ tệp KEY_FILE.
Telegram: mặc định nhận tin bằng long polling (không cần địa chỉ công khai); ` + keyTelegramMode + `=webhook nhận tại /telegram/webhook trên ` + keyHTTPAddr + `.
Slack: Socket Mode với ` + keySlackAppToken + `; hoặc HTTP (/slack/events, /slack/interactive, /slack/commands) với ` + keySlackSigningSecret + `.
SIGHUP đọc lại các tệp tri thức mà không dừng bot. SIGINT/SIGTERM dừng gọn: việc đang làm xong hoặc nằm lại trong hộp thư đến/đi (bbolt) và tiếp tục ở lần chạy sau.
Chỉ một tiến trình được dùng một thư mục dữ liệu.`,
		enLong: `Needs ` + keyTelegramToken + ` (officers) and/or ` + keySlackBotToken + ` (ministry staff); every secret may also come from a KEY_FILE.
Telegram: long polling by default (no public URL needed); ` + keyTelegramMode + `=webhook receives on /telegram/webhook at ` + keyHTTPAddr + `.
Slack: Socket Mode with ` + keySlackAppToken + `; or HTTP (/slack/events, /slack/interactive, /slack/commands) with ` + keySlackSigningSecret + `.
SIGHUP re-reads the knowledge files without a stop. SIGINT/SIGTERM stop cleanly: work in flight finishes or stays in the inbox/outbox (bbolt) and resumes at the next start.
Only one process may use a data directory.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: serveCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				if !cfg.TelegramEnabled() && !cfg.SlackEnabled() {
					return fmt.Errorf("%s", a.tr(
						"chưa cấu hình kênh nào: đặt "+keyTelegramToken+" hoặc "+keySlackBotToken+" (hoặc dùng `supportbot console`)",
						"no channel configured: set "+keyTelegramToken+" or "+keySlackBotToken+" (or use `supportbot console`)"))
				}
				return serve(ctx, a, cfg)
			}
		},
	}
}

// serve runs the bot until ctx ends or a part fails: Telegram, Slack or
// both, whichever is configured.
func serve(ctx context.Context, a *app, cfg Config) error {
	log := a.logger(cfg, cfg.LogLevel)
	log.Info("starting", "version", version, "data_dir", cfg.DataDir,
		"telegram", cfg.TelegramEnabled(), "telegram_mode", cfg.TelegramMode,
		"slack", cfg.SlackEnabled(), "slack_socket_mode", cfg.SlackSocketMode())
	var username func() string
	if cfg.TelegramEnabled() {
		username = func() string { return telegramUsername(ctx, cfg, log) }
	}
	w, err := wireBot(a, cfg, log, username)
	if err != nil {
		return lockedHint(a, err)
	}
	defer func() {
		if err := w.close(); err != nil {
			log.Error("close", "err", err)
		}
	}()

	// Each channel forwards the files the other holds: a photo an officer
	// sent on Telegram goes into the ticket's Slack thread, and back.
	fetchers := outbox.Fetchers{}
	g := &runGroup{log: log}
	routes := map[string]http.Handler{
		// The reporting calendar for Google Calendar or Outlook: ?audience=province_dost|commune_pc|facility, ?lang=en.
		"GET /deadlines.ics": schedules.ICSHandler(w.reminders.Calendar, w.now),
	}
	if cfg.TelegramEnabled() {
		if err := addTelegram(g, w, cfg, fetchers, routes); err != nil {
			return err
		}
	}
	if cfg.SlackEnabled() {
		if err := addSlack(g, w, cfg, fetchers, routes); err != nil {
			return err
		}
	}
	srv, err := newHTTPServer(cfg.HTTPAddr, newHTTPHandler(w.ready, w.metrics, routes, log), log)
	if err != nil {
		return err
	}
	g.add("http", srv.run)
	w.addCore(g)
	w.addAdmin(g)
	w.addDailyBackups(g)
	g.add("knowledge reload", w.reloadOnHangup)

	err = g.run(ctx)
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// addTelegram registers Telegram's sender and adds its receiver (poller or
// webhook route) and the command menu to g.
func addTelegram(g *runGroup, w *wiring, cfg Config, fetchers outbox.Fetchers, routes map[string]http.Handler) error {
	log := w.log
	fetcher, err := telegram.NewFetcher(cfg.TelegramToken, cfg.TelegramAPIURL, telegram.FetcherOptions{})
	if err != nil {
		return err
	}
	fetchers[bot.Telegram] = fetcher
	sender, err := telegram.NewSender(cfg.TelegramToken, cfg.TelegramAPIURL, telegram.SenderOptions{
		Logger: log.With("part", "telegram"), Fetchers: fetchers})
	if err != nil {
		return err
	}
	w.outbox.Register(bot.Telegram, sender, sender.Limits())

	switch cfg.TelegramMode {
	case modeWebhook:
		routes["POST /telegram/webhook"] = telegram.NewWebhookHandler(cfg.TelegramWebhookSecret, w.inbox)
		health := &channelHealth{name: "telegram", mode: modeWebhook, running: true}
		w.addChannel(health)
		hookUp := func(up bool) { health.connected(up, w.now()) }
		if cfg.TelegramWebhookURL == "" {
			// The operator registers it; nothing here can check.
			hookUp(true)
		}
		g.add("telegram start-up", waitThen(func(ctx context.Context) {
			if cfg.TelegramWebhookURL != "" {
				sctx, cancel := context.WithTimeout(ctx, publishTimeout)
				err := telegram.SetWebhook(sctx, cfg.TelegramToken, cfg.TelegramAPIURL, cfg.TelegramWebhookURL, cfg.TelegramWebhookSecret)
				cancel()
				if err != nil {
					log.Error("setWebhook failed: Telegram will not deliver updates; fix and restart", "url", cfg.TelegramWebhookURL, "err", err)
				} else {
					log.Info("webhook registered", "url", cfg.TelegramWebhookURL)
					hookUp(true)
				}
			}
		}))
	default:
		health := &channelHealth{name: "telegram", mode: modePolling, window: pollWindow}
		w.addChannel(health)
		poller, err := telegram.NewPoller(cfg.TelegramToken, cfg.TelegramAPIURL, w.inbox, telegram.PollerOptions{
			Logger:  log.With("part", "poller"),
			Metrics: w.metrics,
			Now:     w.now,
			OnPoll:  health.polled,
		})
		if err != nil {
			return err
		}
		g.add("telegram poller", func(ctx context.Context) error {
			health.setRunning(true)
			defer health.setRunning(false)
			return poller.Run(ctx)
		})
	}
	// A slow or unreachable Telegram delays only the menu, not the bot.
	g.add("telegram menu", waitThen(func(ctx context.Context) { publishMenu(ctx, w, cfg) }))
	return nil
}

// addSlack registers Slack's sender and adds its receiver to g: Socket
// Mode with an app token, else the HTTP routes checked with the signing
// secret.
func addSlack(g *runGroup, w *wiring, cfg Config, fetchers outbox.Fetchers, routes map[string]http.Handler) error {
	log := w.log.With("part", "slack")
	fetcher, err := slack.NewFetcher(cfg.SlackBotToken, cfg.SlackAPIURL, nil)
	if err != nil {
		return err
	}
	fetchers[bot.Slack] = fetcher
	sender, err := slack.NewSender(cfg.SlackBotToken, slack.SenderOptions{
		APIURL: cfg.SlackAPIURL, Fetchers: fetchers, Lang: cfg.SlackLang, Logger: log})
	if err != nil {
		return err
	}
	w.outbox.Register(bot.Slack, sender, sender.Limits())
	health := &channelHealth{name: "slack", mode: slackMode(cfg)}
	w.addChannel(health)
	recv, err := slack.NewReceiver(cfg.SlackBotToken, w.inbox, slack.ReceiverOptions{
		AppToken:      cfg.SlackAppToken,
		SigningSecret: cfg.SlackSigningSecret,
		APIURL:        cfg.SlackAPIURL,
		StaffGroup:    cfg.SlackStaffGroup,
		TriageChannel: cfg.SlackTriage,
		Validate:      bot.ValidateView,
		Lang:          cfg.SlackLang,
		Now:           w.now,
		Logger:        log,
		Metrics:       w.metrics,
		OnConnection:  health.connected,
	})
	if err != nil {
		return err
	}
	if !cfg.SlackSocketMode() {
		h := recv.Handler()
		for _, p := range []string{"POST /slack/events", "POST /slack/interactive", "POST /slack/commands"} {
			routes[p] = h
		}
	}
	g.add("slack", func(ctx context.Context) error {
		health.setRunning(true)
		defer health.setRunning(false)
		if !cfg.SlackSocketMode() {
			health.connected(true, w.now()) // HTTP mode: configured is all there is to check
		}
		return recv.Run(ctx)
	})
	return nil
}

// publishMenu sets the command menu in Vietnamese and English. A failure
// is logged, not fatal: the bot answers commands without a menu.
func publishMenu(ctx context.Context, w *wiring, cfg Config) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	err := telegram.PublishCommands(ctx, cfg.TelegramToken, cfg.TelegramAPIURL, w.router.Commands("vi"), w.router.Commands("en"))
	if err != nil && !errors.Is(err, context.Canceled) {
		w.log.Warn("publish command menu", "err", err)
	}
}

// telegramUsername asks Telegram for the bot's username, so that the router
// ignores commands addressed to other bots in a group ("/help@other_bot").
// Telegram may be briefly unreachable at start, and the poller retries on
// its own, so a failure is not fatal: it is logged and "" returned, and
// until the next start the bot answers "/cmd@anybot" as it did before.
func telegramUsername(ctx context.Context, cfg Config, log *slog.Logger) string {
	gctx, cancel := context.WithTimeout(ctx, getMeTimeout)
	defer cancel()
	name, err := telegram.GetMe(gctx, cfg.TelegramToken, cfg.TelegramAPIURL, nil)
	switch {
	case err == nil:
		log.Info("telegram bot", "username", name)
		return name
	case ctx.Err() != nil:
		return "" // stopping anyway
	default:
		log.Warn("getMe failed: commands addressed to other bots in groups will be answered too, until the next start", "err", err)
		return ""
	}
}
