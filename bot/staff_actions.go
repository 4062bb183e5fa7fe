package bot

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// What staff do to a ticket: the card's buttons, the Views they open, and
// messages in the ticket's thread. Each is a ticket event by the staff
// member (tickets.ActorStaff, "slack:U…"), followed by the card's update.

// staffTurn handles an entry for the staff side (kindStaff), in the staff
// language.
func (t *turn) staffTurn() error {
	m := t.m
	t.lang = t.r.staff.Lang
	switch {
	case m.Command == CommandHome:
		return t.appHome()
	case m.Command != "":
		return t.supportCommand(strings.TrimSpace(m.Text))
	}
	if m.CallbackID != "" {
		t.toast("") // every press is answered (a no-op where the channel acknowledged it already)
	}
	id := t.staffTicket()
	if id == "" {
		// Outside any ticket (staff talking among themselves in the
		// triage chat, a foreign thread or View): nothing to do.
		return nil
	}
	if m.Role != RoleStaff {
		return t.refuseGuest(id)
	}
	t.fileProblem()
	tk, err := t.tk.Get(id)
	switch {
	case errors.Is(err, tickets.ErrNotFound), errors.Is(err, tickets.ErrInvalid):
		t.ephemeral(tr(t.lang, stfTicketGone, esc(id)))
		return nil
	case err != nil:
		return fmt.Errorf("staff: ticket %s: %w", id, err)
	}
	switch {
	case m.ViewID != "":
		err = t.staffView(tk)
	case m.CallbackData != "":
		action, _, _ := strings.Cut(m.CallbackData[len(cbTicket):], ":")
		err = t.staffButton(tk, action)
	default:
		err = t.staffMessage(tk)
	}
	if errors.Is(err, tickets.ErrInvalid) || errors.Is(err, tickets.ErrTransition) {
		// Refused by the ticket store (checked before anything changed,
		// in practice: input is validated first): say why, rather than
		// fail the entry, which would open a ticket about the staff
		// member's message.
		t.ephemeral(esc(tickets.UserMessage(err, t.lang)))
		return nil
	}
	return err
}

// staffTicket returns the ticket the entry acts on: the Meta of a staff
// View, the ticket of a card's button, the ticket whose thread a message
// is in; "" when none.
func (t *turn) staffTicket() string {
	m := t.m
	var id string
	switch {
	case m.ViewID == viewReply || m.ViewID == viewResolve:
		id = m.ViewMeta
	case m.ViewID != "":
		return ""
	case strings.HasPrefix(m.CallbackData, cbTicket):
		_, id, _ = strings.Cut(m.CallbackData[len(cbTicket):], ":")
	case m.Thread != "" && m.ChatID == t.r.staff.Triage:
		id = linkedTicket(t.tx, m.Channel, m.ChatID, m.Thread)
	}
	seq, err := tickets.ParseID(id)
	if err != nil {
		return "" // none, or not a ticket's: a forged payload
	}
	return tickets.FormatID(seq)
}

// refuseGuest answers someone on the staff channel who is not staff and
// tried to act on ticket id: nothing changes, they are told why, and the
// attempt is logged.
func (t *turn) refuseGuest(id string) error {
	m, log := *t.m, t.r.log
	t.ephemeral(tr(t.lang, stfGuestRefused))
	t.tx.OnCommit(func() {
		log.Warn("a non-staff user tried to act on a ticket", "user", m.UserID, "name", m.UserName,
			"role", string(m.Role), "ticket", id, "button", m.CallbackData, "view", m.ViewID)
	})
	return nil
}

