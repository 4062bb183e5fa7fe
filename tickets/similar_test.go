package tickets_test

import (
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func TestSimilarRanksResolvedTickets(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	resolve := func(text, answer string) string {
		tk := create(t, s, question(text))
		transition(t, s, tk.ID, tickets.StateClaimed, staff)
		addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: answer})
		transition(t, s, tk.ID, tickets.StateResolved, staff)
		return tk.ID
	}
	xray := resolve("Khai báo thiết bị X-quang chẩn đoán trong y tế nộp ở đâu?", "Nộp cho UBND tỉnh nơi sử dụng thiết bị.")
	telecom := resolve("Giấy phép cung cấp dịch vụ viễn thông cố định mặt đất do ai cấp?", "UBND tỉnh nơi doanh nghiệp đặt trụ sở.")
	resolve("Báo cáo định kỳ hằng tháng chốt số liệu ngày nào?", "Xem Nghị định 09/2019.")
	open := create(t, s, question("Khai báo thiết bị X-quang chẩn đoán y tế")) // open: never suggested

	// Typed without tone marks, as officers often do.
	got, err := s.Similar("khai bao thiet bi x quang o dau", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].ID != xray {
		t.Fatalf("Similar = %+v, want %s first", got, xray)
	}
	if got[0].Answer != "Nộp cho UBND tỉnh nơi sử dụng thiết bị." {
		t.Errorf("answer %q", got[0].Answer)
	}
	for _, g := range got {
		if g.ID == open.ID {
			t.Errorf("open ticket %s suggested", open.ID)
		}
	}
	got, _ = s.Similar("giấy phép viễn thông", 1)
	if len(got) != 1 || got[0].ID != telecom {
		t.Fatalf("Similar(viễn thông) = %+v, want %s", got, telecom)
	}
	if got, _ := s.Similar("qwertyzz", 3); len(got) != 0 {
		t.Errorf("unrelated question matched %+v", got)
	}

	// A reopened ticket is no longer a model answer; resolved again, it is.
	transition(t, s, telecom, tickets.StateReopened, officer)
	if got, _ := s.Similar("giấy phép viễn thông", 3); len(got) != 0 {
		t.Fatalf("reopened ticket still suggested: %+v", got)
	}
	transition(t, s, telecom, tickets.StateClaimed, staff)
	transition(t, s, telecom, tickets.StateResolved, staff)
	transition(t, s, telecom, tickets.StateClosed, staff)
	before, _ := s.Similar("giấy phép viễn thông", 1)
	if err := s.ReindexSimilar(); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Similar("giấy phép viễn thông", 1)
	if len(before) != 1 || before[0].ID != telecom || before[0].State != tickets.StateClosed || after[0].Score != before[0].Score {
		t.Fatalf("closed ticket: before reindex %+v, after %+v", before, after)
	}
}
