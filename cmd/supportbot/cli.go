package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed
	exitUsage = 2 // the command line was wrong
)

// usageError is a wrong command line: the caller prints the message and the
// usage of the command, and exits with exitUsage.
type usageError struct {
	cmd *command // nil for the top level
	msg string
}

func (e *usageError) Error() string { return e.msg }

// app is what every subcommand runs with: the process's streams and
// environment, injected so that tests run commands in process.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         env
	readFile       func(string) ([]byte, error)
	now            func() time.Time
	lang           string // language of CLI texts: "vi" or "en"

	configPath string // --config, before or after the subcommand

	// args is the command line after the global flags, forwarded as is to
	// a running bot's admin socket (see admin.go); commands that take a
	// relative path set it with the path made absolute.
	args []string
	// live is set when the command runs inside the bot's process, on
	// behalf of the admin socket: the bot's configuration and store.
	live *liveState

	// operator is the name of the person who typed a forwarded command
	// (adminRequest.User); "" outside the bot: operatorName finds it.
	operator string

	// secrets are the configured tokens, once config has loaded them:
	// errors printed by run are redacted like the logs.
	secrets []string
}

// tr picks the text in the CLI's language.
func (a *app) tr(vi, en string) string {
	if a.lang == "en" {
		return en
	}
	return vi
}

// config loads the configuration (defaults < file < environment).
func (a *app) config() (Config, error) {
	if a.live != nil {
		return a.live.cfg, nil
	}
	cfg, err := loadConfig(a.configPath, a.getenv, a.readFile)
	if err == nil {
		a.secrets = cfg.Secrets()
		if cfg.Source[keyLang] != "" {
			a.lang = cfg.Lang // a config file may choose the CLI's language too
		}
	}
	return cfg, err
}

// logger builds the process logger for cfg on stderr; minLevel raises the
// level (the console keeps logs at warn so the chat stays readable).
func (a *app) logger(cfg Config, minLevel slog.Level) *slog.Logger {
	lvl := cfg.LogLevel
	if lvl < minLevel {
		lvl = minLevel
	}
	return newLogger(a.stderr, cfg.LogFormat, lvl, cfg.Secrets())
}

// command is one subcommand. setup declares its flags on fs (in the CLI's
// language) and returns the function that runs it with the positional
// arguments left after flag parsing.
type command struct {
	name     string // "kb search"
	args     string // synopsis of positional arguments and flags
	vi, en   string // one-line summary
	viLong   string // longer help, optional
	enLong   string
	setup    func(a *app, fs *flag.FlagSet) func(ctx context.Context, args []string) error
	children []*command // for "kb" and "tickets"
}

// commands is the whole command tree, in the order help lists it.
func commands() []*command {
	return []*command{
		helpCommand(),
		serveCommand(),
		consoleCommand(),
		{name: "kb", vi: "Cơ sở tri thức: nhập, thống kê, tìm kiếm, đánh giá", en: "Knowledge base: import, stats, search, eval",
			children: []*command{kbImportCommand(), kbStatsCommand(), kbSearchCommand(), kbEvalCommand(), kbReloadCommand()}},
		{name: "tickets", vi: "Phiếu hỗ trợ: liệt kê, xem, xuất, kiểm tra, đề xuất thành tri thức", en: "Tickets: list, show, export, verify, promote",
			viLong:   "Chạy được cả khi bot đang chạy: lệnh được chuyển cho tiến trình bot qua ổ cắm quản trị " + adminSocketName + " trong thư mục dữ liệu.",
			enLong:   "Works while the bot runs too: the command is handed to the bot's process through the admin socket " + adminSocketName + " in the data directory.",
			children: []*command{ticketsListCommand(), ticketsShowCommand(), ticketsExportCommand(), ticketsVerifyCommand(), ticketsPromoteCommand()}},
		schedulesGroupCommand(),
		remindCommand(),
		broadcastCommand(),
		statusCommand(),
		outboxGroupCommand(),
		inboxGroupCommand(),
		privacyGroupCommand(),
		backupCommand(),
		restoreCommand(),
		checkCommand(),
		versionCommand(),
	}
}

// find resolves args to a command; rest are the arguments after its name.
// A group name without a known child returns the group.
func find(cmds []*command, args []string) (c *command, rest []string) {
	if len(args) == 0 {
		return nil, args
	}
	for _, c := range cmds {
		last := c.name[strings.LastIndex(c.name, " ")+1:]
		if last != args[0] {
			continue
		}
		if len(c.children) > 0 {
			if sub, rest := find(c.children, args[1:]); sub != nil {
				return sub, rest
			}
		}
		return c, args[1:]
	}
	return nil, args
}