// staffButton handles a press of one of the card's buttons.
func (t *turn) staffButton(tk *tickets.Ticket, action string) error {
	switch action {
	case actClaim:
		return t.claim(tk)
	case actReply:
		if final(tk) {
			t.ephemeral(tr(t.lang, stfCannot, tk.ID, esc(tickets.StateLabel(tk.State, t.lang))))
			return nil
		}
		if err := t.recordView(tk, viewSlackReply); err != nil {
			return err
		}
		t.openView(View{ID: viewReply, Meta: tk.ID, Title: tr(t.lang, stfViewReplyTitle, tk.ID),
			Submit: tr(t.lang, stfViewSend), Text: viewIntro(tk),
			Inputs: []Input{
				{ID: inText, Label: tr(t.lang, stfViewReplyText), Multiline: true},
				{ID: inInternal, Label: tr(t.lang, stfViewInternal), Checkbox: true, Optional: true},
			}})
	case actResolve:
		if !tk.Open() {
			t.ephemeral(tr(t.lang, stfCannot, tk.ID, esc(tickets.StateLabel(tk.State, t.lang))))
			return nil
		}
		if err := t.recordView(tk, viewSlackResolve); err != nil {
			return err
		}
		t.openView(View{ID: viewResolve, Meta: tk.ID, Title: tr(t.lang, stfViewResolveTitle, tk.ID),
			Submit: tr(t.lang, stfViewSend), Text: viewIntro(tk),
			Inputs: []Input{
				{ID: inAnswer, Label: tr(t.lang, stfViewAnswer), Multiline: true},
				{ID: inSources, Label: tr(t.lang, stfViewSources), Optional: true},
				{ID: inPropose, Label: tr(t.lang, stfViewPropose), Checkbox: true, Optional: true},
			}})
	case actEscalate:
		return t.escalate(tk)
	case actClose:
		return t.closeTicket(tk)
	}
	return nil
}

func final(tk *tickets.Ticket) bool {
	return tk.State == tickets.StateClosed || tk.State == tickets.StateCancelled
}

// viewIntro is the text above a View's inputs: the ticket and its question.
func viewIntro(tk *tickets.Ticket) string {
	return "<b>" + tk.ID + "</b>: " + esc(shorten(tk.Text, 300))
}

// openView opens v for the sender, in answer to their press.
func (t *turn) openView(v View) {
	t.replies = append(t.replies, Reply{Channel: t.m.Channel, ChatID: t.m.ChatID, Kind: outbox.KindView,
		TriggerID: t.m.TriggerID, UserID: t.m.UserID, View: &v})
}

// claim makes the sender the ticket's assignee.
func (t *turn) claim(tk *tickets.Ticket) error {
	a := t.staffActor()
	switch {
	case tk.State == tickets.StateNew || tk.State == tickets.StateReopened:
		tk, err := t.tk.Claim(tk.ID, a)
		if err != nil {
			return fmt.Errorf("claim %s: %w", tk.ID, err)
		}
		t.toThread(tk.ID, tr(t.lang, stfClaimedThread, esc(t.staffName())))
		return t.cardChanged(tk)
	case tk.Open() && tk.Assignee == a.ID:
		t.ephemeral(tr(t.lang, stfAlreadyYours, tk.ID))
	case tk.Open() && tk.Assignee != "":
		name, err := assigneeName(t.tk, tk)
		if err != nil {
			return err
		}
		t.ephemeral(tr(t.lang, stfClaimedBy, tk.ID, esc(name)))
	default:
		t.ephemeral(tr(t.lang, stfCannot, tk.ID, esc(tickets.StateLabel(tk.State, t.lang))))
	}
	return nil
}

// startWork readies tk for a public answer by the sender: a new or
// reopened ticket is claimed by them, a claimed one is in progress.
func (t *turn) startWork(tk *tickets.Ticket) (*tickets.Ticket, error) {
	a := t.staffActor()
	var err error
	if tk.State == tickets.StateNew || tk.State == tickets.StateReopened {
		if tk, err = t.tk.Claim(tk.ID, a); err != nil {
			return nil, fmt.Errorf("claim %s: %w", tk.ID, err)
		}
	}
	if tk.State == tickets.StateClaimed {
		if tk, err = t.tk.Transition(tk.ID, tickets.StateProgress, a, ""); err != nil {
			return nil, fmt.Errorf("start %s: %w", tk.ID, err)
		}
	}
	return tk, nil
}

