package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// kbReloads remembers when the knowledge index was last loaded (opened at
// start, or swapped by a reload) and serialises reloads: SIGHUP and
// `supportbot kb reload` may come together. Safe for concurrent use.
type kbReloads struct {
	reload sync.Mutex // held for a whole reload

	mu   sync.Mutex // guards last
	last time.Time
}

func (k *kbReloads) loaded(at time.Time) {
	k.mu.Lock()
	k.last = at
	k.mu.Unlock()
}

func (k *kbReloads) lastLoad() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.last
}

// errKBMalformed: a knowledge file could not be read; nothing was swapped.
var errKBMalformed = errors.New("knowledge files with errors")

// kbReloadResult is what a reload did.
type kbReloadResult struct {
	Entries int           `json:"entries"`
	Took    time.Duration `json:"took"`
}

// reloadKB re-reads the knowledge files and swaps the index in service
// (searches in flight finish on the old one). Every file is checked first:
// when one is malformed, the error (wrapping errKBMalformed) names each as
// path:line and the index in service stays as it is. Both SIGHUP and
// `supportbot kb reload` come here.
func (w *wiring) reloadKB() (kbReloadResult, error) {
	w.kbState.reload.Lock()
	defer w.kbState.reload.Unlock()
	start := time.Now()
	files, err := kbFS(w.cfg)
	if err != nil {
		return kbReloadResult{}, err
	}
	if _, les := knowledge.LoadDir(files); len(les) > 0 {
		return kbReloadResult{}, malformedError(les)
	}
	if err := w.kb.Reload(files); err != nil {
		return kbReloadResult{}, fmt.Errorf("knowledge reload: %w", err)
	}
	w.kbState.loaded(w.now())
	return kbReloadResult{Entries: w.kb.Stats().Entries, Took: time.Since(start).Round(time.Millisecond)}, nil
}

// malformedError lists the files that failed to load.
func malformedError(les []knowledge.LoadError) error {
	lines := make([]string, len(les))
	for i, le := range les {
		lines[i] = "  " + le.Error()
	}
	return fmt.Errorf("%w; the index in service is unchanged:\n%s", errKBMalformed, strings.Join(lines, "\n"))
}

func kbReloadCommand() *command {
	return &command{
		name: "kb reload",
		vi:   "Đọc lại các tệp tri thức và thay chỉ mục mà không khởi động lại bot (như SIGHUP)",
		en:   "Re-read the knowledge files and swap the index without restarting the bot (like SIGHUP)",
		viLong: `Khi bot đang chạy, lệnh được chuyển cho bot qua ổ cắm quản trị; câu hỏi đang tìm vẫn được trả lời từ chỉ mục cũ.
Mọi tệp được kiểm tra trước: một tệp lỗi được báo (tệp:dòng) và chỉ mục đang dùng giữ nguyên. Khi bot không chạy, chỉ mục trên đĩa được dựng lại.`,
		enLong: `While the bot runs, the command is handed to it through the admin socket; searches in flight are answered from the old index.
Every file is checked first: a malformed one is reported (file:line) and the index in service stays. With the bot stopped, the index on disk is rebuilt.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: kbReloadCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				if a.live != nil && a.live.w != nil {
					a.live.w.reloadCalendar() // the deadlines file too, as SIGHUP does
					res, err := a.live.w.reloadKB()
					if err != nil {
						a.live.w.log.Error("knowledge reload failed; the previous index stays in service", "err", err)
						return err
					}
					a.live.w.log.Info("knowledge reloaded", "entries", res.Entries, "took", res.Took, "by", "kb reload")
					fmt.Fprintf(a.stdout, a.tr("Đã nạp lại cơ sở tri thức: %d mục (%s).\n", "Knowledge base reloaded: %d entries (%s).\n"), res.Entries, res.Took)
					return nil
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
					return ferr
				}
				return reloadStopped(a, cfg)
			}
		},
	}
}

// reloadStopped is kb reload with the bot stopped: check the files, then
// open the index, which rebuilds it on disk when they changed.
func reloadStopped(a *app, cfg Config) error {
	files, err := kbFS(cfg)
	if err != nil {
		return err
	}
	if _, les := knowledge.LoadDir(files); len(les) > 0 {
		return malformedError(les)
	}
	db, err := tickets.OpenDB(cfg.DataDir) // the data directory's lock: no bot may start meanwhile
	if err != nil {
		return lockedHint(a, err)
	}
	defer db.Close()
	start := time.Now()
	ix, err := knowledge.OpenWith(cfg.DataDir, files, knowledge.OpenOptions{Progress: buildProgress(a, a.logger(cfg, slog.LevelInfo))})
	if err != nil {
		return fmt.Errorf("knowledge index: %w", err)
	}
	defer ix.Close()
	fmt.Fprintf(a.stdout, a.tr("Chỉ mục tri thức sẵn sàng: %d mục (%s); bot sẽ dùng nó khi khởi động.\n",
		"Knowledge index ready: %d entries (%s); the bot uses it when it starts.\n"), ix.Stats().Entries, time.Since(start).Round(time.Millisecond))
	return nil
}

// buildProgress shows the building of the knowledge index: a progress bar
// on stderr when it is a terminal, else a log line at the start and one at
// the end. It is called only when the index is built (the first start, or
// after the files changed).
func buildProgress(a *app, log *slog.Logger) func(done, total int) {
	term := isTerminal(a.stderr)
	var bar *progressbar.ProgressBar
	var started time.Time
	return func(done, total int) {
		if done == 0 {
			started = time.Now()
			if term {
				bar = progressbar.NewOptions(total,
					progressbar.OptionSetWriter(a.stderr),
					progressbar.OptionSetDescription(a.tr("Đang dựng chỉ mục tri thức", "Building the knowledge index")),
					progressbar.OptionShowCount(),
					progressbar.OptionSetWidth(30),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish(),
				)
			} else {
				log.Info("building the knowledge index", "entries", total)
			}
			return
		}
		if bar != nil {
			_ = bar.Set(done)
			if done == total {
				_ = bar.Finish()
			}
			return
		}
		if done == total {
			log.Info("knowledge index built", "entries", total, "took", time.Since(started).Round(time.Millisecond))
		}
	}
}

// isTerminal reports whether w is a character device (a terminal), not a
// file or a pipe.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
