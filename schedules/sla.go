package schedules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// StaffOutbox queues replies inside the caller's write transaction, so that
// they are sent only if it commits. *outbox.Outbox satisfies it.
type StaffOutbox interface {
	EnqueueTx(tx *bolt.Tx, rs ...outbox.Reply) error
}

var _ StaffOutbox = (*outbox.Outbox)(nil)

// OnCallFunc returns the Slack user ID of whoever is on call at now, ""
// for nobody. (*Rota).UserAt is one.
type OnCallFunc func(now time.Time) string

// SLA escalation levels.
const (
	// LevelOnCall: the on-call person is called in the ticket's thread.
	LevelOnCall = 1
	// LevelSupervisor: the supervisor is called, SLAOptions.SupervisorAfter
	// after the on-call person, if the target is still missed.
	LevelSupervisor = 2
)

// SLA targets, as recorded with an escalation.
const (
	TargetFirstResponse = "first_response"
	TargetResolution    = "resolution"
)

// DefaultSupervisorAfter is how long after calling the on-call person the
// supervisor is called when SLAOptions.SupervisorAfter is zero.
const DefaultSupervisorAfter = time.Hour

// SLAJobSpec is when the SLA watch runs: every minute.
const SLAJobSpec = "* * * * *"

// escalationsBucket holds one record per (ticket, target, due, level)
// escalated: key "HT-000042|first_response|<due RFC 3339>|1", value an
// Escalation as JSON.
var escalationsBucket = []byte("schedules_escalations")

// SLAOptions configure an SLAWatch. Tickets, Outbox and Triage are
// required; the rest have working zero values.
type SLAOptions struct {
	Tickets *tickets.Store
	Outbox  StaffOutbox
	// Channel is the staff channel (default outbox.Slack); Triage its
	// triage chat, where each ticket's thread hangs under its card (Ref
	// "triage:<ticket ID>").
	Channel outbox.Channel
	Triage  string
	// OnCall names the person called at level 1; nil or "" calls nobody by
	// name (the message still goes to the thread).
	OnCall OnCallFunc
	// Supervisor is the Slack user ID called at level 2; "" skips level 2.
	Supervisor string
	// SupervisorAfter is the wait between level 1 and level 2 (default
	// DefaultSupervisorAfter).
	SupervisorAfter time.Duration
	// Lang is the staff language, "vi" (default) or "en".
	Lang     string
	Location *time.Location // times shown to staff (default VietnamLocation)
	Logger   *slog.Logger   // default slog.Default()
}

// SLAWatch escalates tickets that missed an SLA target (see Escalate). Safe
// for concurrent use; its state lives in bbolt.
type SLAWatch struct {
	opts SLAOptions
}

// Escalation is the record of one escalation.
type Escalation struct {
	Ticket string    `json:"ticket"`
	Target string    `json:"target"` // TargetFirstResponse or TargetResolution
	Due    time.Time `json:"due"`
	Level  int       `json:"level"`
	At     time.Time `json:"at"`
	User   string    `json:"user,omitempty"` // who was called ("" for nobody)
}

