package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/mostvn/supportbot/bot/console"
)

func consoleCommand() *command {
	return &command{
		name: "console", args: "[--lang vi|en] [--user ID]",
		vi: "Trò chuyện với bot ngay trong cửa sổ dòng lệnh (cùng hội thoại như trên Telegram)",
		en: "Chat with the bot in the terminal (the same conversation as on Telegram)",
		viLong: `Mỗi dòng gõ vào là một tin nhắn; gõ số để bấm nút của câu trả lời cuối. Hết đầu vào (Ctrl-D) thì
chờ các câu trả lời còn lại rồi thoát, nên có thể dẫn câu hỏi qua ống: echo "nghị định 133" | supportbot console.
Nhật ký chỉ hiện từ mức warn để cuộc trò chuyện dễ đọc. Dùng chung thư mục dữ liệu với serve, nhưng không cùng lúc.`,
		enLong: `Each line typed is one message; type a number to press a button of the latest reply. At end of input
(Ctrl-D) it waits for the remaining answers, then exits, so questions can be piped: echo "decree 133" | supportbot console.
Logs show from warn up so the chat stays readable. Shares the data directory with serve, but not at the same time.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			lang := fs.String("lang", "", a.tr("ngôn ngữ của bạn, `vi` hoặc en (mặc định: tiếng Việt)", "your language, vi or `en` (default: Vietnamese)"))
			user := fs.String("user", "console", a.tr("`ID` người dùng (mỗi ID có đăng ký và phiếu riêng)", "user `ID` (each has its own registration and tickets)"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: consoleCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				if *lang != "" && *lang != "vi" && *lang != "en" {
					return &usageError{cmd: consoleCommand(), msg: fmt.Sprintf(a.tr("--lang %q: cần vi hoặc en", "--lang %q: want vi or en"), *lang)}
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				return runConsole(ctx, a, cfg, *lang, *user)
			}
		},
	}
}

// runConsole runs the conversation on the terminal until end of input or a
// signal.
func runConsole(ctx context.Context, a *app, cfg Config, lang, user string) error {
	log := a.logger(cfg, slog.LevelWarn)
	w, err := wire(a, cfg, log)
	if err != nil {
		return lockedHint(a, err)
	}
	defer func() {
		if err := w.close(); err != nil {
			log.Error("close", "err", err)
		}
	}()
	// Register before the router and outbox run: replies left queued for
	// the console by an earlier run must find their sender.
	c := console.New(a.stdout, console.Options{
		ChatID: user, UserID: user, UserName: user, Lang: lang, Now: a.now, Logger: log.With("part", "console"),
		Greet: consoleGreeting(a, lang),
	})
	c.Register(w.outbox)
	g := &runGroup{log: log}
	g.add("console", func(ctx context.Context) error {
		return c.Read(ctx, a.stdin, w.inbox) // waits at end of input until every reply is printed
	})
	w.addCore(g)
	w.addAdmin(g)
	return g.run(ctx)
}

// consoleGreeting is the greeting for a person typing at a terminal, in
// their language (--lang, else the operator's, SUPPORTBOT_LANG); nothing
// when the input is piped, so that piped answers stay clean.
func consoleGreeting(a *app, lang string) string {
	if !isTerminal(a.stdin) {
		return ""
	}
	if lang == "" {
		lang = a.lang
	}
	return console.Greeting(lang)
}
