package bot

// The staff side of the core: ministry staff work tickets on a staff
// channel (Slack), officers keep talking to the bot on theirs (Telegram).
//
// Every ticket gets a triage card in StaffOptions.Triage, posted in the
// transaction that creates the ticket (staff_card.go). Its buttons and the
// card's thread are how staff act (staff_actions.go); staff replies are
// relayed to the officer and officers' messages to the thread
// (staff_relay.go). The core stays channel-neutral: it only fills Reply
// fields (Kind, Ref, ThreadRef, Fields, Buttons, View, Mentions, Name) and
// the channel renders them.

import (
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// StaffOptions name the staff channel. The zero value has none: no card is
// posted and the officers' flows are unchanged.
type StaffOptions struct {
	// Channel is the staff channel (Slack). Messages on it from a sender
	// whose Role is not RoleOfficer are staff's (or guests').
	Channel Channel
	// Triage is the chat (Slack channel ID) where triage cards are posted
	// and each ticket's thread lives. Required with Channel.
	Triage string
	// OnCall is the user (Slack user ID) mentioned on urgent tickets; ""
	// mentions nobody.
	OnCall string
	// OnCallFunc, when set, names the on-call person at a moment and is
	// used instead of OnCall (cmd wires the rota's UserAt).
	OnCallFunc func(now time.Time) string
	// Rota, when set, answers /support oncall (schedules.Rota implements
	// it); unset, /support oncall shows the help.
	Rota OnCallRota
	// Lang is the staff's language, LangVI (the default) or LangEN.
	Lang string
	// KnowledgeDir is the knowledge base directory. When set, a ticket
	// resolved with "propose for the knowledge base" ticked gets its draft
	// written at once (tickets.Store.Promote, after the commit); when
	// empty, the proposal is only recorded on the ticket, and the operator
	// writes the draft with `supportbot tickets promote`.
	KnowledgeDir string
}

// CommandHome is the Message.Command a channel sets when a staff member
// opens the bot's home page (Slack app_home_opened); every other Command
// on the staff channel is a /support command with its arguments in Text.
const CommandHome = "app_home"

// cbTicket starts the data of a triage card's buttons: "tk:claim:HT-000042".
const cbTicket = "tk:"

// The actions of a triage card's buttons.
const (
	actClaim    = "claim"
	actReply    = "reply"
	actResolve  = "resolve"
	actEscalate = "escalate"
	actClose    = "close"
)

// The Views staff submit, by View.ID, and their inputs.
const (
	viewReply   = "reply"
	viewResolve = "resolve"

	inText     = "text"
	inInternal = "internal"
	inAnswer   = "answer"
	inSources  = "sources"
	inPropose  = "propose"
)

// kindStaff is an entry for the staff side: a card's button, a submitted
// View, a /support command or the home page, a message in the triage
// channel.
const kindStaff planKind = 100

func (s StaffOptions) enabled() bool { return s.Channel != "" }

// OnCallRota tells who is on call: *schedules.Rota implements it.
type OnCallRota interface {
	// OnCallText renders who is on call at now and who is next, in the
	// core markup, in lang.
	OnCallText(now time.Time, lang string) string
}

// onCall returns the Slack user ID of the on-call person at now: from
// OnCallFunc when set, else OnCall; "" for nobody.
func (s StaffOptions) onCall(now time.Time) string {
	if s.OnCallFunc != nil {
		return s.OnCallFunc(now)
	}
	return s.OnCall
}

// check validates s and fills the default language.
func (s StaffOptions) check() (StaffOptions, error) {
	if !s.enabled() {
		return StaffOptions{}, nil
	}
	if strings.TrimSpace(s.Triage) == "" {
		return s, fmt.Errorf("bot: NewRouter: staff channel %s without a triage chat", s.Channel)
	}
	switch l := normLang(s.Lang); {
	case s.Lang == "":
		s.Lang = LangVI
	case l == "":
		return s, fmt.Errorf("bot: NewRouter: staff language %q (want vi or en)", s.Lang)
	default:
		s.Lang = l
	}
	return s, nil
}

// classify decides what e is: something for the staff side, or whatever
// the officers' classify says.
func (r *Router) classify(tx *bolt.Tx, e *inboxEntry, o *officer, now time.Time) (plan, error) {
	if r.staffEntry(&e.Msg) {
		// "/support ask …" is searched before the transaction, like /hoi.
		return plan{kind: kindStaff, query: supportQuery(&e.Msg)}, nil
	}
	return classify(tx, r.st, e, o, now, r.botUsername)
}

// staffEntry reports whether m is for the staff side: on the staff channel,
// from a non-officer, and a card's button, a View, a command, or anything
// said in the triage chat. A staff member's direct message to the bot is
// not: it is a question like an officer's.
func (r *Router) staffEntry(m *Message) bool {
	s := r.staff
	if !s.enabled() || m.Channel != s.Channel || m.Role == RoleOfficer {
		return false
	}
	return m.ViewID != "" || m.Command != "" || strings.HasPrefix(m.CallbackData, cbTicket) || m.ChatID == s.Triage
}

// triageRef is the Ref of a ticket's triage card, whose thread is the
// ticket's.
func triageRef(id string) string { return "triage:" + id }

// ticketButton is the data of a card's button: "tk:claim:HT-000042".
func ticketButton(action, id string) string { return cbTicket + action + ":" + id }

// staffActor is the sender of the entry as a tickets.Actor: "slack:U024BE7LH".
func (t *turn) staffActor() tickets.Actor {
	return tickets.Actor{Kind: tickets.ActorStaff, ID: string(t.m.Channel) + ":" + t.m.UserID, Name: t.m.UserName}
}

// staffName is how the sender is named to others: their display name, or
// their user ID.
func (t *turn) staffName() string {
	if n := strings.TrimSpace(t.m.UserName); n != "" {
		return n
	}
	return t.m.UserID
}

// ephemeral shows text to the sender only, in the chat they acted in (the
// triage chat for a View, which has none).
func (t *turn) ephemeral(text string) {
	chat, thread := t.m.ChatID, t.m.Thread
	if chat == "" {
		chat, thread = t.r.staff.Triage, ""
	}
	t.replies = append(t.replies, Reply{Channel: t.m.Channel, ChatID: chat, Thread: thread,
		Kind: outbox.KindEphemeral, UserID: t.m.UserID, Text: text})
}

// toThread queues a message into ticket id's thread in the triage chat.
func (t *turn) toThread(id, text string) *Reply {
	t.replies = append(t.replies, t.r.threadPost(id, text))
	return &t.replies[len(t.replies)-1]
}

func (r *Router) threadPost(id, text string) Reply {
	return Reply{Channel: r.staff.Channel, ChatID: r.staff.Triage, ThreadRef: triageRef(id), Text: text}
}

// maxFilesKept is how many files of one message a ticket keeps (the
// store's limit); channels deliver fewer in practice (Telegram: one per
// message, an album being several messages).
const maxFilesKept = 10

// attachments keeps what a ticket needs of a message's files.
func attachments(fs []File) []tickets.Attachment {
	if len(fs) == 0 {
		return nil
	}
	out := make([]tickets.Attachment, 0, len(fs))
	for _, f := range fs[:min(len(fs), maxFilesKept)] {
		out = append(out, tickets.Attachment{Channel: string(f.From), ID: f.ID, Name: f.Name, Mime: f.Mime, Size: f.Size, Path: f.Path, URL: f.URL})
	}
	return out
}

// files turns a ticket message's attachments back into Reply files.
func files(as []tickets.Attachment) []File {
	if len(as) == 0 {
		return nil
	}
	out := make([]File, 0, len(as))
	for _, a := range as {
		out = append(out, File{From: Channel(a.Channel), ID: a.ID, Name: a.Name, Mime: a.Mime, Size: a.Size, Path: a.Path, URL: a.URL})
	}
	return out
}

// File problems a channel reports in Message.FileProblem.
const (
	FileTooBig      = "too_big"
	FileUnsupported = "unsupported"
)

// fileProblem tells the sender that an attachment was not taken; the text
// of the message is handled anyway.
func (t *turn) fileProblem() {
	key := txtFileUnsupported
	switch t.m.FileProblem {
	case "":
		return
	case FileTooBig:
		key = txtFileTooBig
	}
	if t.r.staffEntry(t.m) {
		t.ephemeral(tr(t.lang, key))
		return
	}
	t.reply(tr(t.lang, key))
}
