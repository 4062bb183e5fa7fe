package outbox_test

// Tests of reply kinds, order keys, refs and coalescing, through Run.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// The toast answering a Telegram button press carries the chat it was
// pressed in. It must neither wait for that chat's rate limit nor queue
// behind the chat's messages: before kinds were honoured, each answer
// waited a full second per message ahead of it.
func TestOutboxAnswersAndViewsNeverWait(t *testing.T) {
	o, s, sent, _, _ := obSetup(t, 6, outbox.TelegramLikeLimits(), nil)
	rs := []outbox.Reply{obReply("9", "one"), obReply("9", "two"), obReply("9", "three")}
	rs = append(rs,
		outbox.Reply{Channel: outbox.Telegram, ChatID: "9", Kind: outbox.KindAnswer, CallbackID: "cb1", Text: "Đã ghi nhận"},
		outbox.Reply{Channel: outbox.Telegram, ChatID: "9", Kind: outbox.KindAnswer, CallbackID: "cb2", Text: "Đã ghi nhận"},
		outbox.Reply{Channel: outbox.Telegram, ChatID: "9", Kind: outbox.KindView, TriggerID: "tr", UserID: "u",
			View: &outbox.View{ID: "reply", Title: "Trả lời"}},
	)
	if err := o.Enqueue(rs...); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	for _, c := range s.Calls() {
		k := c.Reply.Kind
		if (k == outbox.KindAnswer || k == outbox.KindView) && !c.At.Equal(obEpoch) {
			t.Errorf("%s %q sent at +%s: answers and views must not wait", k, c.Reply.CallbackID+c.Reply.TriggerID, c.At.Sub(obEpoch))
		}
	}
	if got := s.delivered()["9"]; len(got) != 6 || got[0] != "one" || got[4] != "two" || got[5] != "three" {
		// one at +0 with the answers and the view; two at +1s; three at +2s
		t.Errorf("delivered to chat 9: %q", got)
	}
}

// A thread is its own order key: a retry in one ticket's thread does not
// hold up another thread of the same channel, nor the channel's top level.
func TestOutboxThreadsDoNotWaitOnEachOther(t *testing.T) {
	failed := false // guarded by the sender's mutex: fail runs under it
	o, s, sent, _, _ := obSetup(t, 4, outbox.Limits{}, func(r outbox.Reply, _ int) (bool, error) {
		if r.Text == "a1" && !failed {
			failed = true
			return true, obRetryAfter{wait: 30 * time.Second}
		}
		return false, nil
	})
	tg := outbox.Telegram
	if err := o.Enqueue(
		outbox.Reply{Channel: tg, ChatID: "-5", Thread: "100.1", Text: "a1"},
		outbox.Reply{Channel: tg, ChatID: "-5", Thread: "100.1", Text: "a2"},
		outbox.Reply{Channel: tg, ChatID: "-5", Thread: "200.2", Text: "b1"},
		outbox.Reply{Channel: tg, ChatID: "-5", Text: "top"},
	); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	var order []string
	for _, c := range s.Calls() {
		order = append(order, fmt.Sprintf("%s@%s", c.Reply.Text, c.At.Sub(obEpoch)))
	}
	if want := "a1@0s a1@30s a2@30s b1@0s top@0s"; strings.Join(slices.Sorted(slices.Values(order)), " ") != want {
		t.Errorf("sends %v, want %s", order, want)
	}
	if got := s.delivered()["-5"]; strings.Index(strings.Join(got, ","), "a1") > strings.Index(strings.Join(got, ","), "a2") {
		t.Errorf("thread order broken: %v", got)
	}
}

