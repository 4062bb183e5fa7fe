package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Envelope is one Socket Mode envelope the fake sends.
type Envelope struct {
	ID           string          `json:"envelope_id"`
	Type         string          `json:"type"` // events_api, slash_commands, interactive
	Payload      json.RawMessage `json:"payload"`
	AcceptsResp  bool            `json:"accepts_response_payload"`
	RetryAttempt int             `json:"retry_attempt"`
	RetryReason  string          `json:"retry_reason,omitempty"`
}

// Ack is one acknowledgement the client sent.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil for an empty ack
	Envelope   Envelope        // what it acknowledges (zero for an unknown ID)
	Conn       int             // the connection it came on, from 1
}

// outgoing is an envelope with its delivery state.
type outgoing struct {
	env    Envelope
	raw    []byte // PushRaw: sent as is, once, never tracked
	sentOn int    // connection it was last sent on; 0: not yet
	acked  bool
	dead   bool // sent once and not redelivered (commands, interactions)
}

// socketState is the Socket Mode side of the server; Server.mu guards it.
type socketState struct {
	queue   []*outgoing
	acks    []Ack
	conns   int             // connections opened so far
	active  *websocket.Conn // the current connection
	control []any           // control messages (disconnect) for the current connection
	nextEnv int
}

func newSocketState() *socketState { return &socketState{} }

// PushEvent queues an events_api envelope carrying an event_callback
// with inner event ev (see EventCallback) and returns its envelope ID.
func (s *Server) PushEvent(eventID string, ev any) string {
	return s.push("events_api", EventCallback(eventID, ev), true)
}

// PushCommand queues a slash_commands envelope.
func (s *Server) PushCommand(c SlashCommand) string {
	b, _ := json.Marshal(c.fields())
	return s.push("slash_commands", b, true)
}

// PushInteractive queues an interactive envelope (block_actions,
// view_submission).
func (s *Server) PushInteractive(payload json.RawMessage) string {
	return s.push("interactive", payload, true)
}

// PushEnvelope queues an envelope as given (its ID is filled in when
// empty) and returns its ID.
func (s *Server) PushEnvelope(env Envelope) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if env.ID == "" {
		s.sock.nextEnv++
		env.ID = fmt.Sprintf("env-%d", s.sock.nextEnv)
	}
	s.sock.queue = append(s.sock.queue, &outgoing{env: env})
	s.notifyLocked()
	return env.ID
}

// PushRaw queues a websocket message sent as is, once (a malformed
// envelope).
func (s *Server) PushRaw(raw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sock.queue = append(s.sock.queue, &outgoing{raw: []byte(raw)})
	s.notifyLocked()
}

func (s *Server) push(typ string, payload json.RawMessage, accepts bool) string {
	return s.PushEnvelope(Envelope{Type: typ, Payload: payload, AcceptsResp: accepts && typ != "events_api"})
}

// Disconnect asks the connected client to reconnect, as Slack does
// before it refreshes a connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sock.control = append(s.sock.control, map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	s.notifyLocked()
}

// Connections returns how many websocket connections were opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.conns
}

// Acks returns the acks received so far.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.sock.acks...)
}

// Unacked returns the IDs of the envelopes not acked yet (and still to be
// delivered).
func (s *Server) Unacked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.sock.queue {
		if o.raw == nil && !o.acked && !o.dead {
			out = append(out, o.env.ID)
		}
	}
	return out
}

// WaitAck waits for the ack of envelope id.
func (s *Server) WaitAck(ctx context.Context, id string) (Ack, error) {
	var got Ack
	err := s.Wait(ctx, func() bool {
		for _, a := range s.Acks() {
			if a.EnvelopeID == id {
				got = a
				return true
			}
		}
		return false
	})
	return got, err
}

func (s *Server) closeSockets() {
	s.mu.Lock()
	c := s.sock.active
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// serveSocket is the Socket Mode websocket: hello, then the queued
// envelopes; acks are read back.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	s.mu.Lock()
	s.sock.conns++
	n := s.sock.conns
	if old := s.sock.active; old != nil {
		old.Close()
	}
	s.sock.active = conn
	s.sock.control = nil
	s.notifyLocked()
	s.mu.Unlock()

	done := make(chan struct{})
	defer func() {
		s.mu.Lock()
		if s.sock.active == conn {
			s.sock.active = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
	}()
	go func() { // Slack pings; the client's deadman timer needs them
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
					return
				}
			}
		}
	}()
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		s.readAcks(conn, n)
	}()
	defer func() { close(done); conn.Close(); <-readerDone }()

	hello := map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "AFAKE"}, "debug_info": map[string]any{"host": "fake"}}
	if conn.WriteJSON(hello) != nil {
		return
	}
	for {
		s.mu.Lock()
		if s.sock.active != conn {
			s.mu.Unlock()
			return
		}
		ch := s.changed
		var out [][]byte
		for _, c := range s.sock.control {
			b, _ := json.Marshal(c)
			out = append(out, b)
		}
		s.sock.control = nil
		for _, o := range s.sock.queue {
			if o.acked || o.dead || o.sentOn == n {
				continue
			}
			if o.raw != nil {
				o.sentOn, o.dead = n, true
				out = append(out, o.raw)
				continue
			}
			if o.sentOn != 0 {
				if o.env.Type != "events_api" { // Slack does not redeliver these
					o.dead = true
					continue
				}
				o.env.RetryAttempt++
				o.env.RetryReason = "timeout"
			}
			o.sentOn = n
			b, _ := json.Marshal(o.env)
			out = append(out, b)
		}
		s.mu.Unlock()
		for _, b := range out {
			if conn.WriteMessage(websocket.TextMessage, b) != nil {
				return
			}
		}
		select {
		case <-ch:
		case <-readerDone:
			return
		}
	}
}

// readAcks reads acks from connection n until it closes.
func (s *Server) readAcks(conn *websocket.Conn, n int) {
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(b, &a) != nil || a.EnvelopeID == "" {
			continue
		}
		ack := Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload, Conn: n}
		if string(ack.Payload) == "null" {
			ack.Payload = nil
		}
		s.mu.Lock()
		for _, o := range s.sock.queue {
			if o.raw == nil && o.env.ID == a.EnvelopeID {
				ack.Envelope = o.env
			}
		}
		s.mu.Unlock()
		if s.opts.OnAck != nil {
			s.opts.OnAck(ack)
		}
		s.mu.Lock()
		for _, o := range s.sock.queue {
			if o.raw == nil && o.env.ID == a.EnvelopeID {
				o.acked = true
			}
		}
		s.sock.acks = append(s.sock.acks, ack)
		s.notifyLocked()
		s.mu.Unlock()
	}
}
