package outbox_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	bolt "go.etcd.io/bbolt"
)

// obSetup builds an outbox on a fresh db with a simulated clock and one
// worker; sent counts OnSent calls and closes its channel at want.
func obSetup(t *testing.T, want int, l outbox.Limits, fail func(outbox.Reply, int) (bool, error)) (*outbox.Outbox, *obSender, *obCounter, *obClock, *bolt.DB) {
	t.Helper()
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(want)
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now, fail: fail}
	o.Register(outbox.Telegram, s, l)
	return o, s, sent, clk, db
}

func TestOutboxKeepsOrderPerChat(t *testing.T) {
	const chats, each = 6, 15
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(chats * each)
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 4,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every third call of a chat fails with a 5xx: a retry must not let the
	// chat's next message overtake it.
	s := &obSender{now: clk.Now, fail: func(_ outbox.Reply, call int) (bool, error) {
		if call%3 == 0 {
			return true, errors.New("502 bad gateway")
		}
		return false, nil
	}}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())

	// Interleaved, as several conversations would enqueue them.
	var rs []outbox.Reply
	for i := range each {
		for c := range chats {
			chat := fmt.Sprint(100 + c)
			if c%2 == 1 {
				chat = fmt.Sprint(-100 - c) // groups too
			}
			rs = append(rs, obReply(chat, fmt.Sprintf("msg %02d", i)))
		}
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)

	got := s.delivered()
	if len(got) != chats {
		t.Fatalf("delivered to %d chats, want %d", len(got), chats)
	}
	for chat, texts := range got {
		if len(texts) != each {
			t.Errorf("chat %s got %d messages, want %d", chat, len(texts), each)
		}
		for i, text := range texts {
			if want := fmt.Sprintf("msg %02d", i); text != want {
				t.Errorf("chat %s message %d = %q, want %q (order broken)", chat, i, text, want)
				break
			}
		}
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d after delivery, want 0", n)
	}
}

func TestOutboxWaitsRetryAfterWithoutBlockingOtherChats(t *testing.T) {
	o, s, sent, _, _ := obSetup(t, 3, outbox.TelegramLikeLimits(), func(r outbox.Reply, call int) (bool, error) {
		if r.ChatID == "1" && call == 1 {
			return true, obRetryAfter{wait: 7 * time.Second}
		}
		return false, nil
	})
	if err := o.Enqueue(obReply("1", "a1"), obReply("1", "a2"), obReply("2", "b1")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)

	calls := s.Calls()
	var first, retried, other time.Time
	for _, c := range calls {
		switch {
		case c.Reply.Text == "a1" && c.Err != nil:
			first = c.At
		case c.Reply.Text == "a1":
			retried = c.At
		case c.Reply.Text == "b1":
			other = c.At
		}
	}
	if first.IsZero() || retried.IsZero() || other.IsZero() {
		t.Fatalf("calls = %+v", calls)
	}
	if wait := retried.Sub(first); wait < 7*time.Second {
		t.Errorf("retried after %s, want at least the 7s Telegram asked for", wait)
	}
	if !other.Before(first.Add(7 * time.Second)) {
		t.Errorf("chat 2 was sent at +%s: it waited for chat 1's retry", other.Sub(first))
	}
	if got := s.delivered()["1"]; strings.Join(got, ",") != "a1,a2" {
		t.Errorf("chat 1 got %v, want [a1 a2]", got)
	}
}

func TestOutboxRetriesServerErrorsUntilSuccess(t *testing.T) {
	m := outbox.NewTestMetrics()
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(1)
	var sentIDs []string
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 1, Metrics: m,
		OnSent: func(_ *bolt.Tx, _ outbox.Reply, id string) error {
			sentIDs = append(sentIDs, id)
			sent.add()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now, fail: func(_ outbox.Reply, call int) (bool, error) {
		if call <= 5 {
			return true, errors.New("500 internal server error")
		}
		return false, nil
	}}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())
	if err := o.Enqueue(obReply("42", "hello")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)

	calls := s.Calls()
	if len(calls) != 6 {
		t.Fatalf("Send called %d times, want 6 (5 failures, 1 success)", len(calls))
	}
	// Exponential backoff with equal jitter: the n-th wait is at least
	// half of 1s·2^(n-1).
	for i := 1; i < len(calls); i++ {
		gap := calls[i].At.Sub(calls[i-1].At)
		if min := time.Second << (i - 1) / 2; gap < min {
			t.Errorf("wait before attempt %d = %s, want >= %s", i+1, gap, min)
		}
	}
	if len(sentIDs) != 1 || sentIDs[0] != "m6" {
		t.Errorf("OnSent ids = %v, want [m6]", sentIDs)
	}
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`supportbot_send_errors_total{channel="telegram",kind="server"} 5`,
		`supportbot_messages_out_total{channel="telegram"} 1`,
		"supportbot_outbox_depth 0",
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, b.String())
		}
	}
}