// A reply in a ticket's thread and an update of the ticket's card name the
// triage post by its Ref, before it is sent. They wait for it (without
// failing), then go with its id as Thread and EditID.
func TestOutboxResolvesRefs(t *testing.T) {
	m := outbox.NewTestMetrics()
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(3)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1, Metrics: m,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Slack, s, outbox.Limits{})
	const ref = "triage:HT-000042"
	sl := outbox.Slack
	// The dependants are queued first: they must wait for the parent.
	if err := o.Enqueue(
		outbox.Reply{Channel: sl, ChatID: "C1", ThreadRef: ref, Text: "reply in the thread"},
		outbox.Reply{Channel: sl, ChatID: "C1", Kind: outbox.KindUpdate, Ref: ref, Text: "card, assigned"},
	); err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(outbox.Reply{Channel: sl, ChatID: "C1", Ref: ref, Text: "card"}); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)

	var parentID string
	for i, c := range s.Calls() {
		if c.Reply.Text == "card" {
			parentID = fmt.Sprintf("m%d", i+1)
		}
	}
	if parentID == "" {
		t.Fatal("the parent was not sent")
	}
	if id, err := o.Ref(sl, "C1", ref); err != nil || id != parentID {
		t.Errorf("Ref = %q, %v; want %q", id, err, parentID)
	}
	for _, c := range s.Calls() {
		switch c.Reply.Text {
		case "reply in the thread":
			if c.Reply.Thread != parentID {
				t.Errorf("thread reply sent with Thread %q, want the parent's id %q", c.Reply.Thread, parentID)
			}
		case "card, assigned":
			if c.Reply.EditID != parentID {
				t.Errorf("update sent with EditID %q, want %q", c.Reply.EditID, parentID)
			}
		}
	}
	if n := len(s.Calls()); n != 3 {
		t.Errorf("%d sends, want 3: waiting for a ref is not a send", n)
	}
	var b strings.Builder
	m.WritePrometheus(&b)
	if strings.Contains(b.String(), "send_errors") {
		t.Errorf("waiting for a ref counted as a failure:\n%s", b.String())
	}
	// Another chat's ref of the same name is another message.
	if id, _ := o.Ref(sl, "C2", ref); id != "" {
		t.Errorf("Ref in another chat = %q, want none", id)
	}
}

// A parent refused for good takes its dependants with it: they become
// dead letters too instead of waiting for ever.
func TestOutboxDeadRefFailsDependants(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	done := newOBCounter(3)
	var failed []string
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { done.add(); return nil },
		OnFailed: func(_ *bolt.Tx, r outbox.Reply, err error) error {
			failed = append(failed, r.Text+": "+err.Error())
			done.add()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now, fail: func(r outbox.Reply, _ int) (bool, error) {
		if r.Text == "card" {
			return false, errors.New("channel_not_found")
		}
		return false, nil
	}}
	o.Register(outbox.Slack, s, outbox.Limits{})
	const ref = "triage:HT-000007"
	if err := o.Enqueue(
		outbox.Reply{Channel: outbox.Slack, ChatID: "C1", ThreadRef: ref, Text: "reply"},
		outbox.Reply{Channel: outbox.Slack, ChatID: "C1", Ref: ref, Text: "card"},
		outbox.Reply{Channel: outbox.Slack, ChatID: "C1", Kind: outbox.KindUpdate, Ref: ref, Text: "card 2"},
	); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, done.done)
	if n := len(s.Calls()); n != 1 {
		t.Errorf("%d sends, want only the parent's", n)
	}
	dead, err := o.DeadLetters(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 3 {
		t.Fatalf("dead letters %+v, want 3", dead)
	}
	for _, d := range dead {
		if d.Reply.Text != "card" && !strings.Contains(d.Error, outbox.ErrRefDead.Error()) {
			t.Errorf("dependant %q failed with %q, want ErrRefDead", d.Reply.Text, d.Error)
		}
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0", n)
	}
}

