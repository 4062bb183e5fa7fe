package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// The triage card of a ticket: one message in the triage chat, posted when
// the ticket is created and edited (outbox.KindUpdate under the same Ref) at each
// change, so that it always shows where the ticket stands.

const (
	// maxSimilarShown is how many similar resolved tickets a card lists.
	maxSimilarShown = 3
	// cardQuestionLen bounds the question on a card, in characters.
	cardQuestionLen = 1500
)

// ticketOpened runs in the transaction that created tk (from the entry
// being handled): the files the question came with become the first
// message of the ticket's conversation, and the triage card is posted with
// the question in its thread, so that a crash can neither lose nor repeat
// them.
func (t *turn) ticketOpened(tk *tickets.Ticket) error {
	if len(t.m.Files) > 0 {
		ntk, err := t.tk.AddMessage(tk.ID, tickets.ConvMessage{From: t.actor(), Text: withFileNames("", t.m.Files),
			Direction: tickets.DirIn, MessageID: t.m.MessageID, Files: attachments(t.m.Files)})
		if err != nil {
			return fmt.Errorf("files of %s: %w", tk.ID, err)
		}
		*tk = *ntk
	}
	if !t.r.staff.enabled() {
		return nil
	}
	card, err := t.r.card(t.tk, tk, t.now)
	if err != nil {
		return err
	}
	t.replies = append(t.replies, card)
	// The thread holds the whole conversation, from the question (with the
	// files it came with) on.
	p := t.toThread(tk.ID, t.r.officerLine(tk, esc(tk.Text)))
	p.Files, p.Name, p.Ref = t.m.Files, nameOr(tk.UserName, tk.UserID), questionRef(tk.ID)
	return nil
}

// cardChanged queues the re-rendered card of tk as an update. Within one
// turn the last rendering wins: an earlier card or update of the same Ref
// still waiting in t.replies is rewritten instead.
func (t *turn) cardChanged(tk *tickets.Ticket) error {
	if !t.r.staff.enabled() {
		return nil
	}
	card, err := t.r.card(t.tk, tk, t.now)
	if err != nil {
		return err
	}
	for i := range t.replies {
		if p := &t.replies[i]; p.Ref == card.Ref && p.Channel == card.Channel && p.ChatID == card.ChatID {
			p.Text, p.Fields, p.Buttons, p.Mentions = card.Text, card.Fields, card.Buttons, card.Mentions
			return nil
		}
	}
	card.Kind = outbox.KindUpdate
	t.replies = append(t.replies, card)
	return nil
}

