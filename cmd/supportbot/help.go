package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

func helpCommand() *command {
	return &command{
		name: "help", args: "[COMMAND]",
		vi: "Hướng dẫn sử dụng, chung hoặc cho một lệnh",
		en: "Show help, for everything or for one command",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(_ context.Context, args []string) error {
				if len(args) == 0 {
					writeTopHelp(a, a.stdout)
					return nil
				}
				c, rest := find(commands(), args)
				if c == nil || len(rest) > 0 {
					return &usageError{msg: fmt.Sprintf(a.tr("lệnh không rõ %q", "unknown command %q"), strings.Join(args, " "))}
				}
				writeCommandHelp(a, a.stdout, c)
				return nil
			}
		},
	}
}

func versionCommand() *command {
	return &command{
		name: "version",
		vi:   "In phiên bản và bản dựng",
		en:   "Print the version and build",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(_ context.Context, args []string) error {
				fmt.Fprintln(a.stdout, versionString())
				return nil
			}
		},
	}
}

// versionString is "supportbot VERSION (commit, time[, modified]) goX".
func versionString() string {
	s := "supportbot " + version
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return s
	}
	var rev, at, dirty string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			at = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		s += fmt.Sprintf(" (%s %s%s)", rev, at, dirty)
	}
	return s + " " + bi.GoVersion
}

