package main

// The soak: the real binary for about ten minutes against faketg (enforcing
// Telegram's limits, behind a proxy that can take the Bot API down) and
// fakeslack (Socket Mode), under a steady mix of what officers and staff
// do: questions and /ticket in group chats, staff replies in the tickets'
// Slack threads, and deadline reminders queued with `supportbot remind`
// through the admin socket. In the middle the process is killed with
// SIGKILL and restarted, and later the Bot API fails every call for 30 s.
//
// It reports messages lost (must be 0), duplicates (a reply sent twice:
// only sends in flight at the kill may be), the resident memory of the
// process over the run (flat, at most 150 MB), and latencies. Run it with
// `make soak`; it is skipped unless -run names it or SUPPORTBOT_SOAK is
// set. SUPPORTBOT_SOAK_DURATION shortens or lengthens the load phase
// (default 10m; the drain after it is not counted).

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot/slack/fakeslack"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

const (
	soakEnvVar      = "SUPPORTBOT_SOAK"
	soakDurationVar = "SUPPORTBOT_SOAK_DURATION"
	soakMaxRSS      = 150 << 20
	soakGroups      = 60 // officers asking in group chats, one group each
	soakRegistered  = 30 // officers registered privately, who get reminders
	soakDeadline    = "nd09-periodic"
	soakReminderHas = "Báo cáo định kỳ của UBND tỉnh" // in the reminder of soakDeadline
)

// soakSelected reports whether the soak should run: -run names it, or
// SUPPORTBOT_SOAK is set.
func soakSelected() bool {
	if os.Getenv(soakEnvVar) != "" {
		return true
	}
	f := flag.Lookup("test.run")
	return f != nil && strings.Contains(f.Value.String(), "Soak")
}

// soakOutage stands between the bot and faketg: while down, every Bot API
// call gets a 502 without reaching the fake.
type soakOutage struct {
	down    atomic.Bool
	refused atomic.Int64
}

