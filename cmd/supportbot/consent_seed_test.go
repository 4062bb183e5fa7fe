package main

import (
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/tickets"
)

// seedConsent records in dataDir's database, before the bot opens it, that
// the Telegram officers of chats (private chat id == user id) agreed to the
// privacy notice, as pressing its Agree does: without that the bot opens
// them no ticket (bot/privacy_notice.go). The benchmarks and the soak seed
// it instead of pressing Agree, so that what they measure is not mixed with
// the notice's messages, which Telegram's per-chat and global limits would
// count.
func seedConsent(tb testing.TB, dataDir string, chats []int64) {
	tb.Helper()
	db, err := tickets.OpenDB(dataDir)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	at := time.Now()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, c := range chats {
			if err := bot.RecordConsent(tx, bot.Telegram, strconv.FormatInt(c, 10), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// chatRange returns the n chats first, first+1, ….
func chatRange(first int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = first + int64(i)
	}
	return out
}
