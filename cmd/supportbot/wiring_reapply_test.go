package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// When the recorded erasures cannot be applied again to the data file at
// start, the bot refuses to start, saying why, rather than answering
// messages from the erased data; the attempt is not cut short after
// seconds.
func TestRestoreReapplyFailureStopsStart(t *testing.T) {
	var deadline time.Time
	orig := reapplyAtStart
	reapplyAtStart = func(ctx context.Context, _ *bot.Eraser) error {
		deadline, _ = ctx.Deadline()
		return errors.New("disk full")
	}
	t.Cleanup(func() { reapplyAtStart = orig })

	for _, c := range []struct{ lang, want string }{
		{"en", "the bot does not start while erased data is in it"},
		{"vi", "bot không khởi động khi dữ liệu đã xoá còn đó"},
	} {
		env := fakeEnv{keyDataDir: t.TempDir(), keyLang: c.lang}
		start := time.Now()
		code, out, errOut := runCLI(t, env, consoleConsent+"/ticket Máy X-quang cần khai báo ở đâu?\n", "console")
		if code != exitError || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "disk full") {
			t.Errorf("%s: exit %d, stderr %q; want the start refused, saying why", c.lang, code, errOut)
		}
		if out != "" {
			t.Errorf("%s: the console answered before the erasures were applied: %q", c.lang, out)
		}
		if deadline.Sub(start) < 5*time.Minute {
			t.Errorf("%s: the re-application may take %v at most; want minutes, as giving up means not starting", c.lang, deadline.Sub(start))
		}
	}
}
