package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// TestServeInProcess runs serve in the test process, under the race
// detector, against the fake Bot API: the whole wiring (poller, router,
// outbox, HTTP) on real goroutines.
func TestServeInProcess(t *testing.T) {
	fake := faketg.New(faketg.Options{})
	defer fake.Close()
	env := fakeEnv{
		"SUPPORTBOT_DATA_DIR":         t.TempDir(),
		"SUPPORTBOT_TELEGRAM_TOKEN":   fake.Token(),
		"SUPPORTBOT_TELEGRAM_API_URL": fake.URL(),
		"SUPPORTBOT_HTTP_ADDR":        "127.0.0.1:0",
		"SUPPORTBOT_LOG_FORMAT":       "json",
	}
	logs := &logWatch{addr: make(chan string, 1)}
	a := &app{stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: logs, getenv: env.get, readFile: readNothing, now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	// No command: a token is configured, so this is serve.
	go func() { done <- run(ctx, a, nil) }()
	var addr string
	select {
	case addr = <-logs.addr:
	case code := <-done:
		t.Fatalf("serve exited with %d before listening:\n%s", code, logs)
	}

	chats := []int64{101, 102, 103, 104, 105}
	pushConsent(fake, chats...)
	for _, c := range chats {
		fake.PushText(c, c, "/ticket cần hỗ trợ")
		fake.PushText(c, c, "Nghị định 133/2025/NĐ-CP quy định gì?")
	}
	waitFake(t, fake, "two replies per chat", func() bool {
		for _, c := range chats {
			if len(fake.SentTo(c)) < consentReplies+2 {
				return false
			}
		}
		return true
	})
	code, metrics := httpGet(t, "http://"+addr+"/metrics")
	for _, name := range []string{"supportbot_messages_in_total", "supportbot_messages_out_total", "supportbot_tickets_opened_total", "supportbot_outbox_depth"} {
		if code != 200 || !strings.Contains(metrics, name) {
			t.Errorf("/metrics lacks %s:\n%s", name, metrics)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve after cancel: exit %d\n%s", code, logs)
		}
	case <-time.After(guard):
		t.Fatalf("serve did not stop within %s\n%s", guard, logs)
	}
	if strings.Contains(logs.String(), fake.Token()) {
		t.Error("the token appears in the log")
	}
}

func readNothing(name string) ([]byte, error) { return nil, nil }
