package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// Announcements (`supportbot broadcast`): one text to every officer who
// has started the bot, or those of one province or role, through the
// durable outbox.
//
// Once per recipient: each (announcement, recipient) pair gets a record in
// bucketAnnTo, written in the same transaction that enqueues its message,
// so a crash leaves either both or neither; the announcement keeps a
// cursor over the officers, so enqueueing resumes where it stopped. The
// outbox's hooks mark each record sent or failed (Router.OnSent and
// OnFailed, or Broadcaster.OnSent / OnFailed where no Router runs), which
// is what `broadcast status` counts. The only doubles a crash can cause
// are the outbox's own: sends in flight at the instant of the crash.
//
// Never starving officers' answers: every copy is a bulk reply
// (Reply.Bulk), which the outbox sends only when no officer's answer is
// ready. On top of that, Broadcaster.Run enqueues in a window: it keeps
// at most BroadcastOptions.Window copies waiting in the outbox (two
// seconds of Telegram's overall limit by default), topping the window up as they
// leave, so the outbox never holds thousands of them (its memory, its
// depth in `status`), an answer waits behind at most a window even where
// a channel has no bulk lane, and the sender is never idle while there is
// more to send.

var (
	bucketAnn   = []byte("bot_announcements")   // id -> announcement JSON
	bucketAnnTo = []byte("bot_announcement_to") // id 0x00 channel 0x00 chat id -> one state byte (annState)
)

// annRefPrefix starts the outbox Ref of an announcement's message:
// "ann:" + id. The hooks find the recipient's record by it.
const annRefPrefix = "ann:"

// annState is where one recipient's copy is.
type annState byte

const (
	stPending annState = 'p' // enqueued, not sent yet
	stSent    annState = 's'
	stFailed  annState = 'f' // refused for good (blocked the bot, chat gone)
)

// Defaults of BroadcastOptions.
const (
	// DefaultBroadcastWindow is how many announcement messages may wait in
	// the outbox at once: two seconds of Telegram's 30 messages/s. Copies
	// sent but not yet recorded (the group commit) still count, so a
	// window of one second could leave the sender idle.
	DefaultBroadcastWindow = 60
	// DefaultBroadcastBatch bounds one enqueueing transaction.
	DefaultBroadcastBatch = 200
	// broadcastTick is how often Run looks at the window.
	broadcastTick = 100 * time.Millisecond
)

// ErrNoRecipients is returned by Broadcaster.Start when no officer
// matches the filter.
var ErrNoRecipients = errors.New("bot: no officer matches the announcement's filter")

// ErrUnknownAnnouncement is returned (wrapped) for an id that names no
// announcement.
var ErrUnknownAnnouncement = errors.New("bot: no such announcement")

// Audience selects an announcement's recipients; the zero value is every
// officer who has started the bot.
type Audience struct {
	Province string `json:"province,omitempty"` // a province as tickets.NormalizeProvince accepts it
	Role     string `json:"role,omitempty"`     // a registration role code
}

// Announcement is one broadcast as stored.
type Announcement struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"` // the operator's text, plain
	Audience Audience  `json:"audience"`
	Created  time.Time `json:"created"`
	Total    int       `json:"total"` // recipients when it was started
	// Cursor is the key of the last officer considered; Queued how many
	// copies are enqueued; Enqueued is set once every officer was.
	Cursor   []byte `json:"cursor,omitempty"`
	Queued   int    `json:"queued"`
	Enqueued bool   `json:"enqueued,omitempty"`
	// Settled is set once every copy is sent or failed: Run no longer
	// counts its copies.
	Settled bool `json:"settled,omitempty"`
}

// AnnouncementStatus is an announcement with its counts.
type AnnouncementStatus struct {
	Announcement
	Sent    int `json:"sent"`
	Pending int `json:"pending"` // enqueued and not sent, plus not yet enqueued
	Failed  int `json:"failed"`
}

// Done reports whether every copy is sent or failed.
func (s AnnouncementStatus) Done() bool { return s.Enqueued && s.Pending == 0 }

// Recipient is one officer an announcement goes to.
type Recipient struct {
	Channel  Channel `json:"channel"`
	ChatID   string  `json:"chat_id"`
	Name     string  `json:"name,omitempty"`
	Province string  `json:"province,omitempty"`
	Role     string  `json:"role,omitempty"`
	Lang     string  `json:"lang,omitempty"`
}

// BroadcastOptions tune a Broadcaster; the zero value works.
type BroadcastOptions struct {
	Window int              // announcement messages waiting in the outbox at most; 0: DefaultBroadcastWindow
	Batch  int              // copies per enqueueing transaction at most; 0: DefaultBroadcastBatch
	Now    func() time.Time // nil: time.Now
	// Channels are the channels whose officers receive announcements; nil
	// means Telegram only (its private chat is keyed by the user).
	Channels []Channel
}

