package bot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// stNames are the display names of the Slack users of these tests.
var stNames = map[string]string{"U1": "Lan", "U2": "Minh", "G1": "Khách"}

// stTriage is the triage chat of the staff harness; stOnCall the on-call
// person.
const (
	stTriage = "CTRIAGE"
	stOnCall = "UONCALL"
)

// stHarness is the pipeline with a Slack staff channel: the officers'
// Telegram sender refuses the chat "blocked" for good (a user who blocked
// the bot), the Slack sender accepts everything. Replies go to several
// chats at once, so they are picked by what they are (want), not by their
// order across chats.
type stHarness struct {
	*rtHarness
	buf  []rtSent     // delivered replies not taken by want yet
	logs *syncBuffer  // the Router's log
	n    atomic.Int64 // numbers sent messages
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var errBlocked = errors.New("telegram: 403 Forbidden: bot was blocked by the user")

func newStaffHarness(t *testing.T, staff bot.StaffOptions) *stHarness {
	t.Helper()
	h := &stHarness{rtHarness: &rtHarness{metrics: bot.NewMetrics(), t: t, kb: &rtKB{results: map[string]knowledge.Result{}, gate: make(chan struct{})},
		sent: make(chan rtSent, 1000), clock: rtEpoch}, logs: &syncBuffer{}}
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	if h.store, err = tickets.NewStore(db, tickets.Options{Now: h.now}); err != nil {
		t.Fatal(err)
	}
	if h.inbox, err = bot.NewInbox(db, bot.InboxOptions{Batch: bot.StoreBatch(h.store), Now: h.now}); err != nil {
		t.Fatal(err)
	}
	// The outbox keeps the wall clock: a thread post waits for its card
	// with a short real backoff, which a frozen clock would never end.
	h.outbox, err = bot.NewOutbox(db, bot.OutboxOptions{
		OnSent: func(tx *bolt.Tx, r bot.Reply, id string) error {
			if err := h.router.OnSent(tx, r, id); err != nil {
				return err
			}
			tx.OnCommit(func() { h.sent <- rtSent{r, id} })
			return nil
		},
		OnFailed: func(tx *bolt.Tx, r bot.Reply, err error) error { return h.router.OnFailed(tx, r, err) },
		Batch:    bot.StoreBatch(h.store),
	})
	if err != nil {
		t.Fatal(err)
	}
	staff.Channel, staff.Triage = bot.Slack, stTriage
	h.router, err = bot.NewRouter(h.db, h.inbox, h.kb, h.store, h.outbox, bot.RouterOptions{
		Workers: 4, Now: h.now, Metrics: h.metrics, Staff: staff,
		Logger: slog.New(slog.NewTextHandler(h.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.outbox.Register(bot.Telegram, bot.SenderFunc(func(_ context.Context, r bot.Reply) (string, bool, error) {
		if r.ChatID == "blocked" && r.CallbackID == "" {
			return "", false, errBlocked
		}
		return "m" + strconv.FormatInt(h.n.Add(1), 10), false, nil
	}), bot.Limits{})
	h.outbox.Register(bot.Slack, bot.SenderFunc(func(_ context.Context, r bot.Reply) (string, bool, error) {
		switch r.Kind {
		case outbox.KindUpdate:
			return r.EditID, false, nil
		case outbox.KindMessage:
			return "ts" + strconv.FormatInt(h.n.Add(1), 10), false, nil
		}
		return "", false, nil
	}), bot.Limits{})
	h.start()
	return h
}

// want returns the first delivered reply that match accepts, keeping the
// others for later calls.
func (h *stHarness) want(what string, match func(r rtSent) bool) rtSent {
	h.t.Helper()
	for i, r := range h.buf {
		if match(r) {
			h.buf = append(h.buf[:i:i], h.buf[i+1:]...)
			return r
		}
	}
	deadline := time.After(rtWait)
	for {
		select {
		case r := <-h.sent:
			if match(r) {
				return r
			}
			h.buf = append(h.buf, r)
		case <-deadline:
			h.t.Fatalf("no %s delivered; got meanwhile:\n%s", what, h.dump())
			return rtSent{}
		}
	}
}

func (h *stHarness) dump() string {
	var b strings.Builder
	for _, r := range h.buf {
		b.WriteString("  " + string(r.Channel) + "/" + r.ChatID + " " + string(r.Kind) + " ref=" + r.Ref + " thread=" + r.ThreadRef + ": " + shortText(r.Text) + "\n")
	}
	return b.String()
}

func shortText(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// none checks that no reply taken so far (and still unclaimed) matches.
func (h *stHarness) none(what string, match func(r rtSent) bool) {
	h.t.Helper()
	for {
		select {
		case r := <-h.sent:
			h.buf = append(h.buf, r)
			continue
		default:
		}
		break
	}
	for _, r := range h.buf {
		if match(r) {
			h.t.Errorf("unexpected %s: %+v", what, r.Reply)
		}
	}
}

// toOfficer matches a message to the officer's chat.
func toOfficer(chat string) func(rtSent) bool {
	return func(r rtSent) bool { return r.Channel == bot.Telegram && r.ChatID == chat && r.CallbackID == "" }
}

// card matches the triage card of id (kind: outbox.KindMessage when
// posted, outbox.KindUpdate when edited).
func card(id string, kind bot.Kind) func(rtSent) bool {
	return func(r rtSent) bool {
		return r.Channel == bot.Slack && r.ChatID == stTriage && r.Ref == "triage:"+id && r.Kind == kind
	}
}

// inThread matches a post in id's thread containing text.
func inThread(id, text string) func(rtSent) bool {
	return func(r rtSent) bool {
		return r.Channel == bot.Slack && r.ThreadRef == "triage:"+id && strings.Contains(r.Text, text)
	}
}

// ephemeralTo matches a message only user sees.
func ephemeralTo(user string) func(rtSent) bool {
	return func(r rtSent) bool {
		return r.Channel == bot.Slack && r.Kind == outbox.KindEphemeral && r.UserID == user
	}
}

// open has officer ask a question the knowledge base cannot answer, which
// opens a ticket; it returns the ticket, its triage card (whose ID is the
// card's ts) and the officer's reply naming the ticket (none for the
// officer "blocked").
func (h *stHarness) open(officer, text string) (id string, c, reply rtSent) {
	h.t.Helper()
	return h.openWith(h.msg(officer, text))
}

func (h *stHarness) openWith(m bot.Message) (id string, c, reply rtSent) {
	h.t.Helper()
	h.add(m)
	c = h.want("a triage card", func(r rtSent) bool {
		return r.Channel == bot.Slack && r.Kind == outbox.KindMessage && strings.HasPrefix(r.Ref, "triage:")
	})
	id = c.TicketID
	if m.ChatID != "blocked" {
		reply = h.want("the ticket number", toOfficer(m.ChatID))
		if got := ticketIDIn(h.t, reply.Text); got != id {
			h.t.Fatalf("the officer was told %s, the card is of %s", got, id)
		}
	}
	return id, c, reply
}

// staffMsg builds a message by user on the staff channel (role staff
// unless told), in the triage chat.
func (h *stHarness) staffMsg(user string, role bot.Role) bot.Message {
	id := strconv.FormatInt(h.seq.Add(1), 10)
	return bot.Message{Channel: bot.Slack, SourceID: "s" + id, ChatID: stTriage, ChatType: bot.ChatGroup,
		UserID: user, UserName: stNames[user], Role: role, MessageID: "sm" + id, Received: h.now()}
}

// pressCard builds user's press of a card button.
func (h *stHarness) pressCard(user string, role bot.Role, action, id string) bot.Message {
	m := h.staffMsg(user, role)
	m.CallbackData, m.CallbackID, m.TriggerID = "tk:"+action+":"+id, "cb"+m.SourceID, "trig"+m.SourceID
	return m
}

// inThreadMsg builds user's message in the thread of the card sent as ts.
func (h *stHarness) inThreadMsg(user string, role bot.Role, ts, text string) bot.Message {
	m := h.staffMsg(user, role)
	m.Thread, m.Text = ts, text
	return m
}

// submit builds user's submission of a View.
func (h *stHarness) submit(user string, role bot.Role, view, id string, values map[string]string) bot.Message {
	m := h.staffMsg(user, role)
	m.ChatID, m.ChatType, m.MessageID = "", "", ""
	m.ViewID, m.ViewMeta, m.Values = view, id, values
	return m
}

// lastEvent returns the newest event of ticket id.
func (h *stHarness) lastEvent(id string) tickets.Event {
	h.t.Helper()
	evs, err := h.store.Events(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return evs[len(evs)-1]
}

// field returns the value of a card's field labelled label.
func field(r bot.Reply, label string) string {
	for _, f := range r.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return "<no field " + label + ">"
}
