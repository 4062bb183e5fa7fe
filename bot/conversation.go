package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// planKind is what an inbox entry turns out to be.
type planKind int

const (
	kindBadUTF8  planKind = iota + 1 // text is not valid UTF-8
	kindTooLong                      // text over MaxTextLen characters
	kindNoText                       // a sticker, a photo, an empty message
	kindCallback                     // a button press
	kindCommand                      // /something
	kindStep                         // answers a registration question
	kindFollowUp                     // goes into one of the officer's tickets
	kindThanks                       // a bare thank-you
	kindQuestion                     // free text: search and answer
)

// plan is the decision taken, before the write transaction, about one entry.
// It is taken again inside the transaction; per-chat order guarantees that
// nothing it depends on changed in between, and a difference is retried.
type plan struct {
	kind  planKind
	cmd   cmdID
	typed string // the command as typed, for "unknown command"
	args  string
	query string // kindQuestion and /hoi: the question to search
	// noWords: the question has nothing to search ("?", "👍"); it gets
	// txtNoWords, not a search, a failure or a ticket.
	noWords bool
	ticket  string // kindFollowUp
}

// classify decides what entry e is, reading only.
func classify(tx *bolt.Tx, st *tickets.Store, e *inboxEntry, o *officer, now time.Time, username string) (plan, error) {
	m := &e.Msg
	// Group talk not for the bot is ignored (groups.go); an officer
	// answering its registration questions is talking to it (/huy ends
	// that).
	if o.Step == "" && notForUs(tx, m, username) {
		return plan{kind: kindIgnored}, nil
	}
	switch {
	case e.badUTF8():
		return plan{kind: kindBadUTF8}, nil
	case utf8.RuneCountInString(m.Text) > MaxTextLen:
		return plan{kind: kindTooLong}, nil
	case m.CallbackData != "":
		return plan{kind: kindCallback}, nil
	case m.Command == CommandEdited:
		return plan{kind: kindEdited}, nil
	}
	text := strings.TrimSpace(m.Text)
	if inGroup(m) {
		text = stripMention(text, username) // "@bot câu hỏi" asks "câu hỏi"
	}
	if text == "" {
		return plan{kind: kindNoText}, nil
	}
	if id, typed, args, ok := parseCommand(text); ok {
		p := plan{kind: kindCommand, cmd: id, typed: typed, args: args}
		if id == cmdAsk && commandForUs(text, username) {
			// A question addressed to another bot is not searched, and
			// one without a word cannot be.
			if hasWord(args) {
				p.query = args
			} else {
				p.noWords = args != ""
			}
		}
		return p, nil
	}
	if o.Step != "" {
		return plan{kind: kindStep}, nil
	}
	for _, id := range []string{linkedTicket(tx, m.Channel, m.ChatID, m.ReplyToID), o.focused(now)} {
		if id == "" {
			continue
		}
		tk, err := st.Tx(tx).Get(id)
		switch {
		case errors.Is(err, tickets.ErrNotFound):
			continue
		case err != nil:
			return plan{}, fmt.Errorf("ticket %s: %w", id, err)
		case ownTicket(tk, m):
			return plan{kind: kindFollowUp, ticket: id}, nil
		}
	}
	if isThanks(text) {
		return plan{kind: kindThanks}, nil
	}
	if !hasWord(text) {
		return plan{kind: kindQuestion, noWords: true}, nil
	}
	return plan{kind: kindQuestion, query: text}, nil
}

// ownTicket reports whether tk was opened by m's sender: officers see and
// write only into their own tickets.
func ownTicket(tk *tickets.Ticket, m *Message) bool {
	return tk.Channel == string(m.Channel) && tk.UserID == m.UserID
}

