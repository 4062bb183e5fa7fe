package slack_test

import (
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

func TestStaffRoles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  slack.ReceiverOptions
		staff []string // of S1, S2, S3, G1
	}{
		{"group", slack.ReceiverOptions{StaffGroup: "SSTAFF"}, []string{"S1", "S2"}},
		{"triage channel, paginated", slack.ReceiverOptions{TriageChannel: "CTRIAGE"}, []string{"S1", "S2", "S3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newInbox(t)
			fs := newFake(t, fakeslack.Options{})
			c := newClock()
			h := httpReceiver(t, fs, in, c, tc.opts).Handler()
			for i, u := range []string{"S1", "S2", "S3", "G1"} {
				cmd := fakeslack.SlashCommand{Command: "/support", User: u, Channel: "CTRIAGE", TriggerID: "t" + string(rune('0'+i))}
				if w := serve(h, fakeslack.SignedRequest(secret, "/slack/commands", cmd.Form(), c.Now())); w.Code != 200 {
					t.Fatal(w.Code)
				}
			}
			got := map[string]bot.Role{}
			for _, m := range in.Stored() {
				got[m.UserID] = m.Role
			}
			for _, u := range []string{"S1", "S2", "S3", "G1"} {
				want := bot.RoleGuest
				for _, s := range tc.staff {
					if s == u {
						want = bot.RoleStaff
					}
				}
				if got[u] != want {
					t.Errorf("%s: role %q, want %q", u, got[u], want)
				}
			}
		})
	}
}

func TestStaffRefresh(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	c := newClock()
	h := httpReceiver(t, fs, in, c, slack.ReceiverOptions{StaffGroup: "SSTAFF"}).Handler()
	n := 0
	role := func(user string) bot.Role {
		t.Helper()
		n++
		cmd := fakeslack.SlashCommand{Command: "/support", User: user, Channel: "CTRIAGE", TriggerID: "trig" + string(rune('a'+n))}
		if w := serve(h, fakeslack.SignedRequest(secret, "/slack/commands", cmd.Form(), c.Now())); w.Code != 200 {
			t.Fatal(w.Code)
		}
		s := in.Stored()
		return s[len(s)-1].Role
	}
	reads := func() int { return len(fs.Calls("usergroups.users.list")) }

	if role("S1") != bot.RoleStaff || role("G1") != bot.RoleGuest || reads() != 1 {
		t.Fatalf("first: reads %d", reads())
	}
	// G1 joins the group. A miss reads the list again at most once a minute.
	fs.SetGroup("SSTAFF", "S1", "S2", "G1")
	c.Add(30 * time.Second)
	if role("G1") != bot.RoleGuest || reads() != 1 {
		t.Fatalf("within the minute: reads %d", reads())
	}
	c.Add(31 * time.Second)
	if role("G1") != bot.RoleStaff || reads() != 2 {
		t.Fatalf("after the minute: reads %d", reads())
	}
	// S1 leaves: a hit is served from the cache until 5 minutes pass.
	fs.SetGroup("SSTAFF", "S2", "G1")
	c.Add(4 * time.Minute)
	if role("S1") != bot.RoleStaff || reads() != 2 {
		t.Fatalf("before 5 min: reads %d", reads())
	}
	c.Add(time.Minute)
	if role("S1") != bot.RoleGuest || reads() != 3 {
		t.Fatalf("after 5 min: reads %d", reads())
	}
	// A failed read keeps the last known list.
	fs.Fail("usergroups.users.list", fakeslack.Failure{Status: 500})
	c.Add(6 * time.Minute)
	if role("G1") != bot.RoleStaff || reads() != 4 {
		t.Fatalf("after a failed read: reads %d", reads())
	}
}

func TestStaffPagination(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{PageSize: 1})
	c := newClock()
	h := httpReceiver(t, fs, in, c, slack.ReceiverOptions{TriageChannel: "CTRIAGE"}).Handler()
	cmd := fakeslack.SlashCommand{Command: "/support", User: "S3", Channel: "CTRIAGE", TriggerID: "t1"}
	serve(h, fakeslack.SignedRequest(secret, "/slack/commands", cmd.Form(), c.Now()))
	if s := in.Stored(); len(s) != 1 || s[0].Role != bot.RoleStaff {
		t.Fatalf("stored %+v", s)
	}
	if n := len(fs.Calls("conversations.members")); n != 4 {
		t.Fatalf("%d pages read, want 4", n)
	}
}