// configKeyHelp documents each configuration key: default and meaning.
func configKeyHelp(a *app) [][3]string {
	return [][3]string{
		{keyConfig, "", a.tr("tệp KHÓA=GIÁ TRỊ đặt cùng các khóa dưới đây (môi trường được ưu tiên hơn tệp)", "file of KEY=VALUE lines setting the keys below (the environment wins over the file)")},
		{keyDataDir, defaultDataDir, a.tr("thư mục dữ liệu: tệp bbolt và chỉ mục tìm kiếm", "data directory: the bbolt file and the search index")},
		{keyKBDir, a.tr("(kho tri thức nhúng sẵn)", "(the embedded corpus)"), a.tr("thư mục các tệp tri thức Markdown", "folder of Markdown knowledge files")},
		{keyTelegramToken, "", a.tr("token bot Telegram; có token thì `supportbot` chạy serve (cũng đọc được từ tệp: "+keyTelegramToken+"_FILE)", "Telegram bot token; with one, `supportbot` runs serve (also from a file: "+keyTelegramToken+"_FILE)")},
		{keyTelegramAPIURL, defaultTelegramAPIURL, a.tr("địa chỉ Bot API (máy chủ Bot API tự đặt)", "Bot API endpoint (a self-hosted Bot API server)")},
		{keyTelegramMode, defaultTelegramMode, a.tr("polling hoặc webhook", "polling or webhook")},
		{keyWebhookSecret, "", a.tr("khóa bí mật webhook (bắt buộc với webhook; cũng "+keyWebhookSecret+"_FILE)", "webhook secret token (required for webhook; also "+keyWebhookSecret+"_FILE)")},
		{keyWebhookURL, "", a.tr("địa chỉ https công khai kết thúc bằng /telegram/webhook; có thì serve tự đăng ký webhook (nếu không, tự gọi setWebhook)", "public https URL ending in /telegram/webhook; when set, serve registers the webhook (otherwise call setWebhook yourself)")},
		{keySlackAppToken, "", a.tr("token cấp ứng dụng Slack xapp-…: nhận Slack qua Socket Mode, không cần địa chỉ công khai (cũng "+keySlackAppToken+"_FILE)", "Slack app-level token xapp-…: Slack over Socket Mode, no public address needed (also "+keySlackAppToken+"_FILE)")},
		{keySlackBotToken, "", a.tr("token bot Slack xoxb-…, cần cho cả hai cách nhận (cũng "+keySlackBotToken+"_FILE)", "Slack bot token xoxb-…, needed either way (also "+keySlackBotToken+"_FILE)")},
		{keySlackSigningSecret, "", a.tr("signing secret của Slack: nhận qua HTTP /slack/events, /slack/interactive, /slack/commands khi không có token ứng dụng (cũng "+keySlackSigningSecret+"_FILE)", "Slack signing secret: receive over HTTP /slack/events, /slack/interactive, /slack/commands when there is no app token (also "+keySlackSigningSecret+"_FILE)")},
		{keySlackTriage, "", a.tr("ID kênh Slack (C…) nhận phiếu mới; bắt buộc khi dùng Slack", "Slack channel ID (C…) where new tickets are posted; required with Slack")},
		{keySlackStaffGroup, "", a.tr("ID nhóm người dùng Slack (S…) là cán bộ Bộ; không đặt: thành viên kênh phân loại", "Slack user group ID (S…) whose members are staff; unset: the triage channel's members")},
		{keySlackOnCall, "", a.tr("ID thành viên Slack (U…) được nhắc khi có phiếu khẩn", "Slack member ID (U…) mentioned on new urgent tickets")},
		{keySlackLang, defaultLang, a.tr("ngôn ngữ trên Slack: vi hoặc en", "language on Slack: vi or en")},
		{keySlackSupervisor, "", a.tr("ID thành viên Slack (U…) được nhắc ở mức leo thang thứ hai khi phiếu quá hạn", "Slack member ID (U…) mentioned at the second escalation level of an overdue ticket")},
		{keySupervisorAfter, defaultSupervisorAfter.String(), a.tr("thời gian từ lúc nhắc người trực đến lúc nhắc người phụ trách", "time from the on-call mention to the supervisor's")},
		{keyRotaFile, "", a.tr("tệp lịch trực (YAML, xem schedules/rota.example.yaml); thay cho "+keySlackOnCall, "on-call rota file (YAML, see schedules/rota.example.yaml); replaces "+keySlackOnCall)},
		{keyDeadlinesFile, a.tr("(lịch kèm theo)", "(the shipped calendar)"), a.tr("tệp hạn báo cáo (YAML, kiểm tra bằng `supportbot schedules check`)", "reporting deadlines file (YAML, check it with `supportbot schedules check`)")},
		{keySlackAPIURL, defaultSlackAPIURL, a.tr("địa chỉ Slack Web API (kiểm thử, proxy)", "Slack Web API base URL (tests, a proxy)")},
		{keyHTTPAddr, defaultHTTPAddr, a.tr("địa chỉ HTTP cho /healthz /readyz /metrics /telegram/webhook /slack/…; :0 chọn cổng trống", "HTTP address for /healthz /readyz /metrics /telegram/webhook /slack/…; :0 picks a free port")},
		{keyLogLevel, defaultLogLevel, "debug, info, warn, error"},
		{keyLogFormat, defaultLogFormat, "text, json"},
		{keyLang, defaultLang, a.tr("ngôn ngữ của dòng lệnh: vi hoặc en", "language of the command line: vi or en")},
		{keySLAUrgentFirst, defaultUrgentFirst.String(), a.tr("hạn phản hồi đầu tiên, phiếu khẩn", "first-response target, urgent tickets")},
		{keySLAUrgentResolve, defaultUrgentResolve.String(), a.tr("hạn giải quyết, phiếu khẩn", "resolution target, urgent tickets")},
		{keySLANormalFirst, defaultNormalFirst.String(), a.tr("hạn phản hồi đầu tiên, phiếu thường", "first-response target, normal tickets")},
		{keySLANormalResolve, defaultNormalResolve.String(), a.tr("hạn giải quyết, phiếu thường", "resolution target, normal tickets")},
		{keyHolidaysFile, "", a.tr("tệp ngày lễ (lịch giờ làm việc cho hạn giải quyết)", "holidays file (working-hours calendar for resolution targets)")},
		{keyBackupDir, "", a.tr("thư mục sao lưu hằng ngày (02:30 giờ Việt Nam, mỗi bản được kiểm tra sau khi ghi); trống: không sao lưu. `supportbot restore --latest` dùng bản tốt mới nhất ở đây",
			"folder of daily backups (02:30 Vietnam time, each checked after writing); empty: none. `supportbot restore --latest` uses the newest good one here")},
		{keyBackupKeep, strconv.Itoa(defaultBackupKeep), a.tr("số ngày giữ một bản sao lưu hằng ngày; bản cũ hơn bị xóa (chỉ các tệp bot tự ghi)", "days a daily backup is kept; older ones are deleted (only files the bot wrote)")},
		{keyRetention, formatRetention(defaultRetention), a.tr("phiếu đã đóng giữ dữ liệu cá nhân của cán bộ bao lâu rồi được ẩn danh (trạng thái và lịch sử vẫn giữ): tháng (24mo), ngày (730d) hoặc thời lượng (ít nhất 24h); off (hoặc 0): không giới hạn",
			"how long a closed ticket keeps its officer's personal data before it is anonymised (state and history stay): months (24mo), days (730d) or a duration (24h at least); off (or 0): no limit")},
	}
}

