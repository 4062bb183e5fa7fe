package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
)

// Handler serves Slack's HTTP requests (HTTP mode, with
// ReceiverOptions.SigningSecret):
//
//	POST /slack/events       Events API, including the url_verification challenge
//	POST /slack/interactive  button presses and submitted modals
//	POST /slack/commands     slash commands
//
// Every request is refused unless its signature matches its raw body
// under the signing secret (compared in constant time) and its timestamp is
// within MaxSkew of now, past or future (401); a copy of a request seen
// before (same signature, or an event ID again without X-Slack-Retry-Num)
// is refused too (401); a body over MaxBody is refused without being read
// in full (413). Refusals are counted by reason (Refused). Slack's retries
// of an event (X-Slack-Retry-Num) are answered 200 and stored once.
//
// A genuine request is stored in the inbox before it is answered: 200
// with an empty body, a command's "⏳" ephemeral, a modal's validation
// errors (response_action "errors"), or 500 when storing failed (Slack
// retries events; the user sees the failure of a press).
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/slack/events", r.signed(r.serveEvent))
	mux.HandleFunc("/slack/interactive", r.signed(r.serveInteractive))
	mux.HandleFunc("/slack/commands", r.signed(r.serveCommand))
	return mux
}

// signed wraps a handler of a verified body: it reads the body (at most
// MaxBody), checks the signature, timestamp and replay, and refuses what
// fails.
func (r *Receiver) signed(next func(w http.ResponseWriter, req *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			r.refuse.add(RefusedMethod, r.opts.Metrics)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if req.ContentLength > MaxBody {
			r.refuse.add(RefusedTooLarge, r.opts.Metrics)
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBody))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				r.refuse.add(RefusedTooLarge, r.opts.Metrics)
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		now := r.opts.Now()
		if reason := verify(r.opts.SigningSecret, req.Header, body, now); reason != "" {
			r.refuse.add(reason, r.opts.Metrics)
			r.log.Warn("slack: refused a request", "reason", reason, "path", req.URL.Path, "remote", req.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if !r.replay.firstTime("sig:"+req.Header.Get("X-Slack-Signature"), now) {
			r.refuse.add(RefusedReplay, r.opts.Metrics)
			r.log.Warn("slack: refused a replayed request", "path", req.URL.Path, "remote", req.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next(w, req, body)
	}
}

func (r *Receiver) serveEvent(w http.ResponseWriter, req *http.Request, body []byte) {
	var cb callback
	if err := json.Unmarshal(body, &cb); err != nil {
		r.refuse.add(RefusedMalformed, r.opts.Metrics)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if cb.Type == "url_verification" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": cb.Challenge})
		return
	}
	if cb.EventID != "" {
		first := r.replay.firstTime("event:"+cb.EventID, r.opts.Now())
		if !first && req.Header.Get("X-Slack-Retry-Num") == "" {
			r.refuse.add(RefusedReplay, r.opts.Metrics)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	r.answer(w, req, envelope{event: body})
}

func (r *Receiver) serveInteractive(w http.ResponseWriter, req *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	payload := form.Get("payload")
	if err != nil || payload == "" {
		r.refuse.add(RefusedMalformed, r.opts.Metrics)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		r.refuse.add(RefusedMalformed, r.opts.Metrics)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	r.answer(w, req, envelope{interaction: &cb})
}

func (r *Receiver) serveCommand(w http.ResponseWriter, req *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("command") == "" || form.Get("trigger_id") == "" {
		r.refuse.add(RefusedMalformed, r.opts.Metrics)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	c := slack.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"),
		Text: form.Get("text"), ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
		APIAppID: form.Get("api_app_id"),
	}
	r.answer(w, req, envelope{command: &c})
}

// answer accepts env and writes Slack's answer.
func (r *Receiver) answer(w http.ResponseWriter, req *http.Request, env envelope) {
	payload, ok := r.accept(req.Context(), env)
	if !ok {
		http.Error(w, "could not store the request; retry", http.StatusInternalServerError)
		return
	}
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(payload)
}
