package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// The deadline calendar's commands (issue 9): `schedules check FILE`,
// `schedules list [--json]` and `remind ID`. list reads only the calendar
// file, so it runs anywhere; remind needs the database and is forwarded to
// a running bot through the admin socket (admin.go: forwardable, and
// liveState.reminders).

// schedulesGroupCommand is the "schedules" group, for commands().
func schedulesGroupCommand() *command {
	return &command{name: "schedules",
		vi: "Lịch hạn báo cáo: kiểm tra tệp, liệt kê", en: "Reporting deadline calendar: check a file, list",
		viLong:   "Lịch mặc định nằm trong bản dựng (schedules/deadlines.yaml); $" + keyDeadlinesFile + " chỉ định một tệp khác.",
		enLong:   "The default calendar is built in (schedules/deadlines.yaml); $" + keyDeadlinesFile + " names another file.",
		children: []*command{schedulesCheckCommand(), schedulesListCommand()}}
}

func schedulesCheckCommand() *command {
	return &command{
		name: "schedules check", args: "FILE",
		vi: "Kiểm tra một tệp lịch hạn báo cáo và in mười lần nhắc tới của mỗi hạn",
		en: "Validate a deadline calendar file and print the next ten reminder times of each entry",
		viLong: "Báo lỗi kèm số dòng: trường không rõ, ngày không tồn tại (30/02), biểu thức cron sai hoặc không bao giờ chạy, thiếu nguồn (văn bản, đường dẫn).\n" +
			"Mã thoát 1 khi tệp không hợp lệ.",
		enLong: "Errors name the line: an unknown field, an impossible date (30/02), a cron spec that is wrong or never fires, a missing source (document, url).\n" +
			"Exit code 1 when the file is invalid.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) != 1 {
					return &usageError{cmd: schedulesCheckCommand(), msg: a.tr("cần đúng một TỆP", "want exactly one FILE")}
				}
				cal, err := schedules.LoadCalendar(args[0])
				if err != nil {
					return calendarError(a, err)
				}
				now := a.now()
				fmt.Fprintf(a.stdout, a.tr("%s: %d hạn báo cáo, hợp lệ.\n", "%s: %d deadlines, valid.\n"), args[0], len(cal.Deadlines))
				for _, d := range cal.Deadlines {
					fmt.Fprintf(a.stdout, "\n%s  [%s, %s]  %s\n", d.ID, d.Audience, d.Confidence, d.Recurrence)
					fmt.Fprintf(a.stdout, "  %s\n", d.Title.In(a.lang))
					for _, t := range d.FireTimes(now, 10) {
						occ := occurrenceOf(d, t)
						fmt.Fprintf(a.stdout, a.tr("  %s  nhắc hạn %s\n", "  %s  reminder for %s\n"),
							t.In(d.Location()).Format("2006-01-02 15:04 Mon"), schedules.FormatDate(occ))
					}
				}
				return nil
			}
		},
	}
}

// occurrenceOf returns the due date a reminder time t belongs to.
func occurrenceOf(d *schedules.Deadline, t time.Time) time.Time {
	for _, occ := range d.Occurrences(t, 2) {
		for _, off := range d.Offsets {
			if d.FireAt(occ, off).Equal(t) {
				return occ
			}
		}
	}
	return t
}

// deadlineJSON is one entry of `schedules list --json`.
type deadlineJSON struct {
	ID         string               `json:"id"`
	Title      schedules.Text       `json:"title"`
	Basis      schedules.Basis      `json:"basis"`
	Confidence schedules.Confidence `json:"confidence"`
	Audience   schedules.Audience   `json:"audience"`
	Recurrence string               `json:"recurrence"`
	Next       string               `json:"next_occurrence,omitempty"` // yyyy-mm-dd, the due date
	Reminders  []string             `json:"reminders"`                 // the next occurrence's reminder times, RFC 3339
}

func schedulesListCommand() *command {
	return &command{
		name: "schedules list", args: "[--json]",
		vi:     "Liệt kê các hạn báo cáo với căn cứ và kỳ hạn tới",
		en:     "List the reporting deadlines with their legal basis and next occurrence",
		viLong: "Đọc tệp lịch đã cấu hình ($" + keyDeadlinesFile + ", hoặc lịch mặc định); không cần cơ sở dữ liệu nên chạy được cả khi bot đang chạy.",
		enLong: "Reads the configured calendar ($" + keyDeadlinesFile + ", or the built-in one); it needs no database, so it runs while the bot runs too.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in mảng JSON các hạn báo cáo", "print a JSON array of deadlines"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: schedulesListCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				cal, err := configuredCalendar(a)
				if err != nil {
					return err
				}
				now := a.now()
				list := make([]deadlineJSON, 0, len(cal.Deadlines))
				for _, d := range cal.Deadlines {
					j := deadlineJSON{ID: d.ID, Title: d.Title, Basis: d.Basis, Confidence: d.Confidence,
						Audience: d.Audience, Recurrence: d.Recurrence, Reminders: []string{}}
					if occ, ok := d.Next(now); ok {
						j.Next = occ.Format("2006-01-02")
						for _, off := range d.Offsets {
							j.Reminders = append(j.Reminders, d.FireAt(occ, off).Format(time.RFC3339))
						}
					}
					list = append(list, j)
				}
				if *asJSON {
					return writeJSON(a.stdout, list)
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("MÃ\tHẠN TỚI\tĐỐI TƯỢNG\tĐỘ TIN CẬY\tTÊN\tCĂN CỨ", "ID\tNEXT DUE\tAUDIENCE\tCONFIDENCE\tTITLE\tBASIS"))
				for i, d := range cal.Deadlines {
					next := "-"
					if list[i].Next != "" {
						occ, _ := d.Next(now)
						next = schedules.FormatDate(occ)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, next, d.Audience, d.Confidence, d.Title.In(a.lang), d.Basis.Document)
				}
				return tw.Flush()
			}
		},
	}
}

