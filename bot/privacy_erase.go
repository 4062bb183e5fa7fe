package bot

// Erasing an officer's personal data (Law 91/2025/QH15). The ticket store
// keeps each ticket, anonymised, with its whole log (tickets.Tx.Anonymise);
// everything else the bot keeps about the officer is deleted; the Slack
// posts the bot made with their words are edited to say the content was
// erased; the free pages the deletions leave in the bbolt file are
// overwritten (tickets.ScrubFreePages).
//
// One erasure (Eraser.Erase) goes:
//
//  1. the officer's tickets are listed and the erasure is recorded in the
//     ErasureRegister first, so that a crash leaves a record (a restored
//     backup has it re-applied, Reapply) and running it again finishes it;
//     an officer with no ticket and nothing else stored is refused
//     (ErrNothingToErase) before anything is recorded;
//  2. the tickets are anonymised in write transactions of at most
//     EraserOptions.BatchSize tickets (privacy_erase_tickets.go), so that
//     the Router gets bbolt's writer between them; each transaction also
//     edits the ticket's triage card and the thread posts that carried the
//     officer's words, and drops what of theirs still waits in the outbox
//     (privacy_erase_slack.go);
//  3. one final transaction deletes the rest (privacy_erase_buckets.go):
//     the officer's record, their inbox entries, questions, links, the
//     outbox's items and state for their chat, their deadline follows,
//     their place in announcements, the stored request; then queues the
//     confirmation to the officer, if asked;
//  4. after the commit, the files the bot kept of theirs are deleted, the
//     knowledge drafts made of their tickets lose the question, the free
//     pages are scrubbed, and the database notes the register's records
//     as applied (privacy_erase_meta.go). A confirmation holds the chat
//     id until it is sent: a follow-up waits for it to leave the outbox
//     and scrubs again (privacy_erase_followup.go).
//
// Officers ask through RequestErase (stored in the transaction of their
// confirmation, carried out by Run); operators call Erase.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// Defaults of EraserOptions.
const (
	// DefaultEraseBatch is how many tickets one transaction anonymises:
	// a few tens of milliseconds of bbolt's writer, so that the Router's
	// handling waits at most that long behind an erasure.
	DefaultEraseBatch = 100
	// eraseBatchPause separates two anonymising transactions, so that the
	// writers queued behind one (the Router's handling, the inbox) commit
	// before the next: measured on 1,000 tickets, it takes the median
	// handling latency during an erasure from ~28 ms to ~4 ms and costs
	// the erasure 50 ms.
	eraseBatchPause = 5 * time.Millisecond
	// DefaultConfirmWait bounds how long the follow-up of an erasure waits
	// for the confirmation to leave the outbox (an unsent confirmation is
	// then dropped).
	DefaultConfirmWait = 3 * time.Minute
)

// EraserOptions configure an Eraser. DB, Tickets, Outbox and Register are
// required; the rest have working zero values.
type EraserOptions struct {
	DB       *bolt.DB
	Tickets  *tickets.Store
	Outbox   *Outbox
	Register *ErasureRegister
	DataDir  string // files the bot keeps (attachments, knowledge drafts) live under it
	Log      *slog.Logger
	Now      func() time.Time

	// Staff is the staff channel (the Router's RouterOptions.Staff), whose
	// triage cards and thread posts an erasure edits. Zero: none.
	Staff StaffOptions
	// KnowledgeDir is where tickets.Store.Promote writes drafts
	// (review/<ticket>.md), looked at besides the path a ticket's log
	// names. "": only the log's path.
	KnowledgeDir string
	// Retention, when positive, makes Run anonymise once a day the closed
	// and cancelled tickets last changed longer ago (ApplyRetention).
	Retention time.Duration
	// BatchSize is how many tickets one transaction anonymises; 0 means
	// DefaultEraseBatch.
	BatchSize int
	// ConfirmWait bounds the wait of an erasure's follow-up for its
	// confirmation; 0 means DefaultConfirmWait.
	ConfirmWait time.Duration
}

// EraseRequest asks for one officer's personal data to be erased.
type EraseRequest struct {
	Channel Channel       `json:"channel"`
	UserID  string        `json:"user_id"`
	ChatID  string        `json:"chat_id,omitempty"` // where to confirm (their private chat, or the group they asked in); "" = tell nobody
	Lang    string        `json:"lang,omitempty"`
	Why     string        `json:"why"` // "officer request", "operator request", …
	By      tickets.Actor `json:"by"`
}

