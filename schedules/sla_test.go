package schedules_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

func newSLAWatch(t *testing.T, e *slaEnv, onCall schedules.OnCallFunc) *schedules.SLAWatch {
	t.Helper()
	w, err := schedules.NewSLAWatch(schedules.SLAOptions{Tickets: e.st, Outbox: slaOutbox{}, Triage: "CTRIAGE",
		OnCall: onCall, Supervisor: "USUPER1", Lang: "en", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestSLAEscalationLevelsAcrossRestart drives an urgent ticket past its
// first-response target, restarts the process (reopens the database) and
// checks that each level is called once, the supervisor only an hour after
// the on-call person, and that a ticket answered in time is left alone.
func TestSLAEscalationLevelsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	t0 := vnTime(2026, 11, 30, 9, 0)
	clk := &slaClock{t: t0}
	e := openSLAEnv(t, dir, clk)
	urgent := e.ticket(t, tickets.PriorityUrgent, "radiation", "Máy X-quang hỏng, cần khai báo gấp")
	answered := e.ticket(t, tickets.PriorityUrgent, "ip", "Hỏi về sở hữu trí tuệ")
	clk.Set(t0.Add(10 * time.Minute))
	if err := e.st.Update(func(tx *tickets.Tx) error {
		_, err := tx.AddMessage(answered.ID, tickets.ConvMessage{From: slaStaff, Text: "Chúng tôi đang xem."})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	onCall := func(time.Time) string { return "UONCALL1" }
	w := newSLAWatch(t, e, onCall)
	ctx := context.Background()
	run := func(at time.Time) {
		t.Helper()
		clk.Set(at)
		if err := w.Escalate(ctx, at); err != nil {
			t.Fatalf("Escalate at %s: %v", at, err)
		}
	}

	run(t0.Add(29 * time.Minute)) // before the 30-minute target
	if got := e.sent(t); len(got) != 0 {
		t.Fatalf("before the target: %d messages, want none: %+v", len(got), got)
	}
	run(t0.Add(31 * time.Minute))
	run(t0.Add(32 * time.Minute))
	got := e.sent(t)
	if len(got) != 1 {
		t.Fatalf("after the target: %d messages, want 1: %+v", len(got), got)
	}
	l1 := got[0]
	if l1.Channel != outbox.Slack || l1.ChatID != "CTRIAGE" || l1.ThreadRef != "triage:"+urgent.ID || l1.TicketID != urgent.ID {
		t.Errorf("level 1 goes to %s %s %q, want the ticket's thread in CTRIAGE", l1.Channel, l1.ChatID, l1.ThreadRef)
	}
	if len(l1.Mentions) != 1 || l1.Mentions[0] != "UONCALL1" {
		t.Errorf("level 1 mentions %v, want the on-call person", l1.Mentions)
	}
	if !strings.Contains(l1.Text, "<b>"+urgent.ID+"</b>") || !strings.Contains(l1.Text, "first response") {
		t.Errorf("level 1 text %q", l1.Text)
	}

	// Restart: a new process, the same file.
	e.close(t)
	e = openSLAEnv(t, dir, clk)
	w = newSLAWatch(t, e, onCall)
	run(t0.Add(40 * time.Minute))
	run(t0.Add(90 * time.Minute)) // 59 minutes after level 1: not yet
	if got := e.sent(t); len(got) != 1 {
		t.Fatalf("after the restart, before the interval: %d messages, want 1: %+v", len(got), got)
	}
	run(t0.Add(91 * time.Minute))
	run(t0.Add(95 * time.Minute))
	got = e.sent(t)
	if len(got) != 2 {
		t.Fatalf("after the interval: %d messages, want 2: %+v", len(got), got)
	}
	l2 := got[1]
	if l2.ThreadRef != "triage:"+urgent.ID || len(l2.Mentions) != 1 || l2.Mentions[0] != "USUPER1" {
		t.Errorf("level 2 = %+v, want the supervisor in the ticket's thread", l2)
	}
	if !strings.Contains(l2.Text, "Supervisor") || !strings.Contains(l2.Text, "1 h") {
		t.Errorf("level 2 text %q", l2.Text)
	}

	// Once more after another restart: nothing new for this target.
	e.close(t)
	e = openSLAEnv(t, dir, clk)
	w = newSLAWatch(t, e, onCall)
	run(t0.Add(5 * time.Hour))
	if got := e.sent(t); len(got) != 2 {
		t.Fatalf("hours later: %d messages, want still 2", len(got))
	}
	escs, err := w.Escalations(urgent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(escs) != 2 || escs[0].Level != schedules.LevelOnCall || escs[1].Level != schedules.LevelSupervisor ||
		escs[0].User != "UONCALL1" || escs[1].User != "USUPER1" || escs[0].Target != schedules.TargetFirstResponse {
		t.Errorf("records = %+v", escs)
	}

	// The resolution target (8 h for urgent) is a target of its own; the
	// answered ticket misses it too.
	run(t0.Add(8*time.Hour + time.Minute))
	got = e.sent(t)
	if len(got) != 4 {
		t.Fatalf("after the resolution target: %d messages, want 4: %+v", len(got), got[2:])
	}
	for _, r := range got[2:] {
		if !strings.Contains(r.Text, "resolution") || r.Mentions[0] != "UONCALL1" {
			t.Errorf("resolution escalation %+v", r)
		}
	}
	if escs, _ := w.Escalations(answered.ID); len(escs) != 1 || escs[0].Target != schedules.TargetResolution {
		t.Errorf("the answered ticket's records = %+v, want only its resolution", escs)
	}
}

// TestSLAEscalationNobodyOnCall: without an on-call person the message
// still goes to the thread, mentioning nobody; without a supervisor there
// is no level 2; a resolved ticket is not escalated.
func TestSLAEscalationNobodyOnCall(t *testing.T) {
	t0 := vnTime(2026, 11, 30, 22, 0)
	clk := &slaClock{t: t0}
	e := openSLAEnv(t, t.TempDir(), clk)
	tk := e.ticket(t, tickets.PriorityUrgent, "", "Câu hỏi ban đêm")
	done := e.ticket(t, tickets.PriorityUrgent, "", "Câu hỏi đã xong")
	if err := e.st.Update(func(tx *tickets.Tx) error {
		if _, err := tx.Claim(done.ID, slaStaff); err != nil {
			return err
		}
		_, err := tx.Transition(done.ID, tickets.StateResolved, slaStaff, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	w, err := schedules.NewSLAWatch(schedules.SLAOptions{Tickets: e.st, Outbox: slaOutbox{}, Triage: "CTRIAGE", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{31 * time.Minute, 2 * time.Hour, 3 * time.Hour} {
		if err := w.Escalate(context.Background(), t0.Add(d)); err != nil {
			t.Fatal(err)
		}
	}
	got := e.sent(t)
	if len(got) != 1 || got[0].TicketID != tk.ID || len(got[0].Mentions) != 0 || !strings.Contains(got[0].Text, "Quá hạn SLA") {
		t.Fatalf("sent %+v, want one Vietnamese message without mentions for %s", got, tk.ID)
	}
}

func TestNewSLAWatchRefusesMissingOptions(t *testing.T) {
	e := openSLAEnv(t, t.TempDir(), &slaClock{t: time.Now()})
	for name, o := range map[string]schedules.SLAOptions{
		"no store":  {Outbox: slaOutbox{}, Triage: "C1"},
		"no outbox": {Tickets: e.st, Triage: "C1"},
		"no triage": {Tickets: e.st, Outbox: slaOutbox{}},
		"negative":  {Tickets: e.st, Outbox: slaOutbox{}, Triage: "C1", SupervisorAfter: -time.Minute},
	} {
		if _, err := schedules.NewSLAWatch(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestStaffJobsRegister puts the three jobs on an Engine and drives it with
// its own clock: at 08:00 the escalation, the rota and the digest all run.
func TestStaffJobsRegister(t *testing.T) {
	dir := t.TempDir()
	t0 := vnTime(2026, 11, 30, 6, 0)
	clk := &slaClock{t: t0}
	env := openSLAEnv(t, dir, clk)
	env.ticket(t, tickets.PriorityUrgent, "", "Khẩn")
	quiet := slog.New(slog.DiscardHandler)
	rota := loadExampleRota(t)
	w, err := schedules.NewSLAWatch(schedules.SLAOptions{Tickets: env.st, Outbox: slaOutbox{}, Triage: "CTRIAGE", OnCall: rota.UserAt, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	n, err := schedules.NewRotaNotices(schedules.RotaNoticesOptions{DB: env.db, Outbox: slaOutbox{}, Triage: "CTRIAGE", Rota: rota, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	d, err := schedules.NewDigest(schedules.DigestOptions{Tickets: env.st, Outbox: slaOutbox{}, Triage: "CTRIAGE", DataDir: dir, Rota: rota, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	e := schedules.NewEngine(schedules.EngineOptions{Now: clk.Now, Logger: quiet})
	for _, r := range []interface{ Register(*schedules.Engine) error }{w, n, d} {
		if err := r.Register(e); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(e.Entries()); got != 3 {
		t.Fatalf("%d jobs registered, want 3", got)
	}
	at := vnTime(2026, 11, 30, 8, 0)
	clk.Set(at)
	e.RunDue(at)
	var escalated, digest bool
	for _, r := range env.sent(t) {
		escalated = escalated || (r.ThreadRef != "" && slices.Equal(r.Mentions, []string{"U0H2K8P4R"}))
		digest = digest || len(r.Files) == 1
	}
	if !escalated || !digest {
		t.Errorf("after 08:00: escalated %v, digest %v; sent %+v", escalated, digest, env.sent(t))
	}
}
