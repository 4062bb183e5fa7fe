package bot

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
)

// The officers' side of the deadline calendar (package schedules): /han
// lists the deadlines an officer follows and sends them as an iCalendar
// file, /theodoi and /bothoi change what they follow. Everything reads and
// writes in the turn's transaction. The reminders themselves, and their
// "✅ Đã nộp báo cáo" button, are in reminders.go.

// Deadlines is what the bot needs of the deadline calendar and its
// reminders: *schedules.Reminders implements it.
type Deadlines interface {
	// Calendar returns the calendar in use (it changes on reload).
	Calendar() *schedules.Calendar
	// PendingTx returns, for one occurrence of a deadline, the units that
	// have and have not confirmed it, reading through tx.
	PendingTx(tx *bolt.Tx, deadlineID string, occ time.Time) (*schedules.PendingReport, error)
}

var _ Deadlines = (*schedules.Reminders)(nil)

// Button data of the deadline commands. "dl:ok:" (schedules.ConfirmPrefix)
// is the reminders' own and is handled before these.
const (
	cbDeadlines        = "dl:"
	cbDeadlineICS      = "dl:ics"
	cbDeadlineFollow   = "dl:f:" // + deadline id (at most 40 bytes)
	cbDeadlineUnfollow = "dl:u:"
)

// ICSFileName is the name of the calendar file /han sends.
const ICSFileName = "han-bao-cao.ics"

// calendar returns the deadline calendar, or nil when none is wired.
func (t *turn) calendar() *schedules.Calendar {
	if t.r.deadlines == nil {
		return nil
	}
	return t.r.deadlines.Calendar()
}

// deadlinesCommand answers /han: the officer's deadlines, or with "ics"
// (lich, ical, calendar, file) the calendar file at once.
func (t *turn) deadlinesCommand(args string) error {
	cal := t.calendar()
	if cal == nil {
		t.reply(tr(t.lang, txtDeadlinesOff))
		return nil
	}
	switch fold(strings.TrimSpace(args)) {
	case "ics", "ical", "lich", "calendar", "file", "tep":
		return t.sendICS(cal)
	}
	so := ScheduleOfficer(t.o)
	list := followedBy(t.tx, cal, so)
	if len(list) == 0 {
		key := txtDeadlinesNone
		if !t.o.registered() {
			key = txtDeadlinesNoneUnregistered
		}
		t.reply(tr(t.lang, key)).Buttons = t.followKeyboard(cal, so, false)
		return nil
	}
	t.reply(t.renderDeadlines(list, so)).Buttons = [][]Button{{{Text: tr(t.lang, btnDeadlinesICS), Data: cbDeadlineICS}}}
	return nil
}

// upcoming is one followed deadline with its next due date.
type upcoming struct {
	d   *schedules.Deadline
	occ time.Time
	ok  bool // false: no occurrence to come
}

// followedBy returns the deadlines of cal that o follows, in calendar
// order: their audience's by default, plus /theodoi, minus /bothoi.
func followedBy(tx *bolt.Tx, cal *schedules.Calendar, o schedules.Officer) []*schedules.Deadline {
	var out []*schedules.Deadline
	for _, d := range cal.Deadlines {
		if schedules.Follows(tx, o, d) {
			out = append(out, d)
		}
	}
	return out
}

// renderDeadlines renders /han's list.
func (t *turn) renderDeadlines(list []*schedules.Deadline, so schedules.Officer) string {
	ups := make([]upcoming, 0, len(list))
	for _, d := range list {
		occ, ok := d.Next(t.now)
		ups = append(ups, upcoming{d, occ, ok})
	}
	slices.SortStableFunc(ups, func(a, b upcoming) int {
		switch {
		case a.ok != b.ok:
			if a.ok {
				return -1
			}
			return 1
		case !a.ok:
			return 0
		}
		return a.occ.Compare(b.occ)
	})
	var b strings.Builder
	b.WriteString(tr(t.lang, txtDeadlinesHead, len(ups)))
	check := false
	unit := so.Unit()
	for i, u := range ups {
		d := u.d
		fmt.Fprintf(&b, "\n\n<b>%d. %s</b>\n<code>%s</code> · ", i+1, esc(d.Title.In(t.lang)), esc(d.ID))
		if u.ok {
			b.WriteString(tr(t.lang, txtDeadlinesDue, schedules.FormatDate(u.occ), daysLeft(t.lang, u.occ, t.now)))
			if schedules.ConfirmedTx(t.tx, d.ID, u.occ, unit) != nil {
				b.WriteString("\n" + tr(t.lang, txtDeadlinesSubmitted))
			}
		} else {
			b.WriteString(tr(t.lang, txtDeadlinesNoNext))
		}
		b.WriteString("\n" + schedules.BasisLine(d, t.lang))
		if d.Confidence == schedules.CheckStatus {
			b.WriteString("\n" + tr(t.lang, txtDeadlinesCheck))
			check = true
		}
	}
	if check {
		b.WriteString("\n\n" + schedules.CheckStatusWarning(t.lang))
	}
	b.WriteString("\n\n" + tr(t.lang, txtDeadlinesFoot))
	return b.String()
}

