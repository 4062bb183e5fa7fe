package outbox_test

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// fgClockedOutbox is an outbox on db with one worker and a fgClock whose
// waits the test ends; the counter is done once the message text was sent.
func fgClockedOutbox(t *testing.T, db *bolt.DB, text string) (*outbox.Outbox, *fgClock, *obCounter) {
	t.Helper()
	clk := &fgClock{t: obEpoch, asked: make(chan fgWaitReq, 64)}
	sent := newOBCounter(1)
	o, err := outbox.New(db, outbox.Options{Now: clk.Now, After: clk.After, Workers: 1,
		OnSent: func(_ *bolt.Tx, r outbox.Reply, _ string) error {
			if r.Text == text {
				sent.add()
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return o, clk, sent
}

// fg429Sender is a sender on clk that answers a 429 asking to wait wait
// to the calls refuse picks (call counts the chat's calls from 1) and
// delivers the others.
func fg429Sender(clk *fgClock, wait time.Duration, refuse func(r outbox.Reply, call int) bool) *obSender {
	return &obSender{now: clk.Now, fail: func(r outbox.Reply, call int) (bool, error) {
		if refuse(r, call) {
			return true, obRetryAfter{wait}
		}
		return false, nil
	}}
}

// fgSentTexts lists the texts of every call of s, in order.
func fgSentTexts(s *obSender) []string {
	var texts []string
	for _, c := range s.Calls() {
		texts = append(texts, c.Reply.Text)
	}
	return texts
}
