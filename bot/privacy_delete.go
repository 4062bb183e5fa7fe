package bot

import (
	"encoding/json"
	"fmt"
)

// /xoadulieu (/deletemydata): the officer's right to erasure. The command
// says what will happen and asks for a confirmation; the confirmation
// stores an erase request (RequestErase) in the turn's transaction, and the
// Eraser carries it out and tells the officer when it is done
// (txtPrivacyErased). A confirmation pressed again, while the request waits
// or once it is done, finds a request pending or nothing left to erase, and
// asks for nothing more.

// eraseWhy is EraseRequest.Why of an officer's own request.
const eraseWhy = "officer request"

// askErase answers /xoadulieu: the confirmation, privately.
func (t *turn) askErase() error {
	t.notice = true
	return t.privately(func() error {
		if pending, err := erasePending(t); err != nil || pending {
			if err == nil {
				t.reply(tr(t.lang, txtPrivacyErasePending))
			}
			return err
		}
		ids, err := t.tk.ReporterTickets(string(t.m.Channel), t.m.UserID)
		if err != nil {
			return fmt.Errorf("tickets of %s:%s: %w", t.m.Channel, t.m.UserID, err)
		}
		if nothing, err := t.storesNothing(ids); err != nil || nothing {
			if err == nil {
				t.reply(tr(t.lang, txtPrivacyNothing))
			}
			return err
		}
		t.reply(tr(t.lang, txtPrivacyDeleteConfirm, ticketsKept(t.lang, len(ids)))).Buttons = [][]Button{{
			{Text: tr(t.lang, btnPrivacyErase), Data: cbPrivacyErase, Style: "danger"},
			{Text: tr(t.lang, btnPrivacyKeep), Data: cbPrivacyKeep},
		}}
		return nil
	})
}

// confirmErase takes a press of "Xoá dữ liệu của tôi".
func (t *turn) confirmErase() error {
	if inGroup(t.m) {
		// The confirmation is only ever sent privately: a press in a group
		// would be someone else's copy, or a forgery.
		t.toast("")
		t.reply(tr(t.lang, txtPrivacyAskPrivately))
		return nil
	}
	pending, err := erasePending(t)
	if err != nil {
		return err
	}
	if pending {
		t.toast("")
		t.reply(tr(t.lang, txtPrivacyErasePending))
		return nil
	}
	ids, err := t.tk.ReporterTickets(string(t.m.Channel), t.m.UserID)
	if err != nil {
		return fmt.Errorf("tickets of %s:%s: %w", t.m.Channel, t.m.UserID, err)
	}
	nothing, err := t.storesNothing(ids)
	if err != nil {
		return err
	}
	if nothing {
		// Erased already (or nothing was ever kept): an old button.
		t.toast("")
		t.reply(tr(t.lang, txtPrivacyEraseNothing))
		return nil
	}
	err = RequestErase(t.tx, EraseRequest{
		Channel: t.m.Channel, UserID: t.m.UserID, ChatID: t.m.ChatID, Lang: t.lang,
		Why: eraseWhy, By: t.actor(),
	})
	if err != nil {
		return fmt.Errorf("request the erasure of %s:%s: %w", t.m.Channel, t.m.UserID, err)
	}
	// RequestErase wakes the Erasers running on the database once t.tx
	// commits.
	//
	// A toast, not a message: a message would wait out the chat's pacing
	// behind the confirmation question, and the erasure, done by then,
	// drops it from the outbox with the rest of the chat's.
	t.toast(tr(t.lang, txtPrivacyErasing))
	return nil
}

// erasePending reports whether an erase request of the sender waits to be
// carried out (privacy_erase_requests.go). The stored requests are few:
// each is deleted when its erasure is done.
func erasePending(t *turn) (bool, error) {
	b := t.tx.Bucket(bucketEraseRequests)
	if b == nil {
		return false, nil
	}
	found := false
	err := b.ForEach(func(k, v []byte) error {
		var req EraseRequest
		if json.Unmarshal(v, &req) != nil {
			return nil // unreadable: the Eraser reports it to operators
		}
		found = found || req.Channel == t.m.Channel && req.UserID == t.m.UserID
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("erase requests: %w", err)
	}
	return found, nil
}

// storesNothing reports whether nothing is stored about the sender, who
// has the tickets ids, as /dulieu finds it (privacy_mydata.go): the two
// agree.
func (t *turn) storesNothing(ids []string) (bool, error) {
	if t.o.stored || len(ids) > 0 {
		return false, nil
	}
	qs, err := t.questionsOf()
	return len(qs) == 0, err
}

// ticketsKept is the confirmation's line on what becomes of the officer's
// tickets: none when they have none.
func ticketsKept(lang string, n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return tr(lang, txtPrivacyDeleteOneTicket)
	}
	return tr(lang, txtPrivacyDeleteTickets, n)
}