// escalate raises the ticket to urgent and calls the on-call person.
func (t *turn) escalate(tk *tickets.Ticket) error {
	switch {
	case !tk.Open():
		t.ephemeral(tr(t.lang, stfCannot, tk.ID, esc(tickets.StateLabel(tk.State, t.lang))))
		return nil
	case tk.Priority == tickets.PriorityUrgent:
		t.ephemeral(tr(t.lang, stfAlreadyUrgent, tk.ID))
		return nil
	}
	tk, err := t.tk.SetPriority(tk.ID, tickets.PriorityUrgent, t.staffActor())
	if err != nil {
		return fmt.Errorf("escalate %s: %w", tk.ID, err)
	}
	p := t.toThread(tk.ID, tr(t.lang, stfEscalatedThread, esc(t.staffName())))
	if oc := t.r.staff.onCall(t.now); oc != "" {
		p.Mentions = []string{oc}
	}
	return t.cardChanged(tk)
}

// closeTicket closes a resolved ticket; an open one is cancelled, and its
// officer told.
func (t *turn) closeTicket(tk *tickets.Ticket) error {
	a := t.staffActor()
	switch {
	case tk.State == tickets.StateResolved:
		ntk, err := t.tk.Transition(tk.ID, tickets.StateClosed, a, "")
		if err != nil {
			return fmt.Errorf("close %s: %w", tk.ID, err)
		}
		t.toThread(tk.ID, tr(t.lang, stfClosedThread, esc(t.staffName())))
		return t.cardChanged(ntk)
	case tk.Open():
		ntk, err := t.tk.Transition(tk.ID, tickets.StateCancelled, a, "closed by staff without a resolution")
		if err != nil {
			return fmt.Errorf("cancel %s: %w", tk.ID, err)
		}
		t.toThread(tk.ID, tr(t.lang, stfCancelledThread, esc(t.staffName())))
		t.toOfficer(ntk, tr(ntk.Lang, txtStaffCancelled, ntk.ID), false)
		return t.cardChanged(ntk)
	}
	t.ephemeral(tr(t.lang, stfCannot, tk.ID, esc(tickets.StateLabel(tk.State, t.lang))))
	return nil
}

// staffView handles a submitted View. The channel validated it with
// ValidateView before acknowledging; it is checked again here, since an
// entry may come from elsewhere.
func (t *turn) staffView(tk *tickets.Ticket) error {
	vs := t.m.Values
	if errs := ValidateView(t.m.ViewID, vs, t.lang); len(errs) > 0 {
		var msgs []string
		for _, id := range slices.Sorted(maps.Keys(errs)) {
			msgs = append(msgs, errs[id])
		}
		t.ephemeral(tr(t.lang, stfViewInvalid, esc(strings.Join(msgs, " "))))
		return nil
	}
	switch t.m.ViewID {
	case viewReply:
		text := strings.TrimSpace(vs[inText])
		if vs[inInternal] == "true" {
			return t.staffNote(tk, text)
		}
		return t.staffReply(tk, text)
	case viewResolve:
		return t.resolve(tk, strings.TrimSpace(vs[inAnswer]), strings.TrimSpace(vs[inSources]), vs[inPropose] == "true")
	}
	return nil
}

// staffMessage handles a message in a ticket's thread: "note: …" (or "ghi
// chú: …") is an internal note; anything else is relayed to the officer.
func (t *turn) staffMessage(tk *tickets.Ticket) error {
	if t.e.badUTF8() {
		t.ephemeral(tr(t.lang, txtBadUTF8))
		return nil
	}
	text := strings.TrimSpace(t.m.Text)
	if n := utf8.RuneCountInString(text); n > tickets.MaxTextLen {
		t.ephemeral(tr(t.lang, txtTooLong, n, tickets.MaxTextLen))
		return nil
	}
	if note, ok := noteText(text); ok {
		return t.staffNote(tk, note)
	}
	if text == "" && len(t.m.Files) == 0 {
		return nil
	}
	return t.staffReply(tk, text)
}

