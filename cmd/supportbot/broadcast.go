package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/knowledge"
)

// broadcastPerSecond is Telegram's overall limit, which sets how long an
// announcement takes at best: recipients / 30 seconds.
const broadcastPerSecond = 30

// broadcastPoll is how often the CLI looks at an announcement's progress.
const broadcastPoll = 500 * time.Millisecond

// sampleSize is how many recipients --dry-run shows.
const sampleSize = 5

func broadcastCommand() *command {
	return &command{
		name: "broadcast", args: "[--province P] [--role R] [--dry-run] [--no-wait] [--json] TEXT | status [--json] [ID]",
		vi: "Gửi thông báo tới mọi cán bộ đã bắt đầu trò chuyện với bot (hoặc một tỉnh, một vai trò)",
		en: "Send an announcement to every officer who has started the bot (or one province, one role)",
		viLong: "Thông báo đi qua hàng đợi gửi bền vững: mỗi cán bộ nhận đúng một lần, kể cả khi tiến trình dừng giữa chừng\n" +
			"(chạy lại cùng lệnh trong ngày để tiếp tục; bot đang chạy tự tiếp tục khi khởi động lại). Tốc độ theo giới hạn của\n" +
			"Telegram (30 tin/giây): 2.000 cán bộ mất khoảng 67 giây; câu trả lời cho cán bộ vẫn được gửi trước.\n" +
			"Khi bot đang chạy, bot gửi thông báo và lệnh này theo dõi tiến độ qua ổ cắm quản trị; nếu không, lệnh tự gửi.\n" +
			"`broadcast status` cho biết số đã gửi / đang chờ / thất bại của từng thông báo.",
		enLong: "The announcement goes through the durable outbox: each officer receives it once, even if the process stops half-way\n" +
			"(run the same command again the same day to resume; a running bot resumes by itself when restarted). Its pace is\n" +
			"Telegram's limit (30 messages/s): 2,000 officers take about 67 s; answers to officers still go first.\n" +
			"With the bot running, the bot sends it and this command follows the progress through the admin socket; otherwise it sends itself.\n" +
			"`broadcast status` shows sent / pending / failed per announcement.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			province := fs.String("province", "", a.tr("chỉ cán bộ của `TỈNH` (có dấu hoặc không)", "only officers of `PROVINCE` (with or without tone marks)"))
			role := fs.String("role", "", a.tr("chỉ cán bộ có `VAI_TRÒ` (mã vai trò khi đăng ký)", "only officers with `ROLE` (the registration role code)"))
			dry := fs.Bool("dry-run", false, a.tr("chỉ in số người nhận và vài người mẫu, không gửi", "print the number of recipients and a sample; send nothing"))
			noWait := fs.Bool("no-wait", false, a.tr("xếp thông báo vào hàng đợi rồi thoát, không chờ gửi xong", "queue the announcement and exit without waiting for it to be sent"))
			asJSON := fs.Bool("json", false, a.tr("in JSON", "print JSON"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 && args[0] == "status" && len(args) <= 2 {
					id := ""
					if len(args) == 2 {
						id = args[1]
					}
					return broadcastStatus(a, id, *asJSON)
				}
				text := strings.TrimSpace(strings.Join(args, " "))
				if text == "" {
					return &usageError{cmd: broadcastCommand(), msg: a.tr("cần nội dung thông báo", "want the announcement's text")}
				}
				aud := bot.Audience{Province: *province, Role: *role}
				if *dry {
					return withBroadcaster(a, func(b *bot.Broadcaster, _ bool) error { return dryRun(a, b, aud, *asJSON) })
				}
				return sendBroadcast(ctx, a, text, aud, *noWait, *asJSON)
			}
		},
	}
}

