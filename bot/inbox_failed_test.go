package bot_test

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// metricsText is the Prometheus exposition of h's metrics.
func (h *rtHarness) metricsText() string {
	h.t.Helper()
	var b strings.Builder
	if err := h.metrics.WritePrometheus(&b); err != nil {
		h.t.Fatal(err)
	}
	return b.String()
}

// corrupt overwrites the stored form of inbox entry seq with raw.
func (h *rtHarness) corrupt(seq uint64, raw string) {
	h.t.Helper()
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	err := h.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("bot_inbox")).Put(k[:], []byte(raw))
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// An undecodable pending entry is set aside, counted and listed; it never
// stops the Router, and the rest of the inbox is handled.
func TestPoisonEntryIsSetAsideAndTheRestHandled(t *testing.T) {
	h := newStoppedHarness(t)
	h.add(h.msg("100", "/ticket một"), h.msg("200", "/help"), h.msg("100", "/ticket hai"))
	h.corrupt(2, `{"seq":2,"msg":{"channel":"telegram","text":"nửa chừ`)

	h.start()
	var got []string
	for range 2 {
		r := h.next()
		if r.ChatID != "100" {
			t.Fatalf("reply to chat %s: %q", r.ChatID, r.Text)
		}
		got = append(got, h.ticket(ticketIDIn(t, r.Text)).Text)
	}
	if strings.Join(got, ",") != "một,hai" {
		t.Errorf("chat 100 got %q", got)
	}

	failed, err := h.inbox.Failed(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 {
		t.Fatalf("failed = %+v", failed)
	}
	f := failed[0]
	if f.Seq != 2 || !f.Poison || !strings.Contains(f.Err, "undecodable") || !strings.Contains(f.Preview, "nửa chừ") || !f.Failed.Equal(rtEpoch) {
		t.Errorf("failed entry = %+v", f)
	}
	mustContain(t, h.metricsText(), "supportbot_inbox_poison_total 1", "supportbot_inbox_failed 1")

	// It is no longer pending: a restart does not meet it again.
	if n, err := h.inbox.Pending(); err != nil || n != 0 {
		t.Errorf("pending = %d, %v", n, err)
	}
	h.quiet("200")
}

// Failed entries are listed for operators (newest first), counted by a
// gauge, and pruned after FailedRetention.
func TestFailedEntriesAreListedCountedAndPruned(t *testing.T) {
	h := newPruneHarness(t, nil)
	first := h.msg("100", "câu này làm panic! bộ tìm kiếm")
	first.Received = h.now().Add(-time.Minute)
	ticketIDIn(t, h.one(first).Text)
	h.advance(time.Hour)
	second := h.msg("200", "fail! "+strings.Repeat("rất dài ", 40))
	ticketIDIn(t, h.one(second).Text)

	all, err := h.inbox.Failed(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("failed = %+v", all)
	}
	newest, oldest := all[0], all[1]
	if oldest.Seq != 1 || oldest.Channel != bot.Telegram || oldest.ChatID != "100" || oldest.UserID != "100" ||
		oldest.SourceID != first.SourceID || !oldest.Received.Equal(first.Received) || !oldest.Failed.Equal(rtEpoch) ||
		!strings.Contains(oldest.Err, "panic") || oldest.Preview != first.Text || oldest.Poison {
		t.Errorf("oldest = %+v", oldest)
	}
	if newest.Seq != 2 || !strings.Contains(newest.Err, "fake search is down") || !strings.HasSuffix(newest.Preview, "…") ||
		len([]rune(newest.Preview)) > 81 || !strings.HasPrefix(newest.Preview, "fail! rất dài") {
		t.Errorf("newest = %+v", newest)
	}
	if one, err := h.inbox.Failed(1); err != nil || len(one) != 1 || one[0].Seq != 2 {
		t.Errorf("Failed(1) = %+v, %v", one, err)
	}
	mustContain(t, h.metricsText(), "supportbot_inbox_failed 2")

	// Kept until FailedRetention after they failed.
	h.advance(bot.FailedRetention - 2*time.Hour)
	h.prune()
	if all, _ := h.inbox.Failed(0); len(all) != 2 {
		t.Fatalf("pruned too early: %+v", all)
	}
	h.advance(time.Hour) // the first is FailedRetention old
	h.prune()
	all, err = h.inbox.Failed(0)
	if err != nil || len(all) != 1 || all[0].Seq != 2 {
		t.Fatalf("after the first expired: %+v, %v", all, err)
	}
	if kept, err := h.inbox.Kept(); err != nil || len(kept) != 1 || kept[0].Message.SourceID != second.SourceID {
		t.Errorf("kept = %+v, %v", kept, err)
	}
	mustContain(t, h.metricsText(), "supportbot_inbox_failed 1")
	h.advance(time.Hour)
	h.prune()
	if all, _ := h.inbox.Failed(0); len(all) != 0 {
		t.Errorf("not pruned: %+v", all)
	}
	mustContain(t, h.metricsText(), "supportbot_inbox_failed 0")
}

// A poison entry ages like any failed one and takes its raw bytes with it.
func TestPoisonEntryIsPruned(t *testing.T) {
	h := &pruneHarness{rtHarness: newStoppedHarness(t), tick: make(chan time.Time), done: make(chan error, 1)}
	h.add(h.msg("100", "/help"))
	h.corrupt(1, "not json")
	bot.SetPruneHooks(h.router, h.tick, func(err error) { h.done <- err })
	h.start()
	h.waitPruned()
	h.quiet("100") // the router runs and has loaded the inbox
	if all, err := h.inbox.Failed(0); err != nil || len(all) != 1 || all[0].Preview != "not json" {
		t.Fatalf("failed = %+v, %v", all, err)
	}
	h.advance(bot.FailedRetention)
	h.prune()
	if all, _ := h.inbox.Failed(0); len(all) != 0 {
		t.Errorf("not pruned: %+v", all)
	}
	if n := h.count("bot_inbox_poison"); n != 0 {
		t.Errorf("%d raw entries left", n)
	}
}

// Failed entries stored before they were indexed are listed and age from
// the upgrade; a kept entry that cannot be decoded is set aside.
func TestFailedEntriesOfOlderVersionsAreIndexed(t *testing.T) {
	db, err := tickets.OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key := func(seq uint64) []byte {
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], seq)
		return k[:]
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("bot_inbox"))
		if err != nil {
			return err
		}
		for seq, v := range map[uint64]string{
			1: `{"seq":1,"msg":{"channel":"telegram","source_id":"9","chat_id":"100","user_id":"100","text":"cũ"},"state":"failed","err":"boom"}`,
			2: `{"seq":2,"msg":{"channel":"telegram","source_id":"10","chat_id":"100","user_id":"100","text":"dài"},"state":"rejected"}`,
			3: `{"seq":3, broken`,
		} {
			if err := b.Put(key(seq), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := bot.NewInbox(db, bot.InboxOptions{Now: func() time.Time { return rtEpoch }})
	if err != nil {
		t.Fatal(err)
	}
	all, err := in.Failed(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Seq != 3 || !all[0].Poison || all[1].Seq != 1 || all[1].Err != "boom" ||
		all[1].Preview != "cũ" || !all[1].Failed.Equal(rtEpoch) || all[1].Poison {
		t.Fatalf("failed = %+v", all)
	}
	if kept, err := in.Kept(); err != nil || len(kept) != 2 {
		t.Errorf("kept = %+v, %v", kept, err)
	}
}
