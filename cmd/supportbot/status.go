package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// statusReport is `supportbot status`: what an operator checks first. It
// never holds a secret: channels are named by kind and mode only.
type statusReport struct {
	Running  bool            `json:"running"` // a bot (serve or console) holds the data directory
	Version  string          `json:"version"`
	DataDir  string          `json:"data_dir"`
	At       time.Time       `json:"at"`
	Channels []channelStatus `json:"channels"`
	Inbox    struct {
		Pending int `json:"pending"`
		Failed  int `json:"failed"` // handling failed, kept for operators (inbox failed)
		Poison  int `json:"poison"` // of those, unreadable entries set aside
	} `json:"inbox"`
	Outbox struct {
		Depth         int            `json:"depth"`
		OldestSeconds float64        `json:"oldest_unsent_seconds"`
		Parked        map[string]int `json:"parked,omitempty"` // waiting for a channel that is switched off
		DeadToday     int            `json:"dead_letters_today"`
		Dead          int            `json:"dead_letters"` // kept, all days
	} `json:"outbox"`
	Tickets struct {
		Open     int `json:"open"`
		Breached int `json:"breached"`
	} `json:"tickets"`
	Knowledge struct {
		Entries    int       `json:"entries"`
		LoadErrors int       `json:"load_errors"`
		SizeBytes  int64     `json:"size_bytes"`
		BuiltAt    time.Time `json:"built_at,omitzero"`
		LastLoad   time.Time `json:"last_reload,omitzero"` // when the running bot last opened or swapped it
	} `json:"knowledge"`
	Schedule []scheduledJob `json:"schedule"` // soonest first
	Privacy  privacyStatus  `json:"privacy"`
}

// scheduledJob is one job of the schedules engine and its next run.
type scheduledJob struct {
	Name string    `json:"name"`
	Spec string    `json:"spec"`
	Next time.Time `json:"next"`
}

