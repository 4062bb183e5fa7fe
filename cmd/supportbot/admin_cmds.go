package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// The operator's commands on what the bot holds: they work the same
// whether or not the bot runs. With the bot running the command line goes
// through the admin socket (admin.go) and runs on the bot's own wiring
// (liveState.w); with the bot stopped the command opens the database
// itself (bbolt allows one process per file).

// liveCommands are the commands of this file and status.go that the admin
// socket runs on the bot's wiring.
var liveCommands = map[string]bool{
	"status":       true,
	"kb reload":    true,
	"outbox dead":  true,
	"inbox failed": true,
}

// queues is what outbox dead and inbox failed act on.
type queues struct {
	inbox  *bot.Inbox
	outbox *outbox.Outbox
}

// withQueues runs fn on the bot's inbox and outbox: the running bot's
// (forwarding the command line when this process is not the bot), or the
// data directory's, opened for the command.
func withQueues(a *app, fn func(q queues) error) error {
	if a.live != nil && a.live.w != nil {
		return fn(queues{inbox: a.live.w.inbox, outbox: a.live.w.outbox})
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
		return ferr
	}
	db, err := tickets.OpenDB(cfg.DataDir)
	if err != nil {
		return lockedHint(a, err)
	}
	defer db.Close()
	in, err := bot.NewInbox(db, bot.InboxOptions{Now: a.now})
	if err != nil {
		return err
	}
	out, err := outbox.New(db, outbox.Options{Now: a.now})
	if err != nil {
		return err
	}
	return fn(queues{inbox: in, outbox: out})
}

// parseSeq reads an ID given to --retry or --drop.
func parseSeq(a *app, c *command, flagName, v string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(v, "#"), 10, 64)
	if err != nil || n == 0 {
		return 0, &usageError{cmd: c, msg: fmt.Sprintf(a.tr("--%s %q: cần một mã số (cột ID)", "--%s %q: want a number (the ID column)"), flagName, v)}
	}
	return n, nil
}

func outboxGroupCommand() *command {
	return &command{name: "outbox", vi: "Hộp thư đi: tin bị từ chối hẳn (thư chết)", en: "Outbox: messages refused for good (dead letters)",
		children: []*command{outboxDeadCommand()}}
}

func outboxDeadCommand() *command {
	return &command{
		name: "outbox dead", args: "[--retry ID | --drop ID] [--limit N] [--json]",
		vi: "Liệt kê tin bị kênh từ chối hẳn; gửi lại (--retry) hoặc bỏ (--drop) một tin",
		en: "List messages the channel refused for good; send one again (--retry) or drop it (--drop)",
		viLong: `Thư chết được giữ 30 ngày. --retry xếp tin vào cuối hộp thư đi (khi đã sửa nguyên nhân, ví dụ cán bộ bỏ chặn bot);
--drop xóa tin đã xử lý xong. Chạy được cả khi bot đang chạy (qua ổ cắm quản trị).`,
		enLong: `Dead letters are kept for 30 days. --retry queues the message again at the end of the outbox (once the cause is
fixed, e.g. the officer unblocked the bot); --drop deletes one dealt with. Works while the bot runs (through the admin socket).`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			retry := fs.String("retry", "", a.tr("gửi lại thư chết `ID`", "send dead letter `ID` again"))
			drop := fs.String("drop", "", a.tr("xóa thư chết `ID`", "delete dead letter `ID`"))
			limit := fs.Int("limit", 50, a.tr("tối đa `N` thư, mới nhất trước (0 = tất cả)", "at most `N` letters, newest first (0 = all)"))
			asJSON := fs.Bool("json", false, a.tr("in JSON", "print JSON"))
			return func(ctx context.Context, args []string) error {
				c := outboxDeadCommand()
				if len(args) > 0 {
					return &usageError{cmd: c, msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				if *retry != "" && *drop != "" {
					return &usageError{cmd: c, msg: a.tr("chỉ một trong --retry và --drop", "only one of --retry and --drop")}
				}
				var seq uint64
				var err error
				switch {
				case *retry != "":
					seq, err = parseSeq(a, c, "retry", *retry)
				case *drop != "":
					seq, err = parseSeq(a, c, "drop", *drop)
				}
				if err != nil {
					return err
				}
				return withQueues(a, func(q queues) error {
					switch {
					case *retry != "":
						n, err := q.outbox.RetryDead(seq)
						if err != nil {
							return err
						}
						fmt.Fprintf(a.stdout, a.tr("Đã xếp lại thư chết %d vào hộp thư đi (mục %d).\n", "Dead letter %d queued again (item %d).\n"), seq, n)
						return nil
					case *drop != "":
						if err := q.outbox.DropDead(seq); err != nil {
							return err
						}
						fmt.Fprintf(a.stdout, a.tr("Đã xóa thư chết %d.\n", "Dead letter %d deleted.\n"), seq)
						return nil
					}
					dead, err := q.outbox.DeadLetters(*limit)
					if err != nil {
						return err
					}
					if *asJSON {
						if dead == nil {
							dead = []outbox.DeadLetter{}
						}
						return writeJSON(a.stdout, dead)
					}
					if len(dead) == 0 {
						fmt.Fprintln(a.stdout, a.tr("Không có thư chết.", "No dead letters."))
						return nil
					}
					tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, a.tr("ID\tLÚC\tKÊNH\tCHAT\tPHIẾU\tLỖI\tNỘI DUNG", "ID\tFAILED\tCHANNEL\tCHAT\tTICKET\tERROR\tTEXT"))
					for _, d := range dead {
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Seq, d.Failed.Local().Format(time.DateTime), d.Reply.Channel,
							d.Reply.ChatID, dashIfEmpty(d.Reply.TicketID), oneLine(d.Error, 60), oneLine(d.Reply.Text, 50))
					}
					if err := tw.Flush(); err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, a.tr("Gửi lại: supportbot outbox dead --retry ID; bỏ: --drop ID.", "Send again: supportbot outbox dead --retry ID; drop: --drop ID."))
					return nil
				})
			}
		},
	}
}

