// Package schedules will hold the deadline calendar, the cron engine, the
// reminders, the SLA watch and the on-call rota. It is the only importer of
// robfig/cron and sends through a Notifier interface that cmd wires to the
// outbox. Nothing is implemented yet: see the reminders issue.
package schedules
