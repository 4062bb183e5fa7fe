package main

// Issue 11's end-to-end test, on the real binary with faketg and
// fakeslack: an officer who registers, asks, opens two tickets, gets staff
// replies and answers them, then erases their data. Afterwards no byte of
// their name, id or words is left in any file of the data directory, the
// tickets are there with their states and history, `tickets verify`
// holds, the Slack posts that carried their words say they were erased,
// and a backup taken before the erasure is erased again on restore.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/slack/fakeslack"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// The officer of the privacy test. Each word is one no file holds by
// chance (the scan before the officer writes checks that), so finding one
// after the erasure means the bot kept it.
const (
	prOfficer  = int64(7300012345)
	prFirst    = "Thị Quyênxyz"
	prLast     = "Phạmwqv"
	prUsername = "quyen_lc_xyzq"
	prProvince = "Lào Cai"
	prCommune  = "Xã Khoqzétvinh"
	// A question the knowledge base answers. It cannot hold a word of its
	// own (a word no entry holds makes the verdict "suggest"), so it is
	// typed without tone marks: as a whole it is found nowhere else.
	prQuestion = "khai bao thiet bi X-quang chan doan y te nop o dau a"
	prTicket   = "Trạm y tế Vukhoqzet báo máy đo suất liều phóng xạ hỏng, cần kiểm định lại"
	prAnswer   = "Cảm ơn chị, bên Drongtuyết sẽ nộp bổ sung hồ sơ"
	// prNote is a staff member's internal note naming the officer: their
	// name in staff's words is still theirs.
	prNote = "note: đã gọi điện cho chị Quyênxyz, xác nhận trạm ở Khoqzétvinh"
)

// erasedMark is in every Slack post an erasure edits (texts_erase_vi.go).
const erasedMark = "đã được xoá"

// needle is one thing of the officer's that must not be left, in each
// form the bot could store it: as typed, lower case, and folded without
// tone marks as the search indexes keep words.
type needle struct {
	what  string
	forms [][]byte
}

func prNeedles() []needle {
	be := binary.BigEndian.AppendUint64(nil, uint64(prOfficer))
	le := binary.LittleEndian.AppendUint64(nil, uint64(prOfficer))
	str := func(ss ...string) [][]byte {
		var out [][]byte
		for _, s := range ss {
			out = append(out, []byte(s))
		}
		return out
	}
	return []needle{
		{"the Telegram id", append(str(strconv.FormatInt(prOfficer, 10)), be, le)},
		{"the first name", str(prFirst, "Quyênxyz", "quyênxyz", "quyenxyz")},
		{"the last name", str(prLast, "phạmwqv", "phamwqv")},
		{"the username", str(prUsername)},
		{"the commune", str(prCommune, "Khoqzétvinh", "khoqzétvinh", "khoqzetvinh")},
		{"the question", str(prQuestion)},
		{"the ticket's text", str(prTicket, "Vukhoqzet", "vukhoqzet")},
		{"the answer in the thread", str(prAnswer, "Drongtuyết", "drongtuyết", "drongtuyet")},
	}
}

// scanHit is a needle found in a file.
type scanHit struct {
	file, what, form string
	offset           int
}

// scanStats is what a scan read.
type scanStats struct {
	files, bytes int
	sizes        []string // "name (N bytes)"
}

// scanBytes reports the first place of each needle in b.
func scanBytes(name string, b []byte, needles []needle) []scanHit {
	var hits []scanHit
	for _, n := range needles {
		for _, f := range n.forms {
			if i := bytes.Index(b, f); i >= 0 {
				hits = append(hits, scanHit{file: name, what: n.what, form: fmt.Sprintf("%q", f), offset: i})
				break
			}
		}
	}
	return hits
}