// noteText reports whether text is an internal note ("note:", "ghi chú:",
// any case, with or without tone marks) and returns it without the prefix.
func noteText(text string) (string, bool) {
	head, rest, ok := strings.Cut(text, ":")
	if !ok {
		return "", false
	}
	switch strings.Join(strings.Fields(fold(head)), " ") {
	case "note", "ghi chu":
		return strings.TrimSpace(rest), true
	}
	return "", false
}

// staffNote stores an internal note on the ticket: staff only, never sent
// to the officer. The sender's files stay with it.
func (t *turn) staffNote(tk *tickets.Ticket, text string) error {
	text = withFileNames(text, t.m.Files)
	if text == "" {
		t.ephemeral(tr(t.lang, stfErrEmpty))
		return nil
	}
	_, err := t.tk.AddMessage(tk.ID, tickets.ConvMessage{From: t.staffActor(), Text: text, Internal: true,
		Direction: tickets.DirOut, MessageID: t.m.MessageID, Files: attachments(t.m.Files)})
	if err != nil {
		return fmt.Errorf("note on %s: %w", tk.ID, err)
	}
	t.ephemeral(tr(t.lang, stfNoteSaved, tk.ID))
	return nil
}

// staffReply records a public reply by the sender and relays it to the
// officer under the sender's name.
func (t *turn) staffReply(tk *tickets.Ticket, text string) error {
	if final(tk) {
		t.ephemeral(tr(t.lang, stfTicketFinal, tk.ID))
		return nil
	}
	if !tk.Anonymised.IsZero() {
		// Recording it would keep words meant for someone who asked to
		// be forgotten, and relaying is impossible: say so rather than
		// let staff believe the officer got it.
		t.ephemeral(tr(t.lang, stfOfficerErased, tk.ID))
		return nil
	}
	stored := withFileNames(text, t.m.Files)
	if stored == "" {
		t.ephemeral(tr(t.lang, stfErrEmpty))
		return nil
	}
	tk, err := t.startWork(tk)
	if err != nil {
		return err
	}
	tk, err = t.tk.AddMessage(tk.ID, tickets.ConvMessage{From: t.staffActor(), Text: stored,
		Direction: tickets.DirOut, MessageID: t.m.MessageID, Files: attachments(t.m.Files)})
	if err != nil {
		return fmt.Errorf("reply on %s: %w", tk.ID, err)
	}
	t.relayToOfficer(tk, text, t.m.Files)
	return t.cardChanged(tk)
}

// withFileNames is the text a ticket keeps of a message: its text, or for
// files without one, their names.
func withFileNames(text string, fs []File) string {
	if text != "" || len(fs) == 0 {
		return text
	}
	names := make([]string, 0, len(fs))
	for _, f := range fs {
		names = append(names, nameOr(f.Name, nameOr(f.Mime, f.ID)))
	}
	return "📎 " + strings.Join(names, ", ")
}

