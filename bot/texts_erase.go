package bot

// The texts of erasure and retention (privacy_erase*.go): what staff see
// in the triage chat once a ticket's personal data is erased, in
// StaffOptions.Lang, and the officer's confirmation. Their Vietnamese and
// English versions live in texts_erase_vi.go and texts_erase_en.go and join
// the catalogue when the package starts.
const (
	// ersCardErased and ersCardExpired end an erased ticket's card: why
	// it was erased, an erasure request (Eraser.Erase, whoever ran it, or
	// its re-application after a restore) or the end of its retention
	// period; neither says who ran it.
	ersCardErased  textKey = "erase_card_erased"
	ersCardExpired textKey = "erase_card_expired"
	// ersCardGone ends the card of an anonymised ticket rendered later
	// (a staff member closed it), whatever the reason was.
	ersCardGone textKey = "erase_card_gone"
	// ersRelayErased replaces an officer's message relayed into a ticket's
	// thread.
	ersRelayErased textKey = "erase_relay_erased"
	// ersDraftQuestion replaces the question in a knowledge draft.
	ersDraftQuestion textKey = "erase_draft_question"
)

// eraseConfirmKey is the text that confirms an erasure to the officer
// (the officer flows' texts_privacy*.go); args: tickets anonymised.
const eraseConfirmKey = txtPrivacyErased

func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsEraseVI, LangEN: textsEraseEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
