package main

// The restart test of Telegram's limits: a burst of /ticket messages under
// a fake Bot API that enforces the limits, with two kill -9s of the real
// binary in the middle of the replies.

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// inFlightAtKill reads the killed bot's database (what a kill -9 leaves on
// disk) and counts the queued replies that the fake had already accepted:
// the sends in flight at the instant of the kill, which the next run sends
// again. It reads the outbox bucket directly (bot_outbox: sequence → item
// JSON), because the bot is dead and no admin command lists the queue.
//
// It also returns the oldest of them, as its age at the kill (killed is
// when the signal was sent): how long a send the server accepted can stay
// unrecorded, the width of the resend window.
// settleFake returns once the fake has accepted nothing new for 100 ms: a
// send written just before the kill may still be in the fake's handler,
// and counted as accepted only once it is through. Counting before that
// would call its resend after the restart an extra reply.
func settleFake(fake *faketg.Server) {
	for last := len(fake.Sent()); ; {
		time.Sleep(100 * time.Millisecond)
		n := len(fake.Sent())
		if n == last {
			return
		}
		last = n
	}
}

func inFlightAtKill(t *testing.T, dataDir string, fake *faketg.Server, killed time.Time) (int, time.Duration) {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dataDir, "*.db"))
	if len(paths) == 0 {
		t.Fatalf("no database in %s", dataDir)
	}
	accepted := map[string]time.Time{}
	for _, s := range fake.Sent() {
		accepted[strconv.FormatInt(s.ChatID, 10)+"\x00"+s.Text] = s.At
	}
	n, oldest := 0, time.Duration(0)
	for _, path := range paths {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: guard})
		if err != nil {
			t.Fatalf("open %s after the kill: %v", path, err)
		}
		err = db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("bot_outbox"))
			if b == nil {
				return nil
			}
			return b.ForEach(func(_, v []byte) error {
				var it struct {
					Reply struct {
						ChatID string `json:"chat_id"`
						Text   string `json:"text"`
					} `json:"reply"`
				}
				if json.Unmarshal(v, &it) != nil {
					return nil
				}
				if at, ok := accepted[it.Reply.ChatID+"\x00"+it.Reply.Text]; ok {
					n++
					oldest = max(oldest, killed.Sub(at))
				}
				return nil
			})
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return n, oldest
}

// TestBinaryKillsKeepTelegramLimits pushes 200 /ticket messages from 50
// officers (4 each) to a fake Bot API enforcing Telegram's limits, and
// kills the bot (kill -9) twice while the replies flow, restarting it at
// once each time. Before the limiter was persisted, each restart began
// with an empty limiter and sent at once to the chats just written to: 27
// 429s with one kill, 59 with two (30 % of the sends). Now: every ticket
// exactly once, at most 5 % of the sends answered 429, and no more extra
// replies than sends in flight at the kills.
func TestBinaryKillsKeepTelegramLimits(t *testing.T) {
	needBinary(t)
	fake := faketg.New(faketg.Options{EnforceLimits: true})
	defer fake.Close()
	dataDir := t.TempDir()
	env := botEnv(fake, dataDir)

	const officers, each = 50, 4
	want := map[string]int64{} // /ticket update_id → chat
	for i := range officers {
		pushConsent(fake, int64(91001+i))
	}
	for r := range each {
		for i := range officers {
			chat := int64(91001 + i)
			id := fake.PushText(chat, chat, fmt.Sprintf("/ticket Xã %d cần hỗ trợ lần %d", chat, r))
			want["telegram:"+strconv.FormatInt(id, 10)] = chat
		}
	}
	total := officers * each
	answered := func() bool { // every chat got each distinct ticket reply (a resent one counts once)
		for i := range officers {
			texts := map[string]bool{}
			for _, s := range fake.SentTo(int64(91001 + i)) {
				if ticketIDRe.MatchString(s.Text) {
					texts[s.Text] = true
				}
			}
			if len(texts) < each {
				return false
			}
		}
		return true
	}

	inFlight := 0
	for k, at := range []int{officers*consentReplies + total*3/10, officers*consentReplies + total*65/100} {
		p := start(t, env, "serve")
		waitFake(t, fake, fmt.Sprintf("%d replies before kill %d", at, k+1), func() bool { return len(fake.Sent()) >= at })
		killed := time.Now()
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if code := p.wait(t); code != -int(syscall.SIGKILL) {
			t.Fatalf("run %d ended with %d, want killed", k+1, code)
		}
		settleFake(fake)
		n, oldest := inFlightAtKill(t, dataDir, fake, killed)
		inFlight += n
		t.Logf("kill %d: %d sent, %d 429s so far, %d sends in flight (accepted, not recorded), the oldest accepted %s before the kill",
			k+1, len(fake.Sent()), fake.RateLimited(), n, oldest.Round(10*time.Microsecond))
	}
	p := start(t, env, "serve")
	waitFake(t, fake, "every /ticket answered", func() bool { return answered() && len(fake.Unconfirmed()) == 0 })
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("SIGTERM: exit %d", code)
	}

	// Replies: a (chat, text) pair seen twice was sent again after a kill.
	seen := map[string]int{}
	extra := 0
	for _, s := range fake.Sent() {
		k := strconv.FormatInt(s.ChatID, 10) + "\x00" + s.Text
		if seen[k]++; seen[k] > 1 {
			extra++
		}
	}
	all := fake.Sent()
	span := all[len(all)-1].At.Sub(all[0].At)
	sends := len(fake.Sent()) + fake.RateLimited()
	limited := fake.RateLimited()
	share := float64(limited) / float64(sends)
	t.Logf("%d /ticket messages from %d officers, 2 kills: %d replies accepted in %s, %d answered 429 (%.1f %% of %d sends; by limit %v), %d extra replies, %d in flight at the kills",
		total, officers, len(fake.Sent()), span.Round(time.Millisecond), limited, 100*share, sends, fake.RateLimitedBy(), extra, inFlight)
	if share > 0.05 {
		t.Errorf("%d of %d sends answered 429 (%.1f %%), want at most 5 %%", limited, sends, 100*share)
	}
	if extra > inFlight {
		t.Errorf("%d extra replies, more than the %d sends in flight at the kills", extra, inFlight)
	}

	// Every /ticket opened exactly one ticket, and its officer was told.
	cmd := exec.Command(binPath, "tickets", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tickets list: %v", err)
	}
	var ts []struct {
		ID     string `json:"id"`
		ChatID string `json:"chat_id"`
		Source string `json:"source"`
	}
	if err := json.Unmarshal(out, &ts); err != nil {
		t.Fatalf("tickets list --json: %v\n%s", err, out)
	}
	bySource := map[string][]string{}
	for _, tk := range ts {
		bySource[tk.Source] = append(bySource[tk.Source], tk.ID)
	}
	if len(ts) != total {
		t.Errorf("%d tickets, want %d", len(ts), total)
	}
	for src, chat := range want {
		ids := bySource[src]
		if len(ids) != 1 {
			t.Errorf("%s (chat %d) has tickets %v, want exactly one", src, chat, ids)
			continue
		}
		told := false
		for _, s := range fake.SentTo(chat) {
			if ticketIDRe.FindString(s.Text) == ids[0] {
				told = true
			}
		}
		if !told {
			t.Errorf("chat %d was never told about its ticket %s", chat, ids[0])
		}
	}
}
