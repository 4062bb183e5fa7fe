package main

// The staff side at binary level: the real supportbot with Telegram and
// Slack (Socket Mode) together, against faketg and fakeslack. What it
// asserts is what an officer and a staff member would see.

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/mostvn/supportbot/bot/slack/fakeslack"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

const (
	triage  = "C0TRIAGE"
	staffID = "U0STAFF"
	guestID = "U0GUEST"
	officer = int64(501)
)

// slackEnv adds Slack over Socket Mode on sl to a bot environment.
func slackEnv(env []string, sl *fakeslack.Server) []string {
	return append(env,
		"SUPPORTBOT_SLACK_APP_TOKEN="+fakeslack.AppToken,
		"SUPPORTBOT_SLACK_BOT_TOKEN="+fakeslack.BotToken,
		"SUPPORTBOT_SLACK_API_URL="+sl.URL(),
		"SUPPORTBOT_SLACK_TRIAGE_CHANNEL="+triage,
	)
}

func waitSlack(t *testing.T, sl *fakeslack.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := sl.Wait(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// postsIn returns the new messages posted in the triage channel: in
// thread (the ticket's thread) or at the top level (thread "").
func postsIn(sl *fakeslack.Server, thread string) []fakeslack.Post {
	var out []fakeslack.Post
	for _, p := range sl.Posts("chat.postMessage") {
		if p.Channel == triage && p.ThreadTS == thread {
			out = append(out, p)
		}
	}
	return out
}

// sentContaining counts the messages the officer received containing s.
func sentContaining(tg *faketg.Server, s string) int {
	n := 0
	for _, m := range tg.SentTo(officer) {
		if strings.Contains(m.Plain(), s) {
			n++
		}
	}
	return n
}

// showTicket reads a ticket through the CLI, as an operator would (over
// the admin socket while the bot runs).
func showTicket(t *testing.T, env []string, id string) ticketJSON {
	t.Helper()
	cmd := exec.Command(binPath, "tickets", "show", id, "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tickets show %s: %v\n%s", id, err, out)
	}
	var tk ticketJSON
	if err := json.Unmarshal(out, &tk); err != nil {
		t.Fatalf("tickets show %s: %v\n%s", id, err, out)
	}
	return tk
}

type ticketJSON struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	Assignee string `json:"assignee"`
	Messages []struct {
		Text     string `json:"text"`
		Internal bool   `json:"internal"`
		From     struct {
			Kind string `json:"kind"`
		} `json:"from"`
	} `json:"messages"`
}

