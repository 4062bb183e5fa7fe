package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
	bolt "go.etcd.io/bbolt"
)

// The operators' side of officers' personal data: erasing an officer on a
// request made outside the bot (a letter, a phone call), and the register
// of erasures. The register lives in the data directory's privacyDirName
// folder, outside the database file: backups copy only the database and
// restore replaces only the database, so the register survives both, and
// restore re-applies it to the backup before putting it in place
// (restoreErased, backup.go).

// privacyDirName is the data directory's folder of the erasure register.
const privacyDirName = "privacy"

func privacyDir(cfg Config) string { return filepath.Join(cfg.DataDir, privacyDirName) }

// newEraser builds the process's Eraser over the open database.
func newEraser(db *bolt.DB, st *tickets.Store, out *outbox.Outbox, reg *bot.ErasureRegister, cfg Config, log *slog.Logger, now func() time.Time) (*bot.Eraser, error) {
	return bot.NewEraser(bot.EraserOptions{
		DB: db, Tickets: st, Outbox: out, Register: reg, DataDir: cfg.DataDir,
		Log: log.With("part", "privacy"), Now: now,
		// The Slack posts to edit are where the router posts them; the
		// rota does not matter to an erasure.
		Staff: staffOptions(cfg, nil), KnowledgeDir: cfg.KBDir,
		Retention: cfg.Retention,
	})
}

