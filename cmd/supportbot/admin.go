package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// The admin socket lets ticket commands and backups run while the bot runs.
// bbolt allows one process per file, so `supportbot tickets list` or
// `supportbot backup` started beside a running bot cannot open the
// database; they forward their command line over a Unix socket in the data
// directory instead, and the bot runs the command in its own process on its
// open store (a read transaction, or Store.Backup: consistent, and no
// writer waits). The socket is created 0600 in the data directory: whoever
// may use it may read the database file anyway.
const adminSocketName = "admin.sock"

// Headers of the admin protocol: the command's exit code and stderr travel
// as trailers after its stdout, which is streamed as the body.
const (
	hdrExit   = "X-Supportbot-Exit"
	hdrStderr = "X-Supportbot-Stderr"
)

// errNoAdmin: no running bot answers on the admin socket.
var errNoAdmin = errors.New("no admin socket")

// liveState is what a forwarded command runs with inside the bot.
type liveState struct {
	cfg   Config
	store *tickets.Store
	// reminders are the bot's deadline reminders, for `remind`; nil when
	// it runs without them.
	reminders *schedules.Reminders
	// broadcasts are the bot's announcements, for `broadcast`; nil when
	// it runs without them.
	broadcasts *bot.Broadcaster
	// w is the running bot's wiring, for status, kb reload, outbox dead
	// and inbox failed (admin_cmds.go); nil in tests that need only the
	// store.
	w *wiring
}

// adminRequest is the body of POST /run.
type adminRequest struct {
	Args []string `json:"args"`
	Lang string   `json:"lang"`
	// User is who typed the command (operatorName), for the actor of the
	// events it writes (views, erasures). Whoever can open the socket can
	// read the database file anyway: the name is trusted as given.
	User string `json:"user,omitempty"`
}

// forwardable reports whether a command may run through the admin socket:
// the ticket commands and backup, which need nothing but the store, and
// remind, which runs on the bot's reminders (liveState.reminders).
func forwardable(c *command) bool {
	return strings.HasPrefix(c.name, "tickets ") || c.name == "backup" || c.name == "remind" || c.name == "broadcast" ||
		c.name == "privacy erase" || liveCommands[c.name]
}

func adminSocketPath(dataDir string) string {
	return filepath.Join(dataDir, adminSocketName)
}

// botRunning reports whether a bot answers on the data directory's admin
// socket.
func botRunning(cfg Config) bool {
	c, err := net.DialTimeout("unix", adminSocketPath(cfg.DataDir), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// exitCodeError ends the CLI with a code already explained on stderr.
type exitCodeError int

func (e exitCodeError) Error() string { return "exit " + strconv.Itoa(int(e)) }

// forward runs a's command line in the bot that holds cfg's data directory.
// It returns errNoAdmin when no bot answers, the command's usage or run
// error otherwise (as an exitCodeError once its stderr has been copied).
func forward(a *app, cfg Config) error {
	sock := adminSocketPath(cfg.DataDir)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(adminRequest{Args: a.args, Lang: a.lang, User: operatorName(a)})
	resp, err := client.Post("http://supportbot/run", "application/json", bytes.NewReader(body))
	if err != nil {
		return errNoAdmin
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("admin socket %s: %s: %s", sock, resp.Status, bytes.TrimSpace(msg))
	}
	if _, err := io.Copy(a.stdout, resp.Body); err != nil {
		return fmt.Errorf("admin socket %s: %w", sock, err)
	}
	stderr, _ := url.QueryUnescape(resp.Trailer.Get(hdrStderr))
	io.WriteString(a.stderr, stderr)
	code, err := strconv.Atoi(resp.Trailer.Get(hdrExit))
	if err != nil {
		return fmt.Errorf("admin socket %s: the bot did not finish the command", sock)
	}
	if code != exitOK {
		return exitCodeError(code)
	}
	return nil
}

// adminHandler runs forwarded commands on the live store.
func adminHandler(live *liveState, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /run", func(w http.ResponseWriter, r *http.Request) {
		var req adminRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		c, _ := find(commands(), req.Args)
		if c == nil || len(c.children) > 0 || !forwardable(c) {
			http.Error(w, fmt.Sprintf("command %q cannot run through the admin socket", strings.Join(req.Args, " ")), http.StatusForbidden)
			return
		}
		log.Info("admin command", "args", loggedArgs(req.Args), "user", req.User)
		w.Header().Set("Trailer", hdrExit+", "+hdrStderr)
		w.Header().Set("Content-Type", "application/octet-stream")
		var stderr bytes.Buffer
		a := &app{
			stdin: strings.NewReader(""), stdout: w, stderr: &stderr,
			getenv:   func(string) (string, bool) { return "", false },
			readFile: os.ReadFile, now: time.Now, lang: req.Lang, operator: req.User,
			live: live, secrets: live.cfg.Secrets(), // errors sent back are redacted too
		}
		if a.lang != "vi" && a.lang != "en" {
			a.lang = defaultLang
		}
		code := run(r.Context(), a, req.Args)
		w.Header().Set(hdrExit, strconv.Itoa(code))
		w.Header().Set(hdrStderr, url.QueryEscape(stderr.String()))
	})
	return mux
}

// loggedArgs is a forwarded command line as the log shows it: the id of an
// officer being erased is left out, so the log does not keep what the
// erasure removes.
func loggedArgs(args []string) []string {
	out := slices.Clone(args)
	for i, v := range out {
		if v == "--chat" || v == "-chat" {
			if i+1 < len(out) {
				out[i+1] = "…"
			}
		} else if strings.HasPrefix(v, "--chat=") || strings.HasPrefix(v, "-chat=") {
			out[i] = v[:strings.Index(v, "=")+1] + "…"
		}
	}
	return out
}

// newAdminServer listens on the data directory's admin socket. A stale
// socket file is removed first: the caller holds the data directory's lock,
// so no other live process can own it. A failure is returned for the
// caller to log: the bot runs without the socket (path too long, say).
func newAdminServer(live *liveState, log *slog.Logger) (*httpServer, error) {
	path := adminSocketPath(live.cfg.DataDir)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	srv := &http.Server{
		Handler:           adminHandler(live, log),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// No write timeout: an export of a large store may take a while.
	}
	return &httpServer{srv: srv, ln: ln, log: log}, nil
}
