package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mostvn/supportbot/bot"
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
		name: "restore", args: "[FILE | --latest]",
		vi: "Thay cơ sở dữ liệu bằng bản sao lưu FILE, hoặc bản tốt mới nhất trong " + keyBackupDir + " (phải dừng bot trước)",
		en: "Replace the database with the backup FILE, or the newest good one in " + keyBackupDir + " (stop the bot first)",
		viLong: `Dừng bot trước: khi thư mục dữ liệu đang được dùng, lệnh từ chối và không thay đổi gì. Bản sao lưu
được kiểm tra trước khi thay bất cứ thứ gì (các trang bbolt nguyên vẹn, lược đồ đọc được, chuỗi băm phiếu đúng);
bản hỏng bị từ chối. Mọi lần xoá dữ liệu cá nhân ghi trong sổ (thư mục privacy, không nằm trong bản sao lưu)
được áp dụng lại lên một bản chép của bản sao lưu trước khi thay, nên dữ liệu đã xoá không quay lại.
Không có FILE (hoặc --latest): dùng bản sao lưu hằng ngày mới nhất còn tốt trong ` + keyBackupDir + `, bỏ qua và nêu tên
các bản hỏng. Số phiếu tiếp tục trên mọi số đã cấp (tệp tickets.hwm), nên sau khi khôi phục số phiếu nhảy lên
trăm kế tiếp. Tệp hiện tại được giữ lại thành supportbot.db.pre-restore để có thể hoàn tác.`,
		enLong: `Stop the bot first: while the data directory is in use the command refuses and changes nothing. The backup
is checked before anything is replaced (sound bbolt pages, a readable schema, an intact ticket hash chain); a
damaged one is refused. Every erasure of personal data in the register (the privacy folder, which no backup holds)
is applied again to a copy of the backup before it is put in place, so the erased data does not come back.
Without FILE (or with --latest): the newest good daily backup in ` + keyBackupDir + `, naming and skipping
damaged ones. Ticket numbers continue above every number issued (the tickets.hwm file), so after a restore they jump
to the next hundred. The current file is kept as supportbot.db.pre-restore so the restore can be undone.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			latest := fs.Bool("latest", false, a.tr("dùng bản sao lưu hằng ngày tốt mới nhất trong "+keyBackupDir, "use the newest good daily backup in "+keyBackupDir))
			return func(ctx context.Context, args []string) error {
				if len(args) > 1 || len(args) == 1 && *latest {
					return &usageError{cmd: restoreCommand(), msg: a.tr("cần một tệp sao lưu, hoặc --latest", "want one backup FILE, or --latest")}
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				var file string
				if len(args) == 1 {
					file = args[0]
				} else if file, err = latestGoodBackup(a, cfg); err != nil {
					return err
				}
				reapplied, err := restoreErased(ctx, a, cfg, file)
				if err != nil {
					if isLocked(err) {
						return fmt.Errorf("%w\n%s", err, a.tr("Dừng bot (SIGTERM) rồi chạy lại lệnh khôi phục.", "Stop the bot (SIGTERM), then run restore again."))
					}
					return err
				}
				fmt.Fprintf(a.stdout, a.tr("Đã khôi phục %s vào %s; tệp cũ được giữ bên cạnh (.pre-restore).\n",
					"Restored %s into %s; the previous file is kept beside it (.pre-restore).\n"), file, cfg.DataDir)
				if reapplied != nil {
					fmt.Fprintf(a.stdout, a.tr(
						"Đã áp dụng lại %d lần xoá dữ liệu cá nhân ghi trong sổ: %d cán bộ bị xoá lại, %d phiếu được ẩn danh lại, %d trang trống được ghi đè.\n",
						"Re-applied the %d erasures of personal data in the register: %d officers erased again, %d tickets anonymised again, %d free pages scrubbed.\n"),
						reapplied.records, reapplied.Officers, reapplied.Tickets, reapplied.Scrub.Pages)
				}
				return nil
			}
		},
	}
}

// latestGoodBackup names the newest daily backup in SUPPORTBOT_BACKUP_DIR
// that passes tickets.CheckBackup, saying on stderr which newer ones it
// skipped and why.
func latestGoodBackup(a *app, cfg Config) (string, error) {
	if cfg.BackupDir == "" {
		return "", fmt.Errorf("%s", a.tr(
			keyBackupDir+" chưa đặt: nêu tệp sao lưu (supportbot restore TỆP) hoặc đặt "+keyBackupDir+" là thư mục sao lưu hằng ngày",
			keyBackupDir+" is not set: name the backup (supportbot restore FILE) or set "+keyBackupDir+" to the daily backups' folder"))
	}
	files, err := dailyBackupFiles(cfg.BackupDir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", keyBackupDir, err)
	}
	for _, f := range files {
		if err := tickets.CheckBackup(f); err != nil {
			fmt.Fprintf(a.stderr, a.tr("Bỏ qua %s: bản sao lưu hỏng (%v)\n", "Skipping %s: damaged backup (%v)\n"), f, err)
			continue
		}
		fmt.Fprintf(a.stdout, a.tr("Dùng bản sao lưu tốt mới nhất: %s\n", "Using the newest good backup: %s\n"), f)
		return f, nil
	}
	return "", fmt.Errorf(a.tr("không có bản sao lưu tốt nào trong %s (%d bản đã xét)", "no good backup in %s (%d looked at)"), cfg.BackupDir, len(files))
}

// restoreErased restores the backup file into cfg's data directory with
// the register's erasures applied. A backup taken before an erasure still
// holds what it erased, so the erasures are re-applied to a scratch copy
// of the backup (in the data directory, so on the same disk) and that copy
// is what tickets.Restore checks and puts in place: the live file never
// holds the erased data, not even between the restore and a bot's start,
// and a failure replaces nothing.
//
// It returns what the re-application did, nil when the register is empty.
func restoreErased(ctx context.Context, a *app, cfg Config, file string) (*reapplied, error) {
	reg, err := bot.OpenErasureRegister(privacyDir(cfg))
	if err != nil {
		return nil, err
	}
	recs, _ := reg.Records()
	if len(recs) == 0 || botRunning(cfg) {
		return nil, tickets.Restore(file, cfg.DataDir) // a running bot: refused, untouched
	}
	if err := tickets.CheckBackup(file); err != nil {
		return nil, err
	}
	// A scratch copy left by a restore that was killed holds a backup's
	// erased data: gone first.
	if old, _ := filepath.Glob(filepath.Join(cfg.DataDir, scratchPrefix+"*")); len(old) > 0 {
		for _, d := range old {
			os.RemoveAll(d)
		}
	}
	scratch, err := os.MkdirTemp(cfg.DataDir, scratchPrefix)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(scratch)
	erased := filepath.Join(scratch, tickets.DBFile)
	if err := tickets.CopyFileNew(file, erased); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	e, _, closeDB, err := openEraser(a, cfg, scratch)
	if err != nil {
		return nil, reapplyFailed(a, err)
	}
	rep, err := e.ReapplyAll(ctx)
	if cerr := closeDB(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, reapplyFailed(a, err)
	}
	if err := tickets.Restore(erased, cfg.DataDir); err != nil {
		return nil, err
	}
	return &reapplied{ReapplyReport: rep, records: len(recs)}, nil
}

// scratchPrefix names restoreErased's scratch folders in the data directory.
const scratchPrefix = ".restore-"

// reapplied is what restoreErased re-applied.
type reapplied struct {
	bot.ReapplyReport
	records int // erasures in the register
}

func reapplyFailed(a *app, err error) error {
	return fmt.Errorf("%w\n%s", err, a.tr(
		"Không áp dụng lại được các lần xoá dữ liệu cá nhân lên bản sao lưu, nên chưa khôi phục gì; sửa nguyên nhân rồi chạy lại lệnh.",
		"The erasures of personal data could not be applied to the backup, so nothing was restored; fix the cause and run restore again."))
}