func inboxGroupCommand() *command {
	return &command{name: "inbox", vi: "Hộp thư đến: tin xử lý lỗi hoặc bị để riêng", en: "Inbox: messages whose handling failed or that were set aside",
		children: []*command{inboxFailedCommand()}}
}

func inboxFailedCommand() *command {
	return &command{
		name: "inbox failed", args: "[--retry ID] [--limit N] [--json]",
		vi: "Liệt kê tin đến xử lý lỗi (và tin không đọc được, để riêng); xử lý lại một tin (--retry)",
		en: "List inbound messages whose handling failed (and unreadable ones set aside); handle one again (--retry)",
		viLong: `Cán bộ đã được xin lỗi (kèm phiếu) khi tin lỗi. --retry đưa tin vào lại hộp thư đến để bot trả lời, khi đã sửa nguyên nhân.
Tin không đọc được (poison) không xử lý lại được. Chạy được cả khi bot đang chạy (qua ổ cắm quản trị).`,
		enLong: `The officer was apologised to (with a ticket) when the message failed. --retry puts it back in the inbox for the bot to
answer, once the cause is fixed. Unreadable (poison) entries cannot be retried. Works while the bot runs (through the admin socket).`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			retry := fs.String("retry", "", a.tr("xử lý lại tin `ID`", "handle entry `ID` again"))
			limit := fs.Int("limit", 50, a.tr("tối đa `N` tin, mới nhất trước (0 = tất cả)", "at most `N` entries, newest first (0 = all)"))
			asJSON := fs.Bool("json", false, a.tr("in JSON", "print JSON"))
			return func(ctx context.Context, args []string) error {
				c := inboxFailedCommand()
				if len(args) > 0 {
					return &usageError{cmd: c, msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				var seq uint64
				if *retry != "" {
					var err error
					if seq, err = parseSeq(a, c, "retry", *retry); err != nil {
						return err
					}
				}
				return withQueues(a, func(q queues) error {
					if *retry != "" {
						n, err := q.inbox.RetryFailed(seq)
						if err != nil {
							return err
						}
						fmt.Fprintf(a.stdout, a.tr("Đã đưa tin %d vào lại hộp thư đến (mục %d).\n", "Entry %d is back in the inbox (entry %d).\n"), seq, n)
						return nil
					}
					failed, err := q.inbox.Failed(*limit)
					if err != nil {
						return err
					}
					if *asJSON {
						if failed == nil {
							failed = []bot.FailedEntry{}
						}
						return writeJSON(a.stdout, failed)
					}
					if len(failed) == 0 {
						fmt.Fprintln(a.stdout, a.tr("Không có tin lỗi.", "No failed entries."))
						return nil
					}
					tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, a.tr("ID\tLÚC\tKÊNH\tCHAT\tLỖI\tNỘI DUNG", "ID\tFAILED\tCHANNEL\tCHAT\tERROR\tTEXT"))
					for _, f := range failed {
						ch := string(f.Channel)
						if f.Poison {
							ch = "poison"
						}
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", f.Seq, f.Failed.Local().Format(time.DateTime), dashIfEmpty(ch),
							dashIfEmpty(f.ChatID), oneLine(f.Err, 60), oneLine(f.Preview, 50))
					}
					if err := tw.Flush(); err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, a.tr("Xử lý lại: supportbot inbox failed --retry ID.", "Handle again: supportbot inbox failed --retry ID."))
					return nil
				})
			}
		},
	}
}

// dashIfEmpty shows an empty cell as "-".
func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