// ErrInvalidErase is returned (wrapped) for an EraseRequest without a
// channel or a user id.
var ErrInvalidErase = errors.New("bot: invalid erase request")

// ErrNothingToErase is returned (wrapped) by Erase for an officer the bot
// holds nothing about: no ticket, no record, no entry of any bucket an
// erasure deletes from. Nothing is recorded in the register then, so that
// an operator's typo or an old button does not make backups look as if
// they held erased data.
var ErrNothingToErase = errors.New("bot: nothing is stored about this officer")

func (r EraseRequest) check() error {
	if r.Channel == "" || r.UserID == "" {
		return fmt.Errorf("%w: a channel and a user id are required", ErrInvalidErase)
	}
	return nil
}

// officerID is the officer key used across packages: "telegram:12345".
func (r EraseRequest) officerID() string { return string(r.Channel) + ":" + r.UserID }

// privateChat is the officer's private chat, whose every entry is theirs:
// a private chat's id is its user's (Telegram, the console). ChatID is
// only where to confirm, which may be a group the request was made in:
// never forgotten whole.
func (r EraseRequest) privateChat() string { return r.UserID }

// EraseReport says what one erasure did.
type EraseReport struct {
	Tickets int                // tickets anonymised
	Entries int                // other stored entries deleted
	Took    time.Duration      // until the last transaction committed
	Scrub   tickets.ScrubStats // the free-page scrub after it

	Posts  int // Slack posts (cards, thread posts) queued for an edit
	Files  int // kept files deleted
	Drafts int // knowledge drafts whose question was erased
}

// Eraser erases officers' personal data. Its methods are safe for
// concurrent use; erasures run one at a time.
type Eraser struct {
	db    *bolt.DB
	st    *tickets.Store
	out   *Outbox
	reg   *ErasureRegister
	staff StaffOptions
	opts  EraserOptions
	log   *slog.Logger
	now   func() time.Time

	mu       sync.Mutex    // one erasure, retention run or re-application at a time
	wake     chan struct{} // a request was stored (buffered 1)
	followUp chan struct{} // a confirmation waits for its follow-up (buffered 1)

	retentionTick <-chan time.Time // test seam: replaces Run's minute ticker
	onErased      func(error)      // test seam: called after each stored request Run carried out
}

// NewEraser returns an Eraser; it refuses options without a database,
// ticket store, outbox or register, or with a bad staff channel.
func NewEraser(opts EraserOptions) (*Eraser, error) {
	switch {
	case opts.DB == nil:
		return nil, errors.New("bot: NewEraser: nil db")
	case opts.Tickets == nil:
		return nil, errors.New("bot: NewEraser: nil ticket store")
	case opts.Outbox == nil:
		return nil, errors.New("bot: NewEraser: nil outbox")
	case opts.Register == nil:
		return nil, errors.New("bot: NewEraser: nil erasure register")
	case opts.BatchSize < 0 || opts.ConfirmWait < 0 || opts.Retention < 0:
		return nil, errors.New("bot: NewEraser: negative batch size, wait or retention")
	}
	staff, err := opts.Staff.check()
	if err != nil {
		return nil, err
	}
	e := &Eraser{db: opts.DB, st: opts.Tickets, out: opts.Outbox, reg: opts.Register, staff: staff, opts: opts,
		log: opts.Log, now: opts.Now, wake: make(chan struct{}, 1), followUp: make(chan struct{}, 1)}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.opts.BatchSize == 0 {
		e.opts.BatchSize = DefaultEraseBatch
	}
	if e.opts.ConfirmWait == 0 {
		e.opts.ConfirmWait = DefaultConfirmWait
	}
	// The inbox's buckets are not created here: the Inbox indexes its
	// failed entries when it finds bot_inbox_failed missing, so it must
	// be the one to create them. The Eraser reads them only if they exist
	// (a data directory only the command line has used has none).
	err = e.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketEraseRequests, bucketEraseFollowUps, bucketEraseMeta, bucketOfficers, bucketQuestions, bucketLinks, bucketRetention} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bot: eraser: %w", err)
	}
	return e, nil
}

// eraseMode says how much of an erasure to do: Erase does it all; a
// re-application after a restore neither records nor confirms, and
// scrubs once at its end.
type eraseMode struct {
	record  bool   // append to the register first
	confirm bool   // tell the officer (when the request names a chat)
	scrub   bool   // scrub the free pages after the commit
	reqKey  []byte // the stored request this carries out, deleted in the final transaction
	// told is the least number of tickets the confirmation states: a
	// re-application that carries out a stored request finds the
	// officer's tickets anonymised already by then.
	told int
}

