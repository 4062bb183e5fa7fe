package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// shutdownGrace bounds how long a stopping HTTP server waits for requests
// in flight (a webhook update being stored) before it closes them.
const shutdownGrace = 10 * time.Second

// promWriter is what /metrics needs: *bot.Metrics satisfies it.
type promWriter interface {
	WritePrometheus(w io.Writer) error
}

// readiness collects named checks for /readyz. Parts register a check when
// they are wired and flip it when they run; a nil error means ready.
// It is safe for concurrent use.
type readiness struct {
	mu     sync.Mutex // guards checks and order
	checks map[string]func() error
	order  []string
}

// set adds or replaces the check called name.
func (r *readiness) set(name string, check func() error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.checks == nil {
		r.checks = map[string]func() error{}
	}
	if _, ok := r.checks[name]; !ok {
		r.order = append(r.order, name)
	}
	r.checks[name] = check
}

// flag returns a check that fails with msg until the returned function is
// called with true.
func (r *readiness) flag(name, msg string) func(bool) {
	var mu sync.Mutex // guards up
	up := false
	r.set(name, func() error {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			return errors.New(msg)
		}
		return nil
	})
	return func(v bool) {
		mu.Lock()
		up = v
		mu.Unlock()
	}
}

// report runs every check in registration order.
func (r *readiness) report() (ok bool, lines []string) {
	r.mu.Lock()
	names := append([]string(nil), r.order...)
	checks := make([]func() error, len(names))
	for i, n := range names {
		checks[i] = r.checks[n]
	}
	r.mu.Unlock()
	ok = true
	for i, n := range names {
		if err := checks[i](); err != nil {
			ok = false
			lines = append(lines, n+": "+err.Error())
		} else {
			lines = append(lines, n+": ok")
		}
	}
	return ok, lines
}

// newHTTPHandler serves /healthz (200 while the process is up), /readyz
// (200 when every readiness check passes, else 503 naming the failing
// ones), /metrics (Prometheus text format) and, when webhook is not nil,
// /telegram/webhook.
func newHTTPHandler(ready *readiness, metrics promWriter, routes map[string]http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ok, lines := ready.report()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		io.WriteString(w, strings.Join(lines, "\n")+"\n")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if metrics == nil {
			return
		}
		if err := metrics.WritePrometheus(w); err != nil {
			log.Warn("write metrics", "err", err)
		}
	})
	for pattern, h := range routes {
		mux.Handle(pattern, h) // the channels' webhooks: /telegram/webhook, /slack/…
	}
	return mux
}

// httpServer is the HTTP actor. The listener is opened by newHTTPServer,
// before any actor runs, so that a taken port fails the start at once and
// ":0" can log the port it picked.
type httpServer struct {
	srv *http.Server
	ln  net.Listener
	log *slog.Logger
}

func newHTTPServer(addr string, h http.Handler, log *slog.Logger) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("http: listen on %s (%s): %w", addr, keyHTTPAddr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("http listening", "addr", ln.Addr().String())
	return &httpServer{srv: srv, ln: ln, log: log}, nil
}

// Addr is the address the server listens on (the real port when ":0").
func (s *httpServer) Addr() string { return s.ln.Addr().String() }

// run serves until ctx is done, then shuts down gracefully. It returns nil
// after a requested stop.
func (s *httpServer) run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("http: shutdown: %w", err)
	}
	return nil
}

// close releases the listener when the server never ran.
func (s *httpServer) close() { s.ln.Close() }