// Broadcaster stores announcements and feeds them to the outbox. It is
// safe for concurrent use; one Run per database.
type Broadcaster struct {
	db       *bolt.DB
	out      *Outbox
	window   int
	batch    int
	now      func() time.Time
	channels []Channel
	wake     chan struct{} // buffered 1: Start wakes Run
}

// NewBroadcaster returns a Broadcaster over db, enqueueing into out (which
// must use db), and creates its buckets.
func NewBroadcaster(db *bolt.DB, out *Outbox, opts BroadcastOptions) (*Broadcaster, error) {
	switch {
	case db == nil:
		return nil, errors.New("bot: NewBroadcaster: nil db")
	case out == nil:
		return nil, errors.New("bot: NewBroadcaster: nil outbox")
	case opts.Window < 0 || opts.Batch < 0:
		return nil, fmt.Errorf("bot: NewBroadcaster: window %d, batch %d", opts.Window, opts.Batch)
	}
	b := &Broadcaster{db: db, out: out, window: opts.Window, batch: opts.Batch, now: opts.Now,
		channels: opts.Channels, wake: make(chan struct{}, 1)}
	if b.window == 0 {
		b.window = DefaultBroadcastWindow
	}
	if b.batch == 0 {
		b.batch = DefaultBroadcastBatch
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.channels == nil {
		b.channels = []Channel{Telegram}
	}
	err := db.Update(func(tx *bolt.Tx) error {
		for _, n := range [][]byte{bucketAnn, bucketAnnTo, bucketOfficers} {
			if _, err := tx.CreateBucketIfNotExists(n); err != nil {
				return fmt.Errorf("create bucket %s: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bot: broadcaster: %w", err)
	}
	return b, nil
}

// normalize checks an audience and puts its province in canonical form.
func (a Audience) normalize() (Audience, error) {
	if a.Province != "" {
		p, ok := tickets.NormalizeProvince(a.Province)
		if !ok || p == "" {
			return a, fmt.Errorf("bot: unknown province %q", a.Province)
		}
		a.Province = p
	}
	if a.Role != "" {
		known := false
		for _, r := range roles {
			if strings.EqualFold(r.code, a.Role) {
				a.Role, known = r.code, true
			}
		}
		if !known {
			codes := make([]string, len(roles))
			for i, r := range roles {
				codes[i] = r.code
			}
			return a, fmt.Errorf("bot: unknown role %q (known: %s)", a.Role, strings.Join(codes, ", "))
		}
	}
	return a, nil
}

// match reports whether officer record o receives an announcement to a.
func (b *Broadcaster) match(o *officer, a Audience) bool {
	ok := false
	for _, ch := range b.channels {
		ok = ok || o.Channel == ch
	}
	return ok && (a.Province == "" || o.Province == a.Province) && (a.Role == "" || o.Role == a.Role)
}

func recipientOf(o *officer) Recipient {
	return Recipient{Channel: o.Channel, ChatID: o.UserID, Name: o.Name, Province: o.Province, Role: o.Role, Lang: o.Lang}
}

// Recipients returns who an announcement to a would reach now: every
// officer record (made by /start, kept by registration) on the
// Broadcaster's channels that matches a. An invalid province or role is an
// error.
func (b *Broadcaster) Recipients(a Audience) ([]Recipient, error) {
	a, err := a.normalize()
	if err != nil {
		return nil, err
	}
	var out []Recipient
	err = b.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOfficers).ForEach(func(_, v []byte) error {
			var o officer
			if err := json.Unmarshal(v, &o); err != nil {
				return nil // an unreadable record is skipped, not fatal
			}
			if b.match(&o, a) {
				out = append(out, recipientOf(&o))
			}
			return nil
		})
	})
	return out, err
}

// announcementID names an announcement by its text, audience and day (in
// Vietnam): starting the same announcement again the same day resumes it
// instead of sending it twice.
func announcementID(text string, a Audience, at time.Time) string {
	h := sha256.Sum256([]byte(at.In(vietnamTime).Format("2006-01-02") + "\x00" + a.Province + "\x00" + a.Role + "\x00" + text))
	return "A" + at.In(vietnamTime).Format("060102") + "-" + hex.EncodeToString(h[:4])
}

// Start records an announcement of text to a and wakes Run, which
// enqueues it. The same text to the same audience on the same day is the
// same announcement: Start returns it as it is (created false), so that
// running the command again after a crash resumes it. It returns
// ErrNoRecipients when nobody matches.
func (b *Broadcaster) Start(text string, a Audience) (ann Announcement, created bool, err error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Announcement{}, false, errors.New("bot: empty announcement")
	}
	if a, err = a.normalize(); err != nil {
		return Announcement{}, false, err
	}
	rs, err := b.Recipients(a)
	if err != nil {
		return Announcement{}, false, err
	}
	now := b.now()
	id := announcementID(text, a, now)
	err = b.db.Update(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketAnn).Get([]byte(id)); v != nil {
			return json.Unmarshal(v, &ann)
		}
		if len(rs) == 0 {
			return ErrNoRecipients
		}
		ann, created = Announcement{ID: id, Text: text, Audience: a, Created: now, Total: len(rs)}, true
		return putAnnouncement(tx, &ann)
	})
	if err != nil {
		return Announcement{}, false, fmt.Errorf("bot: start announcement: %w", err)
	}
	select {
	case b.wake <- struct{}{}:
	default:
	}
	return ann, created, nil
}

