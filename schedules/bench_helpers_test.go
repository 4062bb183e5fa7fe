package schedules_test

import (
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/telegram/faketg"
	"github.com/mostvn/supportbot/schedules"
)

// benchFanout is the reminder fan-out benchmarks' setting: the test
// calendar and a directory of chats commune officers, each in a chat of
// their own, all following t-commune.
func benchFanout(b *testing.B, chats int) (*schedules.Calendar, schedules.DirectoryFunc) {
	b.Helper()
	cal, err := schedules.ParseCalendar("bench.yaml", []byte(remCalendarYAML))
	if err != nil {
		b.Fatal(err)
	}
	offs := make([]schedules.Officer, chats)
	for i := range offs {
		offs[i] = officer(strconv.Itoa(1_000_000+i), "Lào Cai", "Xã "+strconv.Itoa(i), schedules.AudienceCommune, "vi")
	}
	dir := schedules.DirectoryFunc(func(_ *bolt.Tx, fn func(schedules.Officer) error) error {
		for _, o := range offs {
			if err := fn(o); err != nil {
				return err
			}
		}
		return nil
	})
	return cal, dir
}

// benchDelivered counts the messages the fake accepted per chat, and how
// many of them a chat got again (duplicates).
func benchDelivered(fake *faketg.Server) (perChat map[int64]int, dups int) {
	perChat = map[int64]int{}
	for _, s := range fake.Sent() {
		perChat[s.ChatID]++
	}
	for _, n := range perChat {
		dups += n - 1
	}
	return perChat, dups
}