// turn is the handling of one inbox entry inside one write transaction. It
// collects the replies and the metric events; both leave only after commit.
type turn struct {
	r    *Router
	tx   *bolt.Tx
	tk   *tickets.Tx
	e    *inboxEntry
	m    *Message
	o    *officer
	lang string
	now  time.Time
	// res is the search result of the plan's query (zero without one), for
	// handlers run does not pass it to: "/support ask" (staff_commands.go).
	res knowledge.Result

	replies []Reply
	counts  []metricEvent
	// state is how the entry ends: "" handled, or stateRejected.
	state entryState
	// notice says the privacy notice is among the replies, or that this
	// turn is about the officer's data: the notice due to an officer
	// stored before it existed is not added (privacy_notice.go).
	notice bool
}

// metricEvent is one counter increment, applied after the commit.
type metricEvent struct {
	name string
	kv   []string
}

func (t *turn) count(name string, kv ...string) {
	t.counts = append(t.counts, metricEvent{name, kv})
}

// reply queues a message to the chat the entry came from.
func (t *turn) reply(text string) *Reply {
	r := Reply{Channel: t.m.Channel, ChatID: t.m.ChatID, Text: text}
	// "supergroup": entries stored before channels reported ChatGroup.
	if t.m.ChatType == ChatGroup || t.m.ChatType == "supergroup" {
		r.ReplyToID = t.m.MessageID // in a group, say whom the answer is for
	}
	t.replies = append(t.replies, r)
	return &t.replies[len(t.replies)-1]
}

// toast answers the button press being handled (Telegram shows the text
// briefly); every button press gets one, or the client keeps spinning.
func (t *turn) toast(text string) {
	// KindAnswer: never rate limited, never queued behind the chat's
	// messages (a button press waits for its answer).
	t.replies = append(t.replies, Reply{Kind: outbox.KindAnswer, Channel: t.m.Channel, ChatID: t.m.ChatID, UserID: t.m.UserID,
		Text: text, CallbackID: t.m.CallbackID})
}

// run executes p with the search result res (zero unless p has a query).
// An officer stored before the privacy notice existed is shown it once,
// after the reply, in a private chat.
func (t *turn) run(p plan, res knowledge.Result) error {
	if err := t.dispatch(p, res); err != nil {
		return err
	}
	if p.kind != kindStaff && p.kind != kindIgnored && !t.notice && !inGroup(t.m) && t.noticeDue() {
		t.showNotice(tr(t.lang, txtPrivacyUpdate) + "\n\n")
	}
	return nil
}

// dispatch executes p: what run does, without the notice.
func (t *turn) dispatch(p plan, res knowledge.Result) error {
	t.res = res
	if p.kind == kindStaff {
		return t.staffTurn() // staff_actions.go
	}
	switch p.kind {
	case kindIgnored:
		return nil // a group message for others (groups.go)
	case kindEdited:
		t.reply(tr(t.lang, txtEdited))
		return nil
	}
	t.fileProblem()
	switch p.kind {
	case kindBadUTF8:
		t.state = stateRejected
		t.reply(tr(t.lang, txtBadUTF8))
	case kindTooLong:
		t.state = stateRejected
		t.reply(tr(t.lang, txtTooLong, utf8.RuneCountInString(t.m.Text), MaxTextLen))
	case kindNoText:
		if id := t.filesTicket(); id != "" { // files alone, into a ticket: staff_relay.go
			return t.followUp(id)
		}
		t.reply(tr(t.lang, txtNoText))
	case kindCallback:
		return t.callback()
	case kindCommand:
		return t.command(p, res)
	case kindStep:
		return t.registrationStep(strings.TrimSpace(t.m.Text))
	case kindFollowUp:
		return t.followUp(p.ticket)
	case kindThanks:
		t.reply(tr(t.lang, txtYoureWelcome))
	case kindQuestion:
		if p.noWords {
			t.reply(tr(t.lang, txtNoWords))
			return nil
		}
		return t.answer(p.query, res)
	default:
		return fmt.Errorf("bot: unknown plan kind %d", p.kind)
	}
	return nil
}

