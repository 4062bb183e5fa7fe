package tickets_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// benchQuestions are typical officer questions (wording only, no facts).
var benchQuestions = []string{
	"Xin hướng dẫn thủ tục cấp lại giấy chứng nhận đăng ký hợp đồng chuyển quyền sử dụng đối tượng sở hữu công nghiệp",
	"Khai báo thiết bị X-quang chẩn đoán trong y tế nộp hồ sơ ở đâu?",
	"Cấp giấy phép cung cấp dịch vụ viễn thông cố định mặt đất do cơ quan nào thực hiện?",
	"Thủ tục cấp chứng chỉ vô tuyến điện viên nghiệp dư như thế nào?",
	"Ủy ban nhân dân xã kiểm tra đo lường hàng đóng gói sẵn theo quy định nào?",
	"Báo cáo định kỳ hằng tháng chốt số liệu vào ngày nào?",
	"Thẩm định thiết kế cơ sở dự án ứng dụng công nghệ thông tin nhóm A mất bao lâu?",
	"Cấp phó bản văn bằng bảo hộ sở hữu công nghiệp cần giấy tờ gì?",
	"Xã có thẩm quyền xử lý khiếu nại về chất lượng hàng hóa không?",
	"Phụ cấp cho cán bộ chuyên trách chuyển đổi số áp dụng từ khi nào?",
	"Giấy phép sử dụng thiết bị X-quang gia hạn ở cấp tỉnh hay bộ?",
	"Hướng dẫn cung cấp thông tin trên môi trường mạng của ủy ban xã",
}

// fill100k creates 100,000 tickets spread over the 34 provinces and 12
// topics, in transactions of 5,000 (fsync on): 80% end resolved (half of
// those closed), 10% are claimed with a staff reply, 10% are new. So about
// 590 of a province's ~2,940 tickets are open.
func fill100k(b *testing.B, s *tickets.Store) {
	const total, chunk = 100_000, 5_000
	for start := 0; start < total; start += chunk {
		err := s.Update(func(tx *tickets.Tx) error {
			for i := start; i < start+chunk; i++ {
				tk, _, err := tx.Create(tickets.NewTicket{
					Channel: "telegram", UserID: fmt.Sprint(i % 3000), ChatID: fmt.Sprint(i % 3000), UserName: "Cán bộ xã",
					Province: tickets.Provinces[i%34], Commune: "Xã Thử Nghiệm", Topic: tickets.Topics[i%12],
					Text:   fmt.Sprintf("%s (hồ sơ số %d)", benchQuestions[i%len(benchQuestions)], i),
					Hits:   []tickets.HitRef{{ID: "ip-reissue", Title: "Cấp lại giấy chứng nhận", Document: "Nghị định 133/2025/NĐ-CP"}},
					Source: fmt.Sprintf("telegram:%d", i),
				})
				if err != nil {
					return err
				}
				switch r := i % 10; {
				case r == 9: // new
				default:
					if _, err := tx.Claim(tk.ID, staff); err != nil {
						return err
					}
					if _, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: staff, Text: "Anh/chị vui lòng nộp hồ sơ tại Sở KH&CN."}); err != nil {
						return err
					}
					if r == 8 { // claimed, answered, still open
						continue
					}
					if _, err := tx.Transition(tk.ID, tickets.StateResolved, staff, ""); err != nil {
						return err
					}
					if r%2 == 0 {
						if _, err := tx.Transition(tk.ID, tickets.StateClosed, staff, ""); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListOpenByProvince100k lists the open tickets of one province in
// a store of 100,000 tickets (about 590 open per province). One op lists
// every province once, all its open tickets, then again with Limit 50 (a
// page); percentiles are over every listing of the run. The 100k fixture
// is built once, before timing starts.
func BenchmarkListOpenByProvince100k(b *testing.B) {
	s, _ := openStore(b, tickets.Options{})
	fill100k(b, s)
	var all, page []time.Duration
	found := 0
	for b.Loop() {
		for _, p := range tickets.Provinces {
			start := time.Now()
			ts, err := s.List(tickets.Filter{Province: p, Open: true})
			all = append(all, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
			found = len(ts)
			start = time.Now()
			if _, err := s.List(tickets.Filter{Province: p, Open: true, Limit: 50}); err != nil {
				b.Fatal(err)
			}
			page = append(page, time.Since(start))
		}
	}
	pct := func(lat []time.Duration, q float64) float64 {
		slices.Sort(lat)
		return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(all, 0.50), "p50-ms")
	b.ReportMetric(pct(all, 0.99), "p99-ms")
	b.ReportMetric(pct(all, 1), "max-ms")
	b.ReportMetric(pct(page, 0.99), "p99-limit50-ms")
	b.ReportMetric(float64(found), "open/province")

	// Once each, on the same 100k store, for the record: a full Verify and a
	// Similar search (which reads every resolved ticket).
	b.StopTimer()
	start := time.Now()
	rep, err := s.Verify(b.Context())
	if err != nil || !rep.OK() {
		b.Fatalf("Verify: %v %v", err, rep.Problems)
	}
	b.ReportMetric(time.Since(start).Seconds(), "verify-s")
	start = time.Now()
	if _, err := s.Similar("cấp lại giấy chứng nhận sở hữu công nghiệp", 5); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "similar-s")
}
