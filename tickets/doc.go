// Package tickets is supportbot's durable, auditable ticket store.
//
// Every question the knowledge base cannot answer becomes a Ticket
// ("HT-000042": sequential, six digits, never reused) that the 24/7 team can
// claim, answer and close and that the officer can follow. The package owns
// the Ticket, State, Event and SLA types and its buckets in the process's one
// bbolt file (see OpenDB); nothing outside this package touches them.
//
// # Transactions
//
// Store offers domain methods on a Tx, which wraps a *bolt.Tx. Store.Tx wraps
// the caller's own transaction so that creating a ticket, marking the inbound
// message handled and enqueuing the reply commit together (the router does
// this); Store.View and Store.Update are convenience wrappers. Store.Create
// and Store.Batch group concurrent writers into one fsync through a
// GroupCommit, the process's one group-commit primitive (the outbox makes its
// own over the shared file when it is not wired to Store.Batch); a function
// given to it may run more than once and must be idempotent.
//
// Values returned by Tx methods are decoded copies: they stay valid after the
// transaction ends. Keep read transactions short: a long one blocks a writer
// that must grow the memory map (bbolt caveat).
//
// # Audit
//
// Each change appends an Event to the ticket's append-only log. Every event
// carries the SHA-256 of the previous event and of the ticket as the change
// left it (its JSON encoding), so Store.Verify detects an edited or deleted
// event and a ticket record that disagrees with its log. Tickets are stored
// in a compact binary record (codec.go) so that listing stays fast. The
// chain is not keyed: someone able to rewrite the file and recompute every
// hash is not detected.
//
// # Personal data
//
// A ticket holds an officer's personal data: their channel and user IDs,
// name, chat, commune, the question and every message of the conversation,
// and the same officer's ID and name as the actor of events. The law lets
// them have it erased, and the ministry must keep its case history and the
// audit chain. The design reconciles the two by treating the two places
// differently:
//
//   - The record (the Ticket) may change: Tx.Anonymise clears its personal
//     fields (ChatID, UserID, UserName, Commune, Text; in Messages the text,
//     files, message IDs and officers' IDs and names; the reasons of
//     delivery failures) and sets Anonymised. It keeps the ID, state,
//     channel, language, province, topic, priority, times, knowledge hits,
//     assignee, source and the shape of the conversation (who spoke when,
//     staff and system names). Reporter() becomes "", so the reporter index
//     drops the ticket, and the similar-ticket index drops its question.
//   - The history is append-only: the erasure is one more event
//     (EventAnonymised, its note the reason) that extends the chain as any
//     change does, and no earlier event is rewritten. Personal data inside
//     events is therefore never stored in clear: an officer actor's ID and
//     Name, and every Note except those of EventAnonymised and EventViewed
//     (a fixed vocabulary, kept readable so the log still says why it was
//     erased and who looked), are sealed with AES-256-GCM under a key of
//     the ticket's own (bucket ticket_keys; made with the ticket, or at the
//     next change of a ticket that has none). Anonymise deletes the key in
//     the same transaction: the sealed fields become unreadable while the
//     stored bytes, and so every hash, stay as they were. Tx.Events opens
//     them while the key exists; afterwards they come back empty with
//     Event.Erased set. A change after the erasure (staff closing the
//     ticket) seals under a new key; officers can no longer change it.
//
// Verify needs no key: event hashes cover the sealed form, and only the
// last event's record hash is compared with the stored record, which the
// anonymising event wrote. So after an erasure Verify still proves that no
// event was edited, inserted or deleted, that the transitions replay to the
// state, and that the record is the one the last change left; an edit of
// the record or of any event, sealed fields included, is still caught. What
// it cannot say after an erasure is what the erased fields held. Earlier
// events' record hashes are hashes of the ticket as it was; they reveal
// nothing but would confirm a guess of the whole record, word for word.
//
// Tickets created before this version keep the events they already had in
// clear: the created event names the officer (ID and name), officer
// messages name their author, and notes (the locality change names the
// commune; delivery failures, transitions and assignments carry their
// text) are readable; Anonymise cannot seal them without rewriting the
// chain, and does not. Their record is anonymised like any other, and every
// event written from this version on is sealed.
//
// Staff views of personal data (Slack show, CLI tickets show, export) are
// recorded as EventViewed by Tx.RecordView and Store.RecordViews; a view
// does not move Updated. Tx.ReporterTickets finds an officer's tickets for
// erasure and Tx.ExpiredClosed the closed ones due for retention.
//
// bbolt does not wipe the pages a transaction frees: the erased values stay
// in the file until ScrubFreePages overwrites its free pages.
//
// # Errors
//
// Callers branch on the sentinels ErrNotFound, ErrInvalid, ErrTransition,
// ErrLocked, ErrSchemaTooNew, ErrNotPromotable, ErrBadBackup and ErrCorrupt
// with errors.Is; *ValidationError and *TransitionError carry the details.
// UserMessage renders them for an officer in Vietnamese or English.
//
// # Damaged files
//
// bbolt trusts its pages: a page header or a length overwritten on disk
// makes it panic, sometimes in a goroutine of its own that nobody can
// recover. OpenDB therefore walks the file's pages itself (CheckFile)
// before bbolt reads them, and the Store's read methods turn a panic into
// a *CorruptError (errors.Is ErrCorrupt), as Restore does for a backup.
//
// # Ticket numbers
//
// Numbers are never reused, also across a restore: the highest number
// reserved is kept outside the database file, in tickets.hwm beside it
// (written in blocks of hwmBlock), and Restore moves the restored file's
// numbering above it. The skipped numbers are recorded so that Verify does
// not report them missing.
package tickets
