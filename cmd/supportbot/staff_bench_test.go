package main

// Benchmarks of the staff side, in process: serve with Telegram (faketg
// enforcing Telegram's limits: 1 message/s per chat, 30/s overall) and
// Slack over Socket Mode (fakeslack), the whole wiring on real goroutines
// and real clocks. Each asserts what officers and staff would see and
// reports its figures with b.ReportMetric; run them with `make bench`.
//
// Slack allows about one message a second per channel, and every ticket
// puts two messages in the triage channel (its card, then the question in
// the card's thread): the set-up of N tickets takes about 2N seconds. That
// is the limit working, not the bot being slow.

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/slack/fakeslack"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

// benchGuard bounds one wait of a benchmark phase; the phases that wait on
// Slack's 1 message/s per channel scale it with the number of messages.
const benchGuard = 2 * time.Minute

// claimer is the staff member who claims and answers in the benchmarks.
var claimer = fakeslack.User{ID: staffID, Name: "lan", RealName: "Nguyễn Thị Lan", DisplayName: "Lan"}

// syncBuffer is the bot's log, written by its goroutines and read by the
// benchmark when something fails.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// tail returns the last n bytes of the log.
func (s *syncBuffer) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buf.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// errors returns the log's lines at level ERROR.
func (s *syncBuffer) errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for line := range strings.SplitSeq(s.buf.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			out = append(out, line)
		}
	}
	return out
}

// logErrors shows the bot's logged errors, if any: a benchmark that
// passes may still have logged a failure worth a look.
func (r *staffRig) logErrors(b *testing.B) {
	b.Helper()
	errs := r.logs.errors()
	if len(errs) == 0 {
		return
	}
	b.Logf("the bot logged %d errors; the first: %s", len(errs), strings.Join(errs[:min(len(errs), 5)], "\n"))
}

// staffRig is a bot served in process on both fakes.
type staffRig struct {
	tg   *faketg.Server
	sl   *fakeslack.Server
	logs *syncBuffer
}

// startStaffRig runs serve on a fresh data directory with Telegram on a
// faketg that enforces Telegram's limits and Slack on a fakeslack whose
// triage channel holds the claimer and the bot. The first officers
// officers (officerChat) have agreed to the privacy notice, recorded
// before the bot starts: their /ticket opens a ticket at once, and the
// set-up sends no notice through Telegram's limits. It returns once the
// Socket Mode connection is up and the poller polls; the bot is stopped,
// and waited for, at the end of the benchmark.
func startStaffRig(b *testing.B, officers int) *staffRig {
	b.Helper()
	r := &staffRig{
		tg:   faketg.New(faketg.Options{EnforceLimits: true}),
		sl:   fakeslack.New(fakeslack.Options{PageSize: 100}),
		logs: &syncBuffer{},
	}
	r.sl.AddUser(claimer)
	r.sl.SetMembers(triage, staffID, fakeslack.BotUserID)
	dataDir := b.TempDir()
	seedConsent(b, dataDir, chatRange(officerChat(0), officers))
	env := fakeEnv{
		"SUPPORTBOT_DATA_DIR":             dataDir,
		"SUPPORTBOT_TELEGRAM_TOKEN":       r.tg.Token(),
		"SUPPORTBOT_TELEGRAM_API_URL":     r.tg.URL(),
		"SUPPORTBOT_SLACK_APP_TOKEN":      fakeslack.AppToken,
		"SUPPORTBOT_SLACK_BOT_TOKEN":      fakeslack.BotToken,
		"SUPPORTBOT_SLACK_API_URL":        r.sl.URL(),
		"SUPPORTBOT_SLACK_TRIAGE_CHANNEL": triage,
		"SUPPORTBOT_HTTP_ADDR":            "127.0.0.1:0",
		"SUPPORTBOT_LOG_FORMAT":           "json",
		"SUPPORTBOT_LOG_LEVEL":            "warn",
	}
	cfg, err := loadConfig("", env.get, readNothing)
	if err != nil {
		b.Fatal(err)
	}
	a := &app{stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: r.logs,
		getenv: env.get, readFile: readNothing, now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, a, cfg) }()
	b.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				b.Errorf("serve: %v", err)
			}
		case <-time.After(guard):
			b.Errorf("serve did not stop within %s", guard)
		}
		r.tg.Close()
		r.sl.Close()
	})
	r.waitSlack(b, "the Socket Mode connection", benchGuard, func() bool { return r.sl.Connections() > 0 })
	r.waitTelegram(b, "the first getUpdates", benchGuard, func() bool { return len(r.tg.Calls("getUpdates")) > 0 })
	return r
}