func statusCommand() *command {
	return &command{
		name: "status", args: "[--json]",
		vi: "Tình trạng bot: kênh, hộp thư đến/đi, thư chết, phiếu, cơ sở tri thức, lịch nhắc",
		en: "The bot's state: channels, inbox/outbox, dead letters, tickets, knowledge base, schedule",
		viLong: `Chạy được cả khi bot đang chạy (qua ổ cắm quản trị ` + adminSocketName + `) lẫn khi bot dừng (mở thư mục dữ liệu).
Kênh: lần nhận tin thành công gần nhất (Telegram: getUpdates; Slack: kết nối Socket Mode). Không in khóa bí mật nào.`,
		enLong: `Works while the bot runs (through the admin socket ` + adminSocketName + `) and while it is stopped (opening the data directory).
Channels: their last successful poll or connection (Telegram: getUpdates; Slack: Socket Mode connection). Prints no secret.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in JSON", "print JSON"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: statusCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				var rep statusReport
				if a.live != nil && a.live.w != nil {
					r, err := collectStatus(a.live.w, true)
					if err != nil {
						return err
					}
					rep = r
				} else {
					cfg, err := a.config()
					if err != nil {
						return err
					}
					if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
						return ferr
					}
					w, err := wire(a, cfg, a.logger(cfg, slog.LevelWarn))
					if err != nil {
						return lockedHint(a, err)
					}
					rep, err = collectStatus(w, false)
					if cerr := w.close(); err == nil {
						err = cerr
					}
					if err != nil {
						return err
					}
				}
				if *asJSON {
					return writeJSON(a.stdout, rep)
				}
				return writeStatus(a, a.stdout, rep)
			}
		},
	}
}

// collectStatus reads w's state. With the bot stopped (running false) the
// channels are those configured, stopped.
func collectStatus(w *wiring, running bool) (statusReport, error) {
	now := w.now()
	var rep statusReport
	rep.Running, rep.Version, rep.DataDir, rep.At = running, version, w.cfg.DataDir, now
	rep.Channels = []channelStatus{}
	for _, h := range w.channels {
		rep.Channels = append(rep.Channels, h.status(now))
	}
	if !running {
		if w.cfg.TelegramEnabled() {
			rep.Channels = append(rep.Channels, channelStatus{Name: "telegram", Mode: telegramMode(w.cfg), State: stateStopped, Detail: "bot not running"})
		}
		if w.cfg.SlackEnabled() {
			rep.Channels = append(rep.Channels, channelStatus{Name: "slack", Mode: slackMode(w.cfg), State: stateStopped, Detail: "bot not running"})
		}
	}
	var err error
	if rep.Inbox.Pending, err = w.inbox.Pending(); err != nil {
		return rep, err
	}
	failed, err := w.inbox.Failed(0)
	if err != nil {
		return rep, err
	}
	rep.Inbox.Failed = len(failed)
	for _, f := range failed {
		if f.Poison {
			rep.Inbox.Poison++
		}
	}
	depth, oldest := w.outbox.Depth()
	rep.Outbox.Depth, rep.Outbox.OldestSeconds = depth, oldest.Seconds()
	for ch, n := range w.outbox.Parked() {
		if rep.Outbox.Parked == nil {
			rep.Outbox.Parked = map[string]int{}
		}
		rep.Outbox.Parked[string(ch)] = n
	}
	y, m, d := now.Date()
	if rep.Outbox.DeadToday, err = w.outbox.DeadLettersSince(time.Date(y, m, d, 0, 0, 0, 0, now.Location())); err != nil {
		return rep, err
	}
	dead, err := w.outbox.DeadLetters(0)
	if err != nil {
		return rep, err
	}
	rep.Outbox.Dead = len(dead)
	err = w.store.View(func(tx *tickets.Tx) error {
		open, err := tx.List(tickets.Filter{Open: true})
		if err != nil {
			return err
		}
		breached, err := tx.Breached(now)
		if err != nil {
			return err
		}
		rep.Tickets.Open, rep.Tickets.Breached = len(open), len(breached)
		return nil
	})
	if err != nil {
		return rep, err
	}
	st := w.kb.Stats()
	rep.Knowledge.Entries, rep.Knowledge.LoadErrors, rep.Knowledge.SizeBytes, rep.Knowledge.BuiltAt = st.Entries, st.LoadErrors, st.SizeBytes, st.BuiltAt
	if running {
		rep.Knowledge.LastLoad = w.kbState.lastLoad()
	}
	rep.Schedule = []scheduledJob{}
	if w.engine != nil {
		for _, e := range w.engine.Entries() {
			rep.Schedule = append(rep.Schedule, scheduledJob{Name: e.Name, Spec: e.Spec, Next: e.Next})
		}
	}
	if rep.Privacy, err = collectPrivacy(w.cfg, w.register); err != nil {
		return rep, err
	}
	return rep, nil
}

func telegramMode(cfg Config) string {
	if cfg.TelegramMode == modeWebhook {
		return modeWebhook
	}
	return modePolling
}

func slackMode(cfg Config) string {
	if cfg.SlackSocketMode() {
		return modeSocket
	}
	return modeHTTP
}

// writeStatus prints rep for a person.
func writeStatus(a *app, out io.Writer, rep statusReport) error {
	ago := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return fmt.Sprintf("%s (%s %s)", t.Local().Format(time.DateTime), rep.At.Sub(t).Round(time.Second), a.tr("trước", "ago"))
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	state := a.tr("đang chạy", "running")
	if !rep.Running {
		state = a.tr("không chạy", "not running")
	}
	fmt.Fprintf(tw, "%s:\t%s (%s, %s)\n", "supportbot", state, rep.Version, rep.DataDir)
	if len(rep.Channels) == 0 {
		fmt.Fprintf(tw, "%s:\t%s\n", a.tr("Kênh", "Channels"), a.tr("không có (bảng điều khiển)", "none (console)"))
	}
	for _, c := range rep.Channels {
		last := "-"
		if c.LastOK != nil {
			last = ago(*c.LastOK)
		}
		fmt.Fprintf(tw, "%s %s (%s):\t%s: %s; %s %s\n", a.tr("Kênh", "Channel"), c.Name, c.Mode, c.State, c.Detail, a.tr("lần tốt gần nhất", "last ok"), last)
	}
	fmt.Fprintf(tw, "%s:\t%d %s, %d %s (%d poison)\n", a.tr("Hộp thư đến", "Inbox"),
		rep.Inbox.Pending, a.tr("chờ xử lý", "pending"), rep.Inbox.Failed, a.tr("lỗi", "failed"), rep.Inbox.Poison)
	oldest := "-"
	if rep.Outbox.Depth > 0 {
		oldest = (time.Duration(rep.Outbox.OldestSeconds * float64(time.Second))).Round(time.Second).String()
	}
	fmt.Fprintf(tw, "%s:\t%d %s, %s %s\n", a.tr("Hộp thư đi", "Outbox"), rep.Outbox.Depth, a.tr("chờ gửi", "unsent"), a.tr("tin cũ nhất chờ", "oldest waiting"), oldest)
	for ch, n := range rep.Outbox.Parked {
		fmt.Fprintf(tw, "\t%d %s %s\n", n, a.tr("chờ kênh đang tắt", "waiting for switched-off channel"), ch)
	}
	fmt.Fprintf(tw, "%s:\t%d %s, %d %s\n", a.tr("Thư chết", "Dead letters"), rep.Outbox.DeadToday, a.tr("hôm nay", "today"), rep.Outbox.Dead, a.tr("đang giữ", "kept"))
	fmt.Fprintf(tw, "%s:\t%d %s, %d %s\n", a.tr("Phiếu", "Tickets"), rep.Tickets.Open, a.tr("chưa xong", "open"), rep.Tickets.Breached, a.tr("quá hạn SLA", "past SLA"))
	fmt.Fprintf(tw, "%s:\t%d %s, %d %s, %s %s", a.tr("Cơ sở tri thức", "Knowledge base"), rep.Knowledge.Entries, a.tr("mục", "entries"),
		rep.Knowledge.LoadErrors, a.tr("tệp lỗi", "files in error"), a.tr("dựng", "built"), ago(rep.Knowledge.BuiltAt))
	if !rep.Knowledge.LastLoad.IsZero() {
		fmt.Fprintf(tw, ", %s %s", a.tr("nạp lần cuối", "last reload"), ago(rep.Knowledge.LastLoad))
	}
	fmt.Fprintln(tw)
	if len(rep.Schedule) == 0 {
		fmt.Fprintf(tw, "%s:\t-\n", a.tr("Lịch", "Schedule"))
	}
	for i, j := range rep.Schedule {
		label := ""
		if i == 0 {
			label = a.tr("Lịch (tiếp theo):", "Schedule (next):")
		}
		fmt.Fprintf(tw, "%s\t%s %s (%s)\n", label, j.Next.Local().Format(time.DateTime), j.Name, j.Spec)
	}
	writePrivacyStatus(a, tw, rep.Privacy)
	return tw.Flush()
}
