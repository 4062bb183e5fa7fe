package schedules

import (
	"fmt"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
)

// The staff-facing texts of the SLA watch, the on-call rota and the daily
// digest, in Vietnamese (the default) and English. They are core markup
// (see outbox.Reply): <b> and escaped text. A test checks that every key
// exists in both languages with the same placeholders.

// staffText names one text.
type staffText string

const (
	stFirstResponse staffText = "first_response"
	stResolution    staffText = "resolution"
	stEscalate1     staffText = "escalate_1"
	stEscalate1None staffText = "escalate_1_nobody"
	stEscalate2     staffText = "escalate_2"

	stHandover      staffText = "handover"
	stHandoverFirst staffText = "handover_first"
	stHandoverDM    staffText = "handover_dm"
	stOnCallNow     staffText = "oncall_now"
	stOnCallNext    staffText = "oncall_next"
	stOnCallNone    staffText = "oncall_none"
	stOnCallSwap    staffText = "oncall_swap"

	stDigestHead      staffText = "digest_head"
	stDigestOpen      staffText = "digest_open"
	stDigestByState   staffText = "digest_by_state"
	stDigestByTopic   staffText = "digest_by_topic"
	stDigestBreached  staffText = "digest_breached"
	stDigestNoBreach  staffText = "digest_no_breach"
	stDigestMore      staffText = "digest_more"
	stDigestDeadlines staffText = "digest_deadlines"
	stDigestWeek      staffText = "digest_week"
	stDigestOnCall    staffText = "digest_oncall"
	stChartOpened     staffText = "chart_opened"
	stChartResolved   staffText = "chart_resolved"
	stChartTitle      staffText = "chart_title"
)

var staffTexts = map[string]map[staffText]string{
	"vi": {
		stFirstResponse: "phản hồi đầu tiên",
		stResolution:    "giải quyết",
		stEscalate1:     "⏰ <b>Quá hạn SLA</b>: phiếu <b>%s</b> đã quá hạn %s (hạn %s). Người trực, xin xử lý ngay.",
		stEscalate1None: "⏰ <b>Quá hạn SLA</b>: phiếu <b>%s</b> đã quá hạn %s (hạn %s). Hiện không có người trực theo lịch: ai rảnh xin nhận phiếu.",
		stEscalate2:     "🚨 <b>Báo cáo giám sát</b>: phiếu <b>%s</b> vẫn quá hạn %s (hạn %s), %s sau khi đã báo người trực.",

		stHandover:      "🔄 <b>Đổi ca trực</b>: %s trực từ bây giờ đến %s (thay %s).",
		stHandoverFirst: "🔄 <b>Ca trực</b>: %s trực từ bây giờ đến %s.",
		stHandoverDM:    "👋 Nhắc lịch: bạn trực hỗ trợ từ %s đến %s. Phiếu quá hạn sẽ được báo cho bạn trong luồng của phiếu.",
		stOnCallNow:     "<b>Đang trực</b>: %s, đến %s",
		stOnCallNext:    "<b>Ca tiếp theo</b>: %s, từ %s đến %s",
		stOnCallNone:    "Chưa có lịch trực: không ai được báo khi phiếu quá hạn.",
		stOnCallSwap:    " (đổi ca)",

		stDigestHead:      "☀️ <b>Tổng hợp hằng ngày</b>, %s",
		stDigestOpen:      "<b>Phiếu đang mở</b>: %d",
		stDigestByState:   "<b>Theo trạng thái</b>:",
		stDigestByTopic:   "<b>Theo chủ đề</b>:",
		stDigestBreached:  "<b>Quá hạn SLA</b>: %d",
		stDigestNoBreach:  "<b>Quá hạn SLA</b>: không có",
		stDigestMore:      "… và %d phiếu khác",
		stDigestDeadlines: "<b>Hạn báo cáo tuần này, đơn vị chưa nộp</b>:",
		stDigestWeek:      "<b>14 ngày qua</b>: %d phiếu mới, %d phiếu đã giải quyết (biểu đồ kèm theo).",
		stDigestOnCall:    "<b>Đang trực</b>: %s, đến %s",
		stChartOpened:     "Phiếu mới",
		stChartResolved:   "Đã giải quyết",
		stChartTitle:      "Phiếu hỗ trợ 14 ngày qua",
	},
	"en": {
		stFirstResponse: "first response",
		stResolution:    "resolution",
		stEscalate1:     "⏰ <b>SLA breached</b>: ticket <b>%s</b> missed its %s target (due %s). On call, please take it now.",
		stEscalate1None: "⏰ <b>SLA breached</b>: ticket <b>%s</b> missed its %s target (due %s). Nobody is on call by the rota: whoever is free, please claim it.",
		stEscalate2:     "🚨 <b>Supervisor escalation</b>: ticket <b>%s</b> is still past its %s target (due %s), %s after the on-call person was called.",

		stHandover:      "🔄 <b>On-call handover</b>: %s is on call from now until %s (taking over from %s).",
		stHandoverFirst: "🔄 <b>On call</b>: %s is on call from now until %s.",
		stHandoverDM:    "👋 Reminder: you are on support call from %s until %s. Breached tickets will be raised with you in their threads.",
		stOnCallNow:     "<b>On call now</b>: %s, until %s",
		stOnCallNext:    "<b>Next</b>: %s, from %s until %s",
		stOnCallNone:    "No on-call rota: nobody is called when a ticket breaches.",
		stOnCallSwap:    " (swap)",

		stDigestHead:      "☀️ <b>Daily digest</b>, %s",
		stDigestOpen:      "<b>Open tickets</b>: %d",
		stDigestByState:   "<b>By state</b>:",
		stDigestByTopic:   "<b>By topic</b>:",
		stDigestBreached:  "<b>Past an SLA target</b>: %d",
		stDigestNoBreach:  "<b>Past an SLA target</b>: none",
		stDigestMore:      "… and %d more",
		stDigestDeadlines: "<b>Reporting deadlines this week, units pending</b>:",
		stDigestWeek:      "<b>Last 14 days</b>: %d tickets opened, %d resolved (chart attached).",
		stDigestOnCall:    "<b>On call now</b>: %s, until %s",
		stChartOpened:     "Opened",
		stChartResolved:   "Resolved",
		stChartTitle:      "Support tickets, last 14 days",
	},
}

// staffLang returns "en" for English and "vi" for anything else.
func staffLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "vi"
}

// stf renders text k in lang with args.
func stf(lang string, k staffText, args ...any) string {
	s, ok := staffTexts[staffLang(lang)][k]
	if !ok {
		s = staffTexts["vi"][k]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// stfTime renders a moment in loc as staff read it: "15:04 02/01/2006"
// in Vietnamese, "2 Jan 2006 15:04" in English (as the triage cards do).
func stfTime(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if staffLang(lang) == "en" {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("15:04 02/01/2006")
}

// stfDuration renders a duration as "1 giờ 30 phút" / "1 h 30 min".
func stfDuration(lang string, d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int((d%time.Hour)/time.Minute)
	vi := staffLang(lang) == "vi"
	switch {
	case h > 0 && m > 0 && vi:
		return fmt.Sprintf("%d giờ %d phút", h, m)
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0 && vi:
		return fmt.Sprintf("%d giờ", h)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	case vi:
		return fmt.Sprintf("%d phút", m)
	}
	return fmt.Sprintf("%d min", m)
}

// stfEsc escapes user text for the core markup.
func stfEsc(s string) string { return outbox.Escape(s) }
