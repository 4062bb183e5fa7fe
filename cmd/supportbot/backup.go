package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/mostvn/supportbot/tickets"
)

func backupCommand() *command {
	return &command{
		name: "backup", args: "FILE",
		vi: "Sao lưu nhất quán toàn bộ cơ sở dữ liệu (phiếu, hộp thư đến/đi, đăng ký) vào FILE, kể cả khi bot đang chạy",
		en: "Write a consistent copy of the whole database (tickets, inbox/outbox, registrations) to FILE, also while the bot runs",
		viLong: `Chỉ mục tìm kiếm không cần sao lưu: nó được dựng lại từ các tệp tri thức. Khi bot đang chạy, lệnh nhờ
chính tiến trình bot ghi bản sao (qua ổ cắm quản trị trong thư mục dữ liệu). Khôi phục: supportbot restore FILE.`,
		enLong: `The search index needs no backup: it is rebuilt from the knowledge files. While the bot runs, the command
asks the bot's own process to write the copy (through the admin socket in the data directory). Restore: supportbot restore FILE.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if err := wantArgs(a, backupCommand(), args, 1, a.tr("đúng một tệp đích", "exactly one destination FILE")); err != nil {
					return err
				}
				// The path is resolved here: the bot's process may run in
				// another working directory.
				path, err := filepath.Abs(args[0])
				if err != nil {
					return err
				}
				a.args = []string{"backup", path}
				return withStore(a, func(st *tickets.Store) error {
					if err := st.Backup(path); err != nil {
						return err
					}
					fmt.Fprintf(a.stdout, a.tr("Đã sao lưu vào %s\n", "Backed up to %s\n"), path)
					return nil
				})
			}
		},
	}
}

func restoreCommand() *command {
	return &command{
		name: "restore", args: "FILE",
		vi: "Thay cơ sở dữ liệu bằng bản sao lưu FILE (phải dừng bot trước)",
		en: "Replace the database with the backup FILE (stop the bot first)",
		viLong: `Dừng bot trước: khi thư mục dữ liệu đang được dùng, lệnh từ chối và không thay đổi gì. Bản sao lưu
được kiểm tra trước (tệp bbolt nguyên vẹn, lược đồ đọc được, chuỗi băm phiếu đúng). Tệp hiện tại được giữ lại
thành supportbot.db.pre-restore để có thể hoàn tác.`,
		enLong: `Stop the bot first: while the data directory is in use the command refuses and changes nothing. The backup
is checked first (a sound bbolt file, a readable schema, an intact ticket hash chain). The current file is kept as
supportbot.db.pre-restore so the restore can be undone.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if err := wantArgs(a, restoreCommand(), args, 1, a.tr("đúng một tệp sao lưu", "exactly one backup FILE")); err != nil {
					return err
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				if err := tickets.Restore(args[0], cfg.DataDir); err != nil {
					if isLocked(err) {
						return fmt.Errorf("%w\n%s", err, a.tr("Dừng bot (SIGTERM) rồi chạy lại lệnh khôi phục.", "Stop the bot (SIGTERM), then run restore again."))
					}
					return err
				}
				fmt.Fprintf(a.stdout, a.tr("Đã khôi phục %s vào %s; tệp cũ được giữ bên cạnh (.pre-restore).\n",
					"Restored %s into %s; the previous file is kept beside it (.pre-restore).\n"), args[0], cfg.DataDir)
				return nil
			}
		},
	}
}

func dirOf(path string) string { return filepath.Dir(path) }
