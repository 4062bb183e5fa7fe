package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// The relay between a ticket's officer and its thread in the triage chat:
// staff replies go to the officer under the staff member's name, in the
// officer's language; the officer's messages (and the answer to a
// resolution) go to the thread, in the staff language.

// cbResolved starts the data of the buttons under a resolution sent to the
// officer: "rs:ok:HT-000042" confirms it, "rs:no:HT-000042" reopens the
// ticket.
const cbResolved = "rs:"

func resolvedButtons(lang, id string) [][]Button {
	return [][]Button{
		{{Text: tr(lang, btnResolvedOK), Data: cbResolved + "ok:" + id}},
		{{Text: tr(lang, btnResolvedNo), Data: cbResolved + "no:" + id}},
	}
}

// toOfficer queues text to tk's officer, tied to the ticket (OnSent links
// the sent message, so that a reply to it joins the ticket). With focus,
// the officer's next plain messages go into the ticket too.
//
// A ticket whose officer was erased has no chat any more: nothing is sent,
// and the Reply returned is a scratch one that goes nowhere.
func (t *turn) toOfficer(tk *tickets.Ticket, text string, focus bool) *Reply {
	if tk.ChatID == "" || tk.UserID == "" {
		return &Reply{}
	}
	t.replies = append(t.replies, Reply{Channel: Channel(tk.Channel), ChatID: tk.ChatID, TicketID: tk.ID, Text: text})
	p := &t.replies[len(t.replies)-1]
	if focus {
		if err := t.focusOfficer(tk); err != nil {
			// Only a convenience: the reply-to link still joins answers.
			t.r.log.Warn("cannot focus the officer on the ticket", "ticket", tk.ID, "err", err)
		}
	}
	return p
}

// focusOfficer makes tk's officer's plain messages go into tk for a while,
// as /phieu does.
func (t *turn) focusOfficer(tk *tickets.Ticket) error {
	ch := Channel(tk.Channel)
	if ch == t.m.Channel && tk.UserID == t.m.UserID {
		t.o.Focus, t.o.FocusUntil = tk.ID, t.now.Add(focusFor)
		return nil
	}
	o, err := loadOfficer(t.tx, ch, tk.UserID)
	if err != nil {
		return err
	}
	o.Focus, o.FocusUntil = tk.ID, t.now.Add(focusFor)
	return saveOfficer(t.tx, o)
}

// relayToOfficer sends a staff reply to tk's officer, under the sender's
// name, with the sender's files.
func (t *turn) relayToOfficer(tk *tickets.Ticket, text string, fs []File) {
	name := t.staffName()
	body := tr(tk.Lang, txtStaffSays, esc(name), esc(text))
	if text == "" {
		body = tr(tk.Lang, txtStaffSent, esc(name))
	}
	p := t.toOfficer(tk, body, true)
	p.Name, p.Files = name, fs
}

// The officer's words relayed into a ticket's thread are posted under a
// Ref, so that erasing the officer (privacy_erase_slack.go) can edit each
// post to say its content was erased: the question under questionRef, each
// later message under saidRef with its index in the ticket's conversation.
// Posts made before these refs existed carry none and cannot be found;
// these refs, with the triage card's, are kept while the ticket holds
// personal data (KeepTicketRefs), not only outbox.RefRetention.
const saidRefPrefix = "said:"

// questionRef is the Ref of the thread post carrying ticket id's question.
func questionRef(id string) string { return saidRefPrefix + id + ":q" }

// saidRef is the Ref of the thread post carrying message n of ticket id's
// conversation.
func saidRef(id string, n int) string { return saidRefPrefix + id + ":" + strconv.Itoa(n) }

// officerLine is an officer's message as the thread shows it: their name,
// then text (core markup, escaped by the caller).
func (r *Router) officerLine(tk *tickets.Ticket, text string) string {
	return tr(r.staff.Lang, stfFromOfficer, esc(nameOr(tk.UserName, tk.UserID)), text)
}