func (o *soakOutage) proxy(t *testing.T, target string) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // a long poll cut by the kill is expected
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.down.Load() {
			o.refused.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// soakUpdate is one message an officer sent in a group, and must be
// answered: a reply to it (reply_parameters names its message_id).
type soakUpdate struct {
	chat     int64
	msgID    int
	updateID int64
	ticket   bool
	pushed   time.Time
}

// soakStaffReply is one staff reply typed in a ticket's Slack thread; it
// must reach the officer once, carrying its marker.
type soakStaffReply struct {
	marker string
	ticket string
	pushed time.Time
}

var soakQuestions = []string{
	"Nghị định 133/2025/NĐ-CP phân cấp những nhiệm vụ gì?",
	"thu tuc khai bao thiet bi X-quang",
	"Báo cáo định kỳ nộp khi nào?",
	"cấp lại văn bằng bảo hộ sở hữu công nghiệp ở đâu",
	"giấy phép tiến hành công việc bức xạ hết hạn thì làm gì",
	"xã có phải báo cáo thống kê khoa học công nghệ không",
	"máy chủ cổng dịch vụ công bị lỗi đăng nhập",
}

// soakRig is the state of one soak run.
type soakRig struct {
	t      *testing.T
	tg     *faketg.Server
	sl     *fakeslack.Server
	outage *soakOutage
	env    []string

	mu       sync.Mutex // guards the fields below
	proc     *proc
	updates  []soakUpdate
	replies  []soakStaffReply
	reminded int // reminders queued, as `remind` reported
	nextMsg  map[int64]int
	rss      []soakSample
}

type soakSample struct {
	at         time.Duration
	rss        float64 // /proc/PID/status VmRSS, bytes
	metricsRSS float64 // process_resident_memory_bytes on /metrics
	goroutines float64
	pid        int
}

func TestSoak(t *testing.T) {
	if !soakSelected() {
		t.Skip("the soak runs about ten minutes: make soak, or -run Soak, or " + soakEnvVar + "=1")
	}
	needBinary(t)
	duration := 10 * time.Minute
	if v := os.Getenv(soakDurationVar); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			t.Fatalf("%s=%q: want a duration of at least 1m", soakDurationVar, v)
		}
		duration = d
	}

	r := &soakRig{t: t, outage: &soakOutage{}, nextMsg: map[int64]int{}}
	r.tg = faketg.New(faketg.Options{EnforceLimits: true})
	t.Cleanup(r.tg.Close)
	r.sl = fakeslack.New(fakeslack.Options{PageSize: 100})
	t.Cleanup(r.sl.Close)
	r.sl.AddUser(claimer)
	r.sl.SetMembers(triage, staffID, fakeslack.BotUserID)
	proxy := r.outage.proxy(t, r.tg.URL())
	dataDir := t.TempDir()
	// Every officer of the soak agreed to the privacy notice before it
	// starts: their /ticket and unanswered questions open tickets, and the
	// load carries no notice.
	seedConsent(t, dataDir, append(chatRange(soakGroupUser(0), soakGroups), chatRange(soakPrivateChat(0), soakRegistered)...))
	r.env = slackEnv(botEnv(r.tg, dataDir), r.sl)
	r.env = envWith(r.env, "SUPPORTBOT_TELEGRAM_API_URL", proxy.URL)
	r.env = envWith(r.env, "SUPPORTBOT_LANG", "en")

	began := time.Now()
	r.setProc(start(t, r.env, "serve"))
	waitSlack(t, r.sl, "the Socket Mode connection", func() bool { return r.sl.Connections() > 0 })
	waitFake(t, r.tg, "the first getUpdates", func() bool { return len(r.tg.Calls("getUpdates")) > 0 })
	r.register()
	r.sample(began)

	// The plan, as offsets into the load phase.
	killAt := duration * 2 / 5
	outageAt, outageFor := duration*13/20, 30*time.Second
	if duration < 4*time.Minute {
		outageFor = duration / 8
	}
	remindEvery := duration / 6
	loadEnd := began.Add(duration)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() { r.officers(stop) })
	wg.Go(func() { r.staff(stop) })

	var bursted, killed, outageStarted, outageEnded bool
	var sentBeforeKill, sentInLastSecond int
	nextRemind := began.Add(remindEvery / 2)
	nextSample := began.Add(30 * time.Second)
	tick := time.NewTicker(250 * time.Millisecond)
	for now := range tick.C {
		el := now.Sub(began)
		switch {
		case outageStarted && !outageEnded && el >= outageAt+outageFor:
			outageEnded = true
			r.outage.down.Store(false)
			t.Logf("%s: Bot API back; %d calls refused during the outage", el.Round(time.Second), r.outage.refused.Load())
		case now.After(loadEnd):
		case !bursted && el >= killAt-3*time.Second:
			bursted = true
			r.burst()
			t.Logf("%s: every group asks at once (%d questions)", el.Round(time.Second), soakGroups)
		case !killed && el >= killAt:
			killed = true
			sent := r.tg.Sent()
			sentBeforeKill = len(sent)
			for _, s := range sent {
				if now.Sub(s.At) < time.Second {
					sentInLastSecond++
				}
			}
			p := r.getProc()
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t); code != -int(syscall.SIGKILL) {
				t.Fatalf("killed process ended with %d", code)
			}
			t.Logf("%s: kill -9 of pid %d (%d sends accepted so far, %d in the last second)", el.Round(time.Second), p.cmd.Process.Pid, sentBeforeKill, sentInLastSecond)
			r.setProc(start(t, r.env, "serve"))
			t.Logf("%s: restarted as pid %d", time.Since(began).Round(time.Second), r.getProc().cmd.Process.Pid)
		case !outageStarted && el >= outageAt:
			outageStarted = true
			r.outage.down.Store(true)
			t.Logf("%s: Bot API down (every call 502) for %s", el.Round(time.Second), outageFor)
		case now.After(nextRemind) && (el < killAt-20*time.Second || el > killAt+30*time.Second):
			nextRemind = now.Add(remindEvery)
			r.remind()
		}
		if now.After(nextSample) {
			nextSample = now.Add(30 * time.Second)
			r.sample(began)
		}
		if now.After(loadEnd) && outageEnded {
			break
		}
	}
	tick.Stop()
	close(stop)
	wg.Wait()
	t.Logf("%s: load stopped; draining", time.Since(began).Round(time.Second))

	// Drain: everything owed must arrive.
	drained := r.tg.Wait(ctxFor(t, 5*time.Minute), func() bool { return r.lost(false) == 0 && len(r.tg.Unconfirmed()) == 0 }) == nil
	t.Logf("%s: drained=%v", time.Since(began).Round(time.Second), drained)
	r.sample(began)
	r.report(t, began, drained)
}