// scanDir reads every byte of every file under dir (the bbolt file, the
// bleve index, the erasure register, anything else) for the needles.
// A socket (the running bot's admin socket) stores no bytes on disk and
// is passed over; any other file that cannot be read as bytes (a symbolic
// link, a device) is reported as a hit: nothing may be hidden from the
// scan.
func scanDir(t *testing.T, dir string, needles []needle) ([]scanHit, scanStats) {
	t.Helper()
	var hits []scanHit
	var st scanStats
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path != dir {
			return nil // removed since listed, as below
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.IsDir(), d.Type()&fs.ModeSocket != 0:
			return nil
		case !d.Type().IsRegular():
			hits = append(hits, scanHit{file: rel, what: "a file that is not a regular file (" + d.Type().String() + ")"})
			return nil
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since listed: the running bot's index merging its segments
		}
		if err != nil {
			return err
		}
		st.files++
		st.bytes += len(b)
		st.sizes = append(st.sizes, fmt.Sprintf("%s (%d bytes)", rel, len(b)))
		hits = append(hits, scanBytes(rel, b, needles)...)
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	return hits, st
}

// prChat speaks for the officer on faketg with their full Telegram
// profile (first and last name, username), which faketg.Push does not
// give: PushRaw with the update as Telegram sends it.
type prChat struct {
	tg     *faketg.Server
	nextID int // message ids of their own: far above the bot's
}

func (c *prChat) say(text string, replyTo int) {
	c.nextID++
	user := map[string]any{"id": prOfficer, "is_bot": false, "first_name": prFirst, "last_name": prLast,
		"username": prUsername, "language_code": "vi"}
	chat := map[string]any{"id": prOfficer, "type": "private", "first_name": prFirst, "last_name": prLast, "username": prUsername}
	now := time.Now().Unix()
	msg := map[string]any{"message_id": c.nextID, "date": now, "from": user, "chat": chat, "text": text}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		msg["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": len([]rune(cmd))}}
	}
	if replyTo != 0 {
		msg["reply_to_message"] = map[string]any{"message_id": replyTo, "date": now, "from": faketg.BotUser,
			"chat": map[string]any{"id": prOfficer, "type": "private"}}
	}
	body, err := json.Marshal(map[string]any{"message": msg})
	if err != nil {
		panic(err) // a bug in this test
	}
	c.tg.PushRaw(string(body))
}

// press presses the button with data on the bot's message msgID.
func (c *prChat) press(msgID int, data string) {
	c.tg.PushCallback(prOfficer, prOfficer, msgID, data)
}

// waitReply waits for a message to the officer, after the first `after`
// ones, that satisfies cond, and returns it.
func waitReply(t *testing.T, tg *faketg.Server, after int, what string, cond func(faketg.Sent) bool) faketg.Sent {
	t.Helper()
	var got faketg.Sent
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	err := tg.Wait(ctx, func() bool {
		sent := tg.SentTo(prOfficer)
		for i := after; i < len(sent); i++ {
			if cond(sent[i]) {
				got = sent[i]
				return true
			}
		}
		return false
	})
	if err != nil {
		var texts []string
		for _, m := range tg.SentTo(prOfficer)[after:] {
			texts = append(texts, fmt.Sprintf("%d: %q", m.MessageID, m.Plain()))
		}
		t.Fatalf("waiting for %s: %v; the officer got meanwhile:\n%s", what, err, strings.Join(texts, "\n"))
	}
	return got
}

func hasButton(m faketg.Sent, prefix string) string {
	for _, row := range m.Markup.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return b.CallbackData
			}
		}
	}
	return ""
}

func containsText(s string) func(faketg.Sent) bool {
	return func(m faketg.Sent) bool { return strings.Contains(m.Plain(), s) }
}

// waitLog waits until the process has logged s.
func waitLog(t *testing.T, p *proc, s string) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !strings.Contains(p.logs.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not log %q within %s", s, guard)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logRecord returns the fields of the first JSON log line whose msg is msg.
func logRecord(p *proc, msg string) map[string]any {
	for line := range strings.SplitSeq(p.logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			return rec
		}
	}
	return nil
}

