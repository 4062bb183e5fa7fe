package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// The officer whose data is erased in these tests, and the words that
// must not survive them.
const (
	fgChat   = "777000111"
	fgTriage = "C-triage"
)

// fgOutboxBuckets are the buckets the outbox keeps.
var fgOutboxBuckets = []string{"bot_outbox", "bot_outbox_dead", "bot_outbox_refs", "bot_outbox_limits"}

// fgFind lists the entries ("bucket: key") of the outbox's buckets whose
// key or value holds needle.
func fgFind(t *testing.T, db *bolt.DB, needle string) []string {
	t.Helper()
	var out []string
	err := db.View(func(tx *bolt.Tx) error {
		for _, name := range fgOutboxBuckets {
			b := tx.Bucket([]byte(name))
			if b == nil {
				continue
			}
			err := b.ForEach(func(k, v []byte) error {
				if bytes.Contains(k, []byte(needle)) || bytes.Contains(v, []byte(needle)) {
					out = append(out, fmt.Sprintf("%s: %q", name, k))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fgGauge reads one series of m.
func fgGauge(m *outbox.TestMetrics, name string) string {
	var b strings.Builder
	m.WritePrometheus(&b)
	for _, l := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			return v
		}
	}
	return "missing"
}

// fgRelays matches what the erasure forgets in the triage channel in these
// tests: relays of ticket HT-1 into its thread, and the unsent card of
// ticket HT-2.
func fgRelays(r outbox.Reply) bool {
	return r.Channel == outbox.Slack && ((r.TicketID == "HT-1" && r.ThreadRef != "") || r.Ref == "triage:HT-2")
}

// An officer's erasure: every pending message, dead letter, ref and limit
// entry of their chat goes, with what Match names elsewhere and what
// depends on it; other chats' entries and the triage card stay; the
// confirmation queued after Forget in the same transaction is delivered
// and, with NoTrace, leaves no trace of the chat either.
func TestOutboxForgetDeletesEverythingOfTheChat(t *testing.T) {
	m := outbox.NewTestMetrics()
	db := obTempDB(t)
	clk := newOBClock()
	var mu sync.Mutex
	var callbacks []string // OnSent and OnFailed, by text
	done := newOBCounter(6)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1, Metrics: m,
		OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error {
			mu.Lock()
			callbacks = append(callbacks, r.Text)
			mu.Unlock()
			done.add()
			return nil
		},
		OnFailed: func(_ *bolt.Tx, r outbox.Reply, _ error) error {
			mu.Lock()
			callbacks = append(callbacks, r.Text)
			mu.Unlock()
			done.add()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now, fail: func(r outbox.Reply, _ int) (bool, error) {
		if strings.HasPrefix(r.Text, "dead") {
			return false, errors.New("403 forbidden: bot was blocked by the user")
		}
		return false, nil
	}}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())
	o.Register(outbox.Slack, s, outbox.Limits{})

	tg := func(chat, text string) outbox.Reply { return obReply(chat, text) }
	sl := func(text string) outbox.Reply {
		return outbox.Reply{Channel: outbox.Slack, ChatID: fgTriage, Text: text}
	}
	// Delivered or refused before the erasure: refs, limit entries and
	// dead letters of both chats and of the triage channel.
	card := sl("card HT-1")
	card.Ref, card.TicketID = "triage:HT-1", "HT-1"
	deadRelay := sl("dead relay: secret words")
	deadRelay.ThreadRef, deadRelay.TicketID = "triage:HT-1", "HT-1"
	mine := tg(fgChat, "your ticket HT-1")
	mine.Ref = "ticket:HT-1"
	other := tg("888", "other ticket")
	other.Ref = "ticket:HT-5"
	if err := o.Enqueue(tg(fgChat, "dead hello from Nguyễn Văn A"), mine, tg("888", "dead other"), other,
		card, deadRelay); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, done.done)
	if got := fgFind(t, db, fgChat); len(got) != 3 {
		t.Fatalf("before the erasure the chat is in %q, want its dead letter, ref and limit entry", got)
	}

	// Pending when the erasure comes.
	update := tg(fgChat, "ticket HT-1 now: secret")
	update.Kind, update.Ref = outbox.KindUpdate, "ticket:HT-1"
	thread := tg(fgChat, "secret in a thread")
	thread.Thread = "42"
	eph := tg("-100", "only for you: secret")
	eph.Kind, eph.UserID = outbox.KindEphemeral, fgChat
	cardUpd := sl("card HT-1 (Nguyễn Văn A)")
	cardUpd.Kind, cardUpd.Ref, cardUpd.TicketID = outbox.KindUpdate, "triage:HT-1", "HT-1"
	relay := sl("relay: secret words 2")
	relay.ThreadRef, relay.TicketID = "triage:HT-1", "HT-1"
	card2 := sl("card HT-2 secret")
	card2.Ref, card2.TicketID = "triage:HT-2", "HT-2"
	card2Upd := sl("card HT-2 secret, updated")
	card2Upd.Kind, card2Upd.Ref = outbox.KindUpdate, "triage:HT-2"
	card2Relay := sl("relay under HT-2: secret")
	card2Relay.ThreadRef = "triage:HT-2"
	reminder := tg(fgChat, "reminder: report due (secret)")
	reminder.Bulk = true
	if err := o.Enqueue(tg(fgChat, "secret words pending"), thread, update, eph, reminder, tg("888", "other pending"),
		cardUpd, relay, card2, card2Upd, card2Relay); err != nil {
		t.Fatal(err)
	}

	confirm := tg(fgChat, "your data was erased")
	confirm.NoTrace = true
	erased := sl("card HT-1: content erased")
	erased.Kind, erased.Ref, erased.TicketID = outbox.KindUpdate, "triage:HT-1", "HT-1"
	var n int
	err = db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = o.Forget(tx, outbox.Forget{Channel: outbox.Telegram, ChatID: fgChat, UserID: fgChat, Match: fgRelays})
		if err != nil {
			return err
		}
		return o.EnqueueTx(tx, confirm, erased)
	})
	if err != nil {
		t.Fatal(err)
	}
	// 9 pending (5 of the chat, the relay, HT-2's card and, with it, its
	// update and thread reply), 2 dead letters (the chat's and the
	// relay's), 1 ref and 1 limit entry of the chat.
	if n != 13 {
		t.Errorf("Forget deleted %d entries, want 13", n)
	}
	if got := fgFind(t, db, fgChat); len(got) != 1 || !strings.HasPrefix(got[0], "bot_outbox: ") {
		t.Errorf("after Forget the chat is in %q, want only the queued confirmation", got)
	}
	if got := fgFind(t, db, "secret"); len(got) != 0 {
		t.Errorf("after Forget the words are in %q", got)
	}
	if d, _ := o.Depth(); d != 4 {
		t.Errorf("Depth = %d, want 4: other pending, the old card update, the confirmation and the new card update", d)
	}
	if g := fgGauge(m, "supportbot_outbox_dead_letters"); g != "1" {
		t.Errorf("dead letters gauge = %s, want 1 (the other chat's)", g)
	}
	if dl, err := o.DeadLetters(0); err != nil || len(dl) != 1 || dl[0].Reply.Text != "dead other" {
		t.Errorf("DeadLetters = %+v, %v; want the other chat's only", dl, err)
	}
	for _, ref := range []struct {
		ch         outbox.Channel
		chat, name string
		want       bool
	}{
		{outbox.Telegram, fgChat, "ticket:HT-1", false},
		{outbox.Telegram, "888", "ticket:HT-5", true},
		{outbox.Slack, fgTriage, "triage:HT-1", true},
	} {
		if id, err := o.Ref(ref.ch, ref.chat, ref.name); err != nil || (id != "") != ref.want {
			t.Errorf("Ref(%s, %s, %s) = %q, %v; want one: %v", ref.ch, ref.chat, ref.name, id, err, ref.want)
		}
	}
	if got := fgFind(t, db, "\x00888"); len(got) != 2 { // its ref and its limit entry
		t.Errorf("the other chat's entries: %q, want its ref and limit entry", got)
	}

	mu.Lock()
	callbacks = nil
	mu.Unlock()
	done = newOBCounter(3)
	sentBefore := len(s.Calls())
	obRun(t, o, done.done)
	var sent []string
	for _, c := range s.Calls()[sentBefore:] {
		sent = append(sent, c.Reply.Text)
	}
	slices.Sort(sent)
	if want := []string{"card HT-1: content erased", "other pending", "your data was erased"}; !slices.Equal(sent, want) {
		t.Errorf("sent %q, want %q: nothing forgotten, and the card's newest update only", sent, want)
	}
	for _, needle := range []string{fgChat, "secret", "Nguyễn"} {
		if got := fgFind(t, db, needle); len(got) != 0 {
			t.Errorf("after delivery %q is still in %q", needle, got)
		}
	}
	if d, _ := o.Depth(); d != 0 {
		t.Errorf("Depth = %d after delivery, want 0", d)
	}
}

// fgGateSender blocks the send of one text until released, and records
// every call.
type fgGateSender struct {
	block   string
	started chan struct{}             // closed when the blocked send starts
	release chan func() (bool, error) // the blocked send's outcome
	once    sync.Once

	mu    sync.Mutex // guards calls
	calls []string
}

func newFGGateSender(block string) *fgGateSender {
	return &fgGateSender{block: block, started: make(chan struct{}), release: make(chan func() (bool, error), 1)}
}

func (s *fgGateSender) Send(_ context.Context, r outbox.Reply) (string, bool, error) {
	s.mu.Lock()
	s.calls = append(s.calls, r.Text)
	n := len(s.calls)
	s.mu.Unlock()
	if r.Text == s.block {
		first := false
		s.once.Do(func() { first = true; close(s.started) })
		if first {
			retry, err := (<-s.release)()
			if err != nil {
				return "", retry, err
			}
		}
	}
	return fmt.Sprintf("m%d", n), false, nil
}

func (s *fgGateSender) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// fgWait waits for c, with a hang guard (not a timing assertion).
func fgWait(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not happen within 20s (hang)", what)
	}
}

