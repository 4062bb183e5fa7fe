package bot

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// What an erasure does on the staff channel. The bot's own posts that
// carried the officer's words are edited, never deleted, so that the
// ticket's thread keeps its shape and staff see why the words are gone:
//
//   - the triage card (Ref triage:<id>) shows the ticket ID, state,
//     province, topic and priority, and a line saying the content was
//     erased (erasedCard);
//   - each thread post that relayed an officer's message (Ref said:…, see
//     staff_relay.go) says the message was erased.
//
// Only posts whose ref the outbox still holds can be edited: refs are kept
// outbox.RefRetention (90 days) after their last use, and posts made
// before the relays had refs have none. Those stay as Slack has them; the
// workspace's own message retention must cover them. Files an officer sent
// that were uploaded into a thread stay in Slack too: an edit cannot remove
// them.
//
// Posts not sent yet are dropped instead (forgetTicketPosts), with any
// card update of the ticket still waiting; a card never posted is posted
// erased, so that the thread posts queued under it keep their parent.

// forgetTicketPosts drops, in tx, the outbox items and dead letters that
// carry the words of tks' officers: their cards and card updates, the
// relays of their messages into the threads (by their ref, or, for relays
// queued before refs existed, by the officer's name they carry), and
// replies to the officers about these tickets. It returns the tickets
// whose card had not been posted yet, and how many items it dropped.
func (e *Eraser) forgetTicketPosts(tx *bolt.Tx, tks []*tickets.Ticket) (cardPending map[string]bool, n int, err error) {
	officerCh := make(map[string]Channel, len(tks)) // ticket id -> its officer's channel
	for _, tk := range tks {
		officerCh[tk.ID] = Channel(tk.Channel)
	}
	cardPending = map[string]bool{}
	staff := e.staff
	match := func(r Reply) bool {
		if staff.enabled() && r.Channel == staff.Channel && r.ChatID == staff.Triage {
			if id, ok := strings.CutPrefix(r.Ref, triageRef("")); ok {
				_, hit := officerCh[id]
				if hit && r.Kind == outbox.KindMessage {
					cardPending[id] = true
				}
				return hit
			}
			if id, ok := saidTicket(r.Ref); ok {
				_, hit := officerCh[id]
				return hit
			}
			if id, ok := strings.CutPrefix(r.ThreadRef, triageRef("")); ok && r.Name != "" {
				// Only the officer's relays name someone (Reply.Name)
				// among the bot's posts in a thread.
				_, hit := officerCh[id]
				return hit
			}
			return false
		}
		ch, hit := officerCh[r.TicketID]
		return hit && r.Channel == ch
	}
	n, err = e.out.Forget(tx, outbox.Forget{Match: match})
	if err != nil {
		return nil, 0, fmt.Errorf("drop queued posts: %w", err)
	}
	return cardPending, n, nil
}

// saidTicket returns the ticket of a relay's Ref (saidRef, questionRef).
func saidTicket(ref string) (string, bool) {
	rest, ok := strings.CutPrefix(ref, saidRefPrefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok
}

// erasedPosts returns the edits that follow ticket before's anonymisation
// (into tk) on the staff channel: its card, ending with line, posted anew
// when its first post was dropped unsent (cardPending), else edited when
// the outbox knows the card's message; and an edit of each thread post
// that relayed an officer's message, where the outbox knows it.
func (e *Eraser) erasedPosts(tx *bolt.Tx, before, tk *tickets.Ticket, line textKey, cardPending bool) []Reply {
	s := e.staff
	if !s.enabled() {
		return nil
	}
	var out []Reply
	card := erasedCard(s, tk, line)
	switch {
	case cardPending:
		out = append(out, card)
	case e.out.RefTx(tx, s.Channel, s.Triage, card.Ref) != "":
		card.Kind = outbox.KindUpdate
		out = append(out, card)
	}
	refs := []string{questionRef(tk.ID)}
	for i, m := range before.Messages {
		if m.Direction == tickets.DirIn {
			refs = append(refs, saidRef(tk.ID, i))
		}
	}
	for _, ref := range refs {
		if e.out.RefTx(tx, s.Channel, s.Triage, ref) == "" {
			continue // never sent (dropped just now), or too old to edit
		}
		out = append(out, Reply{Channel: s.Channel, ChatID: s.Triage, Kind: outbox.KindUpdate, Ref: ref,
			Text: tr(s.Lang, ersRelayErased)})
	}
	return out
}

// erasedCard renders the triage card of the anonymised ticket tk, in the
// staff language: what is not personal (ID, topic, state, province,
// priority) and line, which says the content was erased. An open ticket
// keeps the button that closes it: nobody can answer it any more.
func erasedCard(s StaffOptions, tk *tickets.Ticket, line textKey) Reply {
	lang := s.Lang
	topic := esc(tickets.TopicLabel(orOther(tk.Topic), lang))
	province := tr(lang, stfUnknown)
	if tk.Province != "" {
		province = esc(tk.Province)
	}
	priority := tr(lang, stfPriorityNormal)
	if tk.Priority == tickets.PriorityUrgent {
		priority = tr(lang, stfPriorityUrgent)
	}
	rep := Reply{Channel: s.Channel, ChatID: s.Triage, Ref: triageRef(tk.ID), TicketID: tk.ID,
		Text: tr(lang, stfCardTitle, tk.ID, topic) + "\n\n" + tr(lang, line),
		Fields: []Field{
			{Label: tr(lang, stfFieldLocality), Value: province},
			{Label: tr(lang, stfFieldTopic), Value: topic},
			{Label: tr(lang, stfFieldPriority), Value: priority},
			{Label: tr(lang, stfFieldState), Value: esc(tickets.StateLabel(tk.State, lang))},
		}}
	if !final(tk) {
		rep.Buttons = [][]Button{{{Text: tr(lang, btnStfClose), Data: ticketButton(actClose, tk.ID)}}}
	}
	return rep
}

// anonymised reports whether tk's personal data was erased.
func anonymised(tk *tickets.Ticket) bool { return !tk.Anonymised.IsZero() }
