package slack

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// How often the staff list is read again.
const (
	// StaffRefresh is how old the staff list may grow before it is read
	// again.
	StaffRefresh = 5 * time.Minute
	// StaffMissRefresh is how often, at most, a user not on the list makes
	// the bot read it again (someone just added to the group).
	StaffMissRefresh = time.Minute
)

// staff knows who is staff: the members of a user group, or else of the
// triage channel. Safe for concurrent use.
type staff struct {
	api     *slack.Client
	group   string // user group ID (S…); when set it decides
	channel string // triage channel ID, when group is empty
	now     func() time.Time
	timeout time.Duration
	log     *slog.Logger

	refresh sync.Mutex // held while the list is read; one reader at a time

	mu        sync.Mutex // guards the fields below
	members   map[string]bool
	loaded    bool
	loadedAt  time.Time // last successful read
	triedAt   time.Time // last attempt, successful or not
	refreshes int       // successful reads, for tests
}

func newStaff(api *slack.Client, group, channel string, now func() time.Time, timeout time.Duration, log *slog.Logger) *staff {
	return &staff{api: api, group: group, channel: channel, now: now, timeout: timeout, log: log}
}

// is reports whether user is staff. The list is read again when it is
// older than StaffRefresh, or when user is not on it and the last attempt
// is older than StaffMissRefresh. A failed read keeps the last known list
// (no one is staff before the first successful read). Only one caller
// reads at a time; the others use the list they find, except before the
// first read, when they wait for it.
func (s *staff) is(ctx context.Context, user string) bool {
	if s.group == "" && s.channel == "" {
		return false
	}
	member, stale, loaded := s.check(user)
	if !stale {
		return member
	}
	if !loaded {
		s.refresh.Lock()
	} else if !s.refresh.TryLock() {
		return member // someone is reading it; use what we have
	}
	defer s.refresh.Unlock()
	if _, stale, _ := s.check(user); stale { // not read meanwhile
		s.load(ctx)
	}
	member, _, _ = s.check(user)
	return member
}

// check looks user up and tells whether the list should be read again.
func (s *staff) check(user string) (member, stale, loaded bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	member = s.members[user]
	since := s.now().Sub(s.triedAt)
	switch {
	case s.triedAt.IsZero():
		stale = true
	case since < StaffMissRefresh:
		stale = false
	case !s.loaded || !member:
		stale = true
	default:
		stale = s.now().Sub(s.loadedAt) >= StaffRefresh
	}
	return member, stale, s.loaded
}

// load reads the list; s.refresh must be held.
func (s *staff) load(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	ids, err := s.read(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.triedAt = s.now()
	if err != nil {
		s.log.Warn("slack: reading the staff list failed; keeping the last one", "err", err, "known", len(s.members))
		return
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	s.members, s.loaded, s.loadedAt = m, true, s.triedAt
	s.refreshes++
}

func (s *staff) read(ctx context.Context) ([]string, error) {
	if s.group != "" {
		ids, err := s.api.GetUserGroupMembersContext(ctx, s.group)
		if err != nil {
			return nil, fmt.Errorf("usergroups.users.list %s: %w", s.group, err)
		}
		return ids, nil
	}
	var all []string
	cursor := ""
	for page := 0; page < 1000; page++ {
		ids, next, err := s.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{
			ChannelID: s.channel, Cursor: cursor, Limit: 1000,
		})
		if err != nil {
			return nil, fmt.Errorf("conversations.members %s: %w", s.channel, err)
		}
		all = append(all, ids...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
	return nil, fmt.Errorf("conversations.members %s: too many pages", s.channel)
}
