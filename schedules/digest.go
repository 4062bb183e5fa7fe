package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// Defaults of DigestOptions and the digest job.
const (
	// DefaultDigestHour is the local hour of the daily digest.
	DefaultDigestHour = 8
	// DigestJobSpec is when the digest job looks whether today's digest is
	// due: every five minutes, so that a bot started after 08:00 still
	// sends it that day (08:00 itself is a tick).
	DigestJobSpec = "*/5 * * * *"
	// DigestDays is how many days the chart covers, today included.
	DigestDays = 14
	// DigestChartName is the name of the uploaded chart.
	DigestChartName = "tickets-14d.png"
	// digestBreachedShown bounds the breached tickets listed by ID.
	digestBreachedShown = 10
	// digestChartsKept is how long chart files are kept in the data
	// directory (the outbox has long sent them).
	digestChartsKept = 30 * 24 * time.Hour
)

// DeadlineSummaryFunc gives the digest's section on reporting deadlines:
// the deadlines of the week of now and the units that have not reported,
// one line each, in the core markup (escaped), in the staff language. No
// lines: the section is left out.
type DeadlineSummaryFunc func(now time.Time) (lines []string)

// DigestOptions configure a Digest. Tickets, Outbox, Triage and DataDir
// are required.
type DigestOptions struct {
	Tickets *tickets.Store
	Outbox  StaffOutbox
	Channel outbox.Channel // default outbox.Slack
	Triage  string
	// DataDir is the bot's data directory; charts are written under
	// DataDir/digests (the Slack sender uploads files from there).
	DataDir string
	Lang    string // staff language, "vi" (default) or "en"
	// Hour is the local hour of the digest (default DefaultDigestHour).
	Hour     int
	Location *time.Location // default VietnamLocation
	// Rota, when set, adds who is on call today.
	Rota *Rota
	// DeadlineSummary, when set, adds the deadlines of the week and the
	// units pending (the reminders provide it).
	DeadlineSummary DeadlineSummaryFunc
	Logger          *slog.Logger
}

// Digest posts the daily digest in the triage chat: open tickets by state
// and topic, the breached ones, who is on call, the week's deadlines and
// units pending, and a chart of the last 14 days, once a day.
type Digest struct {
	opts DigestOptions
}