// answer replies to a question from the search result. It never presents a
// weak match as an answer: VerdictSuggest says it is not sure and offers the
// ticket first; VerdictNone opens the ticket at once.
func (t *turn) answer(q string, res knowledge.Result) error {
	verdict := res.Verdict
	if len(res.Hits) == 0 {
		verdict = knowledge.VerdictNone
	}
	t.count("supportbot_answers_total", "verdict", string(verdict))
	if !t.o.consented() {
		return t.answerUnconsented(q, res, verdict)
	}
	switch verdict {
	case knowledge.VerdictAnswer:
		shown := res.Hits[:min(len(res.Hits), 1+maxRelated)]
		ref, err := t.saveQuestion(q, verdict, shown)
		if err != nil {
			return err
		}
		t.reply(formatAnswer(t.lang, q, shown, t.now)).Buttons = [][]Button{
			{{Text: tr(t.lang, btnHelpful), Data: cbHelpful + ref}},
			{{Text: tr(t.lang, btnNotHelpful), Data: cbNotHelpful + ref}},
		}
	case knowledge.VerdictSuggest:
		shown := res.Hits[:min(len(res.Hits), maxSuggest)]
		ref, err := t.saveQuestion(q, verdict, shown)
		if err != nil {
			return err
		}
		t.reply(formatSuggest(t.lang, shown, t.now)).Buttons = [][]Button{
			{{Text: tr(t.lang, btnToStaff), Data: cbNotHelpful + ref}},
			{{Text: tr(t.lang, btnHelpful), Data: cbHelpful + ref}},
		}
	default:
		tk, _, err := t.openTicket(q, "", nil, t.source())
		if err != nil {
			return err
		}
		t.reply(tr(t.lang, txtNoneOpened, tk.ID, tk.ID)).TicketID = tk.ID
	}
	return nil
}

// answerUnconsented answers an officer who has not agreed to the privacy
// notice: the same answer, but no question is stored for the feedback
// buttons (it would keep their words and id for QuestionRetention), so the
// only button leads to the notice, which says a ticket needs agreement;
// where a ticket would open, that is said at once.
func (t *turn) answerUnconsented(q string, res knowledge.Result, verdict knowledge.Verdict) error {
	switch verdict {
	case knowledge.VerdictAnswer:
		shown := res.Hits[:min(len(res.Hits), 1+maxRelated)]
		t.reply(formatAnswer(t.lang, q, shown, t.now)).Buttons = [][]Button{
			{{Text: tr(t.lang, btnNotHelpful), Data: cbPrivacyShow}},
		}
	case knowledge.VerdictSuggest:
		shown := res.Hits[:min(len(res.Hits), maxSuggest)]
		t.reply(formatSuggest(t.lang, shown, t.now)).Buttons = [][]Button{
			{{Text: tr(t.lang, btnToStaff), Data: cbPrivacyShow}},
		}
	default:
		t.showNotice(tr(t.lang, txtPrivacyNoneNeedsConsent) + " " + tr(t.lang, txtPrivacyTicketNeedsConsent) + "\n\n")
	}
	return nil
}

func (t *turn) saveQuestion(q string, v knowledge.Verdict, shown []knowledge.Hit) (string, error) {
	aq := &askedQuestion{
		Channel: t.m.Channel, ChatID: t.m.ChatID, UserID: t.m.UserID, UserName: t.m.UserName,
		Text: q, Verdict: v, Hits: hitRefs(shown), At: t.now,
	}
	if len(shown) > 0 {
		aq.Topic = shown[0].Topic
	}
	ref, err := saveQuestion(t.tx, aq)
	if err != nil {
		return "", fmt.Errorf("save question: %w", err)
	}
	return ref, nil
}

// source is the idempotency key of a ticket opened by this very entry.
func (t *turn) source() string { return string(t.m.Channel) + ":" + t.m.SourceID }