var errBlocked = errors.New("403 forbidden: bot was blocked by the user")

func TestOutboxRecordsPermanentFailureOnce(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	done := newOBCounter(3) // one failure + two deliveries
	var failed []error
	var failedTickets []string
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { done.add(); return nil },
		OnFailed: func(_ *bolt.Tx, r outbox.Reply, err error) error {
			failed = append(failed, err)
			failedTickets = append(failedTickets, r.TicketID)
			done.add()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now, fail: func(r outbox.Reply, _ int) (bool, error) {
		if r.Text == "blocked" {
			return false, fmt.Errorf("telegram: send: %w", errBlocked)
		}
		return false, nil
	}}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())
	r := obReply("7", "blocked")
	r.TicketID = "HT-000042"
	if err := o.Enqueue(r, obReply("7", "after"), obReply("8", "other")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, done.done)

	tries := 0
	for _, c := range s.Calls() {
		if c.Reply.Text == "blocked" {
			tries++
		}
	}
	if tries != 1 {
		t.Errorf("a permanent failure was sent %d times, want 1", tries)
	}
	if len(failed) != 1 || !errors.Is(failed[0], errBlocked) || failedTickets[0] != "HT-000042" {
		t.Errorf("OnFailed got %v for %v, want one errBlocked for HT-000042", failed, failedTickets)
	}
	dead, err := o.DeadLetters(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].Reply.Text != "blocked" || !strings.Contains(dead[0].Error, "blocked by the user") {
		t.Errorf("dead letters = %+v, want the blocked message", dead)
	}
	if got := s.delivered(); len(got["7"]) != 1 || len(got["8"]) != 1 {
		t.Errorf("delivered %v: the chat's next message and other chats must go on", got)
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0", n)
	}
}