func (r *staffRig) waitSlack(b *testing.B, what string, limit time.Duration, cond func() bool) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := r.sl.Wait(ctx, cond); err != nil {
		b.Fatalf("waiting for %s: %v\nlog tail:\n%s", what, err, r.logs.tail(4000))
	}
}

func (r *staffRig) waitTelegram(b *testing.B, what string, limit time.Duration, cond func() bool) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := r.tg.Wait(ctx, cond); err != nil {
		b.Fatalf("waiting for %s: %v\nlog tail:\n%s", what, err, r.logs.tail(4000))
	}
}

// officerChat is the private chat of the i-th officer.
func officerChat(i int) int64 { return 70001 + int64(i) }

// pushTicket has officer i open a ticket with /ticket.
func (r *staffRig) pushTicket(i int) {
	r.tg.Push(faketg.Msg{ChatID: officerChat(i), UserID: officerChat(i), Name: fmt.Sprintf("Cán bộ %03d", i),
		Text: fmt.Sprintf("/ticket Xã số %03d cần hướng dẫn khai báo thiết bị X-quang mới mua", i)})
}

// ticketsOf returns, for each of the n officers, the ticket number the bot
// told them ("" while none yet).
func (r *staffRig) ticketsOf(n int) []string {
	ids := make([]string, n)
	byChat := map[int64]int{}
	for i := range n {
		byChat[officerChat(i)] = i
	}
	for _, m := range r.tg.Sent() {
		i, ok := byChat[m.ChatID]
		if !ok || ids[i] != "" {
			continue
		}
		ids[i] = ticketIDRe.FindString(m.Plain())
	}
	return ids
}

// cardTicket is the ticket a triage card is about: the first ticket number
// in it (the title; similar tickets come further down).
func cardTicket(p fakeslack.Post) string {
	if id := ticketIDRe.FindString(string(p.Blocks)); id != "" {
		return id
	}
	return ticketIDRe.FindString(p.Text)
}

// cards returns the accepted top-level chat.postMessage calls in the
// triage channel, by the ticket they are about.
func (r *staffRig) cards() map[string][]fakeslack.Post {
	out := map[string][]fakeslack.Post{}
	for _, p := range postsIn(r.sl, "") {
		id := cardTicket(p)
		out[id] = append(out[id], p)
	}
	return out
}

// haveCards reports whether every ticket of ids has a card.
func (r *staffRig) haveCards(ids []string) bool {
	c := r.cards()
	for _, id := range ids {
		if len(c[id]) == 0 {
			return false
		}
	}
	return true
}

// openTickets has n officers open a ticket each, spread evenly over
// spread (0: all at once), and waits until every officer has been told
// the ticket's number. It returns the numbers, by officer.
func (r *staffRig) openTickets(b *testing.B, n int, spread time.Duration) []string {
	b.Helper()
	gap := spread / time.Duration(n)
	for i := range n {
		if i > 0 && gap > 0 {
			time.Sleep(gap) // the officers' pace, not a synchronisation
		}
		r.pushTicket(i)
	}
	r.waitTelegram(b, "every officer's ticket number", benchGuard, func() bool {
		return !slices.Contains(r.ticketsOf(n), "")
	})
	ids := r.ticketsOf(n)
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			b.Fatalf("officer %d was given %s, already another officer's", i, id)
		}
		seen[id] = true
	}
	return ids
}

