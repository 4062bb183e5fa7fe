package schedules_test

import (
	"bytes"
	"context"
	"image/png"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// TestDigestOncePerDayWithChart builds tickets over two weeks, then runs
// the digest job around 08:00 across a restart: one digest a day, with the
// queue by state and topic, the breaches, who is on call, the deadlines
// section and a PNG chart that decodes.
func TestDigestOncePerDayWithChart(t *testing.T) {
	dir := t.TempDir()
	clk := &slaClock{}
	e := openSLAEnv(t, dir, clk)
	// Ten days ago: three tickets, two resolved two days later; yesterday:
	// an urgent one (breached by now) and a normal one.
	clk.Set(vnTime(2026, 11, 20, 10, 0))
	var old []*tickets.Ticket
	for _, tp := range []string{"radiation", "radiation", "ip"} {
		old = append(old, e.ticket(t, tickets.PriorityNormal, tp, "Câu hỏi cũ về "+tp))
	}
	clk.Set(vnTime(2026, 11, 22, 15, 0))
	if err := e.st.Update(func(tx *tickets.Tx) error {
		for _, tk := range old[:2] {
			if _, err := tx.Claim(tk.ID, slaStaff); err != nil {
				return err
			}
			if _, err := tx.Transition(tk.ID, tickets.StateResolved, slaStaff, ""); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	clk.Set(vnTime(2026, 11, 29, 21, 0))
	urgent := e.ticket(t, tickets.PriorityUrgent, "telecom", "Mất sóng <toàn xã>")
	e.ticket(t, tickets.PriorityNormal, "", "Câu hỏi khác")

	newDigest := func() *schedules.Digest {
		d, err := schedules.NewDigest(schedules.DigestOptions{Tickets: e.st, Outbox: slaOutbox{}, Triage: "CTRIAGE", DataDir: dir,
			Rota: loadExampleRota(t), Logger: slog.New(slog.DiscardHandler),
			DeadlineSummary: func(now time.Time) []string {
				return []string{"<b>Báo cáo bức xạ</b> (hạn 05/12): 3 tỉnh chưa nộp"}
			}})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := newDigest()
	run := func(at time.Time) {
		t.Helper()
		clk.Set(at)
		if err := d.Run(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	run(vnTime(2026, 11, 30, 7, 55))
	if n := len(e.sent(t)); n != 0 {
		t.Fatalf("before 08:00: %d digests", n)
	}
	run(vnTime(2026, 11, 30, 8, 0))
	run(vnTime(2026, 11, 30, 8, 5))
	e.close(t)
	e = openSLAEnv(t, dir, clk)
	d = newDigest()
	run(vnTime(2026, 11, 30, 9, 0))
	got := e.sent(t)
	if len(got) != 1 {
		t.Fatalf("on the first day: %d digests, want 1", len(got))
	}
	r := got[0]
	if r.ChatID != "CTRIAGE" || r.ThreadRef != "" || len(r.Files) != 1 {
		t.Fatalf("digest %+v, want a top-level post in CTRIAGE with one file", r)
	}
	for _, want := range []string{
		"Tổng hợp hằng ngày</b>, 30/11/2026",
		"<b>Phiếu đang mở</b>: 3",
		"<b>Quá hạn SLA</b>: 3",
		"<b>" + urgent.ID + "</b>",
		"phản hồi đầu tiên, 21:30 29/11/2026",
		"<b>Đang trực</b>: <b>Lê Thu Hòa</b>, đến 08:30 30/11/2026",
		"• <b>Báo cáo bức xạ</b> (hạn 05/12): 3 tỉnh chưa nộp",
		"<b>14 ngày qua</b>: 5 phiếu mới, 2 phiếu đã giải quyết",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, r.Text)
		}
	}
	for _, tp := range []string{"telecom", "ip", "other"} {
		if !strings.Contains(r.Text, tickets.TopicLabel(tp, "vi")+": 1") {
			t.Errorf("digest lacks topic %s:\n%s", tp, r.Text)
		}
	}
	if strings.Contains(r.Text, "<toàn xã>") {
		t.Error("ticket text is not escaped (and should not be in the digest)")
	}

	f := r.Files[0]
	if f.Name != schedules.DigestChartName || f.Mime != "image/png" || !strings.HasPrefix(f.Path, dir) {
		t.Errorf("file %+v", f)
	}
	data, err := os.ReadFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dx() > 2000 || b.Dy() < 200 || b.Dy() > 1200 {
		t.Errorf("chart size %v", b)
	}
	if len(data) < 2000 || int64(len(data)) != f.Size {
		t.Errorf("chart of %d bytes (Size %d)", len(data), f.Size)
	}

	// The next day brings the next digest, in English when asked.
	run(vnTime(2026, 12, 1, 7, 59))
	run(vnTime(2026, 12, 1, 8, 0))
	if got := e.sent(t); len(got) != 2 || !strings.Contains(got[1].Text, "01/12/2026") {
		t.Fatalf("on the second day: %d digests", len(got))
	}
}

func TestDigestEnglishWithoutOptionalSections(t *testing.T) {
	dir := t.TempDir()
	clk := &slaClock{t: vnTime(2026, 11, 30, 8, 0)}
	e := openSLAEnv(t, dir, clk)
	d, err := schedules.NewDigest(schedules.DigestOptions{Tickets: e.st, Outbox: slaOutbox{}, Triage: "CTRIAGE", DataDir: dir, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Build(clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Daily digest</b>, Mon 30 Nov 2026", "<b>Open tickets</b>: 0", "Past an SLA target</b>: none", "0 tickets opened, 0 resolved"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "deadlines") || strings.Contains(r.Text, "On call") {
		t.Errorf("optional sections shown:\n%s", r.Text)
	}
	if _, err := os.Stat(r.Files[0].Path); err != nil {
		t.Error(err)
	}
}
