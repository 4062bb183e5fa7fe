package outbox_test

import (
	"fmt"
	"testing"

	"github.com/mostvn/supportbot/bot/outbox"
)

// BenchmarkOutboxForget measures Forget inside an erasure's transaction
// with a backlog of 10,000 queued messages to 1,000 chats (ten each), ten
// of them the officer's, and a Match: an announcement (bulk), which Forget
// need not decode, and as many interactive replies, which Match is asked
// about. The transaction is rolled back, so every iteration sees the same
// backlog.
func BenchmarkOutboxForget(b *testing.B) {
	for _, bulk := range []bool{true, false} {
		b.Run(map[bool]string{true: "bulk", false: "interactive"}[bulk], func(b *testing.B) {
			db := obTempDB(b)
			o, err := outbox.New(db, outbox.Options{})
			if err != nil {
				b.Fatal(err)
			}
			var rs []outbox.Reply
			for i := range 10_000 {
				r := obReply(fmt.Sprint(100_000+i%1_000), fmt.Sprintf("Thông báo số %d: lịch nộp báo cáo quý IV của xã, hạn 20/12.", i))
				r.Bulk = bulk
				rs = append(rs, r)
			}
			if err := o.Enqueue(rs...); err != nil {
				b.Fatal(err)
			}
			match := func(r outbox.Reply) bool { return r.TicketID == "HT-000042" }
			for b.Loop() {
				tx, err := db.Begin(true)
				if err != nil {
					b.Fatal(err)
				}
				n, err := o.Forget(tx, outbox.Forget{Channel: outbox.Telegram, ChatID: "100007", Match: match})
				tx.Rollback()
				if err != nil || n != 10 {
					b.Fatalf("Forget = %d, %v; want the chat's 10 messages", n, err)
				}
			}
		})
	}
}
