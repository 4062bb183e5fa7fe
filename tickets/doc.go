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
