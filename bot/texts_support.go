package bot

// Texts of the staff's /support command and App Home (staff_commands.go,
// staff_tickets.go, staff_stats.go, staff_home.go). Their Vietnamese and
// English versions live in texts_support_vi.go and texts_support_en.go and
// join the catalogue when the package starts.
const (
	supHelp        textKey = "sup_help"
	supUnknown     textKey = "sup_unknown"
	supStaffOnly   textKey = "sup_staff_only"
	supAskUsage    textKey = "sup_ask_usage"
	supAskNone     textKey = "sup_ask_none"
	supAskSuggest  textKey = "sup_ask_suggest"
	supListUsage   textKey = "sup_list_usage"
	supListOpen    textKey = "sup_list_open"
	supListMine    textKey = "sup_list_mine"
	supListBreach  textKey = "sup_list_breached"
	supListProv    textKey = "sup_list_province"
	supListNone    textKey = "sup_list_none"
	supListMore    textKey = "sup_list_more"
	supBadProvince textKey = "sup_bad_province"
	supShowUsage   textKey = "sup_show_usage"

	supDueIn     textKey = "sup_due_in"
	supOverdue   textKey = "sup_overdue"
	supNoDue     textKey = "sup_no_due"
	supDays      textKey = "sup_days"
	supHours     textKey = "sup_hours"
	supMinutes   textKey = "sup_minutes"
	supUrgent    textKey = "sup_urgent"
	supNormal    textKey = "sup_normal"
	supNoPlace   textKey = "sup_no_place"
	supUnclaimed textKey = "sup_unclaimed"

	supShowHead      textKey = "sup_show_head"
	supShowReporter  textKey = "sup_show_reporter"
	supShowPlace     textKey = "sup_show_place"
	supShowTopic     textKey = "sup_show_topic"
	supShowAssignee  textKey = "sup_show_assignee"
	supShowCreated   textKey = "sup_show_created"
	supShowQuestion  textKey = "sup_show_question"
	supShowHits      textKey = "sup_show_hits"
	supShowConv      textKey = "sup_show_conversation"
	supShowConvMore  textKey = "sup_show_conversation_more"
	supShowInternal  textKey = "sup_show_internal"
	supShowEvents    textKey = "sup_show_events"
	supShowDelivery  textKey = "sup_show_delivery"
	supSLAHead       textKey = "sup_sla_head"
	supSLAFirst      textKey = "sup_sla_first"
	supSLAResolution textKey = "sup_sla_resolution"
	supSLAMetAt      textKey = "sup_sla_met_at"
	supSLALateAt     textKey = "sup_sla_late_at"

	supEvCreated  textKey = "sup_ev_created"
	supEvMessage  textKey = "sup_ev_message"
	supEvNote     textKey = "sup_ev_note"
	supEvReply    textKey = "sup_ev_reply"
	supEvFirst    textKey = "sup_ev_first"
	supEvAssigned textKey = "sup_ev_assigned"
	supEvLocality textKey = "sup_ev_locality"
	supEvDelivery textKey = "sup_ev_delivery"
	supEvPromoted textKey = "sup_ev_promoted"

	supAssignUsage   textKey = "sup_assign_usage"
	supAssignMention textKey = "sup_assign_mention"
	supAssigned      textKey = "sup_assigned"

	supStatsHead     textKey = "sup_stats_head"
	supStatsOpen     textKey = "sup_stats_open"
	supStatsByState  textKey = "sup_stats_by_state"
	supStatsByTopic  textKey = "sup_stats_by_topic"
	supStatsBreached textKey = "sup_stats_breached"
	supStatsFirst    textKey = "sup_stats_first"
	supStatsNoFirst  textKey = "sup_stats_no_first"

	supHomeTitle        textKey = "sup_home_title"
	supHomeIntro        textKey = "sup_home_intro"
	supHomeMine         textKey = "sup_home_mine"
	supHomeMineNone     textKey = "sup_home_mine_none"
	supHomeQueue        textKey = "sup_home_queue"
	supHomeQueueNone    textKey = "sup_home_queue_none"
	supHomeBreached     textKey = "sup_home_breached"
	supHomeBreachedNone textKey = "sup_home_breached_none"
	supHomeGuest        textKey = "sup_home_guest"
)

// init adds these texts to the catalogue. A key defined twice is a
// programming error: the package panics when it starts.
func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsSupportVI, LangEN: textsSupportEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
