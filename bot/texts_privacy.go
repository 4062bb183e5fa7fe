package bot

// Texts of the officer's side of personal data (privacy_notice.go,
// privacy_mydata.go, privacy_delete.go): the notice and its consent, the
// data shown by /dulieu and the erasure asked by /xoadulieu. Their
// Vietnamese and English versions live in texts_privacy_vi.go and
// texts_privacy_en.go and join the catalogue when the package starts.
const (
	// txtPrivacyNotice is the notice; args: how closed tickets are kept
	// (txtPrivacyKeepTickets or txtPrivacyKeepForever), then the days
	// bookkeeping is kept.
	txtPrivacyNotice      textKey = "privacy_notice"
	txtPrivacyKeepTickets textKey = "privacy_keep_tickets" // arg: the retention in words
	txtPrivacyKeepForever textKey = "privacy_keep_forever"
	txtPrivacyMonths      textKey = "privacy_months"
	txtPrivacyDays        textKey = "privacy_days"
	txtPrivacyNoLimit     textKey = "privacy_no_limit" // a retention of 0: none
	btnPrivacyAgree       textKey = "btn_privacy_agree"
	btnPrivacyDecline     textKey = "btn_privacy_decline"
	// txtPrivacyUpdate introduces the notice shown once, unasked, to an
	// officer whose record predates it.
	txtPrivacyUpdate textKey = "privacy_update"

	txtPrivacyAgreed           textKey = "privacy_agreed"
	txtPrivacyAgreedRegistered textKey = "privacy_agreed_registered" // arg: the profile
	toastPrivacyAlready        textKey = "toast_privacy_already"
	txtPrivacyAgreedAskAgain   textKey = "privacy_agreed_ask_again"
	txtPrivacyDeclined         textKey = "privacy_declined"
	txtPrivacyDeclinedStored   textKey = "privacy_declined_stored"

	// What needs consent, said before the notice is offered again.
	txtPrivacyTicketNeedsConsent textKey = "privacy_ticket_needs_consent"
	txtPrivacyNoneNeedsConsent   textKey = "privacy_none_needs_consent"
	txtPrivacyAskerNeedsConsent  textKey = "privacy_asker_needs_consent"
	txtPrivacyFollowNeedsConsent textKey = "privacy_follow_needs_consent"
	txtPrivacyLangNotKept        textKey = "privacy_lang_not_kept"

	txtPrivacyHelp    textKey = "privacy_help"
	cmdDescMyData     textKey = "cmd_mydata"
	cmdDescDeleteData textKey = "cmd_deletemydata"

	txtPrivacySentPrivately textKey = "privacy_sent_privately" // arg: the officer's name
	txtPrivacyAskPrivately  textKey = "privacy_ask_privately"
	txtPrivacyNothing       textKey = "privacy_nothing"

	// /dulieu
	txtPrivacyDataHead      textKey = "privacy_data_head"
	txtPrivacyDataProfile   textKey = "privacy_data_profile"
	txtPrivacyDataNoProfile textKey = "privacy_data_no_profile"
	txtPrivacyLangAuto      textKey = "privacy_lang_auto"
	txtPrivacyNotAgreed     textKey = "privacy_not_agreed"
	txtPrivacyAgreedOn      textKey = "privacy_agreed_on" // args: date, notice version
	txtPrivacyDataTickets   textKey = "privacy_data_tickets"
	txtPrivacyDataNoTickets textKey = "privacy_data_no_tickets"
	txtPrivacyDataNewest    textKey = "privacy_data_newest"
	txtPrivacyDataFile      textKey = "privacy_data_file"
	txtPrivacyDataTruncated textKey = "privacy_data_truncated"

	// /xoadulieu
	txtPrivacyDeleteConfirm   textKey = "privacy_delete_confirm" // arg: what becomes of the tickets (txtPrivacyDeleteTickets, …OneTicket or "")
	txtPrivacyDeleteTickets   textKey = "privacy_delete_tickets" // arg: tickets that will be anonymised (2 or more)
	txtPrivacyDeleteOneTicket textKey = "privacy_delete_one_ticket"
	btnPrivacyErase           textKey = "btn_privacy_erase"
	btnPrivacyKeep            textKey = "btn_privacy_keep"
	txtPrivacyErasing         textKey = "privacy_erasing"
	txtPrivacyEraseCancelled  textKey = "privacy_erase_cancelled"
	txtPrivacyErasePending    textKey = "privacy_erase_pending"
	txtPrivacyEraseNothing    textKey = "privacy_erase_nothing"
	txtPrivacyErased          textKey = "privacy_erased"      // sent by the Eraser; arg: tickets anonymised (int)
	txtPrivacyErasedNone      textKey = "privacy_erased_none" // txtPrivacyErased to an officer who had no ticket
)

func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsPrivacyVI, LangEN: textsPrivacyEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