// Pending updates of one message coalesce: ten edits of a ticket's card
// enqueued within a second make one send, of the newest text.
func TestOutboxCoalescesUpdates(t *testing.T) {
	m := outbox.NewTestMetrics()
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(2)
	var recorded []string
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1, Metrics: m,
		OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error {
			recorded = append(recorded, r.Text)
			sent.add()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Slack, s, outbox.Limits{PerChat: time.Second, UpdatesPerMinute: 50})
	const ref = "triage:HT-000001"
	if err := o.Enqueue(outbox.Reply{Channel: outbox.Slack, ChatID: "C1", Ref: ref, Text: "card v0"}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		clk.After(90 * time.Millisecond)
		if err := o.Enqueue(outbox.Reply{Channel: outbox.Slack, ChatID: "C1", Kind: outbox.KindUpdate, Ref: ref,
			Text: fmt.Sprintf("card v%d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	obRun(t, o, sent.done)
	var texts []string
	for _, c := range s.Calls() {
		texts = append(texts, c.Reply.Text)
	}
	if strings.Join(texts, ",") != "card v0,card v10" {
		t.Errorf("sent %q, want the post and only the newest update", texts)
	}
	if strings.Join(recorded, ",") != "card v0,card v10" {
		t.Errorf("OnSent for %q: superseded updates are not sent, so not recorded as sent", recorded)
	}
	if n, _ := o.Depth(); n != 0 {
		t.Errorf("Depth = %d, want 0: superseded updates are deleted", n)
	}
	var b strings.Builder
	m.WritePrometheus(&b)
	if !strings.Contains(b.String(), `supportbot_outbox_superseded_total{channel="slack"} 9`) {
		t.Errorf("metrics lack 9 superseded:\n%s", b.String())
	}
}

// Updates have their own order key and, with UpdatesPerMinute, their own
// limit over the channel: an edit of a card does not wait behind new posts
// in the same channel, nor for that channel's per-chat limit.
func TestOutboxUpdatesDoNotWaitBehindPosts(t *testing.T) {
	db := obTempDB(t)
	clk := newOBClock()
	sent := newOBCounter(5)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: clk.Now}
	o.Register(outbox.Slack, s, outbox.Limits{PerChat: time.Second, UpdatesPerMinute: 2})
	sl := outbox.Slack
	if err := o.Enqueue(
		outbox.Reply{Channel: sl, ChatID: "C1", Text: "p1"},
		outbox.Reply{Channel: sl, ChatID: "C1", Text: "p2"},
		outbox.Reply{Channel: sl, ChatID: "C1", Kind: outbox.KindUpdate, EditID: "1.1", Text: "u1"},
		outbox.Reply{Channel: sl, ChatID: "C1", Kind: outbox.KindUpdate, EditID: "2.2", Text: "u2"},
		outbox.Reply{Channel: sl, ChatID: "C1", Kind: outbox.KindUpdate, EditID: "3.3", Text: "u3"},
	); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	at := map[string]time.Duration{}
	for _, c := range s.Calls() {
		at[c.Reply.Text] = c.At.Sub(obEpoch)
	}
	if at["p1"] != 0 || at["p2"] < time.Second {
		t.Errorf("posts at %v, %v: want 0 and a second later", at["p1"], at["p2"])
	}
	if at["u1"] != 0 || at["u2"] != 0 {
		t.Errorf("updates at %v, %v: want both at once (two a minute, no per-chat limit)", at["u1"], at["u2"])
	}
	if at["u3"] < time.Minute {
		t.Errorf("third update at %v: want a minute later (UpdatesPerMinute 2)", at["u3"])
	}
}

// An item waiting for its ref is woken when the ref is recorded, not by a
// poll of the clock: with a clock that never moves it still goes at once.
func TestOutboxRefWaitersWakeWhenTheRefIsRecorded(t *testing.T) {
	db := obTempDB(t)
	frozen := func() time.Time { return obEpoch }
	sent := newOBCounter(2)
	o, err := outbox.New(db, outbox.Options{Now: frozen, Workers: 1,
		OnSent: func(*bolt.Tx, outbox.Reply, string) error { sent.add(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := &obSender{now: frozen}
	o.Register(outbox.Slack, s, outbox.Limits{})
	if err := o.Enqueue(
		outbox.Reply{Channel: outbox.Slack, ChatID: "C1", ThreadRef: "p", Text: "child"},
		outbox.Reply{Channel: outbox.Slack, ChatID: "C1", Ref: "p", Text: "parent"},
	); err != nil {
		t.Fatal(err)
	}
	obRun(t, o, sent.done)
	if calls := s.Calls(); len(calls) != 2 || calls[1].Reply.Thread != "m1" {
		t.Errorf("calls %+v, want the parent, then the child in its thread", calls)
	}
}
