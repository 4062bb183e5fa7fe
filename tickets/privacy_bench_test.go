package tickets_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// erasable is how many officers of the 100k fixture have 1,000 tickets each
// to erase: one per benchmark op, so a run of a few ops needs no rebuild.
const erasable = 3

// fillErasable creates 100,000 tickets (NoSync: the fixture is not what is
// measured) in which officer telegram:8800000k, k < erasable, reported
// every 100th ticket: asked, followed up, claimed, answered and resolved,
// every other one closed. The other tickets come from 3,000 officers,
// half of them resolved (so the similar-ticket index is full).
func fillErasable(b *testing.B) *tickets.Store {
	s, _ := openStore(b, tickets.Options{})
	db := s.DB()
	db.NoSync = true
	defer func() { db.NoSync = false }()
	const total, chunk = 100_000, 5_000
	for start := 0; start < total; start += chunk {
		err := s.Update(func(tx *tickets.Tx) error {
			for i := start; i < start+chunk; i++ {
				user, name := fmt.Sprint(i%3000), "Cán bộ xã"
				target := i%100 < erasable
				if target {
					user, name = fmt.Sprintf("8800000%d", i%100), "Người Cần Xóa"
				}
				tk, _, err := tx.Create(tickets.NewTicket{
					Channel: "telegram", UserID: user, ChatID: user, UserName: name,
					Province: tickets.Provinces[i%34], Commune: "Xã Thử Nghiệm", Topic: tickets.Topics[i%12],
					Text:   fmt.Sprintf("%s (hồ sơ số %d)", benchQuestions[i%len(benchQuestions)], i),
					Source: fmt.Sprintf("telegram:%d", i),
				})
				if err != nil {
					return err
				}
				if !target && i%2 == 1 {
					continue
				}
				if target {
					if _, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + user, Name: name},
						Text: "Tôi bổ sung hồ sơ kèm theo"}); err != nil {
						return err
					}
				}
				if _, err := tx.Claim(tk.ID, staff); err != nil {
					return err
				}
				if _, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: staff, Text: "Anh/chị vui lòng nộp hồ sơ tại Sở KH&CN."}); err != nil {
					return err
				}
				if _, err := tx.Transition(tk.ID, tickets.StateResolved, staff, ""); err != nil {
					return err
				}
				if target && i%200 < 100 {
					if _, err := tx.Transition(tk.ID, tickets.StateClosed, staff, ""); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkAnonymise1000Of100k erases one officer's 1,000 tickets in a
// store of 100,000 as the Eraser does: their IDs from the reporter index,
// then Anonymise in transactions of 100, fsync on. One op is one officer;
// tx-ms is the time each transaction holds the writer (what the router
// waits at worst).
func BenchmarkAnonymise1000Of100k(b *testing.B) {
	const perTx = 100
	s := fillErasable(b)
	next := 0
	var txs []time.Duration
	by := tickets.Actor{Kind: tickets.ActorSystem, ID: "supportbot"}
	b.ResetTimer()
	for range b.N {
		if next == erasable {
			b.StopTimer()
			s, next = fillErasable(b), 0
			b.StartTimer()
		}
		user := fmt.Sprintf("8800000%d", next)
		next++
		var ids []string
		err := s.View(func(tx *tickets.Tx) error {
			var err error
			ids, err = tx.ReporterTickets("telegram", user)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) != 1000 {
			b.Fatalf("officer %s has %d tickets, want 1000", user, len(ids))
		}
		for batch := range slices.Chunk(ids, perTx) {
			start := time.Now()
			err := s.Update(func(tx *tickets.Tx) error {
				for _, id := range batch {
					if _, err := tx.Anonymise(id, by, "officer request"); err != nil {
						return err
					}
				}
				return nil
			})
			txs = append(txs, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	slices.Sort(txs)
	var sum time.Duration
	for _, d := range txs {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(sum/time.Duration(len(txs))), "mean-tx-ms")
	b.ReportMetric(ms(txs[len(txs)-1]), "max-tx-ms")
	b.ReportMetric(float64(len(txs))/float64(b.N), "tx/op")

	rep, err := s.Verify(b.Context())
	if err != nil || !rep.OK() {
		b.Fatalf("Verify after erasure: %v %v", err, rep.Problems)
	}
}