// NewDigest checks opts, creates the notices bucket and the charts
// directory.
func NewDigest(opts DigestOptions) (*Digest, error) {
	switch {
	case opts.Tickets == nil:
		return nil, errors.New("schedules: NewDigest: nil ticket store")
	case opts.Outbox == nil:
		return nil, errors.New("schedules: NewDigest: nil outbox")
	case strings.TrimSpace(opts.Triage) == "":
		return nil, errors.New("schedules: NewDigest: no triage chat")
	case strings.TrimSpace(opts.DataDir) == "":
		return nil, errors.New("schedules: NewDigest: no data directory")
	case opts.Hour < 0 || opts.Hour > 23:
		return nil, fmt.Errorf("schedules: NewDigest: hour %d (want 0–23)", opts.Hour)
	}
	if opts.Channel == "" {
		opts.Channel = outbox.Slack
	}
	if opts.Hour == 0 {
		opts.Hour = DefaultDigestHour
	}
	if opts.Location == nil {
		opts.Location = VietnamLocation()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.Lang = staffLang(opts.Lang)
	if err := os.MkdirAll(digestDir(opts.DataDir), 0o700); err != nil {
		return nil, fmt.Errorf("schedules: NewDigest: %w", err)
	}
	if err := staffBuckets(opts.Tickets.DB(), noticesBucket); err != nil {
		return nil, err
	}
	return &Digest{opts: opts}, nil
}

func digestDir(dataDir string) string { return filepath.Join(dataDir, "digests") }

// Register adds the digest to e as the job "daily-digest".
func (d *Digest) Register(e *Engine) error {
	return e.Add("daily-digest", DigestJobSpec, d.Run)
}

// Run is the job: from Hour (local) on, if today's digest has not been
// sent, it draws the chart, writes it under DataDir/digests and enqueues
// the digest with the chart attached, recording it in the same
// transaction; so it is sent once a day, also across restarts, and a bot
// started late still sends it that day.
func (d *Digest) Run(ctx context.Context, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	local := now.In(d.opts.Location)
	if local.Hour() < d.opts.Hour {
		return nil
	}
	key := "digest|" + local.Format("2006-01-02")
	if done, err := noticeSent(d.opts.Tickets.DB(), key); err != nil || done {
		return err
	}
	r, err := d.Build(now)
	if err != nil {
		return err
	}
	sent, err := sendNotices(d.opts.Tickets.DB(), d.opts.Outbox, now, []noticeItem{{key: key, reply: r}})
	if err != nil {
		return err
	}
	if len(sent) > 0 {
		d.opts.Logger.Info("digest: sent", "day", local.Format("2006-01-02"))
	}
	d.prune(now)
	return nil
}

// Build renders the digest at now and writes its chart; Run sends it. It
// does not record anything.
func (d *Digest) Build(now time.Time) (outbox.Reply, error) {
	lang, loc := d.opts.Lang, d.opts.Location
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	days := make([]time.Time, DigestDays)
	for i := range days {
		days[i] = today.AddDate(0, 0, i-DigestDays+1)
	}
	opened, resolved := make([]int, DigestDays), make([]int, DigestDays)
	dayIndex := func(t time.Time) int {
		if t.IsZero() {
			return -1
		}
		l := t.In(loc)
		return DigestDays - 1 - (civilDay(today) - civilDay(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)))
	}

	var st tickets.Stats
	var breached []*tickets.Ticket
	err := d.opts.Tickets.View(func(tx *tickets.Tx) error {
		var err error
		if st, err = tx.Stats(now, today); err != nil {
			return err
		}
		if breached, err = tx.Breached(now); err != nil {
			return err
		}
		all, err := tx.List(tickets.Filter{})
		if err != nil {
			return err
		}
		for _, tk := range all {
			if i := dayIndex(tk.Created); i >= 0 && i < DigestDays {
				opened[i]++
			}
			if i := dayIndex(tk.ResolvedAt); i >= 0 && i < DigestDays {
				resolved[i]++
			}
		}
		return nil
	})
	if err != nil {
		return outbox.Reply{}, fmt.Errorf("schedules: digest: read tickets: %w", err)
	}

	var b strings.Builder
	date := local.Format("02/01/2006")
	if lang == "en" {
		date = local.Format("Mon 2 Jan 2006")
	}
	b.WriteString(stf(lang, stDigestHead, date))
	b.WriteString("\n\n" + stf(lang, stDigestOpen, st.Open))
	if st.Open > 0 {
		b.WriteString("\n" + stf(lang, stDigestByState))
		for _, c := range st.OpenByState(lang) {
			fmt.Fprintf(&b, "\n• %s: %d", stfEsc(c.Label), c.N)
		}
		b.WriteString("\n" + stf(lang, stDigestByTopic))
		for _, c := range st.OpenByTopic(lang) {
			fmt.Fprintf(&b, "\n• %s: %d", stfEsc(c.Label), c.N)
		}
	}
	b.WriteString("\n\n")
	if len(breached) == 0 {
		b.WriteString(stf(lang, stDigestNoBreach))
	} else {
		b.WriteString(stf(lang, stDigestBreached, len(breached)))
		for _, tk := range breached[:min(len(breached), digestBreachedShown)] {
			s := tk.SLAAt(now)
			target, due := stf(lang, stResolution), tk.ResolutionDue
			if s.FirstResponseBreached {
				target, due = stf(lang, stFirstResponse), tk.FirstResponseDue
			}
			fmt.Fprintf(&b, "\n• <b>%s</b> %s: %s, %s", stfEsc(tk.ID), stfEsc(tickets.TopicLabel(digestTopic(tk.Topic), lang)), target, stfTime(lang, due, loc))
		}
		if n := len(breached) - digestBreachedShown; n > 0 {
			b.WriteString("\n" + stf(lang, stDigestMore, n))
		}
	}
	if d.opts.Rota != nil {
		cur := d.opts.Rota.At(now)
		b.WriteString("\n\n" + stf(lang, stDigestOnCall, "<b>"+stfEsc(cur.Label())+"</b>", stfTime(lang, cur.Until, loc)))
	}
	if d.opts.DeadlineSummary != nil {
		if lines := d.opts.DeadlineSummary(now); len(lines) > 0 {
			b.WriteString("\n\n" + stf(lang, stDigestDeadlines))
			for _, l := range lines {
				b.WriteString("\n• " + l)
			}
		}
	}
	var nOpened, nResolved int
	for i := range days {
		nOpened += opened[i]
		nResolved += resolved[i]
	}
	b.WriteString("\n\n" + stf(lang, stDigestWeek, nOpened, nResolved))

	png, err := digestChartPNG(lang, days, opened, resolved)
	if err != nil {
		return outbox.Reply{}, err
	}
	path := filepath.Join(digestDir(d.opts.DataDir), "tickets-14d-"+local.Format("2006-01-02")+".png")
	// Through a temporary file and a rename, so that an upload never reads
	// half a chart.
	if err := tickets.WriteFileAtomic(path, 0o600, func(f *os.File) error {
		_, err := f.Write(png)
		return err
	}); err != nil {
		return outbox.Reply{}, fmt.Errorf("schedules: digest: write chart: %w", err)
	}
	return outbox.Reply{
		Channel: d.opts.Channel, ChatID: d.opts.Triage, Text: b.String(),
		Files: []outbox.File{{Path: path, Name: DigestChartName, Mime: "image/png", Size: int64(len(png))}},
	}, nil
}

func digestTopic(t string) string {
	if t == "" {
		return tickets.TopicOther
	}
	return t
}

// prune removes chart files older than digestChartsKept. Failures are
// logged: a stale file harms nobody.
func (d *Digest) prune(now time.Time) {
	dir := digestDir(d.opts.DataDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		d.opts.Logger.Warn("digest: list old charts", "err", err)
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "tickets-14d-") || !strings.HasSuffix(name, ".png") {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", strings.TrimSuffix(strings.TrimPrefix(name, "tickets-14d-"), ".png"), d.opts.Location)
		if err != nil || now.Sub(day) < digestChartsKept {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			d.opts.Logger.Warn("digest: remove an old chart", "file", name, "err", err)
		}
	}
}
