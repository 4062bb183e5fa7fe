package tickets_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// benchCreate measures durable creations (fsync on, the store's group
// commit) by `creators` goroutines. One benchmark op is one round of
// perRound tickets per creator, so `-benchtime=1x` still measures
// creators×perRound creations. The figure to read is tickets/s.
func benchCreate(b *testing.B, creators, perRound int) {
	s, _ := openStore(b, tickets.Options{})
	var seq atomic.Int64
	var total int64
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		for range creators {
			wg.Go(func() {
				for range perRound {
					i := seq.Add(1)
					_, _, err := s.Create(tickets.NewTicket{
						Channel: "telegram", UserID: fmt.Sprint(i % 500), ChatID: fmt.Sprint(i % 500),
						Province: tickets.Provinces[i%34], Topic: tickets.Topics[i%12],
						Text:   "Xin hướng dẫn thủ tục cấp lại giấy chứng nhận đăng ký hợp đồng chuyển quyền sử dụng",
						Source: fmt.Sprintf("telegram:%d", i),
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed += time.Since(start)
		total += int64(creators * perRound)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "tickets/s")
	b.ReportMetric(float64(elapsed.Microseconds())/float64(total), "µs/ticket")
}

func BenchmarkCreate32Creators(b *testing.B) { benchCreate(b, 32, 100) }
func BenchmarkCreate1Creator(b *testing.B)   { benchCreate(b, 1, 500) }
