package bot

import (
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// KeepTicketRefs returns the outbox's KeepRef: the refs of a ticket's
// triage card and of the thread posts that carried the officer's words
// outlive outbox.RefRetention while the ticket exists and still holds
// personal data. Without them an erasure, or the retention years after
// the ticket closed, could not edit those Slack posts. A ref holds only
// message ids, so keeping it keeps nothing personal.
func KeepTicketRefs(st *tickets.Store) func(tx *bolt.Tx, ch Channel, chat, ref string) bool {
	return func(tx *bolt.Tx, _ Channel, _, ref string) bool {
		id := refTicket(ref)
		if id == "" {
			return false
		}
		tk, err := st.Tx(tx).Get(id)
		return err == nil && tk.Anonymised.IsZero()
	}
}

// refTicket returns the ticket a triage or thread-post ref names, or "".
func refTicket(ref string) string {
	if id, ok := strings.CutPrefix(ref, triageRef("")); ok {
		return id
	}
	if rest, ok := strings.CutPrefix(ref, saidRefPrefix); ok {
		id, _, _ := strings.Cut(rest, ":")
		return id
	}
	return ""
}
