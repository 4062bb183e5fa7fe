package console_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/console"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// screen is the terminal: it collects what the console prints and wakes
// waiters on every write.
type screen struct {
	mu    sync.Mutex // guards b
	b     strings.Builder
	wrote chan struct{}
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the screen shows every want (the timeout only turns
// a hang into a failure).
func (s *screen) waitFor(t *testing.T, wants ...string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		all := true
		for _, w := range wants {
			all = all && strings.Contains(s.String(), w)
		}
		if all {
			return
		}
		select {
		case <-s.wrote:
		case <-timeout:
			t.Fatalf("screen never showed %q:\n%s", wants, s.String())
		}
	}
}

type kb struct{}

func (kb) Search(_ context.Context, q string, _ knowledge.Options) (knowledge.Result, error) {
	if !strings.Contains(q, "cấp lại") {
		return knowledge.Result{Verdict: knowledge.VerdictNone}, nil
	}
	return knowledge.Result{Verdict: knowledge.VerdictAnswer, Hits: []knowledge.Hit{{
		ID: "a", Title: "Cấp lại văn bằng", Snippet: "UBND tỉnh <mark>cấp lại</mark> văn bằng &amp; phó bản",
		Document: "Nghị định 133/2025/NĐ-CP", Article: "Điều 36", Source: "https://example.gov.vn/133",
	}}}, nil
}

func TestConsoleConversation(t *testing.T) {
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := bot.NewInbox(db)
	if err != nil {
		t.Fatal(err)
	}
	var router *bot.Router
	out, err := outbox.New(db, outbox.Options{
		OnSent:   func(tx *bolt.Tx, r bot.Reply, id string) error { return router.OnSent(tx, r, id) },
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return router.OnFailed(tx, r, err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	router, err = bot.NewRouter(db, inbox, kb{}, st, out, bot.RouterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scr := &screen{wrote: make(chan struct{}, 1)}
	c := console.New(scr, console.Options{UserName: "Lan"})
	c.Register(out)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // before wg.Wait
	for _, run := range []func(context.Context) error{out.Run, router.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = run(ctx) }()
	}
	typed, keyboard := io.Pipe()
	defer keyboard.Close()
	readDone := make(chan error, 1)
	go func() { readDone <- c.Read(ctx, typed, inbox) }()
	say := func(line string) {
		t.Helper()
		if _, err := io.WriteString(keyboard, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}

	say("/start")
	scr.waitFor(t, "Xin chào Lan", "91/2025/QH15", "[1] Đồng ý", "[2] Không đồng ý")
	say("1") // the privacy notice: agree
	scr.waitFor(t, "Cảm ơn bạn đã đồng ý", "[1] Hà Nội", "[34] Cà Mau", "gõ số")
	say("1")
	scr.waitFor(t, "Tỉnh/thành phố: Hà Nội.")
	say("Phường Ba Đình")
	scr.waitFor(t, "[1] Cán bộ cấp xã", "[3] Khác")
	say("1")
	scr.waitFor(t, "Đã đăng ký: Phường Ba Đình, Hà Nội (Cán bộ cấp xã)")

	say("Ai cấp lại văn bằng?")
	scr.waitFor(t, "UBND tỉnh cấp lại văn bằng & phó bản", "Nguồn (https://example.gov.vn/133)", "[1] ✅ Đã rõ", "[2] ❌ Chưa rõ")
	if strings.Contains(scr.String(), "<b>") || strings.Contains(scr.String(), "&amp;") {
		t.Errorf("HTML shown raw:\n%s", scr.String())
	}
	say("2")
	scr.waitFor(t, "HT-000001")
	tk, err := st.Get("HT-000001")
	if err != nil || tk.Channel != "console" || tk.Province != "Hà Nội" || tk.Text != "Ai cấp lại văn bằng?" {
		t.Fatalf("ticket = %+v, %v", tk, err)
	}

	keyboard.Close() // end of input
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"<b>Phiếu HT-000001</b>: mới":                                   "Phiếu HT-000001: mới",
		`<i>NĐ 133</i> · <a href="https://a.vn/?x=1&amp;y=2">Nguồn</a>`: "NĐ 133 · Nguồn (https://a.vn/?x=1&y=2)",
		"a &lt;b&gt; &amp; c":                                           "a <b> & c",
	} {
		if got := console.Plain(in); got != want {
			t.Errorf("Plain(%q) = %q, want %q", in, got, want)
		}
	}
}
