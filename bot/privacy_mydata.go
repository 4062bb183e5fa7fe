package bot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// /dulieu (/mydata): the officer's right of access. The reply shows their
// stored profile and a summary of their tickets; a JSON file holds
// everything stored about them: the profile record, every ticket they
// reported with its public conversation and its states, the questions kept
// for the answers' feedback buttons and the deadlines they follow. Staff's
// internal notes and the notes of ticket events are not theirs and stay
// out.

// dataNewest is how many of the officer's newest tickets the reply lists.
const dataNewest = 10

// dataExport is the JSON file /dulieu sends.
type dataExport struct {
	Exported time.Time `json:"exported_at"`
	Law      string    `json:"law"`
	// Profile is the officer's record as stored; nil without one.
	Profile *officer `json:"profile"`
	// TicketsTotal counts every ticket reported by the officer; Tickets
	// holds them newest first, all unless the file had to be cut to
	// outbox.MaxInlineFile.
	TicketsTotal int            `json:"tickets_total"`
	Tickets      []exportTicket `json:"tickets"`
	// Questions are the officer's recent questions kept for the feedback
	// buttons (QuestionRetention).
	Questions []exportQuestion `json:"questions,omitempty"`
	// Follows are the ids of the deadlines the officer follows.
	Follows []string `json:"follows,omitempty"`
}

type exportTicket struct {
	ID         string          `json:"id"`
	State      tickets.State   `json:"state"`
	Created    time.Time       `json:"created_at"`
	Updated    time.Time       `json:"updated_at"`
	ResolvedAt time.Time       `json:"resolved_at,omitzero"`
	Channel    string          `json:"channel"`
	UserID     string          `json:"user_id"`
	ChatID     string          `json:"chat_id"`
	UserName   string          `json:"user_name,omitempty"`
	Lang       string          `json:"lang,omitempty"`
	Province   string          `json:"province,omitempty"`
	Commune    string          `json:"commune,omitempty"`
	Topic      string          `json:"topic,omitempty"`
	Text       string          `json:"text"`
	Messages   []exportMessage `json:"messages"`
	States     []exportState   `json:"states"`
}

type exportMessage struct {
	At        time.Time `json:"at"`
	From      string    `json:"from"` // officer, staff or system
	Direction string    `json:"direction"`
	Text      string    `json:"text"`
	Files     []string  `json:"files,omitempty"` // their names
}

type exportState struct {
	At   time.Time     `json:"at"`
	From tickets.State `json:"from,omitempty"`
	To   tickets.State `json:"to"`
}

type exportQuestion struct {
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
	Feedback string    `json:"feedback,omitempty"`
	Ticket   string    `json:"ticket,omitempty"`
}

// myData answers /dulieu; in a group, privately.
func (t *turn) myData() error {
	t.notice = true
	return t.privately(func() error {
		ids, err := t.tk.ReporterTickets(string(t.m.Channel), t.m.UserID)
		if err != nil {
			return fmt.Errorf("tickets of %s:%s: %w", t.m.Channel, t.m.UserID, err)
		}
		qs, err := t.questionsOf()
		if err != nil {
			return err
		}
		if !t.o.stored && len(ids) == 0 && len(qs) == 0 {
			t.reply(tr(t.lang, txtPrivacyNothing))
			return nil
		}
		x := dataExport{Exported: t.now, Law: "Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15", TicketsTotal: len(ids), Questions: qs}
		if t.o.stored {
			x.Profile = t.o
		}
		if cal := t.calendar(); cal != nil {
			for _, d := range followedBy(t.tx, cal, ScheduleOfficer(t.o)) {
				x.Follows = append(x.Follows, d.ID)
			}
		}
		for _, id := range slices.Backward(ids) { // newest first
			et, err := t.exportTicket(id)
			if err != nil {
				return err
			}
			x.Tickets = append(x.Tickets, et)
		}
		summary := t.dataSummary(&x)
		data, err := fitExport(&x)
		if err != nil {
			return err
		}
		name := "dulieu-"
		if t.lang == LangEN {
			name = "mydata-"
		}
		name += t.now.In(vietnamTime).Format("20060102") + ".json"
		text := summary + "\n\n" + tr(t.lang, txtPrivacyDataFile, name)
		if len(x.Tickets) < x.TicketsTotal {
			text += "\n" + tr(t.lang, txtPrivacyDataTruncated, len(x.Tickets), x.TicketsTotal)
		}
		t.reply(text).Files = []File{{Name: name, Mime: "application/json", Size: int64(len(data)), Data: data}}
		return nil
	})
}

// exportTicket reads one ticket for the export.
func (t *turn) exportTicket(id string) (exportTicket, error) {
	tk, err := t.tk.Get(id)
	if err != nil {
		return exportTicket{}, fmt.Errorf("export ticket %s: %w", id, err)
	}
	evs, err := t.tk.Events(id)
	if err != nil {
		return exportTicket{}, fmt.Errorf("export ticket %s: %w", id, err)
	}
	et := exportTicket{
		ID: tk.ID, State: tk.State, Created: tk.Created, Updated: tk.Updated, ResolvedAt: tk.ResolvedAt,
		Channel: tk.Channel, UserID: tk.UserID, ChatID: tk.ChatID, UserName: tk.UserName, Lang: tk.Lang,
		Province: tk.Province, Commune: tk.Commune, Topic: tk.Topic, Text: tk.Text,
		Messages: []exportMessage{}, States: []exportState{},
	}
	for _, m := range tk.PublicMessages() {
		em := exportMessage{At: m.At, From: m.From.Kind, Direction: m.Direction, Text: m.Text}
		for _, f := range m.Files {
			em.Files = append(em.Files, f.Name)
		}
		et.Messages = append(et.Messages, em)
	}
	for _, e := range evs {
		if e.Kind == tickets.EventCreated || e.Kind == tickets.EventTransition {
			et.States = append(et.States, exportState{At: e.At, From: e.From, To: e.To})
		}
	}
	return et, nil
}

