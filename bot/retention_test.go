package bot_test

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// pruneHarness is the pipeline with the pruning driven by the test.
type pruneHarness struct {
	*rtHarness
	tick chan time.Time
	done chan error
}

// newPruneHarness starts the pipeline and waits for the pruning Run does at
// start. before, when not nil, runs on the database before anything starts.
func newPruneHarness(t *testing.T, before func(tx *bolt.Tx) error) *pruneHarness {
	t.Helper()
	h := &pruneHarness{rtHarness: newStoppedHarness(t), tick: make(chan time.Time), done: make(chan error, 1)}
	if before != nil {
		if err := h.db.Update(before); err != nil {
			t.Fatal(err)
		}
	}
	bot.SetPruneHooks(h.router, h.tick, func(err error) { h.done <- err })
	h.start()
	h.waitPruned()
	return h
}

func (h *pruneHarness) waitPruned() {
	h.t.Helper()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Fatalf("prune: %v", err)
		}
	case <-time.After(rtWait):
		h.t.Fatal("no pruning run")
	}
}

// prune runs one pruning at the harness's clock and waits for it.
func (h *pruneHarness) prune() {
	h.t.Helper()
	select {
	case h.tick <- h.now():
	case <-time.After(rtWait):
		h.t.Fatal("the router does not take the tick")
	}
	h.waitPruned()
}

// has reports whether bucket holds key.
func (h *pruneHarness) has(bucket, key string) bool {
	h.t.Helper()
	var ok bool
	err := h.db.View(func(tx *bolt.Tx) error {
		ok = tx.Bucket([]byte(bucket)).Get([]byte(key)) != nil
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return ok
}

func (h *pruneHarness) count(bucket string) int {
	h.t.Helper()
	n := 0
	err := h.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte(bucket)).Stats().KeyN
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func seenKey(m bot.Message) string { return string(m.Channel) + "\x00" + m.SourceID }
func linkKey(r rtSent) string      { return string(r.Channel) + "\x00" + r.ChatID + "\x00" + r.ID }
func refOf(data string) string     { return data[strings.LastIndex(data, ":")+1:] }
func (h *pruneHarness) added(m bot.Message) int {
	h.t.Helper()
	n, err := h.inbox.Add([]bot.Message{m}, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func TestPruneDedupeKeysAfterRetentionOnly(t *testing.T) {
	h := newPruneHarness(t, nil)
	m := h.msg("100", "/help")
	h.one(m)

	// Telegram redelivers an unconfirmed update for about a day; days
	// later, and after pruning runs, the key still dedupes it.
	h.advance(bot.SeenRetention - time.Minute)
	h.prune()
	if n := h.added(m); n != 0 {
		t.Fatalf("a redelivery within the retention was stored again (%d)", n)
	}
	if !h.has("bot_inbox_seen", seenKey(m)) {
		t.Fatal("the dedupe key is gone within the retention")
	}
	h.quiet("100") // and nothing was answered twice

	h.advance(2 * time.Minute)
	h.prune()
	if h.has("bot_inbox_seen", seenKey(m)) {
		t.Fatal("the dedupe key outlived its retention")
	}
}

func TestPruneWorksInBatches(t *testing.T) {
	const n = 1234 // more than one batch
	legacy := func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("bot_inbox_seen"))
		for i := range n {
			var v [8]byte // the old value: the bare sequence
			binary.BigEndian.PutUint64(v[:], uint64(i+1))
			if err := b.Put([]byte("telegram\x00old"+strconv.Itoa(i)), v[:]); err != nil {
				return err
			}
		}
		return nil
	}
	h := newPruneHarness(t, legacy)
	fresh := h.msg("100", "/help")
	h.one(fresh)

	// Keys without a stored time age from the first pruning run.
	h.advance(bot.SeenRetention - time.Minute)
	h.prune()
	if got := h.count("bot_inbox_seen"); got != n+1 {
		t.Fatalf("%d dedupe keys within the retention, want %d", got, n+1)
	}
	h.advance(2 * time.Minute)
	h.prune()
	if got := h.count("bot_inbox_seen"); got != 0 {
		t.Fatalf("%d dedupe keys left after the retention, want 0", got)
	}
}

func TestPruneQuestionsAndTheLatePress(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"", "hơn 30 ngày"},
		{"en", "more than 30 days ago"},
	} {
		t.Run("lang="+tc.lang, func(t *testing.T) {
			h := newPruneHarness(t, nil)
			h.kb.set("cấp lại", rtAnswer())
			ask := h.msg("100", "Ai cấp lại văn bằng bảo hộ?")
			ask.LangCode = tc.lang
			data := buttonData(h.one(ask).Reply)
			ok, no := data[0], data[1]

			// Within the retention the buttons work.
			h.advance(bot.QuestionRetention - time.Minute)
			h.prune()
			if r := h.one(h.press("100", ok)); r.CallbackID == "" || r.Text == "" {
				t.Fatalf("a press within the retention got %+v", r.Reply)
			}

			h.advance(2 * time.Minute)
			h.prune()
			if h.has("bot_questions", refOf(ok)) {
				t.Fatal("the question outlived its retention")
			}
			press := h.press("100", no)
			press.LangCode = tc.lang
			got := h.say(press, 2)
			if got[0].CallbackID == "" {
				t.Errorf("the press was not answered first: %+v", got[0].Reply)
			}
			mustContain(t, got[1].Text, tc.want, "/ticket")
			if n := len(h.tickets()); n != 0 {
				t.Errorf("an expired press opened %d tickets", n)
			}
			h.quiet("100")
		})
	}
	t.Run("a ref never issued is not called old", func(t *testing.T) {
		h := newPruneHarness(t, nil)
		got := h.say(h.press("100", "fb:no:zzzz"), 2)
		mustContain(t, got[1].Text, "Không tìm thấy câu hỏi này")
	})
}

