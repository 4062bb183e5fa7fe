package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mostvn/supportbot/tickets"
)

const (
	// listTickets shows at most this many of the officer's tickets.
	maxListed = 20
	// maxHistory is how many of a ticket's latest public messages /phieu shows.
	maxHistory = 10
)

// listTickets replies with the officer's own tickets and their states.
func (t *turn) listTickets() error {
	if inGroup(t.m) {
		return t.ticketsInGroup("") // never to the whole group: groups.go
	}
	list, err := t.tk.List(tickets.Filter{Channel: string(t.m.Channel), UserID: t.m.UserID, Limit: maxListed})
	if err != nil {
		return fmt.Errorf("list tickets: %w", err)
	}
	if len(list) == 0 {
		t.reply(tr(t.lang, txtMyTicketsNone))
		return nil
	}
	var b strings.Builder
	b.WriteString(tr(t.lang, txtMyTicketsHead))
	for _, tk := range list {
		fmt.Fprintf(&b, "\n• <b>%s</b> · %s · %s\n  %s", tk.ID, stateName(t.lang, tk.State),
			formatDate(t.lang, tk.Created.In(vietnamTime)), esc(shorten(tk.Text, 80)))
	}
	b.WriteString("\n\n" + tr(t.lang, txtMyTicketsFoot))
	t.reply(b.String())
	return nil
}

// showTicket replies with the status and public history of one of the
// officer's own tickets; anyone else's ticket is answered exactly like a
// missing one, so that its existence does not leak. Afterwards the
// officer's plain messages go into the ticket.
func (t *turn) showTicket(arg string) error {
	if inGroup(t.m) {
		return t.ticketsInGroup(arg)
	}
	seq, err := tickets.ParseID(arg)
	if err != nil {
		t.reply(tr(t.lang, txtTicketBadID, esc(arg)))
		return nil
	}
	id := tickets.FormatID(seq)
	tk, err := t.tk.Get(id)
	switch {
	case errors.Is(err, tickets.ErrNotFound):
		t.reply(tr(t.lang, txtTicketNotYours, id))
		return nil
	case err != nil:
		return fmt.Errorf("show ticket %s: %w", id, err)
	case !ownTicket(tk, t.m):
		t.reply(tr(t.lang, txtTicketNotYours, id))
		return nil
	}
	var b strings.Builder
	b.WriteString(tr(t.lang, txtTicketStatus, tk.ID, stateName(t.lang, tk.State),
		formatTime(t.lang, tk.Created), esc(shorten(tk.Text, 300))))
	if msgs := tk.PublicMessages(); len(msgs) > 0 {
		b.WriteString("\n\n" + tr(t.lang, txtTicketHistory))
		for _, cm := range msgs[max(0, len(msgs)-maxHistory):] {
			fmt.Fprintf(&b, "\n• %s, %s: %s", formatTime(t.lang, cm.At), fromName(t.lang, cm.From), esc(shorten(cm.Text, 300)))
		}
	}
	if tk.State != tickets.StateClosed && tk.State != tickets.StateCancelled {
		t.o.Focus, t.o.FocusUntil = tk.ID, t.now.Add(focusFor)
		b.WriteString("\n\n" + tr(t.lang, txtTicketFollow))
	}
	t.reply(b.String()).TicketID = tk.ID
	return nil
}

// fromName says who wrote a conversation message, as the officer sees it.
func fromName(lang string, a tickets.Actor) string {
	switch a.Kind {
	case tickets.ActorOfficer:
		return tr(lang, txtFromOfficer)
	case tickets.ActorStaff:
		return tr(lang, txtFromStaff)
	}
	return tr(lang, txtFromSystem)
}