// questionsOf returns the questions the sender asked that are still kept
// for the feedback buttons, oldest first.
func (t *turn) questionsOf() ([]exportQuestion, error) {
	var out []exportQuestion
	err := t.tx.Bucket(bucketQuestions).ForEach(func(k, v []byte) error {
		var q askedQuestion
		if err := json.Unmarshal(v, &q); err != nil {
			return fmt.Errorf("decode question %s: %w", k, err)
		}
		if q.Channel == t.m.Channel && q.UserID == t.m.UserID {
			out = append(out, exportQuestion{At: q.At, Text: q.Text, Feedback: q.Feedback, Ticket: q.Ticket})
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b exportQuestion) int { return a.At.Compare(b.At) })
	return out, err
}

// fitExport encodes x, dropping its oldest tickets until the file fits in
// an outbox item (outbox.MaxInlineFile).
func fitExport(x *dataExport) ([]byte, error) {
	for {
		data, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode the data export: %w", err)
		}
		if len(data) <= outbox.MaxInlineFile || len(x.Tickets) == 0 {
			return data, nil
		}
		// Keep the share that fits, with a margin, and at least one less.
		keep := min(len(x.Tickets)-1, len(x.Tickets)*outbox.MaxInlineFile/len(data)*9/10)
		x.Tickets = x.Tickets[:max(0, keep)]
	}
}

// dataSummary renders the profile and the tickets of x for the reply.
func (t *turn) dataSummary(x *dataExport) string {
	var b strings.Builder
	b.WriteString(tr(t.lang, txtPrivacyDataHead) + "\n")
	if o := x.Profile; o != nil {
		dash := func(s string) string {
			if s == "" {
				return "—"
			}
			return esc(s)
		}
		role := ""
		for _, r := range roles {
			if r.code == o.Role {
				role = tr(t.lang, r.label)
			}
		}
		lang := tr(t.lang, txtPrivacyLangAuto)
		switch o.Lang {
		case LangVI:
			lang = tr(t.lang, btnLangVI)
		case LangEN:
			lang = tr(t.lang, btnLangEN)
		}
		registered := "—"
		if o.registered() {
			registered = formatDate(t.lang, o.Registered.In(vietnamTime))
		}
		consent := tr(t.lang, txtPrivacyNotAgreed)
		if o.consented() {
			consent = tr(t.lang, txtPrivacyAgreedOn, formatDate(t.lang, o.Consented.In(vietnamTime)), o.Notice)
		}
		b.WriteString(tr(t.lang, txtPrivacyDataProfile, dash(o.Name), esc(string(o.Channel)), esc(o.UserID),
			dash(o.Province), dash(o.Commune), dash(role), lang, registered, consent))
	} else {
		b.WriteString(tr(t.lang, txtPrivacyDataNoProfile))
	}
	b.WriteString("\n\n")
	if x.TicketsTotal == 0 {
		b.WriteString(tr(t.lang, txtPrivacyDataNoTickets))
		return b.String()
	}
	count := map[tickets.State]int{}
	for _, et := range x.Tickets {
		count[et.State]++
	}
	var parts []string
	for _, s := range []tickets.State{tickets.StateNew, tickets.StateClaimed, tickets.StateProgress, tickets.StateWaiting,
		tickets.StateReopened, tickets.StateResolved, tickets.StateClosed, tickets.StateCancelled} {
		if n := count[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", stateName(t.lang, s), n))
		}
	}
	b.WriteString(tr(t.lang, txtPrivacyDataTickets, x.TicketsTotal, strings.Join(parts, "; ")))
	newest := x.Tickets[:min(len(x.Tickets), dataNewest)]
	b.WriteString("\n" + tr(t.lang, txtPrivacyDataNewest, len(newest)))
	for _, et := range newest {
		fmt.Fprintf(&b, "\n• <b>%s</b> · %s · %s · %s", et.ID, stateName(t.lang, et.State),
			formatDate(t.lang, et.Created.In(vietnamTime)), esc(shorten(et.Text, 60)))
	}
	return b.String()
}

// privately runs fn so that its replies go to the sender's private chat:
// said in a group, the officer's data must not be shown to the others
// (as /phieu, groups.go). The group hears only that the answer went
// privately; on a channel whose private chat is not keyed by the user, the
// officer is asked to write privately.
func (t *turn) privately(fn func() error) error {
	if !inGroup(t.m) {
		return fn()
	}
	if t.m.Channel != Telegram {
		t.reply(tr(t.lang, txtPrivacyAskPrivately))
		return nil
	}
	t.reply(tr(t.lang, txtPrivacySentPrivately, esc(t.m.UserName)))
	group := t.m
	private := *t.m
	private.ChatID, private.ChatType, private.MessageID = t.m.UserID, ChatPrivate, ""
	t.m = &private
	defer func() { t.m = group }()
	return fn()
}