func putAnnouncement(tx *bolt.Tx, a *Announcement) error {
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketAnn).Put([]byte(a.ID), v)
}

func annToKey(id string, ch Channel, chat string) []byte {
	return []byte(id + "\x00" + string(ch) + "\x00" + chat)
}

// Run enqueues the announcements not fully enqueued, a window at a time,
// until ctx is done (then it returns nil). It picks up announcements left
// half-enqueued by a crash as well as new ones from Start.
func (b *Broadcaster) Run(ctx context.Context) error {
	tick := time.NewTicker(broadcastTick)
	defer tick.Stop()
	for {
		if _, err := b.Step(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-b.wake:
		}
	}
}

// Step tops the window up once: it enqueues copies of unfinished
// announcements until Window of them wait in the outbox, in transactions of
// at most Batch copies. It returns how many it enqueued. Run calls it
// every tick; tests and the CLI may call it directly.
func (b *Broadcaster) Step() (int, error) {
	list, err := b.unsettled()
	if err != nil {
		return 0, err
	}
	waiting := 0
	for _, s := range list {
		waiting += s.Queued - s.Sent - s.Failed
	}
	total := 0
	for _, s := range list {
		if s.Done() {
			if err := b.settle(s.ID); err != nil {
				return total, err
			}
			continue
		}
		for !s.Enqueued && waiting < b.window {
			n, err := b.enqueue(s.ID, min(b.batch, b.window-waiting))
			if err != nil {
				return total, err
			}
			if n < 0 { // finished
				break
			}
			waiting += n
			total += n
			s.Queued += n
		}
	}
	return total, nil
}

// enqueue enqueues up to limit more copies of announcement id in one
// transaction; it returns -1 once the announcement is fully enqueued.
func (b *Broadcaster) enqueue(id string, limit int) (int, error) {
	n := 0
	err := b.db.Update(func(tx *bolt.Tx) error {
		n = 0
		var ann Announcement
		v := tx.Bucket(bucketAnn).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: %s", ErrUnknownAnnouncement, id)
		}
		if err := json.Unmarshal(v, &ann); err != nil {
			return fmt.Errorf("decode announcement %s: %w", id, err)
		}
		if ann.Enqueued {
			n = -1
			return nil
		}
		to := tx.Bucket(bucketAnnTo)
		c := tx.Bucket(bucketOfficers).Cursor()
		var k, ov []byte
		if ann.Cursor == nil {
			k, ov = c.First()
		} else if k, ov = c.Seek(ann.Cursor); k != nil && bytes.Equal(k, ann.Cursor) {
			k, ov = c.Next()
		}
		var replies []Reply
		for ; k != nil && len(replies) < limit; k, ov = c.Next() {
			ann.Cursor = append([]byte(nil), k...)
			var o officer
			if json.Unmarshal(ov, &o) != nil || !b.match(&o, ann.Audience) {
				continue
			}
			key := annToKey(id, o.Channel, o.UserID)
			if to.Get(key) != nil {
				continue
			}
			if err := to.Put(key, []byte{byte(stPending)}); err != nil {
				return err
			}
			replies = append(replies, Reply{Channel: o.Channel, ChatID: o.UserID,
				Text: tr(o.lang(""), txtAnnouncement, esc(ann.Text)), Ref: annRefPrefix + id,
				Bulk: true}) // the outbox's low-priority lane: answers go first
		}
		if k == nil {
			ann.Enqueued = true
		}
		ann.Queued += len(replies)
		n = len(replies)
		if err := putAnnouncement(tx, &ann); err != nil {
			return err
		}
		if len(replies) == 0 {
			return nil
		}
		return b.out.EnqueueTx(tx, replies...)
	})
	if err != nil {
		return 0, fmt.Errorf("bot: enqueue announcement %s: %w", id, err)
	}
	return n, nil
}

