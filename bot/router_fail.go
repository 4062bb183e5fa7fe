package bot

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// fail marks e failed, keeping it for operators (Inbox.Failed) for
// FailedRetention, and apologises to the officer with a ticket opened in a
// fresh transaction, so that a person looks at what went wrong.
func (r *Router) fail(e inboxEntry, cause error) {
	r.metrics.Inc("supportbot_updates_failed_total")
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("failure handling panicked", "seq", e.Seq, "panic", fmt.Sprint(p))
			r.markFailed(e, cause)
		}
	}()
	var opened bool
	err := r.db.Update(func(tx *bolt.Tx) error {
		opened = false
		if !isPendingTx(tx, e.Seq) {
			return nil
		}
		t, err := r.newTurn(tx, &e)
		if err != nil {
			return err
		}
		tk, created, err := t.openTicket(failureText(&e), "", nil, "failed:"+t.source())
		if err != nil {
			if !errors.Is(err, errNeedsConsent) { // no ticket without the officer's consent: privacy_notice.go
				r.log.Error("cannot open a ticket for a failed message", "seq", e.Seq, "err", err)
			}
			t.reply(tr(t.lang, txtInternalRetry))
		} else {
			opened = created
			t.reply(tr(t.lang, txtInternalError, tk.ID)).TicketID = tk.ID
		}
		if e.Msg.CallbackID != "" {
			t.toast("")
		}
		if err := failTx(tx, e, cause.Error(), r.now()); err != nil {
			return err
		}
		return r.out.EnqueueTx(tx, t.replies...)
	})
	if err != nil {
		r.log.Error("cannot record a failed message", "seq", e.Seq, "err", err)
		r.markFailed(e, cause)
		return
	}
	if opened {
		r.metrics.Inc("supportbot_tickets_opened_total", "channel", string(e.Msg.Channel))
	}
}

// markFailed is the last resort: it only marks e failed.
func (r *Router) markFailed(e inboxEntry, cause error) {
	err := r.db.Update(func(tx *bolt.Tx) error {
		if !isPendingTx(tx, e.Seq) {
			return nil
		}
		return failTx(tx, e, cause.Error(), r.now())
	})
	if err != nil {
		r.log.Error("cannot mark a message failed; it stays pending until restart", "seq", e.Seq, "err", err)
	}
}

// failureText is what a failure ticket says the officer sent.
func failureText(e *inboxEntry) string {
	text := strings.TrimSpace(strings.ToValidUTF8(e.Msg.Text, "\uFFFD"))
	if text == "" && e.Msg.CallbackData != "" {
		text = "[button] " + e.Msg.CallbackData
	}
	if text == "" {
		text = "[no text]"
	}
	if utf8.RuneCountInString(text) > tickets.MaxTextLen {
		text = string([]rune(text)[:tickets.MaxTextLen-1]) + "…"
	}
	return text
}

// setAside takes an undecodable entry out of the inbox (see Inbox.Failed),
// so that neither this Run nor the next stops on it. Nobody can be told:
// the entry does not say who sent it. If even that write fails, the entry
// is skipped until the next Run.
func (r *Router) setAside(p poisonEntry) {
	if err := r.in.setAside(p.seq, r.now()); err != nil {
		r.log.Error("cannot set aside an undecodable inbox entry; skipping it until restart", "seq", p.seq, "decode_err", p.err, "err", err)
		return
	}
	r.metrics.Inc("supportbot_inbox_poison_total")
	r.log.Error("undecodable inbox entry set aside, unhandled; see Inbox.Failed", "seq", p.seq, "err", p.err)
}