// openTicket creates (or finds, for a replayed source) the officer's
// ticket. It refuses with errNeedsConsent an officer who has not agreed to
// the privacy notice.
func (t *turn) openTicket(text, topic string, hits []tickets.HitRef, source string) (*tickets.Ticket, bool, error) {
	if !t.o.consented() {
		return nil, false, errNeedsConsent
	}
	if tp, ok := tickets.NormalizeTopic(topic); ok {
		topic = tp
	} else {
		topic = ""
	}
	province := t.o.Province
	if p, ok := tickets.NormalizeProvince(province); ok {
		province = p
	} else {
		province = ""
	}
	tk, created, err := t.tk.Create(tickets.NewTicket{
		Channel: string(t.m.Channel), UserID: t.m.UserID, ChatID: t.m.ChatID, UserName: t.m.UserName,
		Lang: t.lang, Province: province, Commune: t.o.Commune, Topic: topic,
		Text: text, Hits: hits, Source: source,
	})
	if err != nil {
		return nil, false, fmt.Errorf("open ticket: %w", err)
	}
	if created {
		t.count("supportbot_tickets_opened_total", "channel", string(t.m.Channel))
		if err := t.ticketOpened(tk); err != nil { // the triage card, staff_card.go
			return nil, false, err
		}
	}
	return tk, created, nil
}

// callback handles a button press.
func (t *turn) callback() error {
	data := t.m.CallbackData
	switch {
	case strings.HasPrefix(data, cbHelpful), strings.HasPrefix(data, cbNotHelpful):
		return t.feedback(strings.HasPrefix(data, cbHelpful), data[len(cbHelpful):])
	case strings.HasPrefix(data, cbResolved):
		return t.resolvedFeedback(data[len(cbResolved):]) // staff_relay.go
	case strings.HasPrefix(data, cbLang):
		t.toast("")
		return t.setLang(data[len(cbLang):])
	case strings.HasPrefix(data, cbPrivacy):
		return t.privacyButton(data) // privacy_notice.go
	case strings.HasPrefix(data, cbDeadlineFollow) && t.calendar() != nil && !t.o.consented():
		t.toast("")
		t.needsConsent(txtPrivacyFollowNeedsConsent)
		return nil
	case strings.HasPrefix(data, schedules.ConfirmPrefix):
		if !t.o.keepable() {
			// The confirmation records who confirmed: an old reminder
			// pressed by someone who has since declined.
			t.toast("")
			t.needsConsent(txtPrivacyFollowNeedsConsent)
			return nil
		}
		return t.confirmDeadline(data) // reminders.go
	case strings.HasPrefix(data, cbDeadlines):
		return t.deadlineButton(data) // deadlines.go
	}
	t.toast("") // a stale or foreign button: just stop the client's spinner
	return nil
}

// feedback records a press of "helpful" or "not helpful". "Not helpful"
// opens one ticket with the question and the hits shown, however often it is
// pressed.
func (t *turn) feedback(helpful bool, ref string) error {
	q, err := loadQuestion(t.tx, ref)
	if err != nil {
		return err
	}
	if q == nil && questionIssued(t.tx, ref) {
		// Pruned: asked more than QuestionRetention ago.
		t.toast("")
		t.reply(tr(t.lang, txtFeedbackExpired, int(QuestionRetention/(24*time.Hour))))
		return nil
	}
	if q == nil || q.Channel != t.m.Channel || q.ChatID != t.m.ChatID {
		t.toast("")
		t.reply(tr(t.lang, txtFeedbackGone))
		return nil
	}
	if helpful {
		q.Feedback = "ok"
		t.count("supportbot_feedback_total", "value", "ok")
		t.toast(tr(t.lang, toastThanks))
		return putQuestion(t.tx, q)
	}
	q.Feedback = "no"
	if q.Ticket != "" {
		t.toast(tr(t.lang, toastToStaff))
		t.reply(tr(t.lang, txtTicketExists, q.Ticket, q.Ticket)).TicketID = q.Ticket
		return putQuestion(t.tx, q)
	}
	// The ticket belongs to whoever asked, also when someone else in a
	// group pressed the button; it needs their agreement.
	savedM, savedO := t.m, t.o
	if q.UserID != t.m.UserID {
		asker := *t.m
		asker.UserID, asker.UserName = q.UserID, q.UserName
		o, err := loadOfficer(t.tx, q.Channel, q.UserID)
		if err != nil {
			return err
		}
		if !o.consented() {
			t.toast("")
			t.reply(tr(t.lang, txtPrivacyAskerNeedsConsent))
			return nil
		}
		t.m, t.o = &asker, o
	} else if !t.o.consented() {
		t.toast("")
		t.needsConsent(txtPrivacyTicketNeedsConsent)
		return nil
	}
	t.count("supportbot_feedback_total", "value", "no")
	tk, _, err := t.openTicket(q.Text, q.Topic, q.Hits, "fb:"+string(q.Channel)+":"+q.Ref)
	t.m, t.o = savedM, savedO
	if err != nil {
		return err
	}
	q.Ticket = tk.ID
	t.toast(tr(t.lang, toastToStaff))
	t.reply(tr(t.lang, txtFeedbackTicket, tk.ID, tk.ID)).TicketID = tk.ID
	return putQuestion(t.tx, q)
}