// writeTopHelp prints the overview: commands, configuration, exit codes.
func writeTopHelp(a *app, w io.Writer) {
	fmt.Fprintln(w, a.tr(
		"supportbot: bot hỗ trợ 24/7 cho cán bộ địa phương (Telegram) trả lời từ cơ sở tri thức và mở phiếu khi chưa trả lời được; cán bộ Bộ xử lý phiếu trên Slack.",
		"supportbot: a 24/7 support bot for local officers (Telegram) that answers from a knowledge base and opens tickets when it cannot; ministry staff work the tickets on Slack."))
	fmt.Fprintln(w)
	fmt.Fprintln(w, a.tr("Cách dùng:", "Usage:"))
	fmt.Fprintln(w, "  supportbot [--config FILE] [COMMAND] [FLAGS] [ARGS]")
	fmt.Fprintln(w, a.tr(
		"  Không có lệnh: chạy serve nếu đã cấu hình một kênh (Telegram và/hoặc Slack), nếu không thì console.",
		"  No command: serve if a channel (Telegram and/or Slack) is configured, else console."))
	fmt.Fprintln(w)
	fmt.Fprintln(w, a.tr("Lệnh:", "Commands:"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		if len(c.children) == 0 {
			fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.args, a.tr(c.vi, c.en))
			continue
		}
		for _, s := range c.children {
			fmt.Fprintf(tw, "  %s %s\t%s\n", s.name, s.args, a.tr(s.vi, s.en))
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, a.tr("Cấu hình (mặc định < tệp --config < biến môi trường):", "Configuration (defaults < --config file < environment):"))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range configKeyHelp(a) {
		def := k[1]
		if def != "" {
			def = "[" + def + "]"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", k[0], def, k[2])
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, a.tr(
		"Mã thoát: 0 thành công, 1 lệnh thất bại, 2 sai cú pháp dòng lệnh.\nXem thêm: supportbot help LỆNH, hoặc supportbot LỆNH --help.",
		"Exit codes: 0 success, 1 the command failed, 2 wrong command line.\nMore: supportbot help COMMAND, or supportbot COMMAND --help."))
}

// writeCommandHelp prints one command's usage, description and every flag.
func writeCommandHelp(a *app, w io.Writer, c *command) {
	fmt.Fprintf(w, "%s supportbot %s %s\n\n%s\n", a.tr("Cách dùng:", "Usage:"), c.name, c.args, a.tr(c.vi, c.en))
	if long := a.tr(c.viLong, c.enLong); long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(long))
	}
	if len(c.children) > 0 {
		fmt.Fprintf(w, "\n%s\n", a.tr("Lệnh con:", "Subcommands:"))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, s := range c.children {
			fmt.Fprintf(tw, "  %s %s\t%s\n", s.name, s.args, a.tr(s.vi, s.en))
		}
		tw.Flush()
		return
	}
	fs, _ := c.flags(a)
	fmt.Fprintf(w, "\n%s\n", a.tr("Tùy chọn:", "Flags:"))
	writeFlags(w, fs)
}

// writeFlags lists every flag as "--name VALUE" with its text and default.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + strings.ToUpper(name)
		}
		fmt.Fprintln(w, line)
		text := usage
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			text += " [" + def + "]"
		}
		fmt.Fprintf(w, "      %s\n", text)
	})
}
