package bot

// The texts of the staff side (staff.go and its files): what staff see on
// the staff channel, in StaffOptions.Lang, and what officers are sent on
// staff's behalf, in the officer's language. Merged into the catalogue by
// init; texts_test.go checks them like the others.
const (
	// Triage card.
	stfCardTitle       textKey = "staff_card_title"
	stfCardQuestion    textKey = "staff_card_question"
	stfCardHits        textKey = "staff_card_hits"
	stfCardNoHits      textKey = "staff_card_no_hits"
	stfCardSimilar     textKey = "staff_card_similar"
	stfFieldLocality   textKey = "staff_field_locality"
	stfFieldTopic      textKey = "staff_field_topic"
	stfFieldPriority   textKey = "staff_field_priority"
	stfFieldState      textKey = "staff_field_state"
	stfFieldAssignee   textKey = "staff_field_assignee"
	stfFieldFirstDue   textKey = "staff_field_first_due"
	stfFieldResolveDue textKey = "staff_field_resolve_due"
	stfFieldFailures   textKey = "staff_field_failures"
	stfUnknown         textKey = "staff_unknown"
	stfNobody          textKey = "staff_nobody"
	stfPriorityNormal  textKey = "staff_priority_normal"
	stfPriorityUrgent  textKey = "staff_priority_urgent"
	stfDueMet          textKey = "staff_due_met"
	stfDueOverdue      textKey = "staff_due_overdue"
	btnStfClaim        textKey = "staff_btn_claim"
	btnStfReply        textKey = "staff_btn_reply"
	btnStfResolve      textKey = "staff_btn_resolve"
	btnStfEscalate     textKey = "staff_btn_escalate"
	btnStfClose        textKey = "staff_btn_close"

	// Staff actions, answered to the actor or told in the thread.
	stfGuestRefused       textKey = "staff_guest_refused"
	stfTicketGone         textKey = "staff_ticket_gone"
	stfCannot             textKey = "staff_cannot"
	stfClaimedThread      textKey = "staff_claimed_thread"
	stfAlreadyYours       textKey = "staff_already_yours"
	stfClaimedBy          textKey = "staff_claimed_by"
	stfEscalatedThread    textKey = "staff_escalated_thread"
	stfAlreadyUrgent      textKey = "staff_already_urgent"
	stfClosedThread       textKey = "staff_closed_thread"
	stfCancelledThread    textKey = "staff_cancelled_thread"
	stfResolvedThread     textKey = "staff_resolved_thread"
	stfProposedNote       textKey = "staff_proposed_note"
	stfProposedThread     textKey = "staff_proposed_thread"
	stfDraftWritten       textKey = "staff_draft_written"
	stfDraftFailed        textKey = "staff_draft_failed"
	stfNoteSaved          textKey = "staff_note_saved"
	stfTicketFinal        textKey = "staff_ticket_final"
	stfOfficerErased      textKey = "staff_officer_erased" // arg: ticket id
	stfFromOfficer        textKey = "staff_from_officer"
	stfOfficerReopened    textKey = "staff_officer_reopened"
	stfOfficerNotResolved textKey = "staff_officer_not_resolved"
	stfOfficerConfirmed   textKey = "staff_officer_confirmed"
	stfNotDelivered       textKey = "staff_not_delivered"

	// Views.
	stfViewReplyTitle   textKey = "staff_view_reply_title"
	stfViewResolveTitle textKey = "staff_view_resolve_title"
	stfViewSend         textKey = "staff_view_send"
	stfViewReplyText    textKey = "staff_view_reply_text"
	stfViewInternal     textKey = "staff_view_internal"
	stfViewAnswer       textKey = "staff_view_answer"
	stfViewSources      textKey = "staff_view_sources"
	stfViewPropose      textKey = "staff_view_propose"
	stfViewInvalid      textKey = "staff_view_invalid"
	stfErrEmpty         textKey = "staff_err_empty"
	stfErrTooLong       textKey = "staff_err_too_long"

	// To officers, in their language.
	txtStaffSays         textKey = "staff_says"
	txtStaffSent         textKey = "staff_sent_files"
	txtStaffResolved     textKey = "staff_resolved"
	txtResolvedSources   textKey = "staff_resolved_sources"
	txtSourcesPlain      textKey = "staff_sources_plain"
	txtResolvedAsk       textKey = "staff_resolved_ask"
	btnResolvedOK        textKey = "staff_btn_resolved_ok"
	btnResolvedNo        textKey = "staff_btn_resolved_no"
	txtResolvedConfirmed textKey = "staff_resolved_confirmed"
	txtResolvedReopened  textKey = "staff_resolved_reopened"
	txtStaffCancelled    textKey = "staff_cancelled"

	// To whoever sent a file that was not taken, in their language.
	txtFileTooBig      textKey = "file_too_big"
	txtFileUnsupported textKey = "file_unsupported"
)

// init adds these texts to the catalogue. A key defined twice is a
// programming error: the package panics when it starts.
func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsStaffVI, LangEN: textsStaffEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