// unsettled returns the announcements not yet settled, with their counts.
func (b *Broadcaster) unsettled() ([]AnnouncementStatus, error) {
	var out []AnnouncementStatus
	err := b.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAnn).ForEach(func(k, v []byte) error {
			var a Announcement
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("announcement %s: %w", k, err)
			}
			if a.Settled {
				return nil
			}
			s, err := statusTx(tx, v)
			if err != nil {
				return fmt.Errorf("announcement %s: %w", k, err)
			}
			out = append(out, s)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bot: announcements: %w", err)
	}
	return out, nil
}

// settle marks announcement id settled.
func (b *Broadcaster) settle(id string) error {
	err := b.db.Update(func(tx *bolt.Tx) error {
		var a Announcement
		v := tx.Bucket(bucketAnn).Get([]byte(id))
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		a.Settled = true
		return putAnnouncement(tx, &a)
	})
	if err != nil {
		return fmt.Errorf("bot: settle announcement %s: %w", id, err)
	}
	return nil
}

// List returns every announcement with its counts, newest first.
func (b *Broadcaster) List() ([]AnnouncementStatus, error) {
	var out []AnnouncementStatus
	err := b.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAnn).ForEach(func(k, v []byte) error {
			s, err := statusTx(tx, v)
			if err != nil {
				return fmt.Errorf("announcement %s: %w", k, err)
			}
			out = append(out, s)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bot: list announcements: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Status returns one announcement with its counts, or an error wrapping
// ErrUnknownAnnouncement.
func (b *Broadcaster) Status(id string) (AnnouncementStatus, error) {
	var s AnnouncementStatus
	err := b.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketAnn).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: %s", ErrUnknownAnnouncement, id)
		}
		var err error
		s, err = statusTx(tx, v)
		return err
	})
	return s, err
}

func statusTx(tx *bolt.Tx, v []byte) (AnnouncementStatus, error) {
	var s AnnouncementStatus
	if err := json.Unmarshal(v, &s.Announcement); err != nil {
		return s, err
	}
	prefix := []byte(s.ID + "\x00")
	c := tx.Bucket(bucketAnnTo).Cursor()
	for k, st := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, st = c.Next() {
		switch annState(st[0]) {
		case stSent:
			s.Sent++
		case stFailed:
			s.Failed++
		default:
			s.Pending++
		}
	}
	if !s.Enqueued {
		s.Pending += max(0, s.Total-s.Queued)
	}
	return s, nil
}

func isAnnouncementRef(ref string) bool { return strings.HasPrefix(ref, annRefPrefix) }

// markAnnouncement records the outcome of one copy, in the outbox's
// recording transaction. A copy whose record is gone is ignored.
func markAnnouncement(tx *bolt.Tx, rep Reply, st annState) error {
	to := tx.Bucket(bucketAnnTo)
	if to == nil {
		return nil
	}
	key := annToKey(strings.TrimPrefix(rep.Ref, annRefPrefix), rep.Channel, rep.ChatID)
	if to.Get(key) == nil {
		return nil
	}
	if err := to.Put(key, []byte{byte(st)}); err != nil {
		return fmt.Errorf("bot: record announcement copy: %w", err)
	}
	return nil
}

// OnSent is an OutboxOptions.OnSent for a process without a Router (the
// CLI sending alone); the Router's OnSent does the same.
func (b *Broadcaster) OnSent(tx *bolt.Tx, rep Reply, _ string) error {
	if isAnnouncementRef(rep.Ref) {
		return markAnnouncement(tx, rep, stSent)
	}
	return nil
}

// OnFailed is an OutboxOptions.OnFailed for a process without a Router.
func (b *Broadcaster) OnFailed(tx *bolt.Tx, rep Reply, _ error) error {
	if isAnnouncementRef(rep.Ref) {
		return markAnnouncement(tx, rep, stFailed)
	}
	return nil
}

// sentHook is the part of Router.OnSent for announcements and group
// chats: it marks a copy of an announcement sent, and remembers the bot's
// messages in groups so that replies to them count as addressed to it.
func (r *Router) sentHook(tx *bolt.Tx, rep Reply, sentID string) error {
	switch {
	case isAnnouncementRef(rep.Ref):
		return markAnnouncement(tx, rep, stSent)
	case sentID != "" && rep.TicketID == "" && groupReply(rep):
		return recordSent(tx, rep.Channel, rep.ChatID, sentID, r.now())
	}
	return nil
}