// withBroadcaster runs fn on the bot's Broadcaster (inside the bot,
// live=true) or on one over the data directory opened here, forwarding the
// command to a running bot first (fn does not run here then).
func withBroadcaster(a *app, fn func(b *bot.Broadcaster, live bool) error) error {
	if a.live != nil {
		if a.live.broadcasts == nil {
			return errors.New(a.tr("bot này chạy không có thông báo", "this bot runs without announcements"))
		}
		return fn(a.live.broadcasts, true)
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
		return ferr
	}
	l, err := openLocalBroadcast(a, cfg, false)
	if err != nil {
		return err
	}
	defer l.close()
	return fn(l.b, false)
}

// localBroadcast is what the CLI sends an announcement with when no bot
// runs: the data directory's database, its outbox (with Telegram's sender)
// and a Router used only for its delivery hooks, so that any officer's
// reply left unsent by the stopped bot is recorded as the bot would.
type localBroadcast struct {
	db  *bolt.DB
	out *outbox.Outbox
	b   *bot.Broadcaster
}

func (l *localBroadcast) close() error { return l.db.Close() }

// nopSearcher stands in for the knowledge index in the CLI's Router, which
// never handles a message.
type nopSearcher struct{}

func (nopSearcher) Search(context.Context, string, knowledge.Options) (knowledge.Result, error) {
	return knowledge.Result{}, errors.New("no search in the broadcast command")
}

func openLocalBroadcast(a *app, cfg Config, send bool) (*localBroadcast, error) {
	st, db, err := openStore(a, cfg)
	if err != nil {
		return nil, err
	}
	l := &localBroadcast{db: db}
	fail := func(err error) (*localBroadcast, error) { db.Close(); return nil, err }
	in, err := bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(st), Now: a.now})
	if err != nil {
		return fail(err)
	}
	var router *bot.Router
	l.out, err = outbox.New(db, outbox.Options{
		Now:      a.now,
		OnSent:   func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return router.OnFailed(tx, r, err) },
		Batch:    bot.StoreBatch(st),
	})
	if err != nil {
		return fail(err)
	}
	if router, err = bot.NewRouter(db, in, nopSearcher{}, st, l.out, bot.RouterOptions{Now: a.now}); err != nil {
		return fail(err)
	}
	if l.b, err = bot.NewBroadcaster(db, l.out, bot.BroadcastOptions{Now: a.now}); err != nil {
		return fail(err)
	}
	if send {
		if !cfg.TelegramEnabled() {
			return fail(errors.New(a.tr(keyTelegramToken+" chưa đặt: không gửi được thông báo", keyTelegramToken+" is not set: cannot send announcements")))
		}
		sender, err := telegram.NewSender(cfg.TelegramToken, cfg.TelegramAPIURL, telegram.SenderOptions{})
		if err != nil {
			return fail(err)
		}
		l.out.Register(bot.Telegram, sender, sender.Limits())
	}
	return l, nil
}

