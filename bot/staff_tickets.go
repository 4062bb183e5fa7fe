package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

const (
	// maxSupportList is how many tickets "/support tickets" lists.
	maxSupportList = 20
	// maxShownMessages is how many of a ticket's latest messages "/support
	// show" prints; maxShownEvents likewise for its log.
	maxShownMessages = 15
	maxShownEvents   = 15
)

// supportTickets lists tickets for staff, one line each, by SLA due time:
// the open ones (default), the sender's own ("mine"), the breached ones,
// or a province's open ones ("province Lào Cai", or just the province).
func (t *turn) supportTickets(lang, rest string) error {
	var (
		list  []*tickets.Ticket
		title textKey
		err   error
	)
	word, arg, _ := strings.Cut(rest, " ")
	switch f := strings.ReplaceAll(fold(rest), " ", ""); {
	case f == "" || f == "open" || f == "mo" || f == "dangmo":
		list, err = t.tk.List(tickets.Filter{Open: true})
		title = supListOpen
	case f == "mine" || f == "my" || f == "cuatoi" || f == "toi":
		list, err = t.tk.List(tickets.Filter{Open: true, Assignee: t.staffActor().ID})
		title = supListMine
	case f == "breached" || f == "overdue" || f == "quahan" || f == "trehan":
		list, err = t.tk.Breached(t.now)
		title = supListBreach
	default:
		name := rest
		if w := fold(word); w == "province" || w == "tinh" || w == "thanhpho" {
			name = strings.TrimSpace(arg)
		}
		p, ok := tickets.NormalizeProvince(name)
		switch {
		case ok && p != "":
			if list, err = t.tk.List(tickets.Filter{Open: true, Province: p}); err != nil {
				return fmt.Errorf("support tickets of %s: %w", p, err)
			}
			t.listReply(lang, tr(lang, supListProv, esc(p), len(list)), list)
		case name != rest || ok:
			t.ephemeral(tr(lang, supBadProvince, esc(name)))
		default:
			t.ephemeral(tr(lang, supListUsage, esc(rest)))
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("support tickets: %w", err)
	}
	t.listReply(lang, tr(lang, title, len(list)), list)
	return nil
}

// listReply sends the head and the first maxSupportList tickets of list in
// SLA order.
func (t *turn) listReply(lang, head string, list []*tickets.Ticket) {
	tickets.SortByDue(list, t.now)
	var b strings.Builder
	b.WriteString(head)
	if len(list) == 0 {
		b.WriteString("\n" + tr(lang, supListNone))
	}
	for _, tk := range list[:min(len(list), maxSupportList)] {
		b.WriteString("\n• " + ticketLine(lang, tk, t.now))
	}
	if len(list) > maxSupportList {
		b.WriteString("\n" + tr(lang, supListMore, len(list)-maxSupportList))
	}
	t.ephemeral(b.String())
}

// ticketLine renders a ticket on one line for staff: ID, state, province,
// topic, priority and the time left to its next SLA target.
func ticketLine(lang string, tk *tickets.Ticket, now time.Time) string {
	return strings.Join([]string{
		"<b>" + esc(tk.ID) + "</b>",
		esc(tickets.StateLabel(tk.State, lang)),
		esc(placeName(lang, tk.Province, "")),
		esc(tickets.TopicLabel(orOther(tk.Topic), lang)),
		priorityName(lang, tk.Priority),
		dueText(lang, tk, now),
	}, " · ")
}

// placeName renders "commune, province", or says the locality is unknown.
func placeName(lang, province, commune string) string {
	if p := strings.Join(nonEmpty(commune, province), ", "); p != "" {
		return p
	}
	return tr(lang, supNoPlace)
}

func priorityName(lang, p string) string {
	if p == tickets.PriorityUrgent {
		return "<b>" + tr(lang, supUrgent) + "</b>"
	}
	return tr(lang, supNormal)
}

// dueText says how long until the ticket's next SLA target, or how long
// ago it was missed.
func dueText(lang string, tk *tickets.Ticket, now time.Time) string {
	s := tk.SLAAt(now)
	switch {
	case s.NextDue.IsZero():
		return tr(lang, supNoDue)
	case s.Breached():
		return "<b>" + tr(lang, supOverdue, duration(lang, now.Sub(s.NextDue))) + "</b>"
	}
	return tr(lang, supDueIn, duration(lang, s.NextDue.Sub(now)))
}

// duration renders d to the minute, in at most two units: "2 giờ 5 phút",
// "3 ngày 4 giờ", "45 phút".
func duration(lang string, d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	days, hours, mins := m/(24*60), m/60%24, m%60
	var parts []string
	switch {
	case days > 0:
		parts = append(parts, tr(lang, supDays, days))
		if hours > 0 {
			parts = append(parts, tr(lang, supHours, hours))
		}
	case hours > 0:
		parts = append(parts, tr(lang, supHours, hours))
		if mins > 0 {
			parts = append(parts, tr(lang, supMinutes, mins))
		}
	default:
		parts = append(parts, tr(lang, supMinutes, mins))
	}
	return strings.Join(parts, " ")
}

// supportShow prints one ticket in full for staff: who asked and where,
// the question and the knowledge entries shown, the conversation with
// internal notes marked, the log and the SLA.
func (t *turn) supportShow(lang, rest string) error {
	if rest == "" {
		t.ephemeral(tr(lang, supShowUsage))
		return nil
	}
	id, _, _ := strings.Cut(rest, " ")
	tk, err := t.tk.Get(id)
	if err != nil {
		return t.ticketProblem(lang, err)
	}
	evs, err := t.tk.Events(tk.ID)
	if err != nil {
		return fmt.Errorf("support show %s: %w", tk.ID, err)
	}
	if err := t.recordView(tk, viewSlackShow); err != nil {
		return err
	}
	var b strings.Builder
	line := func(s string) { b.WriteString("\n" + s) }
	b.WriteString(tr(lang, supShowHead, esc(tk.ID), esc(tickets.StateLabel(tk.State, lang)), priorityName(lang, tk.Priority)))
	line(tr(lang, supShowReporter, esc(nameOr(tk.UserName, tk.UserID)), esc(tk.Reporter())))
	line(tr(lang, supShowPlace, esc(placeName(lang, tk.Province, tk.Commune))))
	line(tr(lang, supShowTopic, esc(tickets.TopicLabel(orOther(tk.Topic), lang))))
	line(tr(lang, supShowAssignee, esc(nameOr(assigneeLabel(tk, evs), tr(lang, supUnclaimed)))))
	line(tr(lang, supShowCreated, formatTime(lang, tk.Created)))

	b.WriteString("\n\n" + tr(lang, supShowQuestion))
	line(esc(tk.Text))
	if len(tk.Hits) > 0 {
		b.WriteString("\n\n" + tr(lang, supShowHits))
		for _, h := range tk.Hits {
			cite := strings.Join(nonEmpty(h.Document, h.Article), ", ")
			s := "• " + link(h.Source, nameOr(h.Title, h.ID))
			if cite != "" {
				s += " — <i>" + esc(cite) + "</i>"
			}
			line(s)
		}
	}
	if len(tk.Messages) > 0 {
		b.WriteString("\n\n" + tr(lang, supShowConv))
		if n := len(tk.Messages) - maxShownMessages; n > 0 {
			line(tr(lang, supShowConvMore, n))
		}
		for _, m := range tk.Messages[max(0, len(tk.Messages)-maxShownMessages):] {
			who := esc(nameOr(m.From.Name, m.From.ID))
			if m.From.Kind == tickets.ActorSystem {
				who = tr(lang, txtFromSystem)
			}
			mark := ""
			if m.Internal {
				mark = " " + tr(lang, supShowInternal)
			}
			line(fmt.Sprintf("• %s, %s%s: %s", formatTime(lang, m.At), who, mark, esc(shorten(m.Text, 500))))
		}
	}
	for _, f := range tk.DeliveryFailures {
		line(tr(lang, supShowDelivery, formatTime(lang, f.At), esc(f.Reason)))
	}
	b.WriteString("\n\n" + tr(lang, supShowEvents))
	for _, e := range evs[max(0, len(evs)-maxShownEvents):] {
		line(fmt.Sprintf("• %s, %s: %s", formatTime(lang, e.At), esc(nameOr(e.Actor.Name, e.Actor.ID)), eventText(lang, e)))
	}
	b.WriteString("\n\n" + tr(lang, supSLAHead))
	line(tr(lang, supSLAFirst, formatTime(lang, tk.FirstResponseDue), targetText(lang, tk, tk.FirstResponseDue, tk.FirstResponseAt, t.now)))
	line(tr(lang, supSLAResolution, formatTime(lang, tk.ResolutionDue), targetText(lang, tk, tk.ResolutionDue, tk.ResolvedAt, t.now)))
	t.ephemeral(b.String())
	return nil
}

// What staff views record on the ticket (tickets.EventViewed), as the
// view's "what". Every staff view that shows one ticket's personal data
// (the officer's name and id, their words) is recorded, in the
// transaction of the reply that shows it: /support show, and the reply
// and resolve forms, which quote the question. The lists (/support
// tickets, the App Home) and the triage card, posted to the channel rather
// than shown to one person, are not.
const (
	viewSlackShow    = "slack show"
	viewSlackReply   = "slack reply form"
	viewSlackResolve = "slack resolve form"
)

// recordView records that the sender saw tk's personal data in what. An
// anonymised ticket has none left to see.
func (t *turn) recordView(tk *tickets.Ticket, what string) error {
	if anonymised(tk) {
		return nil
	}
	if err := t.tk.RecordView(tk.ID, t.staffActor(), what); err != nil {
		return fmt.Errorf("record the view of %s: %w", tk.ID, err)
	}
	return nil
}

// targetText says where one SLA target stands: met (or late) at when it
// was met, else the time left or overdue while the ticket is open.
func targetText(lang string, tk *tickets.Ticket, due, met, now time.Time) string {
	switch {
	case !met.IsZero() && met.After(due):
		return tr(lang, supSLALateAt, formatTime(lang, met))
	case !met.IsZero():
		return tr(lang, supSLAMetAt, formatTime(lang, met))
	case !tk.Open():
		return tr(lang, supNoDue)
	case now.After(due):
		return "<b>" + tr(lang, supOverdue, duration(lang, now.Sub(due))) + "</b>"
	}
	return tr(lang, supDueIn, duration(lang, due.Sub(now)))
}

// eventText renders what one log event did, escaped.
func eventText(lang string, e tickets.Event) string {
	switch e.Kind {
	case tickets.EventCreated:
		return tr(lang, supEvCreated)
	case tickets.EventTransition:
		s := esc(tickets.StateLabel(e.From, lang)) + " → " + esc(tickets.StateLabel(e.To, lang))
		if e.Note != "" {
			s += " (" + esc(e.Note) + ")"
		}
		return s
	case tickets.EventMessage:
		switch e.Note {
		case "internal note":
			return tr(lang, supEvNote)
		case "first response":
			return tr(lang, supEvFirst)
		case "public reply":
			return tr(lang, supEvReply)
		}
		return tr(lang, supEvMessage)
	case tickets.EventAssigned:
		return tr(lang, supEvAssigned) + " (" + esc(e.Note) + ")"
	case tickets.EventLocality:
		return tr(lang, supEvLocality)
	case tickets.EventDeliveryFailure:
		return tr(lang, supEvDelivery) + ": " + esc(e.Note)
	case tickets.EventPromoted:
		return tr(lang, supEvPromoted)
	}
	s := esc(e.Kind)
	if e.Note != "" {
		s += " (" + esc(e.Note) + ")"
	}
	return s
}

// assigneeLabel finds the name of the ticket's assignee in its log (the
// ticket keeps only the ID): the person an assignment named (AssignTo's
// note), or the assignee acting.
func assigneeLabel(tk *tickets.Ticket, evs []tickets.Event) string {
	if tk.Assignee == "" {
		return ""
	}
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if strings.HasPrefix(e.Note, "assigned to "+tk.Assignee) {
			if _, name, ok := strings.Cut(e.Note, " ("); ok {
				return strings.TrimSuffix(name, ")")
			}
			break
		}
		if e.Actor.ID == tk.Assignee && e.Actor.Name != "" {
			return e.Actor.Name
		}
	}
	return tk.Assignee
}