// routerRetention is SUPPORTBOT_RETENTION as RouterOptions.Retention
// reads it, where 0 means the default and "no limit" is negative.
func routerRetention(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// withEraser runs fn on an Eraser: the running bot's (forwarding the
// command line when this process is not the bot), or one over the data
// directory, opened for the command.
func withEraser(a *app, fn func(e *bot.Eraser) error) error {
	if a.live != nil && a.live.w != nil {
		return fn(a.live.w.eraser)
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
		return ferr
	}
	e, _, closeDB, err := openEraser(a, cfg, cfg.DataDir)
	if err != nil {
		return err
	}
	err = fn(e)
	if cerr := closeDB(); err == nil && cerr != nil {
		err = fmt.Errorf("close database: %w", cerr)
	}
	return err
}

// openEraser opens the database in dbDir (the data directory, failing at
// once while the bot holds it, or a restore's scratch copy) and builds an
// Eraser over it and the data directory's register, for a command run
// with the bot stopped. The caller calls closeDB.
func openEraser(a *app, cfg Config, dbDir string) (e *bot.Eraser, reg *bot.ErasureRegister, closeDB func() error, err error) {
	dbCfg := cfg
	dbCfg.DataDir = dbDir
	st, db, err := openStore(a, dbCfg)
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	out, err := outbox.New(db, outbox.Options{Now: a.now})
	if err != nil {
		return nil, nil, nil, err
	}
	if reg, err = bot.OpenErasureRegister(privacyDir(cfg)); err != nil {
		return nil, nil, nil, err
	}
	if e, err = newEraser(db, st, out, reg, cfg, a.logger(cfg, slog.LevelWarn), a.now); err != nil {
		return nil, nil, nil, err
	}
	return e, reg, db.Close, nil
}

// operatorName names the person at the command line, for the actor of
// the events a command writes: the user sudo ran for, else the OS user.
// A forwarded command carries its caller's name (adminRequest.User).
func operatorName(a *app) string {
	if a.operator != "" {
		return a.operator
	}
	if v, ok := a.getenv("SUDO_USER"); ok && v != "" {
		return v
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if v, ok := a.getenv("USER"); ok && v != "" {
		return v
	}
	return "uid" + strconv.Itoa(os.Getuid())
}

// operatorActor is the actor of what the operator does from the CLI.
func operatorActor(a *app) tickets.Actor {
	return tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:" + operatorName(a)}
}

func privacyGroupCommand() *command {
	return &command{name: "privacy", vi: "Dữ liệu cá nhân của cán bộ: xoá theo yêu cầu, sổ các lần xoá", en: "Officers' personal data: erasure on request, the register of erasures",
		viLong:   "Xem mục \"Personal data\" trong README: cái gì được giữ, ở đâu, bao lâu.",
		enLong:   "See the README section \"Personal data\": what is kept, where, for how long.",
		children: []*command{privacyEraseCommand(), privacyErasuresCommand()}}
}

func privacyEraseCommand() *command {
	return &command{
		name: "privacy erase", args: "--chat ID [--channel telegram] [--yes]",
		vi: "Xoá dữ liệu cá nhân của một cán bộ (yêu cầu gửi ngoài bot): phiếu được giữ lại, ẩn danh",
		en: "Erase one officer's personal data (a request made outside the bot): tickets stay, anonymised",
		viLong: `Xoá hồ sơ, tin nhắn, tên và mã của cán bộ ở mọi nơi bot lưu; mỗi phiếu của họ được giữ với trạng thái và
lịch sử nhưng ẩn danh, và ` + "`tickets verify`" + ` vẫn đúng. Các bài bot đã đăng trên Slack được sửa thành "đã xoá".
Lần xoá được ghi vào sổ (thư mục privacy trong thư mục dữ liệu; chỉ giữ mã băm có khoá, không giữ mã cán bộ)
để khôi phục bản sao lưu cũ sẽ xoá lại. Mã chat của cuộc trò chuyện riêng trên Telegram chính là mã người dùng.
Không có --yes thì lệnh hỏi xác nhận. Chạy được cả khi bot đang chạy (qua ổ cắm quản trị). Không thể hoàn tác.`,
		enLong: `Removes the officer's profile, messages, name and ids from everywhere the bot stores them; each of their
tickets stays, with its state and history, anonymised, and ` + "`tickets verify`" + ` still holds. Slack posts the bot
made are edited to say the content was erased. The erasure is written to the register (the data directory's privacy
folder; a keyed hash, never the officer's id) so that restoring an older backup erases again. A Telegram private
chat's ID is the user's ID. Without --yes the command asks to confirm. Works while the bot runs (through the admin
socket). It cannot be undone.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			chat := fs.String("chat", "", a.tr("`MÃ` chat riêng (= mã người dùng) của cán bộ; bắt buộc", "the officer's private chat `ID` (= user ID); required"))
			channel := fs.String("channel", string(bot.Telegram), a.tr("`KÊNH` của cán bộ: telegram, slack hoặc console", "the officer's `CHANNEL`: telegram, slack or console"))
			yes := fs.Bool("yes", false, a.tr("không hỏi xác nhận", "do not ask to confirm"))
			return func(ctx context.Context, args []string) error {
				c := privacyEraseCommand()
				if len(args) > 0 {
					return &usageError{cmd: c, msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				ch := bot.Channel(strings.ToLower(strings.TrimSpace(*channel)))
				id := strings.TrimSpace(*chat)
				if ch != bot.Telegram && ch != bot.Slack && ch != bot.Console {
					return &usageError{cmd: c, msg: fmt.Sprintf(a.tr("--channel %q: cần telegram, slack hoặc console", "--channel %q: want telegram, slack or console"), *channel)}
				}
				if id == "" {
					return &usageError{cmd: c, msg: a.tr("cần --chat: mã chat riêng của cán bộ", "want --chat: the officer's private chat ID")}
				}
				if ch == bot.Telegram {
					if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
						return &usageError{cmd: c, msg: fmt.Sprintf(a.tr(
							"--chat %q: cần mã chat riêng của cán bộ trên Telegram, một số dương (mã nhóm là số âm, không phải một cán bộ)",
							"--chat %q: want the officer's Telegram private chat ID, a positive number (a group's ID is negative and names no officer)"), id)}
					}
				}
				if !*yes && !confirm(a, fmt.Sprintf(a.tr(
					"Xoá vĩnh viễn dữ liệu cá nhân của cán bộ %s:%s? Phiếu được giữ nhưng ẩn danh; không thể hoàn tác. Gõ \"yes\" để xác nhận: ",
					"Erase the personal data of officer %s:%s for good? Tickets stay, anonymised; this cannot be undone. Type \"yes\" to confirm: "), ch, id)) {
					return fmt.Errorf("%s", a.tr("chưa xác nhận: không xoá gì", "not confirmed: nothing erased"))
				}
				// Confirmed here: the bot's process, which has no terminal,
				// must not ask again.
				a.args = []string{"privacy", "erase", "--channel", string(ch), "--chat", id, "--yes"}
				return withEraser(a, func(e *bot.Eraser) error {
					rep, err := e.Erase(ctx, bot.EraseRequest{Channel: ch, UserID: id, Why: "operator request", By: operatorActor(a)})
					if errors.Is(err, bot.ErrNothingToErase) {
						// Nothing erased, nothing recorded: likely a mistyped id.
						return fmt.Errorf("%s", a.tr(
							"bot không lưu gì về cán bộ này (kiểm tra --chat và --channel)",
							"the bot holds nothing about this officer (check --chat and --channel)"))
					}
					if err != nil {
						return err
					}
					writeEraseReport(a, rep)
					return nil
				})
			}
		},
	}
}

// writeEraseReport prints what an erasure did, without the officer's id.
func writeEraseReport(a *app, rep bot.EraseReport) {
	fmt.Fprintf(a.stdout, a.tr(
		"Đã xoá dữ liệu cá nhân của cán bộ: %d phiếu được ẩn danh, %d mục khác bị xoá, trong %s.\n",
		"Erased the officer's personal data: %d tickets anonymised, %d other entries deleted, in %s.\n"),
		rep.Tickets, rep.Entries, rep.Took.Round(time.Millisecond))
	fmt.Fprintf(a.stdout, a.tr(
		"Đã ghi đè %d trang trống của tệp dữ liệu (%d byte) để không còn bản cũ nào đọc được.\n",
		"Scrubbed %d free pages of the database file (%d bytes), so that no old copy can be read.\n"),
		rep.Scrub.Pages, rep.Scrub.Bytes)
}

// confirm asks question on stderr and reads the answer from stdin: true
// only for yes (y, yes, c, có).
func confirm(a *app, question string) bool {
	fmt.Fprint(a.stderr, question)
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "c", "có", "co":
		return true
	}
	return false
}

func privacyErasuresCommand() *command {
	return &command{
		name: "privacy erasures", args: "[--json]",
		vi: "Sổ các lần xoá dữ liệu: lúc nào, vì sao, những phiếu nào (không có mã cán bộ)",
		en: "The register of erasures: when, why, which tickets (no officer ids)",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in JSON", "print JSON"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: privacyErasuresCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				recs, err := registerRecords(a)
				if err != nil {
					return err
				}
				type erasure struct {
					At      time.Time `json:"at"`
					Why     string    `json:"why"`
					Tickets []string  `json:"tickets"`
				}
				list := make([]erasure, len(recs))
				for i, r := range recs {
					list[i] = erasure{At: r.At, Why: r.Why, Tickets: r.Tickets}
				}
				if *asJSON {
					return writeJSON(a.stdout, list)
				}
				if len(list) == 0 {
					fmt.Fprintln(a.stdout, a.tr("Chưa có lần xoá nào.", "No erasures."))
					return nil
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("LÚC\tLÝ DO\tSỐ PHIẾU\tPHIẾU", "AT\tREASON\tTICKETS\tIDS"))
				for _, e := range list {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", e.At.Local().Format(time.DateTime), e.Why, len(e.Tickets), dashIfEmpty(oneLine(strings.Join(e.Tickets, " "), 80)))
				}
				return tw.Flush()
			}
		},
	}
}

// registerRecords reads the data directory's register (the bot's own when
// this runs inside it). Reading needs no lock: only the process holding
// the database appends, a whole line at a time.
func registerRecords(a *app) ([]bot.ErasureRecord, error) {
	if a.live != nil && a.live.w != nil {
		return a.live.w.register.Records()
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(privacyDir(cfg)); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	reg, err := bot.OpenErasureRegister(privacyDir(cfg))
	if err != nil {
		return nil, err
	}
	return reg.Records()
}