// ctxFor is a context ending after d or with the test.
func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (r *soakRig) setProc(p *proc) {
	r.mu.Lock()
	r.proc = p
	r.mu.Unlock()
}

func (r *soakRig) getProc() *proc {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.proc
}

// soakGroupUser is the officer asking in group g; soakPrivateChat the
// private chat (and user) of the i-th registered officer.
func soakGroupUser(g int) int64   { return 80001 + int64(g) }
func soakPrivateChat(i int) int64 { return 90001 + int64(i) }

// register has soakRegistered officers, who agreed to the privacy notice
// (TestSoak seeds it), register in their private chats as province
// officers, one province each, so that reminders of a province_dost
// deadline reach them: /start asks the first question at once.
func (r *soakRig) register() {
	t := r.t
	chat := soakPrivateChat
	for step, text := range []string{"/start", "", "Xã Soak", "2"} {
		for i := range soakRegistered {
			msg := text
			if step == 1 {
				msg = strconv.Itoa(i%34 + 1) // the province, by its number on the keyboard
			}
			r.tg.Push(faketg.Msg{ChatID: chat(i), UserID: chat(i), Name: fmt.Sprintf("Tỉnh %02d", i), Text: msg})
		}
		waitFake(t, r.tg, fmt.Sprintf("registration step %d", step+1), func() bool {
			for i := range soakRegistered {
				if len(r.tg.SentTo(chat(i))) < step+1 {
					return false
				}
			}
			return true
		})
	}
}

// officers pushes group updates until stop: about 1.5 a second over
// soakGroups groups, a sixth of them /ticket, the rest questions that
// mention the bot.
func (r *soakRig) officers(stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(1, 2))
	tick := time.NewTicker(666 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		g := rng.IntN(soakGroups)
		if rng.IntN(6) == 0 {
			r.push(g, fmt.Sprintf("/ticket Xã %d (lần %d): cổng dịch vụ công báo lỗi khi nộp hồ sơ", g, n))
			continue
		}
		r.push(g, "@"+faketg.BotUser.Username+" "+soakQuestions[rng.IntN(len(soakQuestions))])
	}
}

// burst has every group ask at once, so that the kill lands with replies
// owed.
func (r *soakRig) burst() {
	for g := range soakGroups {
		r.push(g, "@"+faketg.BotUser.Username+" "+soakQuestions[g%len(soakQuestions)])
	}
}

// push sends text in group g as its officer, with a message_id of our own
// choosing so that the replies to it can be found.
func (r *soakRig) push(g int, text string) {
	chat := -int64(5001 + g)
	user := soakGroupUser(g)
	ticket := strings.HasPrefix(text, "/ticket")
	r.mu.Lock()
	r.nextMsg[chat]++
	id := 1_000_000 + r.nextMsg[chat] // far above the ids of the bot's own messages
	r.mu.Unlock()
	msg := &models.Message{
		ID:   id,
		From: &models.User{ID: user, FirstName: fmt.Sprintf("Cán bộ %02d", g), LanguageCode: "vi"},
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: chat, Type: models.ChatTypeGroup, Title: fmt.Sprintf("Xã %02d", g)},
		Text: text,
	}
	if ticket {
		msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len("/ticket")}}
	}
	r.mu.Lock() // held across the push so that updates stay in update_id order
	upd := r.tg.PushUpdate(models.Update{Message: msg})
	r.updates = append(r.updates, soakUpdate{chat: chat, msgID: id, updateID: upd, ticket: ticket, pushed: time.Now()})
	r.mu.Unlock()
}

// staff replies, every 3 s, in the thread of a random ticket's triage card.
func (r *soakRig) staff(stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(3, 4))
	tick := time.NewTicker(3 * time.Second)
	defer tick.Stop()
	for k := 0; ; {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		cards := map[string]string{} // ticket -> card ts
		for _, p := range postsIn(r.sl, "") {
			if id := cardTicket(p); id != "" && cards[id] == "" {
				cards[id] = p.TS
			}
		}
		if len(cards) == 0 {
			continue
		}
		ids := make([]string, 0, len(cards))
		for id := range cards {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		id := ids[rng.IntN(len(ids))]
		marker := fmt.Sprintf("[SR%05d]", k)
		r.sl.PushEvent(fmt.Sprintf("EvSoak%05d", k), fakeslack.MessageEvent{User: staffID,
			Text: "Anh chị đăng nhập lại bằng tài khoản VNeID mức 2 " + marker,
			TS:   fmt.Sprintf("1800000000.%06d", k), ThreadTS: cards[id], Channel: triage, ChannelType: "channel"})
		r.mu.Lock()
		r.replies = append(r.replies, soakStaffReply{marker: marker, ticket: id, pushed: time.Now()})
		r.mu.Unlock()
		k++
	}
}