// followUp adds the officer's message to their ticket. A resolved ticket is
// reopened, except by a bare thank-you; a closed one is not touched.
func (t *turn) followUp(id string) error {
	tk, err := t.tk.Get(id)
	if err != nil {
		return fmt.Errorf("follow-up %s: %w", id, err)
	}
	text := withFileNames(strings.TrimSpace(t.m.Text), t.m.Files)
	switch {
	case tk.State == tickets.StateClosed || tk.State == tickets.StateCancelled:
		if t.o.Focus == id {
			t.o.Focus, t.o.FocusUntil = "", time.Time{}
		}
		if isThanks(text) {
			t.reply(tr(t.lang, txtYoureWelcome))
			return nil
		}
		t.reply(tr(t.lang, txtTicketClosed, tk.ID))
		return nil
	case tk.State == tickets.StateResolved && isThanks(text):
		t.reply(tr(t.lang, txtYoureWelcome))
		return nil
	}
	reopened := false
	switch tk.State {
	case tickets.StateResolved:
		if _, err := t.tk.Transition(id, tickets.StateReopened, t.actor(), ""); err != nil {
			return fmt.Errorf("reopen %s: %w", id, err)
		}
		reopened = true
	case tickets.StateWaiting:
		// The officer answered what staff asked: the ball is back with staff.
		if _, err := t.tk.Transition(id, tickets.StateProgress, t.actor(), ""); err != nil {
			return fmt.Errorf("resume %s: %w", id, err)
		}
	}
	_, err = t.tk.AddMessage(id, tickets.ConvMessage{
		At: t.now, From: t.actor(), Text: text, Direction: tickets.DirIn, MessageID: t.m.MessageID,
		Files: attachments(t.m.Files),
	})
	if err != nil {
		return fmt.Errorf("add message to %s: %w", id, err)
	}
	if err := t.officerToStaff(id, text, reopened); err != nil { // staff_relay.go
		return err
	}
	t.o.Focus, t.o.FocusUntil = id, t.now.Add(focusFor)
	key := txtTicketAdded
	if reopened {
		key = txtTicketReopened
	}
	t.reply(tr(t.lang, key, id)).TicketID = id
	return nil
}

func (t *turn) actor() tickets.Actor {
	return tickets.Actor{Kind: tickets.ActorOfficer, ID: string(t.m.Channel) + ":" + t.m.UserID, Name: t.m.UserName}
}

// stateName renders a ticket state in lang.
func stateName(lang string, s tickets.State) string {
	keys := map[tickets.State]textKey{
		tickets.StateNew: txtStateNew, tickets.StateClaimed: txtStateClaimed,
		tickets.StateProgress: txtStateProgress, tickets.StateWaiting: txtStateWaiting,
		tickets.StateResolved: txtStateResolved, tickets.StateClosed: txtStateClosed,
		tickets.StateReopened: txtStateReopened, tickets.StateCancelled: txtStateCancelled,
	}
	if k, ok := keys[s]; ok {
		return tr(lang, k)
	}
	return esc(string(s))
}