func TestPruneLinks(t *testing.T) {
	h := newPruneHarness(t, nil)
	open := h.one(h.msg("100", "Xin cấp giấy phép?")) // no answer: a ticket is opened
	id := ticketIDIn(t, open.Text)
	done := h.one(h.msg("200", "Hỏi về phí?"))
	doneID := ticketIDIn(t, done.Text)
	h.staff(doneID, tickets.StateCancelled)

	// A young link survives even when its ticket is cancelled.
	h.advance(bot.LinkRetention - time.Minute)
	h.prune()
	if !h.has("bot_links", linkKey(done)) {
		t.Fatal("a link within the retention was pruned")
	}

	// An old link of an open ticket survives, and still works.
	h.advance(2 * time.Minute)
	h.prune()
	if !h.has("bot_links", linkKey(open)) {
		t.Fatal("the link of an open ticket was pruned")
	}
	if h.has("bot_links", linkKey(done)) {
		t.Fatal("an old link of a cancelled ticket survived")
	}
	reply := h.msg("100", "Tôi bổ sung hồ sơ")
	reply.ReplyToID = open.ID
	mustContain(t, h.one(reply).Text, id)
	if msgs := h.ticket(id).Messages; len(msgs) == 0 || msgs[len(msgs)-1].Text != "Tôi bổ sung hồ sơ" {
		t.Fatalf("the reply did not join %s: %+v", id, msgs)
	}

	// Resolved long ago, nobody closed it: its old links go too.
	h.staff(id, tickets.StateClaimed, tickets.StateResolved)
	h.advance(bot.LinkRetention + time.Minute)
	h.prune()
	if h.has("bot_links", linkKey(open)) {
		t.Fatal("an old link of a ticket resolved long ago survived")
	}
}

func TestPruneLegacyLinksAgeFromFirstRun(t *testing.T) {
	h := newPruneHarness(t, nil)
	open := h.one(h.msg("100", "Xin cấp giấy phép?"))
	id := ticketIDIn(t, open.Text)
	// Rewrite the links as they were stored before they carried a time.
	err := h.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("bot_links"))
		if err := b.Put([]byte(linkKey(open)), []byte(id)); err != nil {
			return err
		}
		return b.Put([]byte("telegram\x00100\x00gone"), []byte("HT-999999"))
	})
	if err != nil {
		t.Fatal(err)
	}
	reply := h.msg("100", "Tôi bổ sung hồ sơ")
	reply.ReplyToID = open.ID
	mustContain(t, h.one(reply).Text, id)

	h.staff(id, tickets.StateCancelled)
	h.advance(bot.LinkRetention - time.Minute)
	h.prune()
	if !h.has("bot_links", "telegram\x00100\x00gone") || !h.has("bot_links", linkKey(open)) {
		t.Fatal("a legacy link was pruned before the retention counted from the first run")
	}
	h.advance(2 * time.Minute)
	h.prune()
	if h.has("bot_links", "telegram\x00100\x00gone") || h.has("bot_links", linkKey(open)) {
		t.Fatal("legacy links of a cancelled or missing ticket survived")
	}
}

func TestNewRouterRefusesNegativePruneInterval(t *testing.T) {
	h := newStoppedHarness(t)
	kb := bot.SearchFunc(func(_ context.Context, q string, _ knowledge.Options) (knowledge.Result, error) {
		return knowledge.Result{}, nil
	})
	if _, err := bot.NewRouter(h.db, h.inbox, kb, h.store, h.outbox, bot.RouterOptions{PruneEvery: -time.Hour}); err == nil {
		t.Fatal("a negative prune interval was accepted")
	}
}

// The router's pruning also ages the outbox's dead letters: a refused
// reply is visible for DeadLetterRetention, then gone.
func TestPruneOutboxDeadLetters(t *testing.T) {
	h := newPruneHarness(t, nil)
	refused := make(chan struct{}, 1)
	h.outbox.Register(bot.Console, bot.SenderFunc(func(context.Context, bot.Reply) (string, bool, error) {
		refused <- struct{}{}
		return "", false, errors.New("chat not found")
	}), bot.Limits{})
	if err := h.outbox.Enqueue(bot.Reply{Channel: bot.Console, ChatID: "gone", Text: "xin chào"}); err != nil {
		t.Fatal(err)
	}
	<-refused
	deadline := time.Now().Add(rtWait)
	for {
		dl, err := h.outbox.DeadLetters(0)
		if err != nil {
			t.Fatal(err)
		}
		if len(dl) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refused reply is not a dead letter: %+v", dl)
		}
		runtime.Gosched()
	}
	h.advance(outbox.DeadLetterRetention - time.Hour)
	h.prune()
	if dl, _ := h.outbox.DeadLetters(0); len(dl) != 1 {
		t.Fatalf("a young dead letter was pruned: %+v", dl)
	}
	h.advance(2 * time.Hour)
	h.prune()
	if dl, _ := h.outbox.DeadLetters(0); len(dl) != 0 {
		t.Fatalf("a dead letter older than its retention survived: %+v", dl)
	}
}
