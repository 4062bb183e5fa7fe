package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mostvn/supportbot/tickets"
)

func ticketsExportCommand() *command {
	return &command{
		name: "tickets export", args: "--format csv|jsonl [--output FILE]",
		vi: "Xuất mọi phiếu, cũ nhất trước (có cả ghi chú nội bộ: chỉ dành cho cán bộ)",
		en: "Export every ticket, oldest first (internal notes included: for staff only)",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			format := fs.String("format", "", a.tr("`ĐỊNH_DẠNG`: csv (bảng tính) hoặc jsonl (mỗi dòng một phiếu JSON); bắt buộc", "`FORMAT`: csv (spreadsheet) or jsonl (one ticket JSON per line); required"))
			output := fs.String("output", "", a.tr("ghi vào `TỆP` thay vì đầu ra chuẩn", "write to `FILE` instead of standard output"))
			return func(ctx context.Context, args []string) error {
				if *format != tickets.FormatCSV && *format != tickets.FormatJSONL {
					return &usageError{cmd: ticketsExportCommand(), msg: fmt.Sprintf(a.tr("--format %q: cần csv hoặc jsonl", "--format %q: want csv or jsonl"), *format)}
				}
				if len(args) > 0 {
					return &usageError{cmd: ticketsExportCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				if *output != "" {
					abs, err := filepath.Abs(*output)
					if err != nil {
						return err
					}
					*output = abs
					a.args = []string{"tickets", "export", "--format", *format, "--output", abs}
				}
				return withStore(a, func(st *tickets.Store) error {
					if *output == "" {
						return exportRecorded(a, st, a.stdout, *format)
					}
					// 0600: an export holds personal data.
					return tickets.WriteFileAtomic(*output, 0o600, func(f *os.File) error { return exportRecorded(a, st, f, *format) })
				})
			}
		},
	}
}

func ticketsVerifyCommand() *command {
	return &command{
		name: "tickets verify", args: "[--json]",
		vi:     "Kiểm tra chuỗi băm của lịch sử phiếu: phát hiện lịch sử bị sửa hoặc xóa",
		en:     "Check the hash chain of the ticket history: detects an edited or deleted history",
		viLong: "Mã thoát 1 khi có vấn đề, mỗi vấn đề một dòng.",
		enLong: "Exit code 1 when a problem is found, one line per problem.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in báo cáo JSON", "print the report as JSON"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: ticketsVerifyCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				return withStore(a, func(st *tickets.Store) error {
					rep, err := st.Verify(ctx)
					if err != nil {
						return err
					}
					if *asJSON {
						if rep.Problems == nil {
							rep.Problems = []tickets.Problem{}
						}
						if err := writeJSON(a.stdout, rep); err != nil {
							return err
						}
					} else {
						for _, p := range rep.Problems {
							fmt.Fprintln(a.stdout, p.String())
						}
						if rep.Omitted > 0 {
							fmt.Fprintf(a.stdout, a.tr("… và %d vấn đề nữa\n", "… and %d more problems\n"), rep.Omitted)
						}
						fmt.Fprintf(a.stdout, a.tr("%d phiếu, %d sự kiện: ", "%d tickets, %d events: "), rep.Tickets, rep.Events)
						if rep.OK() {
							fmt.Fprintln(a.stdout, a.tr("toàn vẹn.", "intact."))
						} else {
							fmt.Fprintf(a.stdout, a.tr("%d vấn đề.\n", "%d problems.\n"), len(rep.Problems)+rep.Omitted)
						}
					}
					if !rep.OK() {
						return fmt.Errorf(a.tr("kho phiếu có %d vấn đề", "the ticket store has %d problems"), len(rep.Problems)+rep.Omitted)
					}
					return nil
				})
			}
		},
	}
}

func ticketsPromoteCommand() *command {
	return &command{
		name: "tickets promote", args: "ID",
		vi:     "Viết bản nháp tri thức từ một phiếu đã giải quyết vào " + keyKBDir + "/review/",
		en:     "Write a knowledge draft from a resolved ticket into " + keyKBDir + "/review/",
		viLong: "Bản nháp chỉ được lập chỉ mục khi một người duyệt chuyển nó vào kho tri thức.",
		enLong: "The draft is indexed only once a reviewer moves it into the corpus.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if err := wantArgs(a, ticketsPromoteCommand(), args, 1, a.tr("đúng một mã phiếu, ví dụ HT-000042", "exactly one ticket ID, such as HT-000042")); err != nil {
					return err
				}
				kbDir, err := writableKBDir(a, "cần thư mục tri thức để ghi bản nháp", "the draft needs a knowledge folder")
				if err != nil {
					return err
				}
				return withStore(a, func(st *tickets.Store) error {
					path, err := st.Promote(args[0], kbDir)
					if err != nil {
						return err
					}
					fmt.Fprintf(a.stdout, a.tr("Đã viết bản nháp %s; duyệt rồi chuyển vào kho tri thức để bot dùng.\n",
						"Wrote the draft %s; review it, then move it into the corpus for the bot to use it.\n"), path)
					return nil
				})
			}
		},
	}
}
