package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// noticesBucket records the once-only staff notices: on-call handovers,
// the evening-before DMs and the daily digests. Key "handover|<from>|<user>",
// "dm|<from>|<user>" or "digest|<YYYY-MM-DD>"; value the time it was sent
// (RFC 3339).
var noticesBucket = []byte("schedules_notices")

// Defaults of RotaNoticesOptions.
const (
	// DefaultHandoverGrace is how late a handover message may still go out
	// (the bot was down at the handover).
	DefaultHandoverGrace = 2 * time.Hour
	// DefaultDMHour is the hour (local) of the evening before a shift at
	// which its person gets a DM.
	DefaultDMHour = 18
	// RotaJobSpec is when the rota notices run: every minute, since a
	// handover or a swap may start at any minute.
	RotaJobSpec = "* * * * *"
)

// RotaNoticesOptions configure RotaNotices. DB, Outbox, Triage and Rota are
// required.
type RotaNoticesOptions struct {
	DB      *bolt.DB
	Outbox  StaffOutbox
	Channel outbox.Channel // default outbox.Slack
	Triage  string         // the triage chat, where handovers are announced
	Rota    *Rota
	Lang    string // staff language, "vi" (default) or "en"
	// HandoverGrace: a handover is announced if the job sees it within
	// this long after it (default DefaultHandoverGrace); an older one is
	// not (the bot was down), and the DM was sent the evening before.
	HandoverGrace time.Duration
	// DMHour is the local hour of the evening before (default 18; 0
	// means the default).
	DMHour int
	Logger *slog.Logger
}

// RotaNotices announces on-call handovers in the triage chat and sends the
// incoming person a DM the evening before, each exactly once (recorded in
// bbolt with the enqueue).
type RotaNotices struct {
	opts RotaNoticesOptions
}

// NewRotaNotices checks opts and creates the notices bucket.
func NewRotaNotices(opts RotaNoticesOptions) (*RotaNotices, error) {
	switch {
	case opts.DB == nil:
		return nil, errors.New("schedules: NewRotaNotices: nil db")
	case opts.Outbox == nil:
		return nil, errors.New("schedules: NewRotaNotices: nil outbox")
	case strings.TrimSpace(opts.Triage) == "":
		return nil, errors.New("schedules: NewRotaNotices: no triage chat")
	case opts.Rota == nil:
		return nil, errors.New("schedules: NewRotaNotices: nil rota")
	case opts.DMHour < 0 || opts.DMHour > 23:
		return nil, fmt.Errorf("schedules: NewRotaNotices: DM hour %d (want 0–23)", opts.DMHour)
	}
	if opts.Channel == "" {
		opts.Channel = outbox.Slack
	}
	if opts.HandoverGrace <= 0 {
		opts.HandoverGrace = DefaultHandoverGrace
	}
	if opts.DMHour == 0 {
		opts.DMHour = DefaultDMHour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.Lang = staffLang(opts.Lang)
	if err := staffBuckets(opts.DB, noticesBucket); err != nil {
		return nil, err
	}
	return &RotaNotices{opts: opts}, nil
}

// Register adds the notices to e as the job "oncall-rota", every minute.
func (n *RotaNotices) Register(e *Engine) error {
	return e.Add("oncall-rota", RotaJobSpec, n.Run)
}

// Run is the job. At a handover (a new person's shift started at most
// HandoverGrace ago) it posts to the triage chat who is on call until when,
// mentioning them; from DMHour on the evening before the next shift (the
// day before it starts, local time) until it starts, it sends the incoming
// person a DM. Each once: the record commits with the enqueue.
func (n *RotaNotices) Run(ctx context.Context, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, lang, loc := n.opts.Rota, n.opts.Lang, n.opts.Rota.Location()
	cur := r.At(now)
	var out []noticeItem
	if cur.User != "" && !now.Before(cur.From) && now.Sub(cur.From) < n.opts.HandoverGrace {
		prev := r.At(cur.From.Add(-time.Nanosecond))
		text := stf(lang, stHandoverFirst, "<b>"+stfEsc(cur.Label())+"</b>", stfTime(lang, cur.Until, loc))
		if prev.User != "" && prev.User != cur.User {
			text = stf(lang, stHandover, "<b>"+stfEsc(cur.Label())+"</b>", stfTime(lang, cur.Until, loc), stfEsc(prev.Label()))
		}
		out = append(out, noticeItem{
			key:   noticeKey("handover", cur.From, cur.User),
			reply: outbox.Reply{Channel: n.opts.Channel, ChatID: n.opts.Triage, Text: text, Mentions: []string{cur.User}},
		})
	}
	next := r.At(cur.Until)
	if next.User != "" && next.User != cur.User {
		f := next.From.In(loc)
		dmAt := time.Date(f.Year(), f.Month(), f.Day()-1, n.opts.DMHour, 0, 0, 0, loc)
		if !now.Before(dmAt) && now.Before(next.From) {
			out = append(out, noticeItem{
				key: noticeKey("dm", next.From, next.User),
				reply: outbox.Reply{Channel: n.opts.Channel, ChatID: next.User,
					Text: stf(lang, stHandoverDM, stfTime(lang, next.From, loc), stfTime(lang, next.Until, loc))},
			})
		}
	}
	sent, err := sendNotices(n.opts.DB, n.opts.Outbox, now, out)
	for _, k := range sent {
		n.opts.Logger.Info("oncall: notice sent", "notice", k)
	}
	return err
}

// noticeItem is one once-only message and its record key.
type noticeItem struct {
	key   string
	reply outbox.Reply
}

func noticeKey(kind string, from time.Time, user string) string {
	return kind + "|" + from.UTC().Format(time.RFC3339) + "|" + user
}

// sendNotices enqueues the items not recorded yet and records them, in
// one transaction. It returns the keys sent.
func sendNotices(db *bolt.DB, ob StaffOutbox, now time.Time, items []noticeItem) ([]string, error) {
	if len(items) == 0 {
		return nil, nil
	}
	var sent []string
	err := db.Update(func(tx *bolt.Tx) error {
		sent = sent[:0]
		b := tx.Bucket(noticesBucket)
		if b == nil {
			return fmt.Errorf("schedules: bucket %s missing", noticesBucket)
		}
		for _, it := range items {
			if b.Get([]byte(it.key)) != nil {
				continue
			}
			if err := ob.EnqueueTx(tx, it.reply); err != nil {
				return fmt.Errorf("schedules: enqueue %s: %w", it.key, err)
			}
			if err := b.Put([]byte(it.key), []byte(now.UTC().Format(time.RFC3339))); err != nil {
				return fmt.Errorf("schedules: record %s: %w", it.key, err)
			}
			sent = append(sent, it.key)
		}
		return nil
	})
	return sent, err
}

// noticeSent reports whether the notice key was recorded.
func noticeSent(db *bolt.DB, key string) (bool, error) {
	var ok bool
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(noticesBucket); b != nil {
			ok = b.Get([]byte(key)) != nil
		}
		return nil
	})
	return ok, err
}

// Notices lists the recorded notices (key → when sent), for tests and the
// operator.
func Notices(db *bolt.DB) (map[string]time.Time, error) {
	out := make(map[string]time.Time)
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(noticesBucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			t, err := time.Parse(time.RFC3339, string(v))
			if err != nil {
				return fmt.Errorf("schedules: notice %s: %w", k, err)
			}
			out[string(k)] = t
			return nil
		})
	})
	return out, err
}