// fgRunAsync runs o until stop is called (at the latest when the test
// ends); stop returns once Run has returned, every send recorded.
func fgRunAsync(t *testing.T, o *outbox.Outbox) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- o.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// fgForgetAndConfirm forgets the chat and queues the confirmation in one
// transaction, as the erasure does.
func fgForgetAndConfirm(t *testing.T, db *bolt.DB, o *outbox.Outbox, chat, text string) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		if _, err := o.Forget(tx, outbox.Forget{Channel: outbox.Telegram, ChatID: chat}); err != nil {
			return err
		}
		return o.EnqueueTx(tx, obReply(chat, text))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Messages Run has already loaded into memory are not sent once the
// Forget that deleted them commits; what the erasure queued after them is.
func TestOutboxForgetDropsItemsLoadedInMemory(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	confirmed := newOBCounter(2) // the blocked message of another chat, and the confirmation
	failed := newOBCounter(1)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnSent:   func(*bolt.Tx, outbox.Reply, string) error { confirmed.add(); return nil },
		OnFailed: func(*bolt.Tx, outbox.Reply, error) error { failed.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := newFGGateSender("other chat")
	o.Register(outbox.Telegram, s, outbox.Limits{})
	if err := o.Enqueue(obReply("1", "other chat"), obReply(fgChat, "secret 1"), obReply(fgChat, "secret 2")); err != nil {
		t.Fatal(err)
	}
	fgRunAsync(t, o)
	fgWait(t, s.started, "the send to the other chat")
	if p := outbox.PeakLoaded(o); p != 3 {
		t.Fatalf("Run held %d items, want all 3 in memory before the erasure", p)
	}
	fgForgetAndConfirm(t, db, o, fgChat, "your data was erased")
	s.release <- func() (bool, error) { return false, nil }
	fgWait(t, confirmed.done, "the confirmation")
	if got := s.Calls(); !slices.Equal(got, []string{"other chat", "your data was erased"}) {
		t.Errorf("sent %q, want the other chat's message and the confirmation only", got)
	}
	if n := failed.count(); n != 0 {
		t.Errorf("OnFailed called %d times", n)
	}
}

// A message whose send is under way when the erasure commits finishes its
// send (it cannot be recalled) but is not recorded: no ref, no OnSent, no
// dead letter, and no retry; the confirmation behind it goes.
func TestOutboxForgetInFlightIsNotRecordedNorRetried(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome func() (bool, error)
	}{
		{"delivered", func() (bool, error) { return false, nil }},
		{"refused for good", func() (bool, error) { return false, errors.New("403 forbidden") }},
		{"to retry", func() (bool, error) { return true, errors.New("502 bad gateway") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := outbox.NewTestMetrics()
			db := obTempDB(t)
			clk := newOBClock()
			confirmed := newOBCounter(1)
			var mu sync.Mutex
			var callbacks []string
			o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 2, Metrics: m,
				OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error {
					mu.Lock()
					callbacks = append(callbacks, "sent "+r.Text)
					mu.Unlock()
					if r.Text == "your data was erased" {
						confirmed.add()
					}
					return nil
				},
				OnFailed: func(_ *bolt.Tx, r outbox.Reply, _ error) error {
					mu.Lock()
					callbacks = append(callbacks, "failed "+r.Text)
					mu.Unlock()
					return nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			s := newFGGateSender("secret")
			o.Register(outbox.Telegram, s, outbox.Limits{})
			msg := obReply(fgChat, "secret")
			msg.Ref = "ticket:HT-9"
			if err := o.Enqueue(msg, obReply(fgChat, "secret 2")); err != nil {
				t.Fatal(err)
			}
			stop := fgRunAsync(t, o)
			fgWait(t, s.started, "the send of the secret")
			fgForgetAndConfirm(t, db, o, fgChat, "your data was erased")
			s.release <- tc.outcome
			fgWait(t, confirmed.done, "the confirmation")
			stop()

			if got := s.Calls(); !slices.Equal(got, []string{"secret", "your data was erased"}) {
				t.Errorf("sent %q, want the secret once (under way) and the confirmation", got)
			}
			mu.Lock()
			got := slices.Clone(callbacks)
			mu.Unlock()
			if !slices.Equal(got, []string{"sent your data was erased"}) {
				t.Errorf("callbacks %q, want the confirmation's only", got)
			}
			if dl, _ := o.DeadLetters(0); len(dl) != 0 {
				t.Errorf("dead letters %+v, want none", dl)
			}
			if id, _ := o.Ref(outbox.Telegram, fgChat, "ticket:HT-9"); id != "" {
				t.Errorf("ref of the forgotten message recorded: %q", id)
			}
			if g := fgGauge(m, "supportbot_outbox_depth"); g != "0" {
				t.Errorf("depth gauge = %s, want 0", g)
			}
		})
	}
}

// fgClock is a clock whose waits the test ends: After reports each wait
// on asked and returns a channel the test fires.
type fgClock struct {
	mu    sync.Mutex // guards t
	t     time.Time
	asked chan fgWaitReq
}

type fgWaitReq struct {
	d time.Duration
	c chan time.Time
}

func (c *fgClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fgClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.asked <- fgWaitReq{d: d, c: ch}
	return ch
}

// fire ends the wait w: the clock moves to its end.
func (c *fgClock) fire(w fgWaitReq) {
	c.mu.Lock()
	c.t = c.t.Add(w.d)
	t := c.t
	c.mu.Unlock()
	w.c <- t
}

func (c *fgClock) next(t *testing.T) fgWaitReq {
	t.Helper()
	select {
	case w := <-c.asked:
		return w
	case <-time.After(20 * time.Second):
		t.Fatal("the outbox never waited (hang)")
		return fgWaitReq{}
	}
}

// Between Forget's call and its commit, a worker that reaches a forgotten
// message (read before the deletion) holds it back instead of sending it;
// once the erasure commits, the message is dropped and the confirmation
// goes.
func TestOutboxForgetHoldsASendUntilTheErasureCommits(t *testing.T) {
	db := obTempDB(t)
	o, clk, confirmed := fgClockedOutbox(t, db, "your data was erased")
	s := fg429Sender(clk, time.Second, func(r outbox.Reply, call int) bool { return r.Text == "secret" && call == 1 })
	o.Register(outbox.Telegram, s, outbox.Limits{})
	if err := o.Enqueue(obReply(fgChat, "secret")); err != nil {
		t.Fatal(err)
	}
	stopDrain := make(chan struct{})
	defer close(stopDrain)
	fgRunAsync(t, o)
	retry := clk.next(t) // the 429's wait

	tx, err := db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() // on failure: a worker may wait to record (after Commit, a no-op)
	if _, err := o.Forget(tx, outbox.Forget{Channel: outbox.Telegram, ChatID: fgChat}); err != nil {
		t.Fatal(err)
	}
	if err := o.EnqueueTx(tx, obReply(fgChat, "your data was erased")); err != nil {
		t.Fatal(err)
	}
	clk.fire(retry) // the secret is due again while the erasure is not committed
	hold := clk.next(t)
	if n := len(s.Calls()); n != 1 {
		t.Fatalf("the secret was sent %d times before the erasure committed, want once (the 429)", n)
	}
	if hold.d <= 0 || hold.d > time.Second {
		t.Errorf("held for %v, want a short wait", hold.d)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	go func() { // let the dispatcher's later waits end too
		for {
			select {
			case w := <-clk.asked:
				clk.fire(w)
			case <-stopDrain:
				return
			}
		}
	}()
	fgWait(t, confirmed.done, "the confirmation")
	texts := fgSentTexts(s)
	if !slices.Equal(texts, []string{"secret", "your data was erased"}) {
		t.Errorf("sent %q, want the refused secret and the confirmation", texts)
	}
}

// An erasure leaves the triage card to the newest update: the one saying
// the content was erased, queued after Forget, wins over an older update
// that was pending or already under way.
func TestOutboxForgetLeavesTheCardToTheNewestUpdate(t *testing.T) {
	for _, inFlight := range []bool{false, true} {
		t.Run(map[bool]string{false: "older pending", true: "older under way"}[inFlight], func(t *testing.T) {
			db := obTempDB(t)
			clk := newOBClock()
			posted := newOBCounter(1)
			// Edits recorded: the newest only when the older was still
			// pending (coalesced), both when it was under way.
			edited := newOBCounter(map[bool]int{false: 1, true: 2}[inFlight])
			o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 2,
				OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error {
					if r.Kind == outbox.KindUpdate {
						edited.add()
					} else {
						posted.add()
					}
					return nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			s := newFGGateSender("card: Nguyễn Văn A asks")
			if !inFlight {
				s.block = ""
			}
			o.Register(outbox.Slack, s, outbox.Limits{UpdatesPerMinute: 50})
			card := outbox.Reply{Channel: outbox.Slack, ChatID: fgTriage, Ref: "triage:HT-1", Text: "card"}
			if err := o.Enqueue(card); err != nil {
				t.Fatal(err)
			}
			obRun(t, o, posted.done)

			upd := func(text string) outbox.Reply {
				return outbox.Reply{Channel: outbox.Slack, ChatID: fgTriage, Kind: outbox.KindUpdate, Ref: "triage:HT-1", Text: text}
			}
			if err := o.Enqueue(upd("card: Nguyễn Văn A asks")); err != nil {
				t.Fatal(err)
			}
			erase := func() {
				err := db.Update(func(tx *bolt.Tx) error {
					if _, err := o.Forget(tx, outbox.Forget{Channel: outbox.Telegram, ChatID: fgChat, Match: fgRelays}); err != nil {
						return err
					}
					return o.EnqueueTx(tx, upd("card: content erased"))
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if inFlight {
				fgRunAsync(t, o)
				fgWait(t, s.started, "the older update's send")
				erase()
				s.release <- func() (bool, error) { return false, nil }
			} else {
				erase()
				fgRunAsync(t, o)
			}
			fgWait(t, edited.done, "the card's edits")
			calls := s.Calls()
			want := []string{"card", "card: content erased"}
			if inFlight {
				want = []string{"card", "card: Nguyễn Văn A asks", "card: content erased"}
			}
			if !slices.Equal(calls, want) {
				t.Errorf("sent %q, want %q", calls, want)
			}
		})
	}
}

// A reply marked NoTrace that the channel refuses for good leaves no dead
// letter; OnFailed still hears of it.
func TestOutboxNoTraceRefusedLeavesNoDeadLetter(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	failed := newOBCounter(1)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnFailed: func(*bolt.Tx, outbox.Reply, error) error { failed.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(outbox.Telegram, &obSender{now: clk.Now, fail: func(outbox.Reply, int) (bool, error) {
		return false, errors.New("403 forbidden: bot was blocked by the user")
	}}, outbox.TelegramLikeLimits())
	r := obReply(fgChat, "your data was erased")
	r.NoTrace, r.Ref = true, "erased"
	if err := o.Enqueue(r); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, failed.done)
	if got := fgFind(t, db, fgChat); len(got) != 0 {
		t.Errorf("the chat is still in %q", got)
	}
}

// Forget refuses what it cannot work in.
func TestOutboxForgetRefusesOtherTransactions(t *testing.T) {
	db := obTempDB(t)
	o, err := outbox.New(db, outbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := outbox.Forget{Channel: outbox.Telegram, ChatID: fgChat}
	if err := db.View(func(tx *bolt.Tx) error { _, err := o.Forget(tx, f); return err }); err == nil {
		t.Error("Forget in a read-only transaction: no error")
	}
	other := obTempDB(t)
	if err := other.Update(func(tx *bolt.Tx) error { _, err := o.Forget(tx, f); return err }); err == nil {
		t.Error("Forget in another database's transaction: no error")
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := o.Forget(tx, outbox.Forget{ChatID: fgChat})
		return err
	}); err == nil {
		t.Error("Forget of a chat without a channel: no error")
	}
}

// The confirmation does not wait for the forgotten messages ahead of it:
// a forgotten message waiting an hour on a 429 is dropped at once, and
// the confirmation goes without any wait ending.
func TestOutboxForgetConfirmationDoesNotWaitForTheForgotten(t *testing.T) {
	db := obTempDB(t)
	o, clk, confirmed := fgClockedOutbox(t, db, "your data was erased")
	s := fg429Sender(clk, time.Hour, func(r outbox.Reply, _ int) bool { return r.Text == "secret" })
	o.Register(outbox.Telegram, s, outbox.Limits{})
	if err := o.Enqueue(obReply(fgChat, "secret")); err != nil {
		t.Fatal(err)
	}
	fgRunAsync(t, o)
	if w := clk.next(t); w.d != time.Hour {
		t.Fatalf("the outbox waits %v, want the 429's hour", w.d)
	}
	fgForgetAndConfirm(t, db, o, fgChat, "your data was erased") // no wait is ever ended from here on
	fgWait(t, confirmed.done, "the confirmation")
	texts := fgSentTexts(s)
	if !slices.Equal(texts, []string{"secret", "your data was erased"}) {
		t.Errorf("sent %q, want the refused secret once and the confirmation", texts)
	}
}

// A message that stays in a queue behind a forgotten one (here an SLA
// note in a ticket's thread, behind a relay the erasure forgets) goes as
// soon as the erasure commits, not when the forgotten message's wait
// would have ended.
func TestOutboxForgetDoesNotDelayWhatFollows(t *testing.T) {
	db := obTempDB(t)
	o, clk, noted := fgClockedOutbox(t, db, "SLA: first response late")
	s := fg429Sender(clk, time.Hour, func(r outbox.Reply, _ int) bool { return strings.HasPrefix(r.Text, "relay") })
	o.Register(outbox.Slack, s, outbox.Limits{})
	relay := outbox.Reply{Channel: outbox.Slack, ChatID: fgTriage, Thread: "1.1", ThreadRef: "triage:HT-1",
		TicketID: "HT-1", Text: "relay: secret words"}
	note := outbox.Reply{Channel: outbox.Slack, ChatID: fgTriage, Thread: "1.1", ThreadRef: "triage:HT-1",
		Text: "SLA: first response late"}
	if err := o.Enqueue(relay, note); err != nil {
		t.Fatal(err)
	}
	fgRunAsync(t, o)
	if w := clk.next(t); w.d != time.Hour {
		t.Fatalf("the outbox waits %v, want the 429's hour", w.d)
	}
	err := db.Update(func(tx *bolt.Tx) error {
		_, err := o.Forget(tx, outbox.Forget{Channel: outbox.Telegram, ChatID: fgChat, Match: fgRelays})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fgWait(t, noted.done, "the SLA note") // no wait is ever ended
	texts := fgSentTexts(s)
	if !slices.Equal(texts, []string{"relay: secret words", "SLA: first response late"}) {
		t.Errorf("sent %q, want the refused relay once and the note", texts)
	}
}
