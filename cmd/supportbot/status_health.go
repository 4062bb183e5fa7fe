package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/knowledge"
	bolt "go.etcd.io/bbolt"
)

// Readiness means the bot can take a message and answer it now: the
// database answers a read, the knowledge index answers a search, and each
// configured channel has lately heard from its service. Each check below
// does the real thing; none returns nil on trust.

// readyTimeout bounds one readiness check (a search, a read).
const readyTimeout = 2 * time.Second

// pollWindow is how recent a Telegram poller's last successful getUpdates
// must be for the poller to count as healthy: a long poll returns within
// the poll timeout, so two of them without an answer mean trouble.
const pollWindow = 2 * telegram.DefaultPollTimeout

// Modes of a channel, as status shows them.
const (
	// modePolling and modeWebhook (config.go) are Telegram's.
	modeSocket = "socket"
	modeHTTP   = "http"
)

// channelHealth is what one channel's receiver last reported: Telegram's
// poller through PollerOptions.OnPoll, Slack's Socket Mode through
// ReceiverOptions.OnConnection; webhook and HTTP modes through set. It is
// safe for concurrent use.
type channelHealth struct {
	name   string        // "telegram", "slack"
	mode   string        // modePolling, modeWebhook, modeSocket, modeHTTP
	window time.Duration // polling: the last success must be this recent

	mu       sync.Mutex // guards the fields below
	running  bool       // its receiver runs
	up       bool       // socket: connected now (hello received); webhook/http: ready to receive
	lastOK   time.Time  // last successful poll, hello, or registration
	lastFail time.Time  // last failed poll, or lost connection
}

// polled records the outcome of a poll (PollerOptions.OnPoll).
func (h *channelHealth) polled(ok bool, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ok {
		h.lastOK = at
	} else {
		h.lastFail = at
	}
}

// connected records that a connection came up or went down
// (ReceiverOptions.OnConnection), or, for webhook and HTTP modes, that the
// channel is ready to receive.
func (h *channelHealth) connected(up bool, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.up = up
	if up {
		h.lastOK = at
	} else {
		h.lastFail = at
	}
}

// setRunning records that the receiver started or stopped.
func (h *channelHealth) setRunning(v bool) {
	h.mu.Lock()
	h.running = v
	h.mu.Unlock()
}

// check is the channel's readiness at now: nil when healthy, else why not.
func (h *channelHealth) check(now time.Time) error {
	s := h.status(now)
	if s.State == stateOK {
		return nil
	}
	return errors.New(s.Detail)
}

// States of a channel in status and readiness.
const (
	stateOK      = "ok"
	stateDown    = "down"
	stateStarted = "starting"
	stateStale   = "stale"
	stateStopped = "stopped"
)

// channelStatus is one channel in `supportbot status`.
type channelStatus struct {
	Name   string     `json:"name"`
	Mode   string     `json:"mode"`
	State  string     `json:"state"`             // ok, starting, stale, down, stopped
	Detail string     `json:"detail"`            // the state in words
	LastOK *time.Time `json:"last_ok,omitempty"` // last successful poll or connection
}

// status describes the channel at now.
func (h *channelHealth) status(now time.Time) channelStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := channelStatus{Name: h.name, Mode: h.mode}
	if !h.lastOK.IsZero() {
		t := h.lastOK
		s.LastOK = &t
	}
	switch {
	case !h.running:
		s.State, s.Detail = stateStopped, "not running"
	case h.mode == modePolling && h.lastOK.IsZero() && h.lastFail.IsZero():
		s.State, s.Detail = stateStarted, "no getUpdates answered yet"
	case h.mode == modePolling && h.lastOK.IsZero():
		s.State, s.Detail = stateDown, "getUpdates has never succeeded"
	case h.mode == modePolling && now.Sub(h.lastOK) > h.window:
		s.State, s.Detail = stateStale, fmt.Sprintf("no successful getUpdates for %s (window %s)", now.Sub(h.lastOK).Round(time.Second), h.window)
	case h.mode == modePolling:
		s.State, s.Detail = stateOK, "polling"
	case h.up:
		s.State, s.Detail = stateOK, map[string]string{modeSocket: "connected", modeWebhook: "webhook registered", modeHTTP: "receiving on HTTP"}[h.mode]
	case h.mode == modeSocket && h.lastOK.IsZero():
		s.State, s.Detail = stateStarted, "not connected yet"
	case h.mode == modeSocket:
		s.State, s.Detail = stateDown, "disconnected"
	case h.mode == modeWebhook:
		s.State, s.Detail = stateDown, "webhook not registered with Telegram"
	default:
		s.State, s.Detail = stateDown, "not receiving"
	}
	return s
}

// addChannel registers a channel's health and its readiness check.
func (w *wiring) addChannel(h *channelHealth) {
	w.channels = append(w.channels, h)
	w.ready.set(h.name, func() error { return h.check(w.now()) })
}

// checkDB reads the database: a closed or unreadable file fails.
func (w *wiring) checkDB() error {
	return w.db.View(func(tx *bolt.Tx) error {
		c := tx.Cursor()
		c.First() // the root bucket's first page: a real read
		if tx.Bucket([]byte("bot_inbox")) == nil {
			return errors.New("the inbox bucket is missing")
		}
		return nil
	})
}

// checkKB runs a search: a closed index (a reload that failed half-way)
// or a broken one fails.
func (w *wiring) checkKB() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if _, err := w.kb.Search(ctx, "an toàn bức xạ", knowledge.Options{}); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}
