package bot

// Texts of group chats, edits and announcements (groups.go,
// broadcast.go). Their Vietnamese and English versions live in
// texts_ops_vi.go and texts_ops_en.go and join the catalogue when the
// package starts.
const (
	txtTicketsSentPrivately textKey = "ops_tickets_sent_privately"
	txtTicketsAskPrivately  textKey = "ops_tickets_ask_privately"
	txtEdited               textKey = "ops_edited"
	txtAnnouncement         textKey = "ops_announcement"
)

func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsOpsVI, LangEN: textsOpsEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
