package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// How long users.info answers are kept.
const (
	userTTL       = time.Hour
	userFailedTTL = time.Minute // a failed lookup is not repeated sooner
)

// userInfo is what the bot keeps of a Slack user.
type userInfo struct {
	name string // display name, else real name, else user name; "" if unknown
	lang string // "vi" or "en" from the user's locale; "" if unknown
	at   time.Time
}

// users caches users.info. Safe for concurrent use.
type users struct {
	api     *slack.Client
	now     func() time.Time
	timeout time.Duration // bounds one users.info, which runs before an ack

	mu sync.Mutex // guards m
	m  map[string]userInfo
}

func newUsers(api *slack.Client, now func() time.Time, timeout time.Duration) *users {
	return &users{api: api, now: now, timeout: timeout, m: map[string]userInfo{}}
}

// get returns what is known of user id, asking users.info when the cache
// has nothing fresh. A failed lookup gives the zero userInfo (callers fall
// back to the name in the payload, or the ID) and is not repeated for
// userFailedTTL.
func (u *users) get(ctx context.Context, id string) userInfo {
	if id == "" {
		return userInfo{}
	}
	now := u.now()
	u.mu.Lock()
	info, ok := u.m[id]
	u.mu.Unlock()
	if ok && (now.Sub(info.at) < userFailedTTL || (info.name != "" && now.Sub(info.at) < userTTL)) {
		return info
	}
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	usr, err := u.api.GetUserInfoContext(ctx, id)
	info = userInfo{at: now}
	if err == nil && usr != nil {
		info.name = firstNonEmpty(usr.Profile.DisplayName, usr.Profile.RealName, usr.RealName, usr.Name)
		info.lang = langOf(usr.Locale)
	}
	u.mu.Lock()
	u.m[id] = info
	u.mu.Unlock()
	return info
}

// name returns the display name of id, or "" (for plainFromSlack).
func (u *users) name(ctx context.Context) func(string) string {
	return func(id string) string { return u.get(ctx, id).name }
}

// langOf maps a Slack locale ("vi-VN", "en-US") to the bot's languages.
func langOf(locale string) string {
	switch {
	case strings.HasPrefix(locale, "vi"):
		return "vi"
	case strings.HasPrefix(locale, "en"):
		return "en"
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
