package schedules_test

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

// remClock is an injected clock.
type remClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *remClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *remClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, schedules.VietnamLocation())
}

// remOutbox stands in for the outbox: it stores each reply in the caller's
// transaction, so a rolled-back fan-out leaves nothing, like EnqueueTx.
type remOutbox struct{}

var remOutboxBucket = []byte("test_rem_outbox")

func (remOutbox) EnqueueTx(tx *bolt.Tx, rs ...outbox.Reply) error {
	return storeReplies(tx, remOutboxBucket, rs...)
}

// remCalendar is a test calendar: a yearly commune report due 20/12, a
// yearly province report due 20/12, and a one-off report due 15/12/2026.
const remCalendarYAML = `
deadlines:
  - id: t-commune
    title: {vi: Báo cáo xã, en: Commune report}
    basis: {document: Thông tư thử, article: Điều 1, url: "https://example.vn/tt"}
    confidence: check status
    audience: commune_pc
    recurrence: {yearly: ["20/12"]}
    cutoff: {vi: Từ 15/12 năm trước đến 14/12, en: 15 Dec to 14 Dec}
    reminders: {offsets: [7d, 3d, 1d, 0d], at: "08:00"}
  - id: t-province
    title: {vi: Báo cáo tỉnh, en: Province report}
    basis: {document: Nghị định thử, url: "https://example.vn/nd"}
    confidence: verified
    audience: province_dost
    recurrence: {cron: "0 8 25 * *"}
    reminders: {offsets: [1d], at: "09:30"}
  - id: t-once
    title: {vi: Báo cáo một lần, en: One-off report}
    basis: {document: Công văn thử, url: "https://example.vn/cv"}
    confidence: verified
    audience: commune_pc
    recurrence: {once: ["15/12/2026"]}
    reminders: {offsets: [3d], at: "08:00"}
`

func remCalendar(t *testing.T) *schedules.Calendar {
	t.Helper()
	c, err := schedules.ParseCalendar("test.yaml", []byte(remCalendarYAML))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// remEnv is a database with reminders over a fixed list of officers.
type remEnv struct {
	path     string
	db       *bolt.DB
	r        *schedules.Reminders
	clk      *remClock
	officers []schedules.Officer
	opts     schedules.Options
}

func officer(user, province, commune string, aud schedules.Audience, lang string) schedules.Officer {
	return schedules.Officer{Channel: outbox.Telegram, UserID: user, ChatID: user, Lang: lang,
		Province: province, Commune: commune, Audience: aud}
}

func newRemEnv(t *testing.T, officers []schedules.Officer, opts schedules.Options) *remEnv {
	t.Helper()
	e := &remEnv{path: filepath.Join(t.TempDir(), "bot.db"), clk: &remClock{}, officers: officers, opts: opts}
	e.open(t)
	t.Cleanup(func() { e.db.Close() })
	return e
}

// open (re)opens the database and makes fresh Reminders: a restart.
func (e *remEnv) open(t *testing.T) {
	t.Helper()
	db, err := bolt.Open(e.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
	opts := e.opts
	if opts.Calendar == nil {
		opts.Calendar = remCalendar(t)
	}
	opts.Directory = schedules.DirectoryFunc(func(_ *bolt.Tx, fn func(schedules.Officer) error) error {
		for _, o := range e.officers {
			if err := fn(o); err != nil {
				return err
			}
		}
		return nil
	})
	opts.Outbox = remOutbox{}
	opts.Now = e.clk.Now
	r, err := schedules.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	e.r = r
}

func (e *remEnv) restart(t *testing.T) {
	t.Helper()
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	e.open(t)
}

// tick runs a tick at now.
func (e *remEnv) tick(t *testing.T, now time.Time) {
	t.Helper()
	e.clk.Set(now)
	if err := e.r.Tick(t.Context(), now); err != nil {
		t.Fatalf("tick at %v: %v", now, err)
	}
}

// sent returns every reply queued so far.
func (e *remEnv) sent(t *testing.T) []outbox.Reply {
	t.Helper()
	return storedReplies(t, e.db, remOutboxBucket)
}

// byChat counts the reminders per chat whose button confirms deadline id.
func byChat(rs []outbox.Reply, id string) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		if len(r.Buttons) > 0 && strings.HasPrefix(r.Buttons[0][0].Data, schedules.ConfirmPrefix+id+":") {
			m[r.ChatID]++
		}
	}
	return m
}