// dryRun prints how many officers an announcement to aud reaches, and who
// some of them are.
func dryRun(a *app, b *bot.Broadcaster, aud bot.Audience, asJSON bool) error {
	rs, err := b.Recipients(aud)
	if err != nil {
		return err
	}
	sample := rs[:min(len(rs), sampleSize)]
	if asJSON {
		return json.NewEncoder(a.stdout).Encode(struct {
			Count  int             `json:"count"`
			Sample []bot.Recipient `json:"sample"`
		}{len(rs), sample})
	}
	fmt.Fprintf(a.stdout, a.tr("Thông báo sẽ tới %d cán bộ (ít nhất %s theo giới hạn của Telegram). Không gửi gì (--dry-run).\n",
		"The announcement would reach %d officers (at least %s at Telegram's limits). Nothing sent (--dry-run).\n"),
		len(rs), minDuration(len(rs)))
	if len(sample) > 0 {
		fmt.Fprintln(a.stdout, a.tr("Ví dụ:", "For example:"))
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		for _, r := range sample {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.ChatID, orDash(r.Name), orDash(r.Province), orDash(r.Role))
		}
		tw.Flush()
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// minDuration is how long n messages take at best at Telegram's limit.
func minDuration(n int) time.Duration {
	return time.Duration(math.Ceil(float64(n)/broadcastPerSecond)) * time.Second
}

// sendBroadcast starts the announcement and follows it to the end (unless
// noWait): inside the bot it only starts it; beside a running bot it asks
// the bot to start it and polls its progress; alone it sends it itself.
func sendBroadcast(ctx context.Context, a *app, text string, aud bot.Audience, noWait, asJSON bool) error {
	if a.live != nil {
		if a.live.broadcasts == nil {
			return errors.New(a.tr("bot này chạy không có thông báo", "this bot runs without announcements"))
		}
		return startAndPrint(a, a.live.broadcasts, text, aud, asJSON)
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if botRunning(cfg) {
		return followLive(ctx, a, cfg, noWait, asJSON)
	}
	l, err := openLocalBroadcast(a, cfg, !noWait)
	if err != nil {
		return err
	}
	defer l.close()
	if noWait {
		return startAndPrint(a, l.b, text, aud, asJSON)
	}
	ann, created, err := l.b.Start(text, aud)
	if err != nil {
		return broadcastError(a, err)
	}
	announceStart(a, ann, created, asJSON)
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, run := range []func(context.Context) error{l.out.Run, l.b.Run} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(runCtx); err != nil {
				errs <- err
				cancel()
			}
		}()
	}
	err = follow(runCtx, a, ann.ID, asJSON, func() (bot.AnnouncementStatus, error) { return l.b.Status(ann.ID) })
	cancel()
	wg.Wait()
	select {
	case rerr := <-errs:
		return rerr
	default:
	}
	return err
}

func broadcastError(a *app, err error) error {
	if errors.Is(err, bot.ErrNoRecipients) {
		return errors.New(a.tr("không cán bộ nào khớp bộ lọc: không có gì để gửi", "no officer matches the filter: nothing to send"))
	}
	return err
}

func startAndPrint(a *app, b *bot.Broadcaster, text string, aud bot.Audience, asJSON bool) error {
	ann, created, err := b.Start(text, aud)
	if err != nil {
		return broadcastError(a, err)
	}
	if asJSON {
		s, err := b.Status(ann.ID)
		if err != nil {
			return err
		}
		return json.NewEncoder(a.stdout).Encode(s)
	}
	announceStart(a, ann, created, false)
	return nil
}

func announceStart(a *app, ann bot.Announcement, created, asJSON bool) {
	if asJSON {
		return
	}
	if created {
		fmt.Fprintf(a.stdout, a.tr("Thông báo %s: %d cán bộ, ít nhất %s.\n", "Announcement %s: %d officers, at least %s.\n"),
			ann.ID, ann.Total, minDuration(ann.Total))
	} else {
		fmt.Fprintf(a.stdout, a.tr("Thông báo %s đã có từ %s: tiếp tục, không ai nhận hai lần.\n",
			"Announcement %s exists since %s: resuming; nobody receives it twice.\n"), ann.ID, ann.Created.Format(time.DateTime))
	}
}

// followLive asks the running bot to start the announcement (the same
// command line, forwarded with --no-wait --json), then polls its status
// through the admin socket until it is done or ctx ends.
func followLive(ctx context.Context, a *app, cfg Config, noWait, asJSON bool) error {
	var out bytes.Buffer
	sub := *a
	sub.stdout = &out
	// The flags go right after the command name: after a "--" they would
	// be text.
	sub.args = append([]string{a.args[0], "--no-wait", "--json"}, a.args[1:]...)
	if err := forward(&sub, cfg); err != nil {
		if errors.Is(err, errNoAdmin) {
			return errors.New(a.tr("bot đang chạy nhưng không trả lời ở ổ cắm quản trị", "the bot runs but does not answer on its admin socket"))
		}
		return err
	}
	var s bot.AnnouncementStatus
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		return fmt.Errorf("admin socket: unexpected answer %q: %w", out.String(), err)
	}
	if noWait {
		if asJSON {
			return json.NewEncoder(a.stdout).Encode(s)
		}
		announceStart(a, s.Announcement, true, false)
		return nil
	}
	announceStart(a, s.Announcement, true, asJSON)
	return follow(ctx, a, s.ID, asJSON, func() (bot.AnnouncementStatus, error) {
		var buf bytes.Buffer
		q := *a
		q.stdout = &buf
		q.args = []string{"broadcast", "status", "--json", s.ID}
		if err := forward(&q, cfg); err != nil {
			return bot.AnnouncementStatus{}, err
		}
		var got bot.AnnouncementStatus
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			return got, fmt.Errorf("admin socket: unexpected status %q: %w", buf.String(), err)
		}
		return got, nil
	})
}

