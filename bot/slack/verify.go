package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// MaxSkew is how far a request's timestamp may be from the bot's clock,
// either way, before the request is refused (Slack's recommendation).
const MaxSkew = 5 * time.Minute

// MaxBody is the largest request body Handler reads.
const MaxBody = 1 << 20

// Reasons a request is refused, as counted by Refused and by
// supportbot_slack_refused_total{reason}.
const (
	RefusedUnsigned  = "unsigned"  // no signature or timestamp header
	RefusedSignature = "signature" // the signature does not match the body (forged or tampered)
	RefusedStale     = "stale"     // timestamp more than MaxSkew in the past
	RefusedFuture    = "future"    // timestamp more than MaxSkew in the future
	RefusedReplay    = "replay"    // a signature, or an event ID without a retry header, seen before
	RefusedTooLarge  = "too_large" // body over MaxBody
	RefusedMalformed = "malformed" // signed, but not a payload Slack sends
	RefusedMethod    = "method"    // not a POST
)

// verify checks a request's signature the way Slack signs them:
// v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)), compared in
// constant time, and its timestamp within MaxSkew of now. It returns the
// reason of a refusal, or "" when the request is genuine. The signature
// check comes first, so that an attacker learns nothing from the answer
// about the clock.
//
// slack-go's SecretsVerifier does the same check but reads time.Now and
// does not tell a stale request from a future one; this one takes the
// bot's clock.
func verify(secret string, h http.Header, body []byte, now time.Time) string {
	tsText := h.Get("X-Slack-Request-Timestamp")
	sig := h.Get("X-Slack-Signature")
	if secret == "" || tsText == "" || sig == "" {
		return RefusedUnsigned
	}
	got, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return RefusedSignature
	}
	gotMAC, err := hex.DecodeString(got)
	if err != nil {
		return RefusedSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + tsText + ":"))
	mac.Write(body)
	if !hmac.Equal(gotMAC, mac.Sum(nil)) {
		return RefusedSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return RefusedSignature
	}
	switch d := now.Sub(time.Unix(ts, 0)); {
	case d > MaxSkew:
		return RefusedStale
	case d < -MaxSkew:
		return RefusedFuture
	}
	return ""
}

// replay remembers what genuine requests were seen within the window in
// which a copy would still pass the timestamp check: their signatures, and
// their event IDs. Safe for concurrent use.
type replay struct {
	mu   sync.Mutex           // guards seen
	seen map[string]time.Time // key → when it may be forgotten
	adds int                  // insertions since the last sweep
}

func newReplay() *replay { return &replay{seen: map[string]time.Time{}} }

// firstTime records key until now + 2*MaxSkew (a copy of the request is
// refused as stale after that anyway) and reports whether it was new.
// Expired keys are swept now and then, so that the map stays bounded by
// the traffic of that window.
func (p *replay) firstTime(key string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until, ok := p.seen[key]; ok && now.Before(until) {
		return false
	}
	p.seen[key] = now.Add(2 * MaxSkew)
	p.adds++
	if p.adds >= 1024 {
		p.adds = 0
		for k, until := range p.seen {
			if !now.Before(until) {
				delete(p.seen, k)
			}
		}
	}
	return true
}

// refusals counts refused requests by reason. Safe for concurrent use.
type refusals struct {
	mu sync.Mutex // guards n
	n  map[string]int
}

func (c *refusals) add(reason string, m *bot.Metrics) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[reason]++
	c.mu.Unlock()
	m.Inc("supportbot_slack_refused_total", "reason", reason)
}

// Refused returns how many HTTP requests were refused, by reason (the
// Refused* constants).
func (r *Receiver) Refused() map[string]int {
	r.refuse.mu.Lock()
	defer r.refuse.mu.Unlock()
	out := make(map[string]int, len(r.refuse.n))
	for k, v := range r.refuse.n {
		out[k] = v
	}
	return out
}
