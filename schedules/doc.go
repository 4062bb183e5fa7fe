// Package schedules holds what the bot does by the clock: the deadline
// calendar and its reminders (this file's neighbours deadline.go, load.go,
// reminders.go, pending.go, render.go, ics.go), the cron Engine that runs
// every scheduled job (engine.go), and the SLA watch, on-call rota and
// daily digest (sla.go, rota.go, digest.go). It is the only importer of
// robfig/cron. It may import bot/outbox (the durable queue every message
// leaves through) but never package bot, which imports it.
//
// # The calendar
//
// A Calendar is a validated list of Deadlines loaded from YAML: the file
// embedded from deadlines.yaml, or one named by SUPPORTBOT_DEADLINES_FILE
// (LoadCalendar). Day numbers come only from the fact sheet's §7.6;
// entries whose rule may have changed are "check status" and say so to
// officers. Validation errors wrap ErrInvalidCalendar and start with
// "file:line:". An occurrence is a due date (a civil date in
// Asia/Ho_Chi_Minh, rendered yyyymmdd in keys); a report is due by the end
// of that date.
//
// # Reminders
//
// Reminders ticks every minute on the Engine. Each reminder slot (deadline,
// occurrence, offset) becomes a fan-out: a record stored before the first
// recipient is served and marked done after the last. Recipients are the
// officers of the Directory (package bot lists its officers) who follow the
// deadline: by default those whose audience it is, plus explicit Follow,
// minus Unfollow. Each write transaction of a fan-out queues at most
// Options.BatchSize replies in the outbox together with a fired record per
// (deadline, occurrence, slot, officer), so a process killed between two
// transactions resumes at its next tick with neither a repeat nor a gap;
// the outbox itself then delivers each queued reply once (its own crash
// window aside, see bot/outbox). Officers of a unit (a commune, a province
// department, or an officer alone) are skipped once any of them has
// confirmed the occurrence (ConfirmTx, called by the bot in the
// transaction of the button press). The last tick is stored: after
// downtime, the next tick sends the latest missed reminder of each
// occurrence still open, marked late, and records the rest as skipped
// Events. The day after each deadline the units still pending, by province,
// go to the Slack triage channel (Pending, RenderPending).
//
// # Storage
//
// Buckets schedules_reminder_meta, schedules_follows, schedules_confirmed,
// schedules_deadline_events, schedules_fanouts and schedules_fired (store.go), in
// the bot's database. Values read from bbolt are valid only inside their
// transaction; the package copies what it keeps. Fired records and done
// fan-outs are small and are kept (about 100 bytes per reminder sent).
// Officers appear in them only by their key, "channel:userID"
// (Officer.Key); ForgetOfficer (forget.go) removes one officer's key from
// all of them when their data is erased, keeping their unit's
// confirmations.
//
// # Caveats
//
// robfig/cron's own scheduler is not used: the Engine computes ticks with
// its parser and an injected clock, wraps each job SkipIfStillRunning then
// Recover (../shared/notes/libraries.md §5), and wakes at least once a
// minute so a suspended host or a clock jump is noticed. Runs missed while
// the process was down are not made up by the Engine; the reminders make
// up their own from the stored last tick.
package schedules
