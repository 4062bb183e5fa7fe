package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mostvn/supportbot/tickets"
)

func checkCommand() *command {
	return &command{
		name: "check", args: "[FILE] [--json]",
		vi: "Kiểm tra tệp cơ sở dữ liệu (hoặc một bản sao lưu FILE) trang theo trang; nêu tên các bucket bị hỏng",
		en: "Check the database file (or a backup FILE) page by page; names the damaged buckets",
		viLong: `Đọc mọi trang của tệp bbolt mà không tin vào chúng (tiêu đề trang, độ dài khóa và giá trị, thứ tự khóa) và nêu
tên các bucket có trang hỏng. Mã thoát 1 khi tệp hỏng: dừng bot và khôi phục từ bản sao lưu (supportbot restore --latest
hoặc supportbot restore TỆP). Khi bot đang chạy, lệnh nhờ bot ghi một bản chụp nhất quán rồi kiểm tra bản chụp đó.`,
		enLong: `Reads every page of the bbolt file without trusting it (page headers, key and value lengths, key order) and
names the buckets holding damaged pages. Exit code 1 when the file is damaged: stop the bot and restore from a backup
(supportbot restore --latest or supportbot restore FILE). While the bot runs, the command has it write a consistent
snapshot and checks that.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in báo cáo JSON", "print the report as JSON"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 1 {
					return &usageError{cmd: checkCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[1])}
				}
				rep, err := runCheck(a, args)
				if err != nil {
					return err
				}
				if *asJSON {
					if err := writeJSON(a.stdout, rep); err != nil {
						return err
					}
				} else {
					writeCheckReport(a, a.stdout, rep)
				}
				if !rep.OK() {
					return rep.Err()
				}
				return nil
			}
		},
	}
}

// runCheck checks FILE, or the data directory's database: directly when no
// bot holds it, else a snapshot the running bot writes through the admin
// socket (a raw read of a file a bot is writing could see pages in flux).
func runCheck(a *app, args []string) (tickets.CheckReport, error) {
	if len(args) == 1 {
		return tickets.CheckFile(args[0])
	}
	if a.live != nil {
		return a.live.store.Check()
	}
	cfg, err := a.config()
	if err != nil {
		return tickets.CheckReport{}, err
	}
	if !botRunning(cfg) {
		rep, err := tickets.CheckDataDir(cfg.DataDir)
		if !isLocked(err) {
			return rep, err
		}
	}
	tmp, err := os.CreateTemp(cfg.DataDir, ".check-*.db")
	if err != nil {
		return tickets.CheckReport{}, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	fwd := *a
	fwd.args = []string{"backup", tmp.Name()}
	fwd.stdout = io.Discard
	if err := forward(&fwd, cfg); err != nil {
		if errors.Is(err, errNoAdmin) {
			return tickets.CheckReport{}, lockedHint(a, &tickets.LockedError{Dir: cfg.DataDir})
		}
		return tickets.CheckReport{}, err
	}
	rep, err := tickets.CheckFile(tmp.Name())
	rep.Path = filepath.Join(cfg.DataDir, tickets.DBFile)
	return rep, err
}

func writeCheckReport(a *app, w io.Writer, rep tickets.CheckReport) {
	for _, d := range rep.Damaged {
		fmt.Fprintln(w, d.String())
	}
	fmt.Fprintf(w, a.tr("%s: %d trang, %d bucket: ", "%s: %d pages, %d buckets: "), rep.Path, rep.Pages, len(rep.Buckets))
	if rep.OK() {
		fmt.Fprintln(w, a.tr("nguyên vẹn.", "sound."))
		return
	}
	fmt.Fprintf(w, a.tr("HỎNG; bucket hỏng: %s\n", "DAMAGED; damaged buckets: %s\n"), strings.Join(rep.DamagedBuckets(), ", "))
}

// storageMessage puts a damaged file or a refused backup in the operator's
// language, saying what to do; ok is false for other errors.
func storageMessage(a *app, err error) (msg string, ok bool) {
	switch {
	case errors.Is(err, tickets.ErrBadBackup) && errors.Is(err, tickets.ErrCorrupt):
		return a.tr("Bản sao lưu bị hỏng nên không được khôi phục; dữ liệu hiện tại không thay đổi. Chọn bản sao lưu khác (supportbot check TỆP kiểm tra một bản).",
			"The backup is damaged, so it was not restored; the current data is unchanged. Choose another backup (supportbot check FILE checks one)."), true
	case errors.Is(err, tickets.ErrBadBackup):
		return a.tr("Tệp này không phải bản sao lưu supportbot dùng được nên không được khôi phục; dữ liệu hiện tại không thay đổi.",
			"This file is not a usable supportbot backup, so it was not restored; the current data is unchanged."), true
	case errors.Is(err, tickets.ErrCorrupt):
		return a.tr("Tệp cơ sở dữ liệu bị hỏng. Dừng bot và khôi phục từ bản sao lưu: supportbot restore --latest (bản tốt mới nhất trong "+keyBackupDir+") hoặc supportbot restore TỆP; supportbot check nêu tên các bucket bị hỏng.",
			"The database file is damaged. Stop the bot and restore from a backup: supportbot restore --latest (the newest good one in "+keyBackupDir+") or supportbot restore FILE; supportbot check names the damaged buckets."), true
	}
	return "", false
}