// follow polls status until the announcement is done, drawing a progress
// bar with the time left at Telegram's limit (or, with asJSON, printing
// the final status).
func follow(ctx context.Context, a *app, id string, asJSON bool, status func() (bot.AnnouncementStatus, error)) error {
	s, err := status()
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if !asJSON {
		bar = progressbar.NewOptions(s.Total,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetDescription(id),
		)
	}
	tick := time.NewTicker(broadcastPoll)
	defer tick.Stop()
	for {
		if bar != nil {
			if bar.GetMax() < s.Total {
				bar.ChangeMax(s.Total)
			}
			bar.Describe(fmt.Sprintf(a.tr("%s · còn khoảng %s", "%s · about %s left"), id, minDuration(s.Pending)))
			bar.Set(s.Sent + s.Failed)
		}
		if s.Done() {
			break
		}
		select {
		case <-ctx.Done():
			if bar != nil {
				bar.Exit()
				fmt.Fprintln(a.stderr)
			}
			fmt.Fprintf(a.stderr, a.tr("Đã dừng theo dõi; thông báo %s tiếp tục khi bot chạy (xem: supportbot broadcast status %s).\n",
				"Stopped following; announcement %s goes on when the bot runs (see: supportbot broadcast status %s).\n"), id, id)
			return ctx.Err()
		case <-tick.C:
		}
		if s, err = status(); err != nil {
			return err
		}
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(a.stderr)
	}
	if asJSON {
		return json.NewEncoder(a.stdout).Encode(s)
	}
	fmt.Fprintf(a.stdout, a.tr("Xong: %d đã gửi, %d thất bại (đã chặn bot hoặc không còn trò chuyện).\n",
		"Done: %d sent, %d failed (blocked the bot or the chat is gone).\n"), s.Sent, s.Failed)
	return nil
}

// broadcastStatus prints sent / pending / failed per announcement (or of
// one).
func broadcastStatus(a *app, id string, asJSON bool) error {
	return withBroadcaster(a, func(b *bot.Broadcaster, _ bool) error {
		var list []bot.AnnouncementStatus
		if id != "" {
			s, err := b.Status(id)
			if errors.Is(err, bot.ErrUnknownAnnouncement) {
				return fmt.Errorf(a.tr("không có thông báo %s", "no announcement %s"), id)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(a.stdout).Encode(s)
			}
			list = []bot.AnnouncementStatus{s}
		} else {
			var err error
			if list, err = b.List(); err != nil {
				return err
			}
			if asJSON {
				if list == nil {
					list = []bot.AnnouncementStatus{}
				}
				return json.NewEncoder(a.stdout).Encode(list)
			}
		}
		if len(list) == 0 {
			fmt.Fprintln(a.stdout, a.tr("Chưa có thông báo nào.", "No announcements yet."))
			return nil
		}
		return writeStatusTable(a, a.stdout, list)
	})
}

func writeStatusTable(a *app, w io.Writer, list []bot.AnnouncementStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.tr("MÃ\tLÚC\tĐÃ GỬI\tĐANG CHỜ\tTHẤT BẠI\tNỘI DUNG", "ID\tCREATED\tSENT\tPENDING\tFAILED\tTEXT"))
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", s.ID, s.Created.Local().Format("2006-01-02 15:04"),
			s.Sent, s.Pending, s.Failed, shortText(s.Text, 40))
	}
	return tw.Flush()
}

func shortText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