// slackShowing lists the bot's posts in the triage channel whose latest
// version (the last chat.update of their ts, else the post) shows one of
// the needles, and counts the posts that ever did.
func slackShowing(sl *fakeslack.Server, needles []needle) (showing []string, ever int) {
	latest := map[string]fakeslack.Post{}
	var order []string
	for _, p := range sl.Posts("chat.postMessage", "chat.update") {
		if p.Channel != triage {
			continue
		}
		if _, seen := latest[p.TS]; !seen {
			order = append(order, p.TS)
		}
		if p.Method == "chat.postMessage" && len(scanBytes("", append([]byte(p.Text), p.Blocks...), needles)) > 0 {
			ever++
		}
		latest[p.TS] = p
	}
	for _, ts := range order {
		p := latest[ts]
		if hits := scanBytes("", append([]byte(p.Text), p.Blocks...), needles); len(hits) > 0 {
			showing = append(showing, fmt.Sprintf("ts %s (thread %q) shows %s", ts, p.ThreadTS, hits[0].what))
		}
	}
	return showing, ever
}

// slackUpdatedErased reports whether the post ts got a chat.update saying
// its content was erased.
func slackUpdatedErased(sl *fakeslack.Server, ts string) bool {
	for _, p := range sl.Posts("chat.update") {
		if p.TS == ts && strings.Contains(p.Text+string(p.Blocks), erasedMark) {
			return true
		}
	}
	return false
}

// anonTicket is what `tickets show --json` says of an erased ticket.
type anonTicket struct {
	ID         string    `json:"id"`
	State      string    `json:"state"`
	ChatID     string    `json:"chat_id"`
	UserID     string    `json:"user_id"`
	UserName   string    `json:"user_name"`
	Commune    string    `json:"commune"`
	Province   string    `json:"province"`
	Text       string    `json:"text"`
	Assignee   string    `json:"assignee"`
	Anonymised time.Time `json:"anonymised_at"`
	Messages   []struct {
		Text string `json:"text"`
		From struct {
			Kind string `json:"kind"`
			ID   string `json:"id"`
		} `json:"from"`
	} `json:"messages"`
}

// checkErasedTickets checks, with the bot stopped, that the chain holds
// and that each ticket is there in its state, anonymised, with its
// history.
func checkErasedTickets(t *testing.T, env []string, states map[string]string, when string) {
	t.Helper()
	if code, out := runBin(t, env, "tickets", "verify"); code != 0 {
		t.Errorf("%s: tickets verify: exit %d:\n%s", when, code, out)
	}
	for id, state := range states {
		code, out := runBin(t, env, "tickets", "show", id, "--json")
		var tk anonTicket
		if code != 0 || json.Unmarshal([]byte(out), &tk) != nil {
			t.Errorf("%s: tickets show %s --json: exit %d:\n%s", when, id, code, out)
			continue
		}
		if tk.State != state {
			t.Errorf("%s: %s is %q, was %q before the erasure", when, id, tk.State, state)
		}
		if tk.Anonymised.IsZero() || tk.UserID != "" || tk.ChatID != "" || tk.UserName != "" || tk.Commune != "" || tk.Text != "" {
			t.Errorf("%s: %s is not anonymised: %+v", when, id, tk)
		}
		if tk.Province != prProvince || tk.Assignee != "slack:"+staffID {
			t.Errorf("%s: %s lost what is not personal (province %q, assignee %q)", when, id, tk.Province, tk.Assignee)
		}
		for _, m := range tk.Messages {
			if m.Text != "" || m.From.Kind == "officer" && m.From.ID != "" {
				t.Errorf("%s: %s keeps a message: %+v", when, id, m)
			}
		}
		if hits := scanBytes(id, []byte(out), prNeedles()); len(hits) > 0 {
			t.Errorf("%s: tickets show %s --json shows %s", when, id, hits[0].what)
		}
		// The history, as an operator reads it: the changes still there,
		// the erasure among them, nothing of the officer's.
		code, out = runBin(t, env, "tickets", "show", id)
		if code != 0 || !strings.Contains(out, "created") || !strings.Contains(out, "→"+state) || !strings.Contains(out, "anonymised") {
			t.Errorf("%s: tickets show %s: exit %d, want a history with its creation, the change to %s and the anonymisation:\n%s", when, id, code, state, out)
		}
		if hits := scanBytes(id, []byte(out), prNeedles()); len(hits) > 0 {
			t.Errorf("%s: tickets show %s shows %s:\n%s", when, id, hits[0].what, out)
		}
	}
}