func remindCommand() *command {
	return &command{
		name: "remind", args: "ID",
		vi: "Gửi ngay lời nhắc của kỳ hạn hiện tại tới các đơn vị theo dõi chưa xác nhận đã nộp",
		en: "Send the current occurrence's reminder now to the following units that have not confirmed",
		viLong: "Mỗi lần chạy gửi mỗi người nhận đúng một lần, qua hàng gửi bền vững, trong giới hạn tốc độ của Telegram; nếu bị ngắt giữa chừng, bot gửi nốt khi chạy lại.\n" +
			"Chạy được cả khi bot đang chạy: lệnh được chuyển cho tiến trình bot qua ổ cắm quản trị " + adminSocketName + ". Khi bot không chạy, lời nhắc nằm chờ trong hàng gửi tới khi bot khởi động.",
		enLong: "Each run reaches each recipient exactly once, through the durable outbox, within Telegram's limits; if cut short, the bot finishes it when it runs again.\n" +
			"Works while the bot runs too: the command is handed to the bot's process through the admin socket " + adminSocketName + ". When the bot is not running, the reminders wait in the outbox until it starts.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) != 1 {
					return &usageError{cmd: remindCommand(), msg: a.tr("cần đúng một MÃ hạn báo cáo (xem supportbot schedules list)", "want exactly one deadline ID (see supportbot schedules list)")}
				}
				return withReminders(a, func(r *schedules.Reminders, live bool) error {
					res, err := r.Remind(ctx, args[0])
					switch {
					case errors.Is(err, schedules.ErrUnknownDeadline):
						return errors.New(fmt.Sprintf(a.tr("không có hạn báo cáo %q; xem: supportbot schedules list", "there is no deadline %q; see: supportbot schedules list"), args[0]))
					case errors.Is(err, schedules.ErrNoOccurrence):
						return errors.New(fmt.Sprintf(a.tr("hạn báo cáo %q không còn kỳ nào sắp tới", "deadline %q has no coming occurrence"), args[0]))
					case err != nil:
						return err
					}
					fmt.Fprintf(a.stdout, a.tr("Đã xếp %d lời nhắc %s (hạn %s) vào hàng gửi.\n", "Queued %d reminders of %s (due %s).\n"),
						res.Sent, res.Deadline, schedules.FormatDate(res.Occurrence))
					if !live {
						fmt.Fprintln(a.stdout, a.tr("Bot chưa chạy: lời nhắc sẽ được gửi khi bot khởi động.", "The bot is not running: the reminders go out when it starts."))
					}
					return nil
				})
			}
		},
	}
}

// calendarError puts a calendar file's problem in the operator's language.
func calendarError(a *app, err error) error {
	if errors.Is(err, schedules.ErrInvalidCalendar) {
		return fmt.Errorf("%s: %w", a.tr("tệp lịch hạn báo cáo không hợp lệ", "the deadline calendar file is invalid"), err)
	}
	return fmt.Errorf("%s: %w", a.tr("không đọc được tệp lịch hạn báo cáo", "cannot read the deadline calendar file"), err)
}

// configuredCalendar loads the calendar the configuration names.
func configuredCalendar(a *app) (*schedules.Calendar, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	cal, err := schedules.LoadCalendar(cfg.DeadlinesFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyDeadlinesFile, calendarError(a, err))
	}
	return cal, nil
}

// withReminders runs fn on the reminders: the running bot's (through its
// admin socket: the whole command is forwarded, fn runs there with
// live=true), or ones over the data directory's database opened here,
// whose replies wait in the outbox for the bot.
func withReminders(a *app, fn func(r *schedules.Reminders, live bool) error) error {
	if a.live != nil {
		if a.live.reminders == nil {
			return errors.New(a.tr("bot đang chạy không bật lời nhắc hạn báo cáo", "the running bot has no deadline reminders"))
		}
		return fn(a.live.reminders, true)
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
		return ferr
	}
	cal, err := schedules.LoadCalendar(cfg.DeadlinesFile)
	if err != nil {
		return fmt.Errorf("%s: %w", keyDeadlinesFile, calendarError(a, err))
	}
	db, err := tickets.OpenDB(cfg.DataDir)
	if err != nil {
		return lockedHint(a, err)
	}
	out, err := outbox.New(db, outbox.Options{Now: a.now})
	if err == nil {
		var r *schedules.Reminders
		r, err = schedules.New(db, schedules.Options{Calendar: cal, Directory: bot.OfficerDirectory{}, Outbox: out,
			Now: a.now, TriageChannel: cfg.SlackTriage})
		if err == nil {
			err = fn(r, false)
		}
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close database: %w", cerr)
	}
	return err
}