// percentile returns the q-quantile of sorted (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkStaffReplyToTelegram: a reply typed in Slack reaches the fake
// Bot API within 1 s p99 while under Telegram's limits.
//
// 50 officers each open a ticket (all at once); once every triage card is
// on Slack, staff answer in the cards' threads at 10 replies/s for 20 s,
// round-robin over the tickets (each ticket gets a reply every 5 s, 4 in
// all; the first one also claims the ticket). Each reply's latency runs
// from its push to the fake Socket Mode until the fake Bot API accepted
// the sendMessage carrying it. faketg enforces Telegram's limits: a 429
// from it fails the benchmark, as does a reply lost, doubled or sent to
// the wrong officer.
func BenchmarkStaffReplyToTelegram(b *testing.B) {
	const (
		officers = 50
		rate     = 10 // replies per second
		duration = 20 * time.Second
		replies  = rate * int(duration/time.Second)
	)
	for range b.N {
		b.StopTimer()
		r := startStaffRig(b, officers)
		ids := r.openTickets(b, officers, 0)
		r.waitSlack(b, "every triage card", benchGuard+2*officers*time.Second, func() bool { return r.haveCards(ids) })
		cards := r.cards()
		// The question in each card's thread goes out after its card: wait
		// for them, so that the replies measure the relay alone.
		r.waitSlack(b, "every question in its thread", benchGuard+officers*time.Second, func() bool {
			for _, id := range ids {
				if len(postsIn(r.sl, cards[id][0].TS)) == 0 {
					return false
				}
			}
			return true
		})
		b.StartTimer()

		marker := func(k int) string { return fmt.Sprintf("[phản hồi R%03d]", k) }
		pushed := make([]time.Time, replies)
		tick := time.NewTicker(time.Second / rate)
		for k := range replies {
			if k > 0 {
				<-tick.C
			}
			i := k % officers
			card := cards[ids[i]][0]
			pushed[k] = time.Now()
			r.sl.PushEvent(fmt.Sprintf("EvR%03d", k), fakeslack.MessageEvent{User: staffID,
				Text: fmt.Sprintf("Anh chị nộp hồ sơ khai báo tại Sở KH và CN tỉnh %s", marker(k)),
				TS:   fmt.Sprintf("1700001000.%06d", k), ThreadTS: card.TS, Channel: triage, ChannelType: "channel"})
		}
		tick.Stop()
		delivered := func() map[int][]faketg.Sent {
			out := map[int][]faketg.Sent{}
			for _, m := range r.tg.Sent() {
				plain := m.Plain()
				if _, rest, ok := strings.Cut(plain, "[phản hồi R"); ok {
					var k int
					if _, err := fmt.Sscanf(rest, "%03d]", &k); err == nil {
						out[k] = append(out[k], m)
					}
				}
			}
			return out
		}
		r.waitTelegram(b, "every staff reply on Telegram", benchGuard, func() bool { return len(delivered()) == replies })
		b.StopTimer()

		got := delivered()
		lat := make([]time.Duration, 0, replies)
		for k := range replies {
			sent := got[k]
			switch {
			case len(sent) != 1:
				b.Fatalf("reply %s reached Telegram %d times", marker(k), len(sent))
			case sent[0].ChatID != officerChat(k%officers):
				b.Fatalf("reply %s went to chat %d, not to officer %d", marker(k), sent[0].ChatID, officerChat(k%officers))
			case !strings.Contains(sent[0].Plain(), claimer.DisplayName):
				b.Errorf("reply %s does not name the staff member: %q", marker(k), sent[0].Plain())
			}
			lat = append(lat, sent[0].At.Sub(pushed[k]))
		}
		slices.Sort(lat)
		p50, p99, worst := percentile(lat, 0.50), percentile(lat, 0.99), lat[len(lat)-1]
		limited := r.tg.RateLimited()
		b.ReportMetric(ms(p50), "p50-ms")
		b.ReportMetric(ms(p99), "p99-ms")
		b.ReportMetric(ms(worst), "max-ms")
		b.ReportMetric(float64(limited), "telegram-429s")
		b.ReportMetric(float64(replies), "replies")
		b.Logf("%d staff replies over %d tickets at %d/s: p50 %v, p99 %v, max %v; Telegram 429s %d %v",
			replies, officers, rate, p50, p99, worst, limited, r.tg.RateLimitedBy())
		r.logErrors(b)
		if limited != 0 {
			b.Fatalf("the fake Bot API answered %d sends with 429 (%v): the bot broke Telegram's limits", limited, r.tg.RateLimitedBy())
		}
		if p99 > time.Second {
			b.Errorf("p99 %v: over the 1 s target", p99)
		}
	}
}

