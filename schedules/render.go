package schedules

import (
	"fmt"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Reminders are rendered here, in the core markup of outbox.Reply (a small
// HTML subset, every piece of text escaped), in Vietnamese or English by
// the officer's language: the bot supplies no Render function.

// ConfirmPrefix starts the data of the "report submitted" button:
// "dl:ok:<deadline>:<yyyymmdd>", at most 6+40+1+8 = 55 bytes.
const ConfirmPrefix = "dl:ok:"

// ConfirmData returns the button data confirming occ of deadline id.
func ConfirmData(id string, occ time.Time) string {
	return ConfirmPrefix + id + ":" + OccurrenceKey(occ)
}

// ParseConfirmData parses ConfirmData's output.
func ParseConfirmData(data string) (id string, occ time.Time, ok bool) {
	rest, found := strings.CutPrefix(data, ConfirmPrefix)
	if !found {
		return "", time.Time{}, false
	}
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 {
		return "", time.Time{}, false
	}
	occ, err := ParseOccurrence(rest[i+1:])
	if err != nil || !idPattern.MatchString(rest[:i]) {
		return "", time.Time{}, false
	}
	return rest[:i], occ, true
}

func esc(s string) string { return outbox.Escape(s) }

func link(u, label string) string { return outbox.Link(u, label) }

// FormatDate renders a due date as dd/mm/yyyy.
func FormatDate(occ time.Time) string { return occ.Format("02/01/2006") }

func tr(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

// BasisLine renders "Căn cứ: <a>document, article</a>" in lang.
func BasisLine(d *Deadline, lang string) string {
	label := d.Basis.Document
	if d.Basis.Article != "" {
		label += ", " + d.Basis.Article
	}
	return tr(lang, "Căn cứ: ", "Basis: ") + link(d.Basis.URL, label)
}

// CheckStatusWarning is shown with a deadline whose rule may have changed.
func CheckStatusWarning(lang string) string {
	return tr(lang,
		"⚠️ <i>Cần kiểm tra hiệu lực: văn bản này có thể đã được sửa đổi hoặc thay thế sau năm 2025; hãy đối chiếu trước khi dùng.</i>",
		"⚠️ <i>Check status: this rule may have been amended or replaced after 2025; verify it before relying on it.</i>")
}

// daysLeft renders how long until the due date, from now.
func daysLeft(occ, now time.Time, lang string) string {
	n := int(occ.Sub(midnight(now, occ.Location())).Hours()+12) / 24
	switch {
	case n <= 0:
		return tr(lang, "hôm nay là hạn cuối", "due today")
	case n == 1:
		return tr(lang, "còn 1 ngày", "1 day left")
	}
	return fmt.Sprintf(tr(lang, "còn %d ngày", "%d days left"), n)
}

// ReminderText renders the reminder of occurrence occ of d in lang; late
// marks a reminder made up after downtime.
func ReminderText(d *Deadline, occ time.Time, lang string, late bool, now time.Time) string {
	var b strings.Builder
	b.WriteString(tr(lang, "⏰ <b>Nhắc hạn báo cáo</b>", "⏰ <b>Report deadline reminder</b>"))
	if late {
		b.WriteString(tr(lang, " (nhắc muộn)", " (late reminder)"))
	}
	b.WriteString("\n<b>" + esc(d.Title.In(lang)) + "</b>\n")
	fmt.Fprintf(&b, tr(lang, "Hạn nộp: <b>%s</b> (%s)\n", "Due: <b>%s</b> (%s)\n"), FormatDate(occ), daysLeft(occ, now, lang))
	if c := d.Cutoff.In(lang); c != "" {
		b.WriteString(tr(lang, "Chốt số liệu: ", "Data cut-off: ") + esc(c) + "\n")
	}
	b.WriteString(BasisLine(d, lang) + "\n")
	if d.Confidence == CheckStatus {
		b.WriteString(CheckStatusWarning(lang) + "\n")
	}
	b.WriteString(tr(lang,
		"Khi đơn vị đã nộp, bấm nút dưới đây: cả đơn vị sẽ không nhận nhắc lại cho kỳ này.",
		"Once your unit has submitted, press the button below: nobody in your unit will be reminded of this period again."))
	return b.String()
}

// ConfirmButton is the "report submitted" button of occ of d.
func ConfirmButton(d *Deadline, occ time.Time, lang string) outbox.Button {
	return outbox.Button{Text: tr(lang, "✅ Đã nộp báo cáo", "✅ Report submitted"), Data: ConfirmData(d.ID, occ), Style: "primary"}
}

// ReminderReply is the reminder to officer o.
func ReminderReply(d *Deadline, occ time.Time, o Officer, late bool, now time.Time) outbox.Reply {
	lang := o.Lang
	return outbox.Reply{
		Channel: o.Channel, ChatID: o.ChatID,
		Text:    ReminderText(d, occ, lang, late, now),
		Buttons: [][]outbox.Button{{ConfirmButton(d, occ, lang)}},
		// The low-priority lane: a fan-out to thousands of chats never
		// holds up an officer's answer.
		Bulk: true,
	}
}

// RenderPending renders a PendingReport for staff (Slack triage, /support
// deadlines) in lang.
func RenderPending(rep *PendingReport, lang string) string {
	var b strings.Builder
	d := rep.Deadline
	fmt.Fprintf(&b, tr(lang, "📋 <b>%s</b> (hạn %s)\n", "📋 <b>%s</b> (due %s)\n"), esc(d.Title.In(lang)), FormatDate(rep.Occurrence))
	fmt.Fprintf(&b, tr(lang, "<code>%s</code>: đã nộp %d đơn vị, chưa nộp %d đơn vị.\n", "<code>%s</code>: %d units submitted, %d pending.\n"), esc(d.ID), rep.Submitted, rep.Pending)
	if d.Confidence == CheckStatus {
		b.WriteString(CheckStatusWarning(lang) + "\n")
	}
	if len(rep.Provinces) == 0 {
		b.WriteString(tr(lang, "Không có đơn vị nào theo dõi hạn này.", "No unit follows this deadline."))
		return strings.TrimRight(b.String(), "\n")
	}
	for _, p := range rep.Provinces {
		name := p.Province
		if name == "" {
			name = tr(lang, "(chưa rõ tỉnh)", "(province unknown)")
		}
		fmt.Fprintf(&b, "\n<b>%s</b>: ", esc(name))
		fmt.Fprintf(&b, tr(lang, "chưa nộp %d", "%d pending"), len(p.Pending))
		if len(p.Pending) > 0 {
			b.WriteString(" (" + esc(unitLabels(p.Pending, lang)) + ")")
		}
		fmt.Fprintf(&b, tr(lang, "; đã nộp %d", "; %d submitted"), len(p.Submitted))
		if len(p.Submitted) > 0 {
			b.WriteString(" (" + esc(unitLabels(p.Submitted, lang)) + ")")
		}
	}
	return b.String()
}

func unitLabels(us []UnitStatus, lang string) string {
	const maxShown = 20
	var s []string
	for i, u := range us {
		if i == maxShown {
			s = append(s, fmt.Sprintf(tr(lang, "và %d đơn vị khác", "and %d more"), len(us)-maxShown))
			break
		}
		s = append(s, u.Label)
	}
	return strings.Join(s, "; ")
}
