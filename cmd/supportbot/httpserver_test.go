package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

type fakeMetrics string

func (m fakeMetrics) WritePrometheus(w io.Writer) error {
	_, err := io.WriteString(w, string(m))
	return err
}

// startHTTP runs the HTTP actor on a free port until the test ends.
func startHTTP(t *testing.T, h http.Handler) string {
	t.Helper()
	srv, err := newHTTPServer("127.0.0.1:0", h, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("http stop: %v", err)
		}
	})
	return "http://" + srv.Addr()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHTTPEndpoints(t *testing.T) {
	var ready readiness
	ready.set("db", func() error { return nil })
	setPoller := ready.flag("poller", "not running")
	var webhookHit atomic.Bool
	wh := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { webhookHit.Store(true) })
	base := startHTTP(t, newHTTPHandler(&ready, fakeMetrics("supportbot_messages_in_total{channel=\"telegram\"} 3\n"), map[string]http.Handler{"POST /telegram/webhook": wh}, slog.New(slog.DiscardHandler)))

	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	code, body := get(t, base+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "poller: not running") || !strings.Contains(body, "db: ok") {
		t.Errorf("/readyz before the poller runs = %d %q", code, body)
	}
	setPoller(true)
	if code, body := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz with everything up = %d %q", code, body)
	}
	if code, body := get(t, base+"/metrics"); code != 200 || !strings.Contains(body, "supportbot_messages_in_total") {
		t.Errorf("/metrics = %d %q", code, body)
	}
	resp, err := http.Post(base+"/telegram/webhook", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !webhookHit.Load() {
		t.Error("webhook handler not reached")
	}
	if code, _ := get(t, base+"/nope"); code != 404 {
		t.Errorf("/nope = %d", code)
	}
}

func TestHTTPNoWebhookInPollingMode(t *testing.T) {
	base := startHTTP(t, newHTTPHandler(&readiness{}, nil, nil, slog.New(slog.DiscardHandler)))
	resp, err := http.Post(base+"/telegram/webhook", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("webhook in polling mode = %d, want 404", resp.StatusCode)
	}
}

func TestHTTPPortTaken(t *testing.T) {
	srv, err := newHTTPServer("127.0.0.1:0", http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	_, err = newHTTPServer(srv.Addr(), http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), keyHTTPAddr) {
		t.Errorf("second listen = %v, want an error naming %s", err, keyHTTPAddr)
	}
}