// callKey identifies the payload of a Slack chat call, so that a call
// answered 429 can be matched with the retry that was accepted.
func callKey(method string, p map[string]string) string {
	return strings.Join([]string{method, p["channel"], p["thread_ts"], p["ts"], p["text"], p["blocks"]}, "\x00")
}

func postKey(p fakeslack.Post) string {
	ts := ""
	if p.Method == "chat.update" {
		ts = p.TS
	}
	return strings.Join([]string{p.Method, p.Channel, p.ThreadTS, ts, p.Text, string(p.Blocks)}, "\x00")
}

// BenchmarkTriageBurst: 200 tickets opened in one minute are each posted to
// triage exactly once and each updated in place, with no Slack 429 left
// unretried.
//
// 200 officers send /ticket spread evenly over 60 s (one every 300 ms).
// While the cards go out, fakeslack answers chat.postMessage with 429 and
// Retry-After: 1 four times (when 10, 50, 100 and 150 cards are up). Once
// all cards are up, the staff member claims every ticket at once (200
// block_actions "tk:claim:HT-…"); fakeslack answers chat.update with 429
// three times (after 10, 100 and 180 cards were updated) and
// chat.postMessage once more. Asserted: exactly one top-level
// chat.postMessage per ticket in the triage channel; at least one
// chat.update of each card, on the card's ts, naming the claimer; every
// call answered 429 has an accepted retry with the same payload, and the
// 429s answered are exactly those injected. Reported: seconds from the
// first /ticket until all cards were up (each ticket is two messages in
// the channel, at 1/s: about 400 s), seconds from the claims until every
// card was updated (chat.update is held to 50/min: about 240 s), the 429s
// injected, and top-level postMessage per ticket.
func BenchmarkTriageBurst(b *testing.B) {
	const (
		officers = 200
		spread   = time.Minute
	)
	for range b.N {
		b.StopTimer()
		r := startStaffRig(b, officers)
		injected := map[string]int{}
		inject := func(method string) {
			r.sl.FailNext(method, 1, fakeslack.Failure{Status: 429, RetryAfter: 1})
			injected[method]++
		}
		b.StartTimer()

		start := time.Now()
		// The officers, at their pace, on their own goroutine: it only
		// pushes (b.Fatal must run on the benchmark's), and a benchmark
		// that fails stops it and waits for it.
		pushed, quit := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(pushed)
			tick := time.NewTicker(spread / officers)
			defer tick.Stop()
			for i := range officers {
				if i > 0 {
					select {
					case <-tick.C:
					case <-quit:
						return
					}
				}
				r.pushTicket(i)
			}
		}()
		b.Cleanup(func() { close(quit); <-pushed })
		cardsUp := func() int { return len(postsIn(r.sl, "")) }
		for _, at := range []int{officers / 20, officers / 4, officers / 2, officers * 3 / 4} {
			r.waitSlack(b, fmt.Sprintf("%d cards", at), benchGuard+2*time.Duration(at)*time.Second, func() bool { return cardsUp() >= at })
			inject("chat.postMessage")
		}
		<-pushed
		r.waitTelegram(b, "every officer's ticket number", benchGuard, func() bool {
			return !slices.Contains(r.ticketsOf(officers), "")
		})
		ids := r.ticketsOf(officers)
		r.waitSlack(b, "every triage card", benchGuard+2*officers*time.Second, func() bool { return r.haveCards(ids) })
		cardsAt := time.Since(start)

		cards := r.cards()
		claimStart := time.Now()
		for i, id := range ids {
			r.sl.PushInteractive(fakeslack.BlockActions(fakeslack.BlockAction{User: staffID, UserName: claimer.Name,
				Channel: triage, MessageTS: cards[id][0].TS, ActionID: "b0", Value: "tk:claim:" + id,
				ActionTS: fmt.Sprintf("1700002000.%06d", i), TriggerID: fmt.Sprintf("trig-%03d", i)}))
		}
		updated := func() map[string]bool {
			byTS := map[string]string{}
			for id, ps := range cards {
				byTS[ps[0].TS] = id
			}
			out := map[string]bool{}
			for _, p := range r.sl.Posts("chat.update") {
				if id, ok := byTS[p.TS]; ok && p.Channel == triage && strings.Contains(string(p.Blocks)+p.Text, claimer.DisplayName) {
					out[id] = true
				}
			}
			return out
		}
		inject("chat.postMessage")
		for _, at := range []int{officers / 20, officers / 2, officers * 9 / 10} {
			r.waitSlack(b, fmt.Sprintf("%d cards updated", at), benchGuard+2*time.Duration(at)*time.Second, func() bool { return len(updated()) >= at })
			inject("chat.update")
		}
		r.waitSlack(b, "every card updated with the claim", benchGuard+officers*2*time.Second, func() bool { return len(updated()) == officers })
		updatesAt := time.Since(claimStart)
		// The claims' notes in the threads follow at 1/s; the last
		// injected 429s are used by then.
		r.waitSlack(b, "every claim noted in its thread", benchGuard+officers*2*time.Second, func() bool {
			n := 0
			for _, id := range ids {
				for _, p := range postsIn(r.sl, cards[id][0].TS) {
					if strings.Contains(p.Text+string(p.Blocks), claimer.DisplayName) {
						n++
						break
					}
				}
			}
			return n == officers
		})
		b.StopTimer()

		// Exactly one card per ticket. Other top-level posts (a notice of
		// the schedules, say) are no ticket's: shown, not counted.
		cards = r.cards()
		top := 0
		for _, id := range ids {
			n := len(cards[id])
			top += n
			if n != 1 {
				b.Errorf("%s has %d top-level posts in triage, want 1", id, n)
			}
		}
		for _, p := range postsIn(r.sl, "") {
			if id := cardTicket(p); !slices.Contains(ids, id) {
				b.Logf("a top-level post in triage about no ticket of the burst (%q): %.300s", id, p.Text+" "+string(p.Blocks))
			}
		}
		// Every card updated in place: chat.update on a card's ts only.
		cardTS := map[string]bool{}
		for _, ps := range cards {
			cardTS[ps[0].TS] = true
		}
		for _, p := range r.sl.Posts("chat.update") {
			if !cardTS[p.TS] {
				b.Errorf("chat.update of %s in %s, not a card", p.TS, p.Channel)
			}
		}
		// Every 429 retried: per payload, the calls beyond the accepted
		// posts are the refused ones, and each such payload was accepted
		// in the end.
		calls, accepted := map[string]int{}, map[string]int{}
		for _, c := range r.sl.Calls("chat.postMessage", "chat.update") {
			calls[callKey(c.Method, c.Params)]++
		}
		for _, p := range r.sl.Posts("chat.postMessage", "chat.update") {
			accepted[postKey(p)]++
		}
		refused, retried := 0, 0
		for k, n := range calls {
			if extra := n - accepted[k]; extra > 0 {
				refused += extra
				if accepted[k] > 0 {
					retried += extra
				} else {
					method, _, _ := strings.Cut(k, "\x00")
					b.Errorf("a %s refused %d times was never accepted: %.200q", method, extra, k)
				}
			}
		}
		totalInjected := injected["chat.postMessage"] + injected["chat.update"]
		if refused != totalInjected {
			b.Errorf("%d Slack calls refused, %d 429s injected", refused, totalInjected)
		}
		perTicket := float64(top) / float64(officers)
		b.ReportMetric(cardsAt.Seconds(), "cards-s")
		b.ReportMetric(updatesAt.Seconds(), "updates-s")
		b.ReportMetric(float64(totalInjected), "slack-429s")
		b.ReportMetric(float64(retried), "retried")
		b.ReportMetric(perTicket, "posts/ticket")
		b.Logf("%d tickets over %s: all cards up after %.1f s; all %d cards updated %.1f s after the claims; "+
			"429s injected %v, refused calls %d, retried and accepted %d; %d chat.update calls accepted; Telegram 429s %d",
			officers, spread, cardsAt.Seconds(), len(updated()), updatesAt.Seconds(), injected, refused, retried,
			len(r.sl.Posts("chat.update")), r.tg.RateLimited())
		r.logErrors(b)
		if perTicket != 1 {
			b.Errorf("%d top-level posts for %d tickets, want one each", top, officers)
		}
		if n := r.tg.RateLimited(); n != 0 {
			b.Errorf("the fake Bot API answered %d sends with 429 (%v)", n, r.tg.RateLimitedBy())
		}
	}
}
