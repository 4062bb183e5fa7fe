package bot_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
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

// rtWait bounds every wait for a reply. It only turns a hang into a
// failure; nothing is synchronised by time.
const rtWait = 10 * time.Second

var rtEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// rtKB is a fake Searcher: a question containing a key gets its result;
// anything else gets VerdictNone. A question containing "panic!" panics,
// one containing "fail!" fails, one containing "empty!" has no searchable
// word for the index (knowledge.ErrEmptyQuery), and one containing "block!"
// waits until the test closes gate.
type rtKB struct {
	mu      sync.Mutex // guards results
	results map[string]knowledge.Result
	calls   atomic.Int64
	gate    chan struct{}
}

func (k *rtKB) Search(ctx context.Context, q string, o knowledge.Options) (knowledge.Result, error) {
	k.calls.Add(1)
	if strings.Contains(q, "panic!") {
		panic("fake search exploded")
	}
	if strings.Contains(q, "fail!") {
		return knowledge.Result{}, errors.New("fake search is down")
	}
	if strings.Contains(q, "empty!") {
		return knowledge.Result{Query: q, Verdict: knowledge.VerdictNone}, knowledge.ErrEmptyQuery
	}
	if strings.Contains(q, "block!") {
		select {
		case <-k.gate:
		case <-ctx.Done():
			return knowledge.Result{}, ctx.Err()
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, r := range k.results {
		if strings.Contains(q, key) {
			r.Query = q
			return r, nil
		}
	}
	return knowledge.Result{Query: q, Verdict: knowledge.VerdictNone}, nil
}

func (k *rtKB) set(key string, r knowledge.Result) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.results[key] = r
}

// rtSent is one reply as delivered, with the id the channel gave it.
type rtSent struct {
	bot.Reply
	ID string
}

// rtSender accepts every reply and numbers it.
type rtSender struct{ n atomic.Int64 }

func (s *rtSender) Send(_ context.Context, r bot.Reply) (string, bool, error) {
	return "m" + strconv.FormatInt(s.n.Add(1), 10), false, nil
}

// rtHarness is the real pipeline on a temporary bbolt file: Inbox → Router
// → Outbox → a sender, with a real ticket store and a fake knowledge base.
// Replies are observed once their delivery is recorded (after OnSent has
// linked them), so a test may reply to one at once.
type rtHarness struct {
	t       *testing.T
	db      *bolt.DB
	inbox   *bot.Inbox
	store   *tickets.Store
	outbox  *bot.Outbox
	router  *bot.Router
	metrics *bot.Metrics
	kb      *rtKB
	sent    chan rtSent
	seq     atomic.Int64

	clockMu sync.Mutex // guards clock
	clock   time.Time

	// unconsented stops msg from recording each new sender's agreement
	// to the privacy notice (consent): the tests of the notice itself.
	unconsented bool
	consentMu   sync.Mutex      // guards consent
	consent     map[string]bool // senders whose agreement msg stored
}

func newHarness(t *testing.T) *rtHarness {
	t.Helper()
	h := newStoppedHarness(t)
	h.start()
	return h
}

// newStoppedHarness builds the pipeline without running it.
func newStoppedHarness(t *testing.T) *rtHarness {
	t.Helper()
	h := &rtHarness{metrics: bot.NewMetrics(), t: t, kb: &rtKB{results: map[string]knowledge.Result{}, gate: make(chan struct{})}, sent: make(chan rtSent, 1000), clock: rtEpoch}
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
	h.outbox, err = bot.NewOutbox(db, bot.OutboxOptions{
		Now: h.now,
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
	h.outbox.Register(bot.Telegram, &rtSender{}, bot.Limits{})
	if h.router, err = bot.NewRouter(db, h.inbox, h.kb, h.store, h.outbox, bot.RouterOptions{Workers: 4, Now: h.now, Metrics: h.metrics}); err != nil {
		t.Fatal(err)
	}
	return h
}

// start runs the outbox and the router until the test ends.
func (h *rtHarness) start() {
	t := h.t
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{h.outbox.Run, h.router.Run} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil {
				t.Errorf("run: %v", err)
			}
		}()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func (h *rtHarness) now() time.Time {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	return h.clock
}

func (h *rtHarness) advance(d time.Duration) {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	h.clock = h.clock.Add(d)
}

// msg builds a private-chat text message from user (chat id = user id).
// Unless the harness is unconsented, a user it has not seen is first
// recorded as having agreed to the privacy notice (bot.RecordConsent), as
// every officer who opens tickets has.
func (h *rtHarness) msg(user, text string) bot.Message {
	if !h.unconsented {
		h.agree(user)
	}
	id := strconv.FormatInt(h.seq.Add(1), 10)
	return bot.Message{Channel: bot.Telegram, SourceID: id, ChatID: user, ChatType: "private",
		UserID: user, UserName: "Cán bộ " + user, Text: text, MessageID: "u" + id, Received: h.now()}
}

// agree stores user's agreement to the privacy notice, once.
func (h *rtHarness) agree(user string) {
	h.t.Helper()
	h.consentMu.Lock()
	defer h.consentMu.Unlock()
	if h.consent[user] {
		return
	}
	err := h.db.Update(func(tx *bolt.Tx) error { return bot.RecordConsent(tx, bot.Telegram, user, rtEpoch) })
	if err != nil {
		h.t.Fatal(err)
	}
	if h.consent == nil {
		h.consent = map[string]bool{}
	}
	h.consent[user] = true
}

// press builds a button press by user.
func (h *rtHarness) press(user, data string) bot.Message {
	m := h.msg(user, "")
	m.CallbackData, m.CallbackID = data, "cb"+m.SourceID
	return m
}

// add stores messages in the inbox.
func (h *rtHarness) add(ms ...bot.Message) {
	h.t.Helper()
	if _, err := h.inbox.Add(ms, nil); err != nil {
		h.t.Fatal(err)
	}
}

// next returns the next delivered reply.
func (h *rtHarness) next() rtSent {
	h.t.Helper()
	select {
	case s := <-h.sent:
		return s
	case <-time.After(rtWait):
		h.t.Fatal("no reply")
		return rtSent{}
	}
}

// say sends m and returns its n replies, toasts included: the answer to a
// button press first, then the messages in the order delivered. A toast
// travels apart from the chat's messages (never rate limited, never
// queued behind them), so its place among them is not fixed.
func (h *rtHarness) say(m bot.Message, n int) []rtSent {
	h.t.Helper()
	h.add(m)
	out := make([]rtSent, n)
	for i := range out {
		out[i] = h.next()
	}
	slices.SortStableFunc(out, func(a, b rtSent) int {
		return cmp.Compare(btoi(b.Kind == outbox.KindAnswer), btoi(a.Kind == outbox.KindAnswer))
	})
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// one sends m and returns its only reply.
func (h *rtHarness) one(m bot.Message) rtSent {
	h.t.Helper()
	return h.say(m, 1)[0]
}

// quiet checks that user's chat gets nothing more: a /help sent now must be
// answered next (replies of one chat are delivered in order).
func (h *rtHarness) quiet(user string) {
	h.t.Helper()
	r := h.one(h.msg(user, "/help"))
	if !strings.Contains(r.Text, "/ticket") {
		h.t.Fatalf("expected the help text, got an earlier reply: %q", r.Text)
	}
}

// tickets returns every ticket, newest first.
func (h *rtHarness) tickets() []*tickets.Ticket {
	h.t.Helper()
	ts, err := h.store.List(tickets.Filter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return ts
}

func (h *rtHarness) ticket(id string) *tickets.Ticket {
	h.t.Helper()
	tk, err := h.store.Get(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return tk
}

// staff moves a ticket as a staff member would.
func (h *rtHarness) staff(id string, to ...tickets.State) {
	h.t.Helper()
	a := tickets.Actor{Kind: tickets.ActorStaff, ID: "slack:U1", Name: "Staff"}
	err := h.store.Update(func(tx *tickets.Tx) error {
		for _, s := range to {
			if _, err := tx.Transition(id, s, a, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func mustContain(t *testing.T, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("reply lacks %q:\n%s", w, s)
		}
	}
}

func mustNotContain(t *testing.T, s string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(s, w) {
			t.Errorf("reply has %q:\n%s", w, s)
		}
	}
}

// buttonData lists the data of a reply's buttons, row by row.
func buttonData(r bot.Reply) []string {
	var out []string
	for _, row := range r.Buttons {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}

var rtHits = []knowledge.Hit{
	{
		ID: "nd133-ip-cap-lai", Title: "Cấp lại văn bằng bảo hộ <SHTT> & phó bản",
		Snippet:  "UBND cấp tỉnh <mark>cấp lại</mark> văn bằng bảo hộ &amp; phó bản",
		Text:     "UBND cấp tỉnh cấp lại văn bằng bảo hộ và phó bản.",
		Document: "Nghị định 133/2025/NĐ-CP", Article: "Điều 36",
		Source: "https://example.gov.vn/nd133", Topic: "ip",
		Effective: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Expires: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
	},
	{ID: "related-1", Title: "Thủ tục đăng ký hợp đồng chuyển quyền", Document: "Nghị định 65/2023/NĐ-CP", Article: "Điều 29"},
	{ID: "related-2", Title: "Phí đăng ký văn bằng", Source: "javascript:alert(1)"},
	{ID: "related-3", Title: "Không được hiển thị"},
}

func rtAnswer() knowledge.Result {
	return knowledge.Result{Verdict: knowledge.VerdictAnswer, Hits: rtHits}
}

func ticketIDIn(t *testing.T, s string) string {
	t.Helper()
	i := strings.Index(s, "HT-")
	if i < 0 || len(s) < i+9 {
		t.Fatalf("no ticket number in %q", s)
	}
	return s[i : i+9]
}
