// Package outbox is the one durable queue for every outgoing message of
// every channel, and the types those messages are made of (Reply, Sender,
// Limits).
//
// It is a package of its own, below the conversation code (package bot),
// so that whatever must say something can do so without importing the
// Router: the schedules (reminders, SLA warnings) enqueue through it, and
// the channels (bot/telegram, bot/slack, bot/console) implement its Sender
// and register their Limits with it. It imports only tickets (for its group
// commit) and bbolt.
//
// # Durability
//
// A Reply is stored in bbolt in the transaction that caused it (EnqueueTx)
// and deleted only in the transaction that records its delivery, so a crash
// loses nothing. Values read from bbolt are valid only inside their
// transaction; the outbox copies what it keeps.
//
// # The pipeline
//
// Run drains the queue through a pipeline of stages, one file each:
//
//	dedupe (dedupe.go) → resolve refs (resolve.go)
//	→ rate limit (ratelimit.go, ratelimiter.go) → forgotten? (forget_guard.go)
//	→ send with retry (retry.go) → record (record.go)
//
// One dispatcher (run.go) holds at most Options.MaxLoaded items in memory
// (loading the rest as items finish) and hands ready items to a bounded
// pool of Options.Workers goroutines, interactive items first (see the
// bulk lane). An item that must wait (a rate
// limit, a 429, a 5xx, a network error, a ref not yet recorded) holds no
// worker. Retries never give up; only a failure the Sender calls permanent
// (blocked by the user, chat not found) ends an item, which then goes to a
// dead-letter bucket and to Options.OnFailed. Dead letters are kept for
// DeadLetterRetention (see Prune) and listed by DeadLetters.
//
// # Limits across restarts
//
// Each channel's RateLimiter (ratelimiter.go) counts sends by their
// completion times. Those times are also written to a limit log
// (limitlog.go, bucket bot_outbox_limits) in the transaction that records
// the delivery, so it costs no write of its own: per (channel, chat) the
// last send (a group's last PerGroupPerMinute), per channel a ring of the
// last GlobalPerSecond sends (and of the last UpdatesPerMinute edits).
// Register seeds the new limiter from it, so that after any start, a
// kill -9 included, the limits hold as if the process had never stopped.
// A marker written when Run starts and deleted when it stops cleanly tells
// New that the last process was killed; then the sends it had in flight
// were never recorded, yet Telegram may have counted them a moment ago, so
// every chat with a message still queued counts as just sent to (it waits
// one window, once) and the channel as having just sent min(Workers,
// queued keys). Prune forgets chats not sent to for ten minutes.
//
// # The bulk lane
//
// A Reply with Bulk set (one message of an announcement, a reminder
// round) is sent in a lane of its own, so that a broadcast to thousands
// never starves officers' answers:
//
//   - rate: bulk sends use at most Limits.BulkPerSecond of the global rate
//     (GlobalPerSecond − ReservedPerSecond; Telegram: e.g. 25 of 30, five
//     a second kept for answers at all times), paced one every
//     (1 s + Margin) / BulkPerSecond rather than in bursts when the window
//     opens (RateLimiter.ReserveBulk);
//   - workers: bulk items hold at most Options.BulkWorkers of the workers
//     (default three quarters), so answers always find one free;
//   - memory: bulk items take at most three quarters of MaxLoaded, so an
//     answer enqueued behind 2,000 announcements is loaded at once;
//   - priority: when an interactive and a bulk item are both ready, the
//     interactive goes first.
//
// With ReservedPerSecond 0 the pace and the priority alone keep answers
// moving (a bulk send frees its slot of the window about every 1/30 s,
// and the next slot goes to a waiting answer), but a burst of answers
// then finds the window full of announcements.
//
// Queues that are due but held back by their channel's global window (or
// the bulk pace) wait in a gate of the dispatcher (gate.go) instead of
// being handed to a worker only to be refused: during a broadcast the
// dispatcher does a few operations per send, not one per waiting chat.
//
// Order per order key still holds across lanes: an answer to a chat waits
// behind an announcement queued to that chat before it.
//
// # Kinds and order keys
//
// Delivery is in order per order key: the next item of a key waits until
// the previous one is recorded; different keys never wait for each other
// (except through their channel's rate limits). The key of a Reply is
//
//   - KindMessage, KindEphemeral: (channel, chat, thread), where thread is
//     Reply.Thread, or "ref:"+ThreadRef when ThreadRef is set; so one Slack
//     ticket thread never waits on another's, nor on the channel's top
//     level;
//   - KindUpdate: (channel, chat, "upd:"+Ref): edits do not wait behind new
//     posts in the same channel;
//   - KindAnswer (a button press's toast) and KindView (opening a modal,
//     whose trigger expires in 3 s): a key of their own, so they never wait
//     for a chat's other messages. They are never rate limited either.
//
// # Refs
//
// When an item with a Ref is delivered, the channel's id of the sent
// message is recorded under (channel, chat, Ref) in the same transaction
// (RefTx reads it). Before Send, a KindUpdate's Ref is resolved into
// Reply.EditID and a ThreadRef into Reply.Thread. If the referenced message
// is not sent yet, the dependant waits (a short backoff, no worker held, not
// a failure); if it became a dead letter, so does the dependant (ErrRefDead).
// Refs are kept RefRetention after their last use (Prune).
//
// # Coalescing
//
// KindUpdate items of one (channel, chat, Ref) that are pending together
// are coalesced: only the newest is sent; the older ones are deleted as
// superseded in the transaction that records it. Ten updates of a ticket's
// card enqueued within a second make one edit. Updates count against
// Limits.UpdatesPerMinute over the whole channel when it is set, instead of
// their chat's limits.
//
// # Channels without a Sender
//
// EnqueueTx accepts any valid Reply whatever channels are registered (a
// reply for Slack while Slack is switched off must not cost the officer
// the whole update). Run leaves the items of a channel with no Sender
// queued ("parked"), without holding them in memory or spinning on them,
// logs one warning per channel per Run, reports them in
// supportbot_outbox_parked{channel}, and delivers them once the channel is
// registered (Register may be called while Run runs). A text stored for an
// unregistered channel is cut by the channel's Split at send time.
//
// # The crash window
//
// A message the channel accepted is recorded in a bbolt transaction right
// after Send returns (one fsync: about half a millisecond on an idle disk,
// a few under load). That transaction is shared with the records of the
// sends finishing at the same time (a group commit: Options.Batch, the
// Router's own, as cmd wires it; else a tickets.GroupCommit of the outbox's
// own), so delivery is not capped at one fsync per message and the outbox
// does not take bbolt's single writer from the Router; the window grows at
// most by the commit already in progress and the group commit's gathering
// wait (at most 1 ms, only while fewer records are queued than the last
// commit carried). If the process dies inside that window the message is
// sent again after restart: only the sends in flight at the instant of the
// kill. Measured with the real binary killed twice during 200 replies
// (cmd/supportbot TestBinaryKillsKeepTelegramLimits): every send the
// server accepted and the database did not record had been accepted less
// than a few milliseconds before the kill. How many that is depends on how
// many sends were in flight together: up to Workers when a burst of
// answers starts as Telegram's window opens, about one for a paced bulk
// broadcast (see the bulk lane). Spreading answers the same way would
// cut that burst, but costs about a third of the throughput of a burst to a few
// dozen chats (their per-chat limits then line up badly), so answers are
// not spread.
// Neither Telegram nor Slack offers an idempotency key, so a window there
// must be; the alternative, recording before sending, would lose messages
// instead. Within one process nothing is sent twice: a message whose record
// fails is recorded again, not resent (dedupe.go), and a send in flight at
// shutdown is allowed to finish and be recorded. (A text cut at send time,
// see above, is sent again whole after a crash between its parts.)
//
// # Forgetting a chat
//
// When an officer's data is erased, Forget (forget.go) deletes, in the
// erasure's transaction, everything the outbox keeps about their chat:
// queued items, dead letters, refs and limit-log entries, and whatever
// else the caller's Match names (relays of their tickets in Slack
// threads). Run drops the copies it holds in memory once that transaction
// commits, and holds back any it was about to send until then; what the
// erasure queues after Forget (its confirmation, marked Reply.NoTrace so
// that the chat is not written down again) is delivered as usual.
//
// # Buckets
//
// bot_outbox (the queue, keyed by a global sequence, so a cursor reads it
// in enqueue order), bot_outbox_dead (dead letters, by the item's
// sequence), bot_outbox_refs (channel, chat and ref → the sent id) and
// bot_outbox_limits (the limit log, see above).
// Every method of Outbox is safe for concurrent use; Run runs once at a
// time.
package outbox