// daysLeft says how long until the due date occ, from now.
func daysLeft(lang string, occ, now time.Time) string {
	n := int(occ.Sub(midnightIn(now, occ.Location())).Hours()+12) / 24
	switch {
	case n <= 0:
		return tr(lang, txtDueToday)
	case n == 1:
		return tr(lang, txtDueTomorrow)
	}
	return tr(lang, txtDueInDays, n)
}

func midnightIn(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// sendICS replies with the officer's deadlines as an iCalendar file
// (schedules.ICS), as many occurrences of each as fit in
// outbox.MaxInlineFile (at most schedules.DefaultICSOccurrences).
func (t *turn) sendICS(cal *schedules.Calendar) error {
	list := followedBy(t.tx, cal, ScheduleOfficer(t.o))
	if len(list) == 0 {
		t.reply(tr(t.lang, txtDeadlinesNone)).Buttons = t.followKeyboard(cal, ScheduleOfficer(t.o), false)
		return nil
	}
	var buf bytes.Buffer
	n := schedules.DefaultICSOccurrences
	for {
		buf.Reset()
		if err := schedules.ICS(&buf, list, "", t.now, n, t.lang); err != nil {
			return fmt.Errorf("deadlines calendar: %w", err)
		}
		if buf.Len() <= outbox.MaxInlineFile {
			break
		}
		if n == 1 {
			t.reply(tr(t.lang, txtDeadlinesICSTooBig))
			return nil
		}
		n = max(1, n/2)
	}
	t.count("supportbot_deadline_calendars_total")
	r := t.reply(tr(t.lang, txtDeadlinesICS, len(list), n))
	r.Files = []File{{Name: ICSFileName, Mime: "text/calendar", Size: int64(buf.Len()), Data: slices.Clone(buf.Bytes())}}
	return nil
}

// followKeyboard is one button per deadline of the calendar: to follow
// (unfollow false; those followed are marked), or, with unfollow, one per
// deadline followed, to stop. Nil when there is none to show.
func (t *turn) followKeyboard(cal *schedules.Calendar, so schedules.Officer, unfollow bool) [][]Button {
	var rows [][]Button
	for _, d := range cal.Deadlines {
		follows := schedules.Follows(t.tx, so, d)
		label := shorten(d.Title.In(t.lang), 48)
		switch {
		case unfollow && !follows:
			continue
		case unfollow:
			rows = append(rows, []Button{{Text: "✖ " + label, Data: cbDeadlineUnfollow + d.ID}})
		case follows:
			rows = append(rows, []Button{{Text: "✅ " + label, Data: cbDeadlineFollow + d.ID}})
		default:
			rows = append(rows, []Button{{Text: "➕ " + label, Data: cbDeadlineFollow + d.ID}})
		}
	}
	return rows
}

// followCommand answers /theodoi [ID].
func (t *turn) followCommand(args string) error {
	cal := t.calendar()
	if cal == nil {
		t.reply(tr(t.lang, txtDeadlinesOff))
		return nil
	}
	if strings.TrimSpace(args) == "" {
		t.reply(tr(t.lang, txtFollowPick)).Buttons = t.followKeyboard(cal, ScheduleOfficer(t.o), false)
		return nil
	}
	return t.follow(cal, args)
}

// unfollowCommand answers /bothoi [ID].
func (t *turn) unfollowCommand(args string) error {
	cal := t.calendar()
	if cal == nil {
		t.reply(tr(t.lang, txtDeadlinesOff))
		return nil
	}
	if strings.TrimSpace(args) == "" {
		kb := t.followKeyboard(cal, ScheduleOfficer(t.o), true)
		if len(kb) == 0 {
			t.reply(tr(t.lang, txtUnfollowNone))
			return nil
		}
		t.reply(tr(t.lang, txtUnfollowPick)).Buttons = kb
		return nil
	}
	return t.unfollow(cal, args)
}

// deadline finds the deadline named by arg (its id, any case), or answers
// with the valid ids and returns nil.
func (t *turn) deadline(cal *schedules.Calendar, arg, cmd string) *schedules.Deadline {
	id := strings.ToLower(strings.TrimSpace(arg))
	if d := cal.Get(id); d != nil {
		return d
	}
	var b strings.Builder
	for _, d := range cal.Deadlines {
		fmt.Fprintf(&b, "\n• <code>%s</code> — %s", esc(d.ID), esc(shorten(d.Title.In(t.lang), 80)))
	}
	if t.lang == LangEN {
		cmd = map[string]string{"/theodoi": "/subscribe", "/bothoi": "/unsubscribe"}[cmd]
	}
	example := ""
	if len(cal.Deadlines) > 0 {
		example = cal.Deadlines[0].ID
	}
	t.reply(tr(t.lang, txtDeadlineUnknown, esc(shorten(strings.TrimSpace(arg), 60)), b.String(), cmd, esc(example)))
	return nil
}

// keepOfficer makes sure the sender has an officer record, so that the
// reminders' directory (OfficerDirectory) lists them: someone who follows
// a deadline before /start must still get its reminders.
func (t *turn) keepOfficer() error {
	if t.o.Name == "" {
		t.o.Name = t.m.UserName
	}
	return saveOfficer(t.tx, t.o)
}

// follow makes the officer follow the deadline arg names.
func (t *turn) follow(cal *schedules.Calendar, arg string) error {
	d := t.deadline(cal, arg, "/theodoi")
	if d == nil {
		return nil
	}
	so := ScheduleOfficer(t.o)
	key := txtFollowed
	if schedules.Follows(t.tx, so, d) {
		key = txtFollowedAlready
	}
	if err := schedules.Follow(t.tx, so, d.ID); err != nil {
		return fmt.Errorf("follow %s: %w", d.ID, err)
	}
	if err := t.keepOfficer(); err != nil {
		return err
	}
	next := tr(t.lang, txtDeadlinesNoNext)
	if occ, ok := d.Next(t.now); ok {
		next = tr(t.lang, txtDeadlinesDue, schedules.FormatDate(occ), daysLeft(t.lang, occ, t.now))
	}
	t.count("supportbot_deadline_follows_total", "action", "follow")
	t.reply(tr(t.lang, key, esc(d.Title.In(t.lang)), esc(d.ID), next, t.offsets(d), esc(d.ID)))
	return nil
}

// unfollow stops the officer's reminders of the deadline arg names.
func (t *turn) unfollow(cal *schedules.Calendar, arg string) error {
	d := t.deadline(cal, arg, "/bothoi")
	if d == nil {
		return nil
	}
	so := ScheduleOfficer(t.o)
	if !schedules.Follows(t.tx, so, d) {
		t.reply(tr(t.lang, txtUnfollowedNot, esc(d.Title.In(t.lang)), esc(d.ID)))
		return nil
	}
	if err := schedules.Unfollow(t.tx, so, d.ID); err != nil {
		return fmt.Errorf("unfollow %s: %w", d.ID, err)
	}
	if err := t.keepOfficer(); err != nil {
		return err
	}
	t.count("supportbot_deadline_follows_total", "action", "unfollow")
	t.reply(tr(t.lang, txtUnfollowed, esc(d.Title.In(t.lang)), esc(d.ID), esc(d.ID)))
	return nil
}

// offsets renders when the reminders of d go out: "7, 3, 1 ngày trước hạn
// và đúng ngày hạn, lúc 08:00".
func (t *turn) offsets(d *schedules.Deadline) string {
	var days []string
	onDay := false
	for _, o := range d.Offsets {
		if o == 0 {
			onDay = true
			continue
		}
		days = append(days, strconv.Itoa(o))
	}
	var s string
	switch {
	case len(days) > 0 && onDay:
		s = tr(t.lang, txtOffsetsBeforeAndOn, strings.Join(days, ", "))
	case len(days) > 0:
		s = tr(t.lang, txtOffsetsBefore, strings.Join(days, ", "))
	default:
		s = tr(t.lang, txtOffsetsOn)
	}
	return tr(t.lang, txtOffsetsAt, s, esc(d.At))
}

// deadlineButton handles the buttons of /han, /theodoi and /bothoi.
func (t *turn) deadlineButton(data string) error {
	cal := t.calendar()
	if cal == nil {
		t.toast("")
		t.reply(tr(t.lang, txtDeadlinesOff))
		return nil
	}
	switch {
	case data == cbDeadlineICS:
		t.toast("")
		return t.sendICS(cal)
	case strings.HasPrefix(data, cbDeadlineFollow):
		id := data[len(cbDeadlineFollow):]
		t.toast(toastIf(cal.Get(id) != nil, tr(t.lang, toastFollowed)))
		return t.follow(cal, id)
	case strings.HasPrefix(data, cbDeadlineUnfollow):
		id := data[len(cbDeadlineUnfollow):]
		t.toast(toastIf(cal.Get(id) != nil, tr(t.lang, toastUnfollowed)))
		return t.unfollow(cal, id)
	}
	t.toast("")
	return nil
}

// toastIf is text when ok, else no toast text (a button of a deadline
// removed from the calendar: the reply says why).
func toastIf(ok bool, text string) string {
	if ok {
		return text
	}
	return ""
}
