// Package bot is the channel-neutral core of supportbot: the conversation an
// officer has with the bot, whatever channel (Telegram, Slack, the console)
// carried it.
//
// The flow of one update:
//
//	channel ──> Inbox (bbolt, deduplicated) ──> Router ──> Outbox (bbolt) ──> Sender
//
// A channel translates an update into a [Message] and stores it with
// [Inbox.Add] before it acknowledges the update upstream, so nothing lives
// only in memory. The [Router] drains the inbox with a bounded worker pool,
// in order per chat. It handles each entry in ONE bbolt write transaction that
// marks the entry handled, changes every piece of state (tickets, the
// officer's registration, feedback) and enqueues every reply with
// [Outbox.EnqueueTx]: either all of it happens or none of it, and a replay
// after a crash finds the entry handled. Knowledge search is read-only and
// runs before that transaction, never inside it.
//
// bbolt has one writer and every commit pays two fsyncs, so the writers
// share commits: the Router's transactions are a group commit
// (tickets.Store.Batch), and cmd wires [InboxOptions.Batch] and
// [OutboxOptions.Batch] to the same group with [StoreBatch], so that storing
// updates, handling them and recording delivered replies pay one fsync
// between them instead of taking turns.
//
// Two kinds of people speak to the core, and the channel says which
// (Message.Role): officers (Telegram, the console) ask and open tickets;
// ministry staff (Slack, RoleStaff) work tickets: each new ticket is posted
// as a card to the triage chat (RouterOptions.Staff) in the transaction
// that creates it, updated in place (Reply.Ref, KindUpdate) as it changes,
// and its thread (Reply.ThreadRef) carries the conversation both ways
// (staff*.go). Someone on the staff channel who is not staff (RoleGuest)
// may ask, nothing else.
//
// In a group chat the core answers only what is addressed to it (a
// command, a mention of RouterOptions.BotUsername, a reply to one of its
// messages) and sends an officer's tickets to their private chat, never to
// the group (groups.go). Announcements to many officers go through the
// same outbox as bulk replies, one recorded copy per recipient, enqueued a
// window at a time by a [Broadcaster] (broadcast.go).
//
// The core never formats for one medium. A Reply says what it is (a new
// message, an update of an earlier one, an ephemeral message, the answer
// to a button press, a view to open; package outbox) and carries text in a
// small markup (<b>, <i>, <a href>, <code>, every piece of user and
// knowledge text escaped) that each channel renders: Telegram as its HTML,
// Slack as mrkdwn with officer text kept literal, the console as plain
// text. Each channel brings its own limits and length rules
// (outbox.Limits). Every user-facing text exists in Vietnamese (the
// default) and English, in the catalogue of texts*.go.
//
// The bookkeeping that lets updates be deduplicated, answers be rated and
// replies to the bot's messages join their ticket would grow forever; the
// Router's Run prunes it every RouterOptions.PruneEvery (hourly by default),
// in bounded batches: dedupe keys after [SeenRetention] (7 days, well past
// Telegram's ~24 h of redelivery), answered questions after
// [QuestionRetention] (30 days; a later button press is told the question is
// too old and offered /ticket), and links to tickets after [LinkRetention]
// (90 days) once their ticket is closed, cancelled or long resolved; failed
// inbox entries after [FailedRetention] (30 days; an undecodable entry is
// set aside in a poison bucket at once, so it never stops the Router), and
// the outbox's dead letters and refs (outbox.DeadLetterRetention,
// outbox.RefRetention). Entries
// stored before they carried a time age from the first pruning run.
//
// Caveats: values read from bbolt are valid only inside their transaction;
// this package copies what it keeps. The Router holds no write transaction
// while it searches.
package bot