var soakQueued = regexp.MustCompile(`Queued (\d+) reminders`)

// remind queues the current reminders of soakDeadline through the admin
// socket, as an operator would.
func (r *soakRig) remind() {
	code, out := runBin(r.t, r.env, "remind", soakDeadline)
	m := soakQueued.FindStringSubmatch(out)
	if code != 0 || m == nil {
		r.t.Errorf("remind %s: exit %d:\n%s", soakDeadline, code, out)
		return
	}
	n, _ := strconv.Atoi(m[1])
	r.mu.Lock()
	r.reminded += n
	r.mu.Unlock()
	r.t.Logf("remind %s: %d queued", soakDeadline, n)
}

// sample records the resident memory of the running process.
func (r *soakRig) sample(began time.Time) {
	p := r.getProc()
	s := soakSample{at: time.Since(began), pid: p.cmd.Process.Pid, rss: procRSS(p.cmd.Process.Pid)}
	if resp, err := http.Get("http://" + p.addr + "/metrics"); err == nil {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			name, v, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				continue
			}
			f, _ := strconv.ParseFloat(v, 64)
			switch name {
			case "process_resident_memory_bytes":
				s.metricsRSS = f
			case "go_goroutines":
				s.goroutines = f
			}
		}
		resp.Body.Close()
	}
	r.mu.Lock()
	r.rss = append(r.rss, s)
	r.mu.Unlock()
}