func TestBinaryStaffWorkTicketsOnSlack(t *testing.T) {
	needBinary(t)
	tg := faketg.New(faketg.Options{})
	defer tg.Close()
	sl := fakeslack.New(fakeslack.Options{})
	defer sl.Close()
	sl.AddUser(fakeslack.User{ID: staffID, Name: "lan", RealName: "Nguyễn Thị Lan", DisplayName: "Lan"})
	sl.AddUser(fakeslack.User{ID: guestID, Name: "khach", RealName: "Khách", DisplayName: "Khách"})
	sl.SetMembers(triage, staffID, fakeslack.BotUserID)
	env := slackEnv(botEnv(tg, t.TempDir()), sl)

	p1 := start(t, env, "serve")

	// An officer opens a ticket whose text tries Slack's mentions and
	// formatting.
	pushConsent(tg, officer)
	tg.PushText(officer, officer, "/ticket Xã Tân Phú cần hướng dẫn khai báo X-quang <!channel> <@U0STAFF> *gấp*")
	waitSlack(t, sl, "the triage card", func() bool { return len(postsIn(sl, "")) >= 1 })
	card := postsIn(sl, "")[0]
	blocks := string(card.Blocks)
	if !strings.Contains(blocks, "HT-000001") || !strings.Contains(blocks, "Tân Phú") {
		t.Errorf("the card lacks the ticket number or the question: %s", blocks)
	}
	if strings.Contains(blocks, "<!channel>") || strings.Contains(blocks, "<@U0STAFF>") {
		t.Errorf("officer text became a Slack mention: %s", blocks)
	}
	waitFake(t, tg, "the ticket number for the officer", func() bool { return sentContaining(tg, "HT-000001") > 0 })

	// A guest cannot close it; staff claim it and the card shows who.
	sl.PushInteractive(fakeslack.BlockActions(fakeslack.BlockAction{User: guestID, UserName: "khach", Channel: triage,
		MessageTS: card.TS, ActionID: "b4", Value: "tk:close:HT-000001", ActionTS: "1700000001.000001", TriggerID: "trig-g"}))
	waitSlack(t, sl, "the guest's refusal", func() bool {
		for _, p := range sl.Posts("chat.postEphemeral") {
			if p.User == guestID {
				return true
			}
		}
		return false
	})
	sl.PushInteractive(fakeslack.BlockActions(fakeslack.BlockAction{User: staffID, UserName: "lan", Channel: triage,
		MessageTS: card.TS, ActionID: "b0", Value: "tk:claim:HT-000001", ActionTS: "1700000002.000001", TriggerID: "trig-1"}))
	waitSlack(t, sl, "the card updated with the claim", func() bool {
		for _, p := range sl.Posts("chat.update") {
			if p.TS == card.TS && strings.Contains(string(p.Blocks), "Lan") {
				return true
			}
		}
		return false
	})
	if tk := showTicket(t, env, "HT-000001"); tk.Assignee != "slack:"+staffID {
		t.Errorf("after the claim the ticket is %+v", tk)
	}

	// A reply in the thread reaches the officer under the staff name; a
	// note does not.
	sl.PushEvent("EvNote", fakeslack.MessageEvent{User: staffID, Text: "note: hồ sơ thiếu giấy phép, chỉ nội bộ",
		TS: "1700000010.000001", ThreadTS: card.TS, Channel: triage, ChannelType: "channel"})
	sl.PushEvent("EvReply", fakeslack.MessageEvent{User: staffID, Text: "Anh nộp hồ sơ tại Sở KH&CN tỉnh nhé",
		TS: "1700000011.000001", ThreadTS: card.TS, Channel: triage, ChannelType: "channel"})
	waitFake(t, tg, "the staff reply on Telegram", func() bool { return sentContaining(tg, "Anh nộp hồ sơ tại Sở KH&CN") > 0 })
	var relayed faketg.Sent
	for _, m := range tg.SentTo(officer) {
		if strings.Contains(m.Plain(), "Anh nộp hồ sơ") {
			relayed = m
		}
	}
	if !strings.Contains(relayed.Plain(), "Lan") {
		t.Errorf("the relayed reply does not name the staff member: %q", relayed.Plain())
	}
	if n := sentContaining(tg, "chỉ nội bộ"); n != 0 {
		t.Errorf("an internal note reached the officer")
	}

	// The officer answers the relayed message: it lands in the thread.
	tg.Push(faketg.Msg{ChatID: officer, UserID: officer, Text: "Cảm ơn chị, tôi sẽ nộp bổ sung", ReplyTo: relayed.MessageID})
	waitSlack(t, sl, "the officer's answer in the thread", func() bool {
		for _, p := range postsIn(sl, card.TS) {
			if strings.Contains(string(p.Blocks)+p.Text, "nộp bổ sung") {
				return true
			}
		}
		return false
	})

	// kill -9 in a burst of staff replies: each reaches the officer, and
	// the ticket holds each exactly once.
	const burst = 24
	for i := range burst {
		sl.PushEvent(fmt.Sprintf("EvB%02d", i), fakeslack.MessageEvent{User: staffID, Text: fmt.Sprintf("Bổ sung số %02d", i),
			TS: fmt.Sprintf("1700000100.%06d", i), ThreadTS: card.TS, Channel: triage, ChannelType: "channel"})
	}
	waitFake(t, tg, "the first replies of the burst", func() bool { return sentContaining(tg, "Bổ sung số") >= 3 })
	if err := p1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p1.wait(t)
	atKill := sentContaining(tg, "Bổ sung số")
	if atKill == burst {
		t.Fatal("the whole burst was delivered before the kill: not a mid-burst kill")
	}
	start(t, env, "serve")
	waitFake(t, tg, "every reply of the burst", func() bool {
		for i := range burst {
			if sentContaining(tg, fmt.Sprintf("Bổ sung số %02d", i)) == 0 {
				return false
			}
		}
		return true
	})
	doubled := sentContaining(tg, "Bổ sung số") - burst
	t.Logf("burst of %d staff replies: %d delivered before kill -9, %d sent twice across it", burst, atKill, doubled)
	if doubled > 2 {
		t.Errorf("%d replies sent twice: more than the sends in flight at the kill", doubled)
	}
	tk := showTicket(t, env, "HT-000001")
	seen := map[string]int{}
	for _, m := range tk.Messages {
		seen[m.Text]++
	}
	for i := range burst {
		if n := seen[fmt.Sprintf("Bổ sung số %02d", i)]; n != 1 {
			t.Errorf("staff reply %02d is on the ticket %d times", i, n)
		}
	}
	if seen["hồ sơ thiếu giấy phép, chỉ nội bộ"]+seen["note: hồ sơ thiếu giấy phép, chỉ nội bộ"] != 1 {
		t.Errorf("the note is not on the ticket once: %v", seen)
	}
}
