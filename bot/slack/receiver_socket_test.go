package slack_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

func TestSocketStoresBeforeAck(t *testing.T) {
	in := newInbox(t)
	type seen struct {
		env     string
		pending int
	}
	atAck := make(chan seen, 10)
	fs := newFake(t, fakeslack.Options{OnAck: func(a fakeslack.Ack) {
		n, _ := in.in.Pending()
		atAck <- seen{a.EnvelopeID, n}
	}})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	runReceiver(t, r)

	id := fs.PushEvent("Ev1", fakeslack.MessageEvent{User: "S1", Text: "<@UBOT> mẫu 01 &amp; mẫu 02", TS: "1700000001.000100",
		Channel: "CTRIAGE", ChannelType: "channel", ThreadTS: "1700000000.000100"})
	if _, err := fs.WaitAck(ctxT(t), id); err != nil {
		t.Fatal(err)
	}
	if s := <-atAck; s.env != id || s.pending != 1 {
		t.Fatalf("at the ack of %s the inbox held %d entries, want it stored before (1)", s.env, s.pending)
	}
	got := in.Stored()
	if len(got) != 1 {
		t.Fatalf("stored %d", len(got))
	}
	m := got[0]
	m.Received = m.Received.UTC()
	want := bot.Message{Channel: bot.Slack, SourceID: "msg:CTRIAGE:1700000001.000100", ChatID: "CTRIAGE",
		ChatType: bot.ChatGroup, Thread: "1700000000.000100", UserID: "S1", UserName: "Chị Lan", LangCode: "vi",
		Role: bot.RoleStaff, Text: "mẫu 01 & mẫu 02", MessageID: "1700000001.000100"}
	want.Received = m.Received
	if !equalMsg(m, want) {
		t.Fatalf("stored\n %+v\nwant\n %+v", m, want)
	}
}

func equalMsg(a, b bot.Message) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestSocketRedeliveryStoredOnce(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	runReceiver(t, r)

	ev := fakeslack.MessageEvent{User: "G1", Text: "hello", TS: "1700000002.000100", Channel: "DG1", ChannelType: "im"}
	first := fs.PushEvent("Ev2", ev)
	// Slack's retry of the same event: same event_id, another envelope,
	// retry_attempt 1. It must be acked (and not dropped), stored once.
	retry := fs.PushEnvelope(fakeslack.Envelope{Type: "events_api", Payload: fakeslack.EventCallback("Ev2", ev), RetryAttempt: 1, RetryReason: "timeout"})
	// The same message as app_mention (another event_id) is the same message too.
	ev.Type = "app_mention"
	mention := fs.PushEvent("Ev3", ev)
	for _, id := range []string{first, retry, mention} {
		if _, err := fs.WaitAck(ctxT(t), id); err != nil {
			t.Fatal(err)
		}
	}
	if n := in.pending(t); n != 1 {
		t.Fatalf("pending %d, want 1", n)
	}
	m := in.Stored()[0]
	if m.ChatType != bot.ChatPrivate || m.Role != bot.RoleGuest || m.UserName != "Guest Person" || m.LangCode != "en" {
		t.Fatalf("stored %+v", m)
	}
}

