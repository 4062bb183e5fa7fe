package bot

import (
	"fmt"
	"strings"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// maxHomeTickets is how many tickets each list of the App Home shows.
const maxHomeTickets = 15

// appHome publishes the sender's App Home (Message.Command "app_home"):
// for staff, the tickets they hold, the open queue by SLA due time and the
// tickets past their SLA; for guests, a page saying they are not on the
// staff list.
func (t *turn) appHome() error {
	lang := t.staffLang()
	view := &View{Home: true, Title: tr(lang, supHomeTitle)}
	if t.m.Role != RoleStaff {
		view.Sections = []outbox.Section{{Text: tr(lang, supHomeGuest)}}
		t.publishHome(view)
		return nil
	}
	mine, err := t.tk.List(tickets.Filter{Open: true, Assignee: t.staffActor().ID})
	if err != nil {
		return fmt.Errorf("app home: %w", err)
	}
	queue, err := t.tk.List(tickets.Filter{Open: true})
	if err != nil {
		return fmt.Errorf("app home: %w", err)
	}
	breached, err := t.tk.Breached(t.now)
	if err != nil {
		return fmt.Errorf("app home: %w", err)
	}
	view.Sections = []outbox.Section{
		{Text: tr(lang, supHomeIntro, formatTime(lang, t.now))},
		t.homeList(lang, tr(lang, supHomeMine, len(mine)), supHomeMineNone, mine),
		t.homeList(lang, tr(lang, supHomeQueue, len(queue)), supHomeQueueNone, queue),
		t.homeList(lang, tr(lang, supHomeBreached, len(breached)), supHomeBreachedNone, breached),
	}
	t.publishHome(view)
	return nil
}

// homeList renders one list of the home page: its head, then the first
// maxHomeTickets tickets by SLA due time, or the none text.
func (t *turn) homeList(lang, head string, none textKey, list []*tickets.Ticket) outbox.Section {
	tickets.SortByDue(list, t.now)
	var b strings.Builder
	b.WriteString(head)
	if len(list) == 0 {
		b.WriteString("\n" + tr(lang, none))
	}
	for _, tk := range list[:min(len(list), maxHomeTickets)] {
		b.WriteString("\n• " + ticketLine(lang, tk, t.now))
	}
	if len(list) > maxHomeTickets {
		b.WriteString("\n" + tr(lang, supListMore, len(list)-maxHomeTickets))
	}
	return outbox.Section{Text: b.String()}
}

// publishHome queues view as the sender's home tab.
func (t *turn) publishHome(view *View) {
	t.replies = append(t.replies, Reply{Kind: outbox.KindView, Channel: t.m.Channel, UserID: t.m.UserID, View: view})
}