// resolve records the answer, resolves the ticket and sends the officer
// the answer with the buttons that confirm or reopen it. A proposal for the
// knowledge base is recorded as an internal note; with
// StaffOptions.KnowledgeDir set, the draft is written after the commit.
func (t *turn) resolve(tk *tickets.Ticket, answer, sources string, propose bool) error {
	if !tk.Open() {
		t.ephemeral(tr(t.lang, stfCannot, tk.ID, esc(tickets.StateLabel(tk.State, t.lang))))
		return nil
	}
	tk, err := t.startWork(tk)
	if err != nil {
		return err
	}
	a := t.staffActor()
	stored := answer
	if sources != "" {
		stored += "\n\n" + tr(tk.Lang, txtSourcesPlain, sources)
	}
	if _, err := t.tk.AddMessage(tk.ID, tickets.ConvMessage{From: a, Text: stored, Direction: tickets.DirOut}); err != nil {
		return fmt.Errorf("answer %s: %w", tk.ID, err)
	}
	if tk, err = t.tk.Transition(tk.ID, tickets.StateResolved, a, ""); err != nil {
		return fmt.Errorf("resolve %s: %w", tk.ID, err)
	}
	t.count("supportbot_tickets_resolved_total", "channel", tk.Channel)
	body := tr(tk.Lang, txtStaffResolved, esc(t.staffName()), tk.ID, esc(answer))
	if sources != "" {
		body += "\n\n" + tr(tk.Lang, txtResolvedSources, esc(sources))
	}
	body += "\n\n" + tr(tk.Lang, txtResolvedAsk)
	t.toOfficer(tk, body, true).Buttons = resolvedButtons(tk.Lang, tk.ID)
	t.toThread(tk.ID, tr(t.lang, stfResolvedThread, esc(t.staffName())))
	if propose {
		if tk, err = t.tk.AddMessage(tk.ID, tickets.ConvMessage{From: a, Text: tr(t.lang, stfProposedNote), Internal: true, Direction: tickets.DirOut}); err != nil {
			return fmt.Errorf("propose %s: %w", tk.ID, err)
		}
		if t.r.staff.KnowledgeDir != "" {
			r, id := t.r, tk.ID
			t.tx.OnCommit(func() { r.promoteProposed(id) })
		} else {
			t.toThread(tk.ID, tr(t.lang, stfProposedThread, tk.ID))
		}
	}
	return t.cardChanged(tk)
}

// promoteProposed writes the knowledge draft of ticket id, after the
// commit that resolved it (Promote runs its own transactions), and says so
// in the ticket's thread.
func (r *Router) promoteProposed(id string) {
	lang := r.staff.Lang
	path, err := r.st.Promote(id, r.staff.KnowledgeDir)
	text := tr(lang, stfDraftWritten, esc(path))
	if err != nil {
		r.log.Warn("cannot write the knowledge draft of a ticket", "ticket", id, "err", err)
		text = tr(lang, stfDraftFailed, esc(err.Error()), id)
	}
	if err := r.out.Enqueue(r.threadPost(id, text)); err != nil {
		r.log.Warn("cannot tell the triage thread about a knowledge draft", "ticket", id, "err", err)
	}
}

// ValidateView checks the values of a submitted staff View (viewID
// "reply" or "resolve") and returns a message in lang for each input that
// is refused, by input ID; nil when all is well or the View is not a
// staff View. The channel calls it before acknowledging a submission, so
// that the form shows the errors; the Router checks again.
func ValidateView(viewID string, values map[string]string, lang string) map[string]string {
	errs := map[string]string{}
	check := func(id string, required bool, max int) {
		v := strings.TrimSpace(values[id])
		switch n := utf8.RuneCountInString(v); {
		case !utf8.ValidString(v):
			errs[id] = tr(lang, txtBadUTF8)
		case required && v == "":
			errs[id] = tr(lang, stfErrEmpty)
		case n > max:
			errs[id] = tr(lang, stfErrTooLong, n, max)
		}
	}
	switch viewID {
	case viewReply:
		check(inText, true, tickets.MaxTextLen)
	case viewResolve:
		// The answer and its sources are stored as one message.
		src := utf8.RuneCountInString(strings.TrimSpace(values[inSources]))
		if src > 0 {
			src += 32 // the "Sources:" line
		}
		check(inSources, false, maxSourcesLen)
		check(inAnswer, true, max(1, tickets.MaxTextLen-src))
	default:
		return nil
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// maxSourcesLen bounds the sources of a resolution, in characters.
const maxSourcesLen = 1000