// procRSS reads VmRSS of pid, in bytes (0 if unknown).
func procRSS(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// soakTally is what reached the officers.
type soakTally struct {
	lostUpdates   []soakUpdate
	lostReplies   []soakStaffReply
	dupReplies    int // group replies sent again: same chat, same message answered, same text
	dupStaff      int // staff replies delivered more than once
	reminders     int // reminders delivered
	answerLatency []time.Duration
	staffLatency  []time.Duration
}

func (r *soakRig) tally() soakTally {
	r.mu.Lock()
	updates := slices.Clone(r.updates)
	replies := slices.Clone(r.replies)
	r.mu.Unlock()
	var out soakTally
	type key struct {
		chat  int64
		reply int
	}
	first := map[key]time.Time{}
	texts := map[key]map[string]int{}
	markers := map[string][]time.Time{}
	for _, s := range r.tg.Sent() {
		plain := s.Plain()
		if s.ChatID > 0 && strings.Contains(plain, soakReminderHas) {
			out.reminders++
		}
		if i := strings.Index(plain, "[SR"); i >= 0 && len(plain) >= i+9 {
			markers[plain[i:i+9]] = append(markers[plain[i:i+9]], s.At)
		}
		if s.ReplyTo == 0 {
			continue
		}
		k := key{s.ChatID, s.ReplyTo}
		if _, ok := first[k]; !ok {
			first[k] = s.At
			texts[k] = map[string]int{}
		}
		texts[k][s.Text]++
		if texts[k][s.Text] > 1 {
			out.dupReplies++
		}
	}
	for _, u := range updates {
		at, ok := first[key{u.chat, u.msgID}]
		if !ok {
			out.lostUpdates = append(out.lostUpdates, u)
			continue
		}
		out.answerLatency = append(out.answerLatency, at.Sub(u.pushed))
	}
	for _, sr := range replies {
		got := markers[sr.marker]
		if len(got) == 0 {
			out.lostReplies = append(out.lostReplies, sr)
			continue
		}
		out.dupStaff += len(got) - 1
		out.staffLatency = append(out.staffLatency, got[0].Sub(sr.pushed))
	}
	slices.Sort(out.answerLatency)
	slices.Sort(out.staffLatency)
	return out
}

// lost counts what has not arrived yet; with log, it says what.
func (r *soakRig) lost(log bool) int {
	tl := r.tally()
	r.mu.Lock()
	missingReminders := max(0, r.reminded-tl.reminders)
	r.mu.Unlock()
	if log {
		for _, u := range tl.lostUpdates[:min(len(tl.lostUpdates), 10)] {
			r.t.Logf("lost: group %d message %d (ticket %v) pushed %s", u.chat, u.msgID, u.ticket, u.pushed.Format(time.TimeOnly))
		}
		for _, sr := range tl.lostReplies[:min(len(tl.lostReplies), 10)] {
			r.t.Logf("lost: staff reply %s on %s pushed %s", sr.marker, sr.ticket, sr.pushed.Format(time.TimeOnly))
		}
	}
	return len(tl.lostUpdates) + len(tl.lostReplies) + missingReminders
}

func (r *soakRig) report(t *testing.T, began time.Time, drained bool) {
	tl := r.tally()
	r.mu.Lock()
	nUpdates, nReplies, reminded := len(r.updates), len(r.replies), r.reminded
	samples := slices.Clone(r.rss)
	r.mu.Unlock()
	lost := r.lost(true)

	// Every /ticket opened exactly one ticket.
	code, out := runBin(t, r.env, "tickets", "list", "--json")
	var ts []struct{ ID, Source string }
	if code != 0 || json.Unmarshal([]byte(out), &ts) != nil {
		t.Errorf("tickets list: exit %d:\n%.2000s", code, out)
	}
	bySource := map[string]int{}
	for _, tk := range ts {
		bySource[tk.Source]++
	}
	doubled := 0
	for src, n := range bySource {
		if n > 1 {
			doubled++
			t.Errorf("source %s has %d tickets", src, n)
		}
	}
	r.mu.Lock()
	tickets, missing := 0, 0
	for _, u := range r.updates {
		if !u.ticket {
			continue
		}
		tickets++
		if bySource["telegram:"+strconv.FormatInt(u.updateID, 10)] == 0 {
			missing++
			t.Errorf("/ticket update %d (group %d) opened no ticket", u.updateID, u.chat)
		}
	}
	r.mu.Unlock()
	lost += missing

	t.Logf("SOAK load and drain %s; %d group updates (%d /ticket), %d staff replies, %d reminders queued; one kill -9, one Bot API outage",
		time.Since(began).Round(time.Second), nUpdates, tickets, nReplies, reminded)
	t.Logf("SOAK lost: %d (updates unanswered %d, /ticket without a ticket %d, staff replies undelivered %d, reminders %d of %d delivered); drained: %v",
		lost, len(tl.lostUpdates), missing, len(tl.lostReplies), tl.reminders, reminded, drained)
	t.Logf("SOAK duplicates: %d group replies sent twice, %d staff replies delivered twice, %d reminders beyond those queued; tickets doubled: %d; 429s from faketg: %d",
		tl.dupReplies, tl.dupStaff, max(0, tl.reminders-reminded), doubled, r.tg.RateLimited())
	t.Logf("SOAK answer latency p50 %s p99 %s max %s; staff reply p50 %s p99 %s max %s",
		percentile(tl.answerLatency, 0.5).Round(time.Millisecond), percentile(tl.answerLatency, 0.99).Round(time.Millisecond), percentile(tl.answerLatency, 1).Round(time.Millisecond),
		percentile(tl.staffLatency, 0.5).Round(time.Millisecond), percentile(tl.staffLatency, 0.99).Round(time.Millisecond), percentile(tl.staffLatency, 1).Round(time.Millisecond))
	var maxRSS float64
	for _, s := range samples {
		maxRSS = max(maxRSS, s.rss)
		t.Logf("SOAK rss %6s pid %d: %.1f MB (/metrics %.1f MB), %v goroutines", s.at.Round(time.Second), s.pid, s.rss/(1<<20), s.metricsRSS/(1<<20), s.goroutines)
	}
	if len(samples) > 0 {
		t.Logf("SOAK resident memory: start %.1f MB, end %.1f MB, max %.1f MB", samples[0].rss/(1<<20), samples[len(samples)-1].rss/(1<<20), maxRSS/(1<<20))
	}
	if lost > 0 {
		t.Errorf("%d messages lost", lost)
	}
	if maxRSS > soakMaxRSS {
		t.Errorf("resident memory reached %.1f MB, above %d MB", maxRSS/(1<<20), soakMaxRSS>>20)
	}
	if !drained {
		t.Errorf("not drained within 5 minutes of the load's end")
	}
}