func TestBinaryPrivacyEraseLeavesNoTrace(t *testing.T) {
	needBinary(t)
	tg := faketg.New(faketg.Options{})
	defer tg.Close()
	sl := fakeslack.New(fakeslack.Options{})
	defer sl.Close()
	sl.AddUser(fakeslack.User{ID: staffID, Name: "lan", RealName: "Nguyễn Thị Lan", DisplayName: "Lan"})
	sl.SetMembers(triage, staffID, fakeslack.BotUserID)
	dataDir := t.TempDir()
	// The backups live outside the data directory: a backup taken before
	// the erasure rightly holds the officer's data, and the scans of the
	// data directory below must not be spared any file.
	backupDir := t.TempDir()
	env := envWith(slackEnv(botEnv(tg, dataDir), sl), "SUPPORTBOT_BACKUP_DIR", backupDir)
	needles := prNeedles()
	officer := &prChat{tg: tg, nextID: 700000}

	p := start(t, env, "serve")
	waitFake(t, tg, "the first getUpdates", func() bool { return len(tg.Calls("getUpdates")) > 0 })
	// The needles are the officer's alone: the data directory as the bot
	// set it up (database, knowledge index) holds none of them.
	if hits, _ := scanDir(t, dataDir, needles); len(hits) > 0 {
		t.Fatalf("before the officer wrote, %s already holds %s (%s): pick another word", hits[0].file, hits[0].what, hits[0].form)
	}

	// /start: the notice; Agree; the registration.
	officer.say("/start", 0)
	notice := waitReply(t, tg, 0, "the privacy notice", func(m faketg.Sent) bool { return hasButton(m, "pd:yes") != "" })
	n := len(tg.SentTo(prOfficer))
	officer.press(notice.MessageID, "pd:yes")
	waitReply(t, tg, n, "the province question", func(m faketg.Sent) bool { return len(m.Markup.Keyboard) > 0 })
	for _, answer := range []string{prProvince, prCommune, "1"} {
		n = len(tg.SentTo(prOfficer))
		officer.say(answer, 0)
		waitReply(t, tg, n, "the answer to "+answer, func(faketg.Sent) bool { return true })
	}
	if reg := tg.SentTo(prOfficer); !strings.Contains(reg[len(reg)-1].Plain(), "Khoqzétvinh") {
		t.Fatalf("the registration did not end with the profile: %q", reg[len(reg)-1].Plain())
	}

	// A question the knowledge base answers; "did not help" opens
	// HT-000001 with it. /ticket opens HT-000002.
	n = len(tg.SentTo(prOfficer))
	officer.say(prQuestion, 0)
	answer := waitReply(t, tg, n, "the answer", func(m faketg.Sent) bool { return hasButton(m, "fb:no:") != "" })
	if rows := answer.Markup.InlineKeyboard; len(rows) == 0 || !strings.HasPrefix(rows[0][0].CallbackData, "fb:ok:") {
		t.Errorf("the knowledge base did not answer %q outright (first button %v): choose a question it answers", prQuestion, rows)
	}
	n = len(tg.SentTo(prOfficer))
	officer.press(answer.MessageID, hasButton(answer, "fb:no:"))
	waitReply(t, tg, n, "HT-000001", containsText("HT-000001"))
	n = len(tg.SentTo(prOfficer))
	officer.say("/ticket "+prTicket, 0)
	waitReply(t, tg, n, "HT-000002", containsText("HT-000002"))

	cards := map[string]string{} // ticket -> its card's ts
	waitSlack(t, sl, "both triage cards", func() bool {
		for _, c := range postsIn(sl, "") {
			for _, id := range []string{"HT-000001", "HT-000002"} {
				if strings.Contains(string(c.Blocks)+c.Text, id) {
					cards[id] = c.TS
				}
			}
		}
		return len(cards) == 2
	})

	// HT-000001: claimed, a note naming the officer, a reply relayed to
	// them, their answer into the thread.
	card1 := cards["HT-000001"]
	sl.PushInteractive(fakeslack.BlockActions(fakeslack.BlockAction{User: staffID, UserName: "lan", Channel: triage,
		MessageTS: card1, ActionID: "b0", Value: "tk:claim:HT-000001", ActionTS: "1700000002.000001", TriggerID: "trig-1"}))
	sl.PushEvent("EvNote", fakeslack.MessageEvent{User: staffID, Text: prNote,
		TS: "1700000010.000001", ThreadTS: card1, Channel: triage, ChannelType: "channel"})
	sl.PushEvent("EvReply", fakeslack.MessageEvent{User: staffID, Text: "Chị nộp hồ sơ khai báo tại Sở KH&CN tỉnh nhé",
		TS: "1700000011.000001", ThreadTS: card1, Channel: triage, ChannelType: "channel"})
	relayed := waitReply(t, tg, 0, "the staff reply on Telegram", containsText("Chị nộp hồ sơ khai báo"))
	officer.say(prAnswer, relayed.MessageID)
	var answerTS string
	waitSlack(t, sl, "the officer's answer in the thread", func() bool {
		for _, p := range postsIn(sl, card1) {
			if strings.Contains(string(p.Blocks)+p.Text, "Drongtuyết") {
				answerTS = p.TS
				return true
			}
		}
		return false
	})

	// HT-000002: resolved by staff, closed by the officer's confirmation.
	card2 := cards["HT-000002"]
	sl.PushInteractive(fakeslack.ViewSubmission(fakeslack.Submission{User: staffID, ViewID: "V1", Hash: "h1",
		CallbackID: "resolve", Meta: "HT-000002", Texts: map[string]string{"answer": "Đã cử cán bộ kiểm định xuống trạm", "sources": ""}}))
	resolved := waitReply(t, tg, 0, "the resolution", func(m faketg.Sent) bool { return hasButton(m, "rs:ok:HT-000002") != "" })
	n = len(tg.SentTo(prOfficer))
	officer.press(resolved.MessageID, "rs:ok:HT-000002")
	waitReply(t, tg, n, "the ticket closed", containsText("HT-000002"))

	states := map[string]string{}
	for _, id := range []string{"HT-000001", "HT-000002"} {
		states[id] = showTicket(t, env, id).State
	}
	if states["HT-000002"] != "closed" || states["HT-000001"] == "new" || states["HT-000001"] == "closed" {
		t.Fatalf("before the erasure the tickets are %v: want HT-000001 worked on, HT-000002 closed", states)
	}

	// A backup, through the running bot, named as the daily ones are so
	// that status counts it.
	backup := filepath.Join(backupDir, backupName(time.Now()))
	if code, out := runBin(t, env, "backup", backup); code != 0 {
		t.Fatalf("backup: exit %d:\n%s", code, out)
	}
	raw, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	// The scan can fail: the backup holds each thing it looks for, but
	// the username, which Telegram sends and the bot has no use for.
	inBackup := map[string]bool{}
	for _, h := range scanBytes("backup", raw, needles) {
		inBackup[h.what] = true
	}
	t.Logf("the backup taken before the erasure holds: %v", inBackup)
	for _, nd := range needles {
		if !inBackup[nd.what] && nd.what != "the username" {
			t.Errorf("the backup taken before the erasure lacks %s: the scan would not see it either", nd.what)
		}
	}

	// /xoadulieu, confirmed.
	n = len(tg.SentTo(prOfficer))
	officer.say("/xoadulieu", 0)
	ask := waitReply(t, tg, n, "the confirmation question", func(m faketg.Sent) bool { return hasButton(m, "pd:erase") != "" })
	n = len(tg.SentTo(prOfficer))
	pressed := time.Now()
	officer.press(ask.MessageID, "pd:erase")
	done := waitReply(t, tg, n, "the erasure done", containsText("Đã xoá dữ liệu của bạn"))
	erased := time.Since(pressed)
	// The press is answered with a toast saying the erasure is under way;
	// the chat gets no message before "done".
	toasted := false
	for _, a := range tg.Answers() {
		toasted = toasted || strings.Contains(a.Text, "Đang xoá")
	}
	if !toasted {
		t.Error("the confirm press was not answered with \"Đang xoá…\"")
	}
	if before := tg.SentTo(prOfficer)[n:]; len(before) != 1 || before[0].MessageID != done.MessageID {
		t.Errorf("%d messages reached the officer after the press, want only \"done\"", len(before))
	}
	if !strings.Contains(done.Plain(), "2 phiếu") {
		t.Errorf("the confirmation does not say 2 tickets were kept: %q", done.Plain())
	}
	// Until the confirmation has left the outbox the file holds the chat
	// id (bot/privacy_erase_followup.go); the follow-up then forgets it
	// and scrubs again.
	waitLog(t, p, "erasure confirmed and its chat forgotten")
	settled := time.Since(pressed)

	// Slack: every post of the bot that showed the officer's data now says
	// it was erased: the two cards, the relay of their answer.
	slackErased := func() bool {
		showing, _ := slackShowing(sl, needles)
		return len(showing) == 0 && slackUpdatedErased(sl, card1) && slackUpdatedErased(sl, card2) && slackUpdatedErased(sl, answerTS)
	}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	err = sl.Wait(ctx, slackErased)
	cancel()
	showing, ever := slackShowing(sl, needles)
	if err != nil {
		t.Fatalf("%v after the erasure, Slack still shows the officer's data: %v; marked erased: card HT-000001 %v, card HT-000002 %v, the relayed answer %v",
			guard, showing, slackUpdatedErased(sl, card1), slackUpdatedErased(sl, card2), slackUpdatedErased(sl, answerTS))
	}

	code, out := runBin(t, env, "status", "--json")
	var st struct {
		Privacy struct {
			Erasures             int `json:"erasures"`
			BackupsBeforeErasure int `json:"backups_before_erasure"`
		} `json:"privacy"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Privacy.Erasures != 1 || st.Privacy.BackupsBeforeErasure != 1 {
		t.Errorf("status after the erasure: exit %d, want 1 erasure and 1 backup before it:\n%s", code, out)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("SIGTERM: exit %d", code)
	}
	if rec := logRecord(p, "officer data erased"); rec != nil {
		took, _ := rec["took"].(float64)
		t.Logf("the bot's erasure: %v tickets, %v entries, %v Slack posts, took %s; scrubbed %v free pages",
			rec["tickets"], rec["entries"], rec["posts"], time.Duration(took), rec["scrub_pages"])
	}

	hits, stats := scanDir(t, dataDir, needles)
	for _, h := range hits {
		t.Errorf("after the erasure %s holds %s (%s at byte %d)", h.file, h.what, h.form, h.offset)
	}
	t.Logf("erasure: done message %s after the press, chat forgotten and scrubbed after %s; %d Slack posts edited; scanned %d files, %d bytes",
		erased.Round(time.Millisecond), settled.Round(time.Millisecond), ever, stats.files, stats.bytes)
	t.Logf("files scanned: %s", strings.Join(stats.sizes, ", "))
	checkErasedTickets(t, env, states, "after the erasure")

	// The backup from before the erasure, restored: erased again on the
	// way in.
	code, out = runBin(t, env, "restore", backup)
	if code != 0 {
		t.Fatalf("restore: exit %d:\n%s", code, out)
	}
	t.Logf("restore: %s", strings.TrimSpace(out))
	hits, stats = scanDir(t, dataDir, needles)
	for _, h := range hits {
		t.Errorf("after restoring the older backup %s holds %s (%s at byte %d)", h.file, h.what, h.form, h.offset)
	}
	t.Logf("after the restore: scanned %d files, %d bytes: %s", stats.files, stats.bytes, strings.Join(stats.sizes, ", "))
	checkErasedTickets(t, env, states, "after the restore")
}