func TestSocketRestartLosesNothing(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	stop := runReceiver(t, r)
	a := fs.PushEvent("EvA", fakeslack.MessageEvent{User: "S1", Text: "a", TS: "1.1", Channel: "CTRIAGE"})
	if _, err := fs.WaitAck(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	// While the bot is down, Slack keeps an event; a store failure leaves
	// another one unacked on the connection of the new process.
	b := fs.PushEvent("EvB", fakeslack.MessageEvent{User: "S1", Text: "b", TS: "1.2", Channel: "CTRIAGE"})
	r2 := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	in.setFail(true)
	stop2 := runReceiver(t, r2)
	if err := fs.Wait(ctxT(t), func() bool { return in.asked() >= 1 && fs.Connections() == 2 }); err != nil {
		t.Fatal(err)
	}
	if acked(fs, b) {
		t.Fatal("an envelope that was not stored was acked")
	}
	stop2()
	in.setFail(false)
	// The next connection gets it again, retry_attempt 1, and stores it.
	r3 := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	runReceiver(t, r3)
	ack, err := fs.WaitAck(ctxT(t), b)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Envelope.RetryAttempt < 1 {
		t.Errorf("retry_attempt %d, want a redelivery", ack.Envelope.RetryAttempt)
	}
	if n := in.pending(t); n != 2 {
		t.Fatalf("pending %d, want 2 (a and b)", n)
	}
}

func acked(fs *fakeslack.Server, id string) bool {
	return slices.ContainsFunc(fs.Acks(), func(a fakeslack.Ack) bool { return a.EnvelopeID == id })
}

func TestSocketDisconnectReconnects(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	runReceiver(t, r)
	a := fs.PushEvent("EvA", fakeslack.MessageEvent{User: "S1", Text: "a", TS: "2.1", Channel: "CTRIAGE"})
	if _, err := fs.WaitAck(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	fs.Disconnect()
	if err := fs.Wait(ctxT(t), func() bool { return fs.Connections() >= 2 }); err != nil {
		t.Fatal(err)
	}
	b := fs.PushEvent("EvB", fakeslack.MessageEvent{User: "S1", Text: "b", TS: "2.2", Channel: "CTRIAGE"})
	if _, err := fs.WaitAck(ctxT(t), b); err != nil {
		t.Fatal(err)
	}
	if n := in.pending(t); n != 2 {
		t.Fatalf("pending %d", n)
	}
}

func TestSocketBadMessageAcked(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	m := bot.NewMetrics()
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{Metrics: m})
	runReceiver(t, r)
	// An events_api envelope whose payload slackevents cannot parse.
	fs.PushRaw(`{"type":"events_api","envelope_id":"env-bad","payload":"not an event","accepts_response_payload":false}`)
	if _, err := fs.WaitAck(ctxT(t), "env-bad"); err != nil {
		t.Fatal(err)
	}
	good := fs.PushEvent("EvG", fakeslack.MessageEvent{User: "S1", Text: "still here", TS: "3.1", Channel: "CTRIAGE"})
	if _, err := fs.WaitAck(ctxT(t), good); err != nil {
		t.Fatal(err)
	}
	if n := in.pending(t); n != 1 {
		t.Fatalf("pending %d", n)
	}
}

func TestSocketIgnoresOwnEvents(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{})
	runReceiver(t, r)
	var ids []string
	for i, ev := range []fakeslack.MessageEvent{
		{User: "UBOT", Text: "my own post", TS: "4.1", Channel: "CTRIAGE"},
		{BotID: "BBOT", Subtype: "bot_message", Text: "bot", TS: "4.2", Channel: "CTRIAGE"},
		{User: "S1", Subtype: "message_changed", TS: "4.3", Channel: "CTRIAGE"},
		{User: "S1", Subtype: "message_deleted", TS: "4.4", Channel: "CTRIAGE"},
		{User: "S1", BotID: "BOTHER", Text: "another bot", TS: "4.5", Channel: "CTRIAGE"},
	} {
		ids = append(ids, fs.PushEvent("EvOwn"+string(rune('0'+i)), ev))
	}
	for _, id := range ids {
		if _, err := fs.WaitAck(ctxT(t), id); err != nil {
			t.Fatal(err)
		}
	}
	if n := in.pending(t); n != 0 {
		t.Fatalf("stored %d of the bot's own events: %+v", n, in.Stored())
	}
}