func TestOutboxDeliversPendingAfterRestart(t *testing.T) {
	path := t.TempDir() + "/outbox.db"
	clk := newOBClock()

	// First life: the sender is down (network errors); stop with
	// everything still queued.
	db := obOpenDB(t, path)
	down := newOBCounter(3)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	o.Register(outbox.Telegram, &obSender{now: clk.Now, fail: func(outbox.Reply, int) (bool, error) {
		down.add()
		return true, errors.New("dial tcp: connection refused")
	}}, outbox.TelegramLikeLimits())
	if err := o.Enqueue(obReply("1", "one"), obReply("2", "two"), obReply("1", "three")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, down.done)
	if n, _ := o.Depth(); n != 3 {
		t.Fatalf("Depth after a failed run = %d, want 3", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Second life: a new process, the same file.
	db = obOpenDB(t, path)
	defer db.Close()
	sent := newOBCounter(3)
	o, err = outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := o.Depth(); n != 3 {
		t.Fatalf("Depth after reopening = %d, want 3", n)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())
	obRun(t, o, sent.done)
	got := s.delivered()
	if strings.Join(got["1"], ",") != "one,three" || strings.Join(got["2"], ",") != "two" {
		t.Errorf("delivered after restart: %v", got)
	}
}

func TestOutboxEnqueueInRolledBackTxQueuesNothing(t *testing.T) {
	o, s, sent, _, db := obSetup(t, 1, outbox.TelegramLikeLimits(), nil)
	boom := errors.New("ticket store refused")
	err := db.Update(func(tx *bolt.Tx) error {
		if err := o.EnqueueTx(tx, obReply("1", "ghost")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the caller's error", err)
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d after a rolled-back enqueue, want 0", n)
	}
	// A message enqueued afterwards is the only one delivered.
	if err := o.Enqueue(obReply("1", "real")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	if got := s.delivered()["1"]; strings.Join(got, ",") != "real" {
		t.Errorf("delivered %v, want only [real]", got)
	}
}

func TestOutboxSplitsLongText(t *testing.T) {
	l := outbox.TelegramLikeLimits()
	l.Split = obSplitSentences(2)
	o, s, sent, _, _ := obSetup(t, 4, l, nil)
	long := strings.Repeat("<b>Nghị định 133/2025/NĐ-CP</b> quy định &amp; hướng dẫn. ", 8)
	r := outbox.Reply{Channel: outbox.Telegram, ChatID: "5", Text: long, ReplyToID: "99", TicketID: "HT-000001",
		Buttons: [][]outbox.Button{{{Text: "✅ Đã rõ", Data: "ok"}}}}
	want := obSplitSentences(2)(long)
	if len(want) != 4 {
		t.Fatalf("test text splits into %d parts, adjust it to 4", len(want))
	}
	if err := o.Enqueue(r); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	calls := s.Calls()
	if len(calls) != len(want) {
		t.Fatalf("sent %d parts, want %d", len(calls), len(want))
	}
	for i, c := range calls {
		if c.Reply.Text != want[i] {
			t.Errorf("part %d = %q, want %q", i, c.Reply.Text, want[i])
		}
		if (c.Reply.ReplyToID != "") != (i == 0) {
			t.Errorf("part %d ReplyToID = %q: only the first part replies", i, c.Reply.ReplyToID)
		}
		if (len(c.Reply.Buttons) > 0) != (i == len(calls)-1) {
			t.Errorf("part %d has %d button rows: only the last part carries them", i, len(c.Reply.Buttons))
		}
		if c.Reply.TicketID != "HT-000001" {
			t.Errorf("part %d lost its ticket", i)
		}
	}
}

func TestOutboxRecordFailureDoesNotResend(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(2) // the failing call, then the good one
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error {
			if sent.add() == 1 {
				return errors.New("ticket bucket busy")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())
	if err := o.Enqueue(obReply("3", "once")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	if n := len(s.Calls()); n != 1 {
		t.Errorf("Send called %d times, want 1: a failed record must not resend", n)
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0 once the record succeeded", n)
	}
}

func TestOutboxShutdownLetsSendInFlightFinish(t *testing.T) {
	db := obTempDB(t)
	sent := newOBCounter(1)
	o, err := outbox.New(db, outbox.Options{
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var sendCtxErr error
	o.Register(outbox.Telegram, outbox.SenderFunc(func(ctx context.Context, _ outbox.Reply) (string, bool, error) {
		close(started)
		<-release
		sendCtxErr = ctx.Err()
		return "m1", false, nil
	}), outbox.Limits{})
	if err := o.Enqueue(obReply("1", "in flight")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- o.Run(ctx) }()
	<-started
	cancel()
	close(release)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if sendCtxErr != nil {
		t.Errorf("the send in flight was cancelled at shutdown: %v", sendCtxErr)
	}
	if sent.count() != 1 {
		t.Errorf("OnSent calls = %d, want 1: the send in flight must be recorded", sent.count())
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0", n)
	}
}

func TestOutboxRefusesBadReplies(t *testing.T) {
	o, _, _, _, _ := obSetup(t, 0, outbox.TelegramLikeLimits(), nil)
	tg := outbox.Telegram
	for _, tc := range []struct {
		name string
		r    outbox.Reply
	}{
		{"no channel", outbox.Reply{ChatID: "1", Text: "x"}},
		{"message without a chat", outbox.Reply{Channel: tg, Text: "x"}},
		{"answer without a button press", outbox.Reply{Channel: tg, ChatID: "1", Kind: outbox.KindAnswer, Text: "x"}},
		{"view without a view", outbox.Reply{Channel: outbox.Slack, Kind: outbox.KindView, TriggerID: "t"}},
		{"view without a trigger", outbox.Reply{Channel: outbox.Slack, Kind: outbox.KindView, View: &outbox.View{ID: "reply"}}},
		{"ephemeral without a user", outbox.Reply{Channel: outbox.Slack, ChatID: "C1", Kind: outbox.KindEphemeral, Text: "x"}},
		{"update without a ref", outbox.Reply{Channel: tg, ChatID: "1", Kind: outbox.KindUpdate, Text: "x"}},
		{"update without a chat", outbox.Reply{Channel: tg, Kind: outbox.KindUpdate, Ref: "card", Text: "x"}},
		{"unknown kind", outbox.Reply{Channel: tg, ChatID: "1", Kind: "poke", Text: "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := o.Enqueue(tc.r); !errors.Is(err, outbox.ErrInvalidReply) {
				t.Errorf("Enqueue = %v, want ErrInvalidReply", err)
			}
		})
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d after refused replies, want 0", n)
	}
	// What each kind needs is enough, whatever channels are registered.
	for _, r := range []outbox.Reply{
		{Channel: tg, ChatID: "1", Text: "x"},
		{Channel: tg, CallbackID: "cb", Text: "old-format answer"},
		{Channel: tg, ChatID: "1", Kind: outbox.KindAnswer, CallbackID: "cb"},
		{Channel: outbox.Slack, Kind: outbox.KindView, TriggerID: "t", View: &outbox.View{ID: "reply"}},
		{Channel: outbox.Slack, Kind: outbox.KindView, UserID: "U1", View: &outbox.View{Home: true}},
		{Channel: outbox.Slack, Kind: outbox.KindEphemeral, ChatID: "C1", UserID: "U1", Text: "x"},
		{Channel: outbox.Slack, ChatID: "C1", Kind: outbox.KindUpdate, Ref: "card", Text: "x"},
		{Channel: tg, ChatID: "1", Kind: outbox.KindUpdate, EditID: "77", Text: "x"},
	} {
		if err := o.Enqueue(r); err != nil {
			t.Errorf("Enqueue(%+v) = %v, want nil", r, err)
		}
	}
}

func TestOutboxDepthReportsOldest(t *testing.T) {
	o, _, _, clk, _ := obSetup(t, 0, outbox.TelegramLikeLimits(), nil)
	if n, age := o.Depth(); n != 0 || age != 0 {
		t.Errorf("empty Depth = %d, %s", n, age)
	}
	if err := o.Enqueue(obReply("1", "a")); err != nil {
		t.Fatal(err)
	}
	clk.After(90 * time.Second)
	if err := o.Enqueue(obReply("2", "b")); err != nil {
		t.Fatal(err)
	}
	if n, age := o.Depth(); n != 2 || age != 90*time.Second {
		t.Errorf("Depth = %d, %s; want 2, 1m30s", n, age)
	}
	if err := o.Run(canceledContext()); err != nil {
		t.Errorf("Run with a done context = %v, want nil", err)
	}
}

func canceledContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestOutboxButtonAnswersAreNotRateLimited(t *testing.T) {
	o, s, sent, _, _ := obSetup(t, 5, outbox.TelegramLikeLimits(), nil)
	rs := []outbox.Reply{obReply("9", "câu trả lời")}
	for i := range 4 {
		rs = append(rs, outbox.Reply{Channel: outbox.Telegram, CallbackID: fmt.Sprint("cb", i), Text: "Đã ghi nhận"})
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	for _, c := range s.Calls() {
		if !c.At.Equal(obEpoch) {
			t.Errorf("%q sent at +%s: button answers are not messages and must not wait", c.Reply.Text, c.At.Sub(obEpoch))
		}
		if c.Reply.CallbackID != "" && c.Reply.Kind != outbox.KindAnswer {
			t.Errorf("an answer stored without a kind reached the Sender as kind %q, want %q", c.Reply.Kind, outbox.KindAnswer)
		}
	}
}

func TestOutboxRecordsWithoutCallbackAfterRepeatedFailures(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	done := make(chan struct{})
	var firstTries int
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error {
			if r.Text == "first" {
				firstTries++
				return errors.New("ticket store broken")
			}
			close(done)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Telegram, s, outbox.TelegramLikeLimits())
	// The second message of the chat proves the chat is not blocked for ever.
	if err := o.Enqueue(obReply("4", "first"), obReply("4", "second")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, done)
	if got := s.delivered()["4"]; strings.Join(got, ",") != "first,second" {
		t.Errorf("delivered %v, want each message once", got)
	}
	if firstTries != 5 {
		t.Errorf("OnSent tried %d times for the failing record, want 5", firstTries)
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0", n)
	}
}

func TestOutboxSkipsAnUnreadableItem(t *testing.T) {
	o, s, sent, _, db := obSetup(t, 1, outbox.TelegramLikeLimits(), nil)
	err := db.Update(func(tx *bolt.Tx) error {
		// What a bad disk or a bad migration could leave: not JSON.
		b := tx.Bucket([]byte("bot_outbox"))
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(binary.BigEndian.AppendUint64(nil, seq), []byte("\x00garbage"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(obReply("1", "still delivered")); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	if got := s.delivered()["1"]; len(got) != 1 {
		t.Errorf("delivered %v, want the good message despite the bad one", got)
	}
}

// TestOutboxConcurrentRecordsLandOnce drains many chats with eight workers
// and an instant sender, so that records of different chats share
// transactions; some callbacks fail once (rolling back a shared transaction
// and sending its other records to be recorded alone) and some messages are
// refused for good. Every message must be recorded exactly once, as seen
// after commit both in bbolt and by tx.OnCommit, in order per chat, and
// sent exactly once.
func TestOutboxConcurrentRecordsLandOnce(t *testing.T) {
	const chats, each = 60, 6
	db := obTempDB(t)
	clk := newOBClock()
	done := newOBCounter(chats * each)
	counted := []byte("test_recorded")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(counted); return err }); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex                 // guards the maps below
	calls := make(map[string]int)     // callback calls per message, committed or not
	committed := make(map[string]int) // callbacks seen by OnCommit per message
	txs := make(map[int]bool)         // transactions that committed a callback
	var order []string                // committed OnSent, in commit order
	// record counts the message in tx and, once tx commits, in committed.
	// A message of chat%7 == 0 numbered 2 fails its first call.
	record := func(tx *bolt.Tx, r outbox.Reply) error {
		key := r.ChatID + "/" + r.Text
		mu.Lock()
		calls[key]++
		first := calls[key] == 1
		mu.Unlock()
		b := tx.Bucket(counted)
		var n byte
		if v := b.Get([]byte(key)); v != nil {
			n = v[0]
		}
		if err := b.Put([]byte(key), []byte{n + 1}); err != nil {
			return err
		}
		if first && strings.HasSuffix(key, "0/msg 2") {
			return errors.New("ticket store busy")
		}
		txid := tx.ID()
		tx.OnCommit(func() {
			mu.Lock()
			committed[key]++
			txs[txid] = true
			order = append(order, key)
			mu.Unlock()
			done.add()
		})
		return nil
	}
	o, err := outbox.New(db, outbox.Options{
		Now: clk.Now, After: clk.After, Workers: 8,
		OnSent:   func(tx *bolt.Tx, r outbox.Reply, _ string) error { return record(tx, r) },
		OnFailed: func(tx *bolt.Tx, r outbox.Reply, _ error) error { return record(tx, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	// The last message of every fifth chat is refused for good.
	s := &obSender{now: clk.Now, fail: func(r outbox.Reply, call int) (bool, error) {
		if r.Text == fmt.Sprintf("msg %d", each-1) && strings.HasSuffix(r.ChatID, "5") {
			return false, errBlocked
		}
		return false, nil
	}}
	o.Register(outbox.Telegram, s, outbox.Limits{})
	var rs []outbox.Reply
	for i := range each {
		for c := range chats {
			rs = append(rs, obReply(fmt.Sprint(1000+c), fmt.Sprintf("msg %d", i)))
		}
	}
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, done.done)

	mu.Lock()
	defer mu.Unlock()
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(counted)
		for _, r := range rs {
			key := r.ChatID + "/" + r.Text
			if v := b.Get([]byte(key)); len(v) != 1 || v[0] != 1 || committed[key] != 1 {
				t.Errorf("%s: recorded %v in bbolt, %d times by OnCommit; want once", key, v, committed[key])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	next := make(map[string]int) // per chat, the number of the next message to commit
	for _, key := range order {
		chat, text, _ := strings.Cut(key, "/")
		if want := fmt.Sprintf("msg %d", next[chat]); text != want {
			t.Errorf("chat %s: %q recorded where %q was due", chat, text, want)
		}
		next[chat]++
	}
	sends := make(map[string]int)
	for _, c := range s.Calls() {
		sends[c.Reply.ChatID+"/"+c.Reply.Text]++
	}
	for key, n := range sends {
		if n != 1 {
			t.Errorf("%s sent %d times, want once", key, n)
		}
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0", n)
	}
	dead, err := o.DeadLetters(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != chats/10 {
		t.Errorf("%d dead letters, want %d", len(dead), chats/10)
	}
	t.Logf("%d messages recorded in %d transactions", len(rs), len(txs))
}