// NewSLAWatch checks opts and creates the escalations bucket.
func NewSLAWatch(opts SLAOptions) (*SLAWatch, error) {
	switch {
	case opts.Tickets == nil:
		return nil, errors.New("schedules: NewSLAWatch: nil ticket store")
	case opts.Outbox == nil:
		return nil, errors.New("schedules: NewSLAWatch: nil outbox")
	case strings.TrimSpace(opts.Triage) == "":
		return nil, errors.New("schedules: NewSLAWatch: no triage chat")
	case opts.SupervisorAfter < 0:
		return nil, fmt.Errorf("schedules: NewSLAWatch: negative supervisor wait %s", opts.SupervisorAfter)
	}
	if opts.Channel == "" {
		opts.Channel = outbox.Slack
	}
	if opts.SupervisorAfter == 0 {
		opts.SupervisorAfter = DefaultSupervisorAfter
	}
	if opts.Location == nil {
		opts.Location = VietnamLocation()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.Lang = staffLang(opts.Lang)
	if err := staffBuckets(opts.Tickets.DB(), escalationsBucket); err != nil {
		return nil, err
	}
	return &SLAWatch{opts: opts}, nil
}

// staffBuckets creates the named buckets if db is writable.
func staffBuckets(db *bolt.DB, names ...[]byte) error {
	if db.IsReadOnly() {
		return nil
	}
	return db.Update(func(tx *bolt.Tx) error {
		for _, n := range names {
			if _, err := tx.CreateBucketIfNotExists(n); err != nil {
				return fmt.Errorf("schedules: create bucket %s: %w", n, err)
			}
		}
		return nil
	})
}

// Register adds the watch to e as the job "sla-escalation", every minute.
func (w *SLAWatch) Register(e *Engine) error {
	return e.Add("sla-escalation", SLAJobSpec, w.Escalate)
}

// Escalate is the job: every open ticket past a target at now is escalated
// once per level and target. Level 1 posts into the ticket's thread,
// mentioning the on-call person at now; level 2, SupervisorAfter after
// level 1 and if the target is still missed, mentions the supervisor. Each
// escalation is recorded in the transaction that enqueues its message, so
// none is sent twice, also across restarts; a target that is met (or a
// ticket that is closed) is never escalated further. A ticket whose due
// time changes (its priority was raised) has a new target, escalated
// anew. Errors are bbolt's or the outbox's; nothing is half-recorded.
func (w *SLAWatch) Escalate(ctx context.Context, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var sent []Escalation
	err := w.opts.Tickets.Batch(func(tx *tickets.Tx) error {
		sent = sent[:0] // Batch may run this more than once
		breached, err := tx.Breached(now)
		if err != nil {
			return fmt.Errorf("schedules: sla: breached tickets: %w", err)
		}
		b := tx.Bolt().Bucket(escalationsBucket)
		if b == nil {
			return fmt.Errorf("schedules: sla: bucket %s missing", escalationsBucket)
		}
		for _, tk := range breached {
			for _, tg := range missedTargets(tk, now) {
				esc, r, ok, err := w.next(b, tk, tg, now)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				if err := w.opts.Outbox.EnqueueTx(tx.Bolt(), r); err != nil {
					return fmt.Errorf("schedules: sla: enqueue escalation of %s: %w", tk.ID, err)
				}
				if err := putEscalation(b, esc); err != nil {
					return err
				}
				sent = append(sent, esc)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range sent {
		w.opts.Logger.Info("sla: ticket escalated", "ticket", e.Ticket, "target", e.Target, "level", e.Level, "user", e.User)
	}
	return nil
}

// missedTarget is one SLA target a ticket has missed.
type missedTarget struct {
	name string
	due  time.Time
}

// missedTargets lists the targets tk has missed at now, first response
// first.
func missedTargets(tk *tickets.Ticket, now time.Time) []missedTarget {
	s := tk.SLAAt(now)
	var out []missedTarget
	if s.FirstResponseBreached {
		out = append(out, missedTarget{TargetFirstResponse, tk.FirstResponseDue})
	}
	if s.ResolutionBreached {
		out = append(out, missedTarget{TargetResolution, tk.ResolutionDue})
	}
	return out
}

// next decides the escalation of target tg of tk due at now, if any: level
// 1 when none was recorded, level 2 when level 1 was recorded at least
// SupervisorAfter ago and a supervisor is set. At most one level per run:
// a target missed while the bot was down is not raised to the supervisor
// before the on-call person has had the interval.
func (w *SLAWatch) next(b *bolt.Bucket, tk *tickets.Ticket, tg missedTarget, now time.Time) (Escalation, outbox.Reply, bool, error) {
	e := Escalation{Ticket: tk.ID, Target: tg.name, Due: tg.due.UTC(), At: now.UTC()}
	lang := w.opts.Lang
	target := stf(lang, stFirstResponse)
	if tg.name == TargetResolution {
		target = stf(lang, stResolution)
	}
	due := stfTime(lang, tg.due, w.opts.Location)
	r := outbox.Reply{Channel: w.opts.Channel, ChatID: w.opts.Triage, ThreadRef: "triage:" + tk.ID, TicketID: tk.ID}

	first, ok, err := getEscalation(b, escalationKey(tk.ID, tg.name, tg.due, LevelOnCall))
	if err != nil {
		return e, r, false, err
	}
	if !ok {
		e.Level = LevelOnCall
		if w.opts.OnCall != nil {
			e.User = w.opts.OnCall(now)
		}
		if e.User != "" {
			r.Text = stf(lang, stEscalate1, stfEsc(tk.ID), target, due)
			r.Mentions = []string{e.User}
		} else {
			r.Text = stf(lang, stEscalate1None, stfEsc(tk.ID), target, due)
		}
		return e, r, true, nil
	}
	if w.opts.Supervisor == "" || now.Sub(first.At) < w.opts.SupervisorAfter {
		return e, r, false, nil
	}
	if b.Get(escalationKey(tk.ID, tg.name, tg.due, LevelSupervisor)) != nil {
		return e, r, false, nil
	}
	e.Level, e.User = LevelSupervisor, w.opts.Supervisor
	r.Text = stf(lang, stEscalate2, stfEsc(tk.ID), target, due, stfDuration(lang, now.Sub(first.At)))
	r.Mentions = []string{w.opts.Supervisor}
	return e, r, true, nil
}

// escalationKey is the key of an escalation record.
func escalationKey(ticket, target string, due time.Time, level int) []byte {
	return fmt.Appendf(nil, "%s|%s|%s|%d", ticket, target, due.UTC().Format(time.RFC3339Nano), level)
}

func getEscalation(b *bolt.Bucket, key []byte) (Escalation, bool, error) {
	v := b.Get(key)
	if v == nil {
		return Escalation{}, false, nil
	}
	var e Escalation
	if err := json.Unmarshal(v, &e); err != nil {
		return Escalation{}, false, fmt.Errorf("schedules: sla: record %s: %w", key, err)
	}
	return e, true, nil
}

func putEscalation(b *bolt.Bucket, e Escalation) error {
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("schedules: sla: encode record: %w", err)
	}
	if err := b.Put(escalationKey(e.Ticket, e.Target, e.Due, e.Level), v); err != nil {
		return fmt.Errorf("schedules: sla: record escalation of %s: %w", e.Ticket, err)
	}
	return nil
}

// Escalations lists the recorded escalations of a ticket, in key order
// (target, due, level). For tests, /support and the operator.
func (w *SLAWatch) Escalations(ticket string) ([]Escalation, error) {
	var out []Escalation
	err := w.opts.Tickets.DB().View(func(tx *bolt.Tx) error {
		b := tx.Bucket(escalationsBucket)
		if b == nil {
			return nil
		}
		prefix := []byte(ticket + "|")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
			var e Escalation
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("schedules: sla: record %s: %w", k, err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
