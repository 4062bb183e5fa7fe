package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mostvn/supportbot/bot"
)

// SUPPORTBOT_RETENTION: how long a closed ticket keeps its officer's
// personal data before it is anonymised. Laws and policies count it in
// months or days, which Go durations cannot say, hence "24mo" and "730d".

const (
	day   = 24 * time.Hour
	month = bot.Month // 24mo is two years give or take a day
	// minRetention refuses "24m" (Go reads minutes) meant as months, and
	// any setting that would anonymise a ticket before its officer could
	// answer the resolution or staff could reopen it.
	minRetention = day
	maxRetention = 100 * 12 * month
)

// parseRetention reads "24mo", "730d", a Go duration of at least a day,
// or "0" / "off" for no retention limit (returned as 0).
func parseRetention(v string) (time.Duration, error) {
	bad := fmt.Errorf("%q: want months such as 24mo, days such as 730d, a duration of at least 24h, or off (0) to keep closed tickets whole", v)
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "0" || s == "off" {
		return 0, nil
	}
	var d time.Duration
	switch {
	case strings.HasSuffix(s, "mo"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "mo"))
		if err != nil || n < 1 || n > 1200 {
			return 0, bad
		}
		d = time.Duration(n) * month
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 1 || n > 36525 {
			return 0, bad
		}
		d = time.Duration(n) * day
	default:
		x, err := time.ParseDuration(s)
		if err != nil {
			return 0, bad
		}
		d = x
	}
	if d < minRetention {
		return 0, fmt.Errorf("%w (%s is under a day; months are written mo, as in 24mo)", bad, d)
	}
	if d > maxRetention {
		return 0, bad
	}
	return d, nil
}

// formatRetention writes d as parseRetention reads it, in the unit an
// operator most likely wrote: 24mo, 730d, or a Go duration.
func formatRetention(d time.Duration) string {
	switch {
	case d <= 0:
		return "off"
	case d%month == 0:
		return strconv.FormatInt(int64(d/month), 10) + "mo"
	case d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}