// Erase erases req's officer now: see the file comment for the steps. It
// returns what it did; an error after the final transaction committed
// (deleting a file, rewriting a draft, the scrub) comes back with the full
// report, the data being erased from the database by then. Errors:
// ErrInvalidErase, ErrNothingToErase (before anything is recorded), the
// register's, bbolt's, the ticket store's.
func (e *Eraser) Erase(ctx context.Context, req EraseRequest) (EraseReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.finishLeftJobs()
	return e.erase(ctx, req, eraseMode{record: true, confirm: true, scrub: true})
}

func (e *Eraser) erase(ctx context.Context, req EraseRequest, mode eraseMode) (EraseReport, error) {
	var rep EraseReport
	if err := req.check(); err != nil {
		return rep, err
	}
	start := time.Now() // a duration, not a business time: the wall clock
	var ids []string
	err := e.st.View(func(tx *tickets.Tx) error {
		var err error
		ids, err = tx.ReporterTickets(string(req.Channel), req.UserID)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("bot: erase: list tickets: %w", err)
	}
	var scan *officerScan // read before recording when there is no ticket to go by
	if len(ids) == 0 {
		s, err := e.scanOfficer(req)
		if err != nil {
			return rep, fmt.Errorf("bot: erase: %w", err)
		}
		held, err := e.holdsAnything(req, s)
		if err != nil {
			return rep, fmt.Errorf("bot: erase: %w", err)
		}
		if !held {
			return rep, fmt.Errorf("bot: erase: %w", ErrNothingToErase)
		}
		scan = &s
	}
	if mode.record {
		if err := e.reg.Record(req.Channel, req.UserID, ids, req.Why, e.now()); err != nil {
			return rep, fmt.Errorf("bot: erase: record in the register: %w", err)
		}
	}
	by := req.By
	if by.Kind == "" {
		by = systemActor
	}
	var done batchResult
	for i := 0; i < len(ids); i += e.opts.BatchSize {
		if i > 0 {
			if err := pause(ctx); err != nil {
				return rep, fmt.Errorf("bot: erase: %w", err) // a stored request runs again
			}
		}
		b, err := e.anonymiseBatch(ids[i:min(i+e.opts.BatchSize, len(ids))], by, req.Why, ersCardErased)
		if err != nil {
			return rep, fmt.Errorf("bot: erase: %w", err)
		}
		done.add(b)
	}
	if scan == nil {
		s, err := e.scanOfficer(req)
		if err != nil {
			return rep, fmt.Errorf("bot: erase: %w", err)
		}
		scan = &s
	}
	fin, err := e.finalTx(req, *scan, mode, done.tickets, by)
	if err != nil {
		return rep, fmt.Errorf("bot: erase: %w", err)
	}
	done.add(fin.batchResult)
	rep.Took = time.Since(start)
	rep.Tickets, rep.Posts, rep.Entries = done.tickets, done.posts, done.dropped+fin.entries

	var errs []error
	rep.Files, rep.Drafts, err = e.eraseFiles(done.after)
	errs = append(errs, err)
	if mode.scrub {
		rep.Scrub, err = e.scrub(ctx)
		if err != nil {
			errs = append(errs, err)
		} else if mode.record {
			// Scrubbed: this erasure is done, the next start need not
			// re-apply it (privacy_erase_meta.go).
			errs = append(errs, e.markApplied(e.reg.Len(), true))
		}
	}
	if fin.confirmed {
		e.wakeFollowUp()
	}
	e.log.Info("officer data erased", "tickets", rep.Tickets, "entries", rep.Entries, "posts", rep.Posts,
		"files", rep.Files, "drafts", rep.Drafts, "took", rep.Took, "scrub_pages", rep.Scrub.Pages, "scrub_took", rep.Scrub.Took)
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("bot: erase: erased, but: %w", err)
	}
	return rep, nil
}

// systemActor records what the bot does on its own (retention, a
// re-application): the ticket store's own actor.
var systemActor = tickets.Actor{Kind: tickets.ActorSystem, ID: "supportbot"}

// pause waits eraseBatchPause between two anonymising transactions; it
// returns ctx's error if ctx ends first.
func pause(ctx context.Context) error {
	t := time.NewTimer(eraseBatchPause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