func TestSocketCommandAndViewAcks(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{Lang: "en",
		Validate: func(viewID string, v map[string]string, lang string) map[string]string {
			if v["answer"] == "" {
				return map[string]string{"answer": "Required"}
			}
			return nil
		}})
	runReceiver(t, r)

	cmd := fs.PushCommand(fakeslack.SlashCommand{Command: "/support", Text: "help", User: "G1", Channel: "CTRIAGE", TriggerID: "tc1"})
	a, err := fs.WaitAck(ctxT(t), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if compact(t, string(a.Payload)) != compact(t, `{"response_type":"ephemeral","text":"⏳ Working on it…"}`) {
		t.Fatalf("command ack %s", a.Payload)
	}
	bad := fs.PushInteractive(fakeslack.ViewSubmission(fakeslack.Submission{User: "G1", ViewID: "V7", Hash: "h1", CallbackID: "reply", Texts: map[string]string{"answer": ""}}))
	a, err = fs.WaitAck(ctxT(t), bad)
	if err != nil {
		t.Fatal(err)
	}
	if compact(t, string(a.Payload)) != compact(t, `{"response_action":"errors","errors":{"answer":"Required"}}`) {
		t.Fatalf("view ack %s", a.Payload)
	}
	good := fs.PushInteractive(fakeslack.ViewSubmission(fakeslack.Submission{User: "G1", ViewID: "V7", Hash: "h2", CallbackID: "reply", Texts: map[string]string{"answer": "ok"}}))
	if a, err = fs.WaitAck(ctxT(t), good); err != nil || a.Payload != nil {
		t.Fatalf("view ack %s %v, want an empty ack", a.Payload, err)
	}
	if n := in.pending(t); n != 2 {
		t.Fatalf("pending %d, want the command and the valid submission", n)
	}
}

func TestSocketRefusedTokens(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	in := newInbox(t)
	// A wrong app token: apps.connections.open answers invalid_auth.
	r, err := slack.NewReceiver(fakeslack.BotToken, in, slack.ReceiverOptions{AppToken: "xapp-wrong", APIURL: fs.URL(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctxT(t)); !errors.Is(err, slack.ErrUnauthorized) {
		t.Fatalf("wrong app token: Run = %v", err)
	}
	// A wrong bot token: auth.test answers invalid_auth.
	r, err = slack.NewReceiver("xoxb-wrong", in, slack.ReceiverOptions{AppToken: fakeslack.AppToken, APIURL: fs.URL(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctxT(t)); !errors.Is(err, slack.ErrUnauthorized) {
		t.Fatalf("wrong bot token: Run = %v", err)
	}
	for _, opts := range []slack.ReceiverOptions{{}, {AppToken: "xoxb-not-an-app-token"}} {
		if _, err := slack.NewReceiver(fakeslack.BotToken, in, opts); err == nil {
			t.Errorf("NewReceiver accepted %+v", opts)
		}
	}
}

// TestSocketKeepsThreadOrder: envelopes are handled by several workers,
// but the messages of one thread reach the inbox in the order sent.
func TestSocketKeepsThreadOrder(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	r := socketReceiver(t, fs, in, slack.ReceiverOptions{Workers: 4})
	runReceiver(t, r)
	for i := range 30 {
		thread := []string{"20.0", "21.0", "22.0"}[i%3]
		fs.PushEvent(fmt.Sprintf("EvO%d", i), fakeslack.MessageEvent{User: "S1", Text: fmt.Sprint(i),
			TS: fmt.Sprintf("30.%03d", i), ThreadTS: thread, Channel: "CTRIAGE"})
	}
	if err := fs.Wait(ctxT(t), func() bool { return len(in.Stored()) == 30 }); err != nil {
		t.Fatal(err)
	}
	prev := map[string]int{}
	for _, m := range in.Stored() {
		var n int
		fmt.Sscan(m.Text, &n)
		if p, ok := prev[m.Thread]; ok && n < p {
			t.Fatalf("thread %s: %d stored after %d", m.Thread, n, p)
		}
		prev[m.Thread] = n
	}
}