// officerToStaff posts an officer's message that joined ticket id into the
// ticket's thread (with its files), and updates the card.
func (t *turn) officerToStaff(id, text string, reopened bool) error {
	if !t.r.staff.enabled() {
		return nil
	}
	tk, err := t.tk.Get(id)
	if err != nil {
		return fmt.Errorf("ticket %s: %w", id, err)
	}
	p := t.toThread(id, t.r.officerLine(tk, esc(text)))
	p.Files, p.Name = t.m.Files, nameOr(tk.UserName, tk.UserID)
	if n := len(tk.Messages) - 1; n >= 0 && tk.Messages[n].Direction == tickets.DirIn {
		p.Ref = saidRef(id, n) // the message just added: an erasure finds the post by it
	}
	if reopened {
		t.toThread(id, tr(t.r.staff.Lang, stfOfficerReopened))
	}
	return t.cardChanged(tk)
}

// filesTicket returns the ticket that a message of files without text
// goes into, as classify would pick it for a text (the ticket the officer
// replied to or is focused on, their own and not closed), or "".
func (t *turn) filesTicket() string {
	if len(t.m.Files) == 0 || t.m.Role != RoleOfficer {
		return ""
	}
	for _, id := range []string{linkedTicket(t.tx, t.m.Channel, t.m.ChatID, t.m.ReplyToID), t.o.focused(t.now)} {
		if id == "" {
			continue
		}
		if tk, err := t.tk.Get(id); err == nil && ownTicket(tk, t.m) && !final(tk) {
			return id
		}
	}
	return ""
}

// resolvedFeedback handles the officer's answer to a resolution: "ok:ID"
// confirms it and closes the ticket, "no:ID" reopens it for staff. Only
// the ticket's own officer may press; a press on a ticket that has moved
// on is just acknowledged.
func (t *turn) resolvedFeedback(arg string) error {
	verdict, id, _ := strings.Cut(arg, ":")
	tk, err := t.tk.Get(id)
	switch {
	case errors.Is(err, tickets.ErrNotFound), errors.Is(err, tickets.ErrInvalid):
		t.toast("")
		return nil
	case err != nil:
		return fmt.Errorf("ticket %s: %w", id, err)
	case !ownTicket(tk, t.m) || tk.State != tickets.StateResolved:
		t.toast("")
		return nil
	}
	lang := t.r.staff.Lang
	if verdict == "ok" {
		if tk, err = t.tk.Transition(tk.ID, tickets.StateClosed, t.actor(), "confirmed by the officer"); err != nil {
			return fmt.Errorf("close %s: %w", id, err)
		}
		t.toast(tr(t.lang, toastThanks))
		t.reply(tr(t.lang, txtResolvedConfirmed, tk.ID)).TicketID = tk.ID
		if t.o.Focus == tk.ID {
			t.o.Focus, t.o.FocusUntil = "", time.Time{}
		}
		if t.r.staff.enabled() {
			t.toThread(tk.ID, tr(lang, stfOfficerConfirmed))
		}
		return t.cardChanged(tk)
	}
	if tk, err = t.tk.Transition(tk.ID, tickets.StateReopened, t.actor(), "not resolved, says the officer"); err != nil {
		return fmt.Errorf("reopen %s: %w", id, err)
	}
	t.toast(tr(t.lang, toastToStaff))
	t.reply(tr(t.lang, txtResolvedReopened, tk.ID)).TicketID = tk.ID
	t.o.Focus, t.o.FocusUntil = tk.ID, t.now.Add(focusFor)
	if t.r.staff.enabled() {
		t.toThread(tk.ID, tr(lang, stfOfficerNotResolved))
	}
	return t.cardChanged(tk)
}

// staffDeliveryFailed runs inside OnFailed's transaction, after a reply
// to a ticket's officer failed for good: it says so in the ticket's thread
// and updates the card, which counts the failures.
func (r *Router) staffDeliveryFailed(tx *bolt.Tx, rep Reply, reason string) error {
	if !r.staff.enabled() || rep.Channel == r.staff.Channel {
		return nil // no staff channel, or a post to it: nowhere better to say it
	}
	ttx := r.st.Tx(tx)
	tk, err := ttx.Get(rep.TicketID)
	if err != nil {
		return fmt.Errorf("bot: ticket %s: %w", rep.TicketID, err)
	}
	card, err := r.card(ttx, tk, r.now())
	if err != nil {
		return err
	}
	card.Kind = outbox.KindUpdate
	note := r.threadPost(tk.ID, tr(r.staff.Lang, stfNotDelivered, esc(reason)))
	if err := r.out.EnqueueTx(tx, note, card); err != nil {
		return fmt.Errorf("bot: tell staff %s was not delivered: %w", tk.ID, err)
	}
	return nil
}
