package main

import (
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// The retention reads as people write it: one month, not "1 months";
// Vietnamese has no plural.
func TestRetentionWords(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		en, vi string
	}{
		{month, "1 month", "1 tháng"},
		{24 * month, "24 months", "24 tháng"},
		{day, "1 day", "1 ngày"},
		{730 * day, "730 days", "730 ngày"},
		{36 * time.Hour, "36h0m0s", "36h0m0s"},
		{0, "no limit", "không giới hạn"},
	} {
		if got := bot.RetentionWords(c.d, "en"); got != c.en {
			t.Errorf("en %v: %q, want %q", c.d, got, c.en)
		}
		if got := bot.RetentionWords(c.d, "vi"); got != c.vi {
			t.Errorf("vi %v: %q, want %q", c.d, got, c.vi)
		}
	}
}
