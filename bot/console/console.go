package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
)

// Options tune a Console; the zero value works.
type Options struct {
	ChatID   string           // default "console"
	UserID   string           // default "console"
	UserName string           // shown in greetings; default "console"
	Lang     string           // the client's language code ("vi", "en"); "" lets the bot default to Vietnamese
	Now      func() time.Time // clock for Received and SourceIDs; nil means time.Now
	Logger   *slog.Logger     // nil: no logs
	// DrainTimeout bounds the wait for the last answers at end of input;
	// 0 means 10 seconds.
	DrainTimeout time.Duration
	// Greet, when not "", is printed by Read before it reads the first
	// line: Greeting(lang) for a person at a terminal; "" for a pipe.
	Greet string
}

// Console reads officer lines from a terminal into the inbox and prints the
// bot's replies. Its Sender side (Send) is called by the outbox; its reading
// side by Read. Safe for concurrent use.
type Console struct {
	out  io.Writer
	opts Options

	outbox *outbox.Outbox // set by Register; Read waits for it to drain at end of input

	mu      sync.Mutex // guards out, choices, lastID, sent
	choices []choice   // what typing 1, 2, … presses: the latest reply's buttons and keyboard
	lastID  int64      // last SourceID number handed out (keeps ids increasing within a process)
	sent    int        // replies printed, the id of the last one
}

// choice is one numbered option: a button (data set) or a keyboard key
// (sent as the text).
type choice struct {
	label string
	data  string
}

// New returns a Console printing to out.
func New(out io.Writer, opts Options) *Console {
	if opts.ChatID == "" {
		opts.ChatID = "console"
	}
	if opts.UserID == "" {
		opts.UserID = "console"
	}
	if opts.UserName == "" {
		opts.UserName = "console"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Console{out: out, opts: opts}
}

var _ bot.Sender = (*Console)(nil)

// Register makes c the outbox's sender for the console channel, without
// rate limits. Call it before the outbox and the router run.
func (c *Console) Register(o *outbox.Outbox) {
	c.outbox = o
	o.Register(outbox.Console, c, outbox.Limits{})
}

// Read turns each line of in into a message in inbox, after printing
// Options.Greet. A line that is only the number of a choice of the latest
// reply presses that button (or sends that keyboard key); /quit (or /exit,
// /thoat) ends the reading like the end of in. At the end of in it waits (up to DrainTimeout) until
// the inbox and the outbox are empty, so that piped questions get their
// answers printed, then returns nil. It returns nil when ctx is done;
// in the latter case a goroutine blocked reading in (a terminal) ends at the
// next line or at end of input: a terminal read cannot be interrupted.
func (c *Console) Read(ctx context.Context, in io.Reader, inbox *bot.Inbox) error {
	if c.opts.Greet != "" {
		c.mu.Lock()
		_, err := io.WriteString(c.out, c.opts.Greet)
		c.mu.Unlock()
		if err != nil {
			return fmt.Errorf("console: write: %w", err)
		}
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				readErr <- nil
				return
			}
		}
		readErr <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if err != nil {
				return fmt.Errorf("console: read: %w", err)
			}
			c.settle(ctx, inbox)
			return nil
		case line := <-lines:
			if isQuit(line) {
				c.settle(ctx, inbox) // as at end of input: the answers still due are printed
				return nil
			}
			m, ok := c.message(line)
			if !ok {
				continue
			}
			if _, err := inbox.Add([]bot.Message{m}, nil); err != nil {
				return fmt.Errorf("console: %w", err)
			}
			// Read the next line only once this one is answered, so that a
			// number typed (or piped) next refers to the choices just shown.
			c.settle(ctx, inbox)
		}
	}
}

// message turns a typed line into a Message; ok is false for a blank line.
func (c *Console) message(line string) (bot.Message, bool) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		return bot.Message{}, false
	}
	now := c.opts.Now()
	c.mu.Lock()
	id := max(now.UnixNano(), c.lastID+1)
	c.lastID = id
	var pressed *choice
	if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && n >= 1 && n <= len(c.choices) {
		ch := c.choices[n-1]
		pressed = &ch
	}
	c.mu.Unlock()
	sid := strconv.FormatInt(id, 36)
	m := bot.Message{
		Channel: bot.Console, SourceID: sid, ChatID: c.opts.ChatID, ChatType: "private",
		UserID: c.opts.UserID, UserName: c.opts.UserName, LangCode: c.opts.Lang,
		Text: line, MessageID: sid, Received: now,
	}
	switch {
	case pressed != nil && pressed.data != "":
		m.Text, m.CallbackData, m.CallbackID = "", pressed.data, sid
	case pressed != nil:
		m.Text = pressed.label
	}
	return m, true
}

// Send prints r. It never fails for good: a write error is retried by the
// outbox.
func (c *Console) Send(ctx context.Context, r bot.Reply) (sentID string, retry bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.CallbackID != "" {
		// The answer to a button press: a short toast, if any.
		if r.Text == "" {
			return "", false, nil
		}
		_, err := fmt.Fprintf(c.out, "  (%s)\n", Plain(r.Text))
		return "", err != nil, err
	}
	var b strings.Builder
	b.WriteString(Plain(r.Text))
	b.WriteString("\n")
	var choices []choice
	for _, row := range r.Buttons {
		for _, btn := range row {
			choices = append(choices, choice{label: btn.Text, data: btn.Data})
			fmt.Fprintf(&b, "  [%d] %s\n", len(choices), btn.Text)
		}
	}
	for _, row := range r.Keyboard {
		for _, key := range row {
			choices = append(choices, choice{label: key})
			fmt.Fprintf(&b, "  [%d] %s\n", len(choices), key)
		}
	}
	if len(choices) > 0 {
		b.WriteString("  (gõ số để chọn / type a number to choose)\n")
		c.choices = choices
	} else if r.RemoveKB {
		c.choices = nil
	}
	c.sent++
	if _, err := io.WriteString(c.out, "\n"+b.String()); err != nil {
		return "", true, fmt.Errorf("console: write: %w", err)
	}
	return strconv.Itoa(c.sent), false, nil
}

// settle waits until nothing is left to handle or to print (bot.Drained,
// which reads the inbox and the outbox in one transaction and so needs one
// look), or ctx ends, or DrainTimeout passes. It polls: the inbox and the
// outbox offer no "empty" signal. Without a registered outbox it only
// waits for the inbox.
func (c *Console) settle(ctx context.Context, inbox *bot.Inbox) {
	deadline := time.NewTimer(c.opts.DrainTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		done, err := c.drained(inbox)
		if err != nil {
			c.opts.Logger.Warn("console: settle", "err", err)
			return
		}
		if done {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			n, _ := inbox.Pending()
			depth := 0
			if c.outbox != nil {
				depth, _ = c.outbox.Depth()
			}
			c.opts.Logger.Warn("console: gave up waiting for replies", "inbox", n, "outbox", depth)
			return
		case <-tick.C:
		}
	}
}

// drained reports whether inbox (and the outbox, once registered) is empty.
func (c *Console) drained(inbox *bot.Inbox) (bool, error) {
	if c.outbox != nil {
		return bot.Drained(inbox, c.outbox)
	}
	n, err := inbox.Pending()
	return n == 0, err
}