// run is the whole CLI: it parses args (without the program name), runs the
// command and returns the exit code.
func run(ctx context.Context, a *app, args []string) int {
	if a.lang == "" {
		a.lang = defaultLang
		if v, ok := a.getenv(keyLang); ok && (v == "vi" || v == "en") {
			a.lang = v
		}
	}
	err := dispatch(ctx, a, args)
	var ue *usageError
	var ec exitCodeError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ec):
		return int(ec)
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "supportbot: %s\n\n", ue.msg)
		if ue.cmd != nil {
			writeCommandHelp(a, a.stderr, ue.cmd)
		} else {
			writeTopHelp(a, a.stderr)
		}
		return exitUsage
	default:
		msg := err.Error()
		if ticketsError(err) {
			// The sentence in the operator's language first, the detail
			// (which value, what is accepted) after it.
			msg = tickets.UserMessage(err, a.lang) + " (" + msg + ")"
		} else if say, ok := storageMessage(a, err); ok {
			msg = say + " (" + msg + ")"
		} else if say, ok := setupMessage(a, err); ok {
			msg = say + " (" + msg + ")"
		}
		if len(a.secrets) > 0 {
			msg = newRedactor(a.secrets).Replace(msg)
		}
		fmt.Fprintf(a.stderr, "supportbot: %s: %s\n", a.tr("lỗi", "error"), msg)
		return exitError
	}
}

// ticketsError reports whether err is one the tickets package can put in
// words for people (unknown ticket, invalid value, disallowed transition).
func ticketsError(err error) bool {
	var ve *tickets.ValidationError
	var te *tickets.TransitionError
	return errors.As(err, &ve) || errors.As(err, &te) ||
		errors.Is(err, tickets.ErrNotFound) || errors.Is(err, tickets.ErrNotPromotable)
}

func dispatch(ctx context.Context, a *app, args []string) error {
	// Global flags come before the subcommand.
	top := flag.NewFlagSet("supportbot", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	top.StringVar(&a.configPath, "config", "", "")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeTopHelp(a, a.stdout)
			return err
		}
		return &usageError{msg: err.Error()}
	}
	args = top.Args()
	a.args = args
	if len(args) == 0 {
		cfg, err := a.config()
		if err != nil {
			return err
		}
		args = []string{defaultCommand(cfg)}
	}
	cmd, rest := find(commands(), args)
	if cmd == nil {
		return &usageError{msg: fmt.Sprintf(a.tr("lệnh không rõ %q", "unknown command %q"), args[0])}
	}
	if len(cmd.children) > 0 {
		if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help" {
			if len(rest) == 0 {
				return &usageError{cmd: cmd, msg: fmt.Sprintf(a.tr("%s cần một lệnh con", "%s needs a subcommand"), cmd.name)}
			}
			writeCommandHelp(a, a.stdout, cmd)
			return flag.ErrHelp
		}
		return &usageError{cmd: cmd, msg: fmt.Sprintf(a.tr("lệnh con không rõ %q của %s", "unknown subcommand %q of %s"), rest[0], cmd.name)}
	}
	fs, runCmd := cmd.flags(a)
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeCommandHelp(a, a.stdout, cmd)
			return err
		}
		return &usageError{cmd: cmd, msg: err.Error()}
	}
	return runCmd(ctx, pos)
}

// flags builds the command's flag set; every command also accepts --config.
func (c *command) flags(a *app) (*flag.FlagSet, func(context.Context, []string) error) {
	fs := flag.NewFlagSet("supportbot "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.configPath, "config", a.configPath,
		a.tr("`TỆP` cấu hình (các dòng KHÓA=GIÁ TRỊ, cùng khóa SUPPORTBOT_*); mặc định $"+keyConfig,
			"config `FILE` (KEY=VALUE lines with the SUPPORTBOT_* keys); default $"+keyConfig))
	return fs, c.setup(a, fs)
}

// parseInterspersed parses flags wherever they appear among the positional
// arguments ("kb search 'câu hỏi' --json" works as well as the reverse).
// Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(pos, left...), nil
		}
		if len(left) == 0 {
			return pos, nil
		}
		pos = append(pos, left[0])
		args = left[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(a *app, c *command, args []string, n int, what string) error {
	if len(args) != n {
		return &usageError{cmd: c, msg: fmt.Sprintf(a.tr("cần %s", "want %s"), what)}
	}
	return nil
}

// newApp is the production app: the real process streams and environment.
func newApp() *app {
	return &app{
		stdin:    os.Stdin,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		getenv:   osEnv,
		readFile: os.ReadFile,
		now:      time.Now,
	}
}

// defaultCommand is what `supportbot` alone runs: serve when a channel
// (Telegram, Slack or both) is configured, else the console.
func defaultCommand(cfg Config) string {
	if cfg.TelegramEnabled() || cfg.SlackEnabled() {
		return "serve"
	}
	return "console"
}