// card renders the triage card of tk in the staff language, at now.
// An anonymised ticket has neither question nor officer any more: its
// card is the erased one (privacy_erase_slack.go).
func (r *Router) card(tx *tickets.Tx, tk *tickets.Ticket, now time.Time) (Reply, error) {
	if anonymised(tk) {
		return erasedCard(r.staff, tk, ersCardGone), nil
	}
	lang := r.staff.Lang
	var b strings.Builder
	b.WriteString(tr(lang, stfCardTitle, tk.ID, esc(tickets.TopicLabel(orOther(tk.Topic), lang))))
	b.WriteString("\n\n" + tr(lang, stfCardQuestion, esc(nameOr(tk.UserName, tk.UserID))))
	b.WriteString("\n" + esc(shortenKeepLines(tk.Text, cardQuestionLen)))
	if len(tk.Hits) > 0 {
		b.WriteString("\n\n" + tr(lang, stfCardHits))
		for _, h := range tk.Hits {
			b.WriteString("\n• " + esc(shorten(h.Title, 120)))
		}
	} else {
		b.WriteString("\n\n" + tr(lang, stfCardNoHits))
	}
	similar, err := tx.Similar(tk.Text, maxSimilarShown+1)
	if err != nil {
		return Reply{}, fmt.Errorf("similar tickets of %s: %w", tk.ID, err)
	}
	shown := 0
	for _, s := range similar {
		if s.ID == tk.ID || shown == maxSimilarShown {
			continue
		}
		if shown == 0 {
			b.WriteString("\n\n" + tr(lang, stfCardSimilar))
		}
		shown++
		b.WriteString(similarLine(lang, s))
	}

	assignee := tr(lang, stfNobody)
	if tk.Assignee != "" {
		name, err := assigneeName(tx, tk)
		if err != nil {
			return Reply{}, err
		}
		assignee = esc(name)
	}
	locality := strings.Join(nonEmpty(tk.Commune, tk.Province), ", ")
	if locality == "" {
		locality = tr(lang, stfUnknown)
	} else {
		locality = esc(locality)
	}
	priority := tr(lang, stfPriorityNormal)
	if tk.Priority == tickets.PriorityUrgent {
		priority = tr(lang, stfPriorityUrgent)
	}
	fields := []Field{
		{Label: tr(lang, stfFieldLocality), Value: locality},
		{Label: tr(lang, stfFieldTopic), Value: esc(tickets.TopicLabel(orOther(tk.Topic), lang))},
		{Label: tr(lang, stfFieldPriority), Value: priority},
		{Label: tr(lang, stfFieldState), Value: esc(tickets.StateLabel(tk.State, lang))},
		{Label: tr(lang, stfFieldAssignee), Value: assignee},
		{Label: tr(lang, stfFieldFirstDue), Value: dueValue(lang, tk.FirstResponseDue, tk.FirstResponseAt, tk.Open(), now)},
		{Label: tr(lang, stfFieldResolveDue), Value: dueValue(lang, tk.ResolutionDue, tk.ResolvedAt, tk.Open(), now)},
	}
	if n := len(tk.DeliveryFailures); n > 0 {
		fields = append(fields, Field{Label: tr(lang, stfFieldFailures), Value: fmt.Sprintf("❗ %d", n)})
	}
	rep := Reply{Channel: r.staff.Channel, ChatID: r.staff.Triage, Ref: triageRef(tk.ID), TicketID: tk.ID,
		Text: b.String(), Fields: fields}
	if tk.State != tickets.StateClosed && tk.State != tickets.StateCancelled {
		rep.Buttons = [][]Button{{
			{Text: tr(lang, btnStfClaim), Data: ticketButton(actClaim, tk.ID), Style: "primary"},
			{Text: tr(lang, btnStfReply), Data: ticketButton(actReply, tk.ID)},
			{Text: tr(lang, btnStfResolve), Data: ticketButton(actResolve, tk.ID)},
			{Text: tr(lang, btnStfEscalate), Data: ticketButton(actEscalate, tk.ID), Style: "danger"},
			{Text: tr(lang, btnStfClose), Data: ticketButton(actClose, tk.ID)},
		}}
	}
	if oc := r.staff.onCall(now); tk.Priority == tickets.PriorityUrgent && tk.Open() && oc != "" {
		rep.Mentions = []string{oc}
	}
	return rep, nil
}

// dueValue renders an SLA target: its time in Vietnam, marked done when it
// was met (at) and overdue when an open ticket has passed it.
func dueValue(lang string, due, at time.Time, open bool, now time.Time) string {
	switch {
	case due.IsZero():
		return tr(lang, stfUnknown)
	case !at.IsZero():
		return tr(lang, stfDueMet, formatTime(lang, due))
	case open && now.After(due):
		return tr(lang, stfDueOverdue, formatTime(lang, due))
	}
	return formatTime(lang, due)
}

// assigneeName finds the name of tk's assignee in the ticket's log (the
// ticket keeps only their ID); the ID when no event names them.
func assigneeName(tx *tickets.Tx, tk *tickets.Ticket) (string, error) {
	evs, err := tx.Events(tk.ID)
	if err != nil {
		return "", fmt.Errorf("events of %s: %w", tk.ID, err)
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if a := evs[i].Actor; a.ID == tk.Assignee && a.Name != "" {
			return a.Name, nil
		}
	}
	_, id, _ := strings.Cut(tk.Assignee, ":")
	return nameOr("", id), nil
}

func nameOr(name, id string) string {
	if n := strings.TrimSpace(name); n != "" {
		return n
	}
	return id
}

func orOther(topic string) string {
	if topic == "" {
		return tickets.TopicOther
	}
	return topic
}

// shortenKeepLines cuts s to at most max characters, keeping its line
// breaks (a question's paragraphs are easier to read on a card).
func shortenKeepLines(s string, max int) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// similarLine names a similar resolved ticket by its ID, topic and date and
// the first words of the staff's answer. Never the other officer's
// question: erasing that officer edits only their own ticket's posts, so
// their words quoted on this card would outlive the erasure in Slack.
func similarLine(lang string, s tickets.SimilarTicket) string {
	line := "\n• <b>" + esc(s.ID) + "</b> · " + esc(tickets.TopicLabel(orOther(s.Topic), lang))
	if !s.ResolvedAt.IsZero() {
		line += " · " + formatDate(lang, s.ResolvedAt.In(vietnamTime))
	}
	if s.Answer != "" {
		line += " → " + esc(shorten(s.Answer, 120))
	}
	return line
}
