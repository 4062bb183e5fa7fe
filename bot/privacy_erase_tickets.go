package bot

import (
	"errors"
	"fmt"

	"github.com/mostvn/supportbot/tickets"
)

// batchResult is what one anonymising transaction did.
type batchResult struct {
	tickets int // tickets anonymised
	posts   int // Slack posts queued for an edit (or a repost)
	dropped int // outbox items and dead letters dropped
	after   afterCommit
}

// anonymiseBatch anonymises the tickets ids in one transaction, shared
// with the Router's (the group commit: one fsync for both), with what goes
// with each (anonymiseTx). Tickets already anonymised, or not in this
// database (a restored older copy), are skipped.
func (e *Eraser) anonymiseBatch(ids []string, by tickets.Actor, why string, line textKey) (batchResult, error) {
	var res batchResult
	err := e.st.Batch(func(tx *tickets.Tx) error {
		var err error
		res, err = e.anonymiseTx(tx, ids, by, why, line) // afresh on each run: fn may run twice
		return err
	})
	if err != nil {
		return batchResult{}, fmt.Errorf("anonymise %d tickets: %w", len(ids), err)
	}
	return res, nil
}

// anonymiseTx anonymises the tickets ids inside tx. In the same
// transaction it drops from the outbox what still carries their officer's
// words (pending or dead posts to the staff channel, replies to the
// officer about them), then queues the edit of each ticket's triage card
// (ending with line) and of the thread posts that relayed the officer's
// messages. What the ticket names outside the database (files the bot
// kept, knowledge drafts) is read before its key is gone, stored with the
// batch (privacy_erase_jobs.go) and returned for after the commit.
func (e *Eraser) anonymiseTx(tx *tickets.Tx, ids []string, by tickets.Actor, why string, line textKey) (batchResult, error) {
	var res batchResult
	todo := make([]*tickets.Ticket, 0, len(ids))
	for _, id := range ids {
		tk, err := tx.Get(id)
		switch {
		case errors.Is(err, tickets.ErrNotFound):
			continue
		case err != nil:
			return res, fmt.Errorf("ticket %s: %w", id, err)
		case !tk.Anonymised.IsZero():
			continue
		}
		todo = append(todo, tk)
	}
	if len(todo) == 0 {
		return res, nil
	}
	btx := tx.Bolt()
	cardPending, n, err := e.forgetTicketPosts(btx, todo)
	if err != nil {
		return res, err
	}
	res.dropped = n
	var replies []Reply
	for _, tk := range todo {
		drafts, err := e.draftsOf(tx, tk)
		if err != nil {
			return res, err
		}
		if job := (afterJob{Ticket: tk.ID, Lang: tk.Lang, Files: e.keptFiles(tk), Drafts: drafts, question: tk.Text}); len(job.Files)+len(job.Drafts) > 0 {
			if err := putJob(btx, job); err != nil {
				return res, err
			}
			res.after.jobs = append(res.after.jobs, job)
		}
		done, err := tx.Anonymise(tk.ID, by, why)
		if err != nil {
			return res, fmt.Errorf("anonymise %s: %w", tk.ID, err)
		}
		res.tickets++
		replies = append(replies, e.erasedPosts(btx, tk, done, line, cardPending[tk.ID])...)
	}
	// The file keeps the freed pages of what was anonymised until they are
	// scrubbed: a run cut short leaves the debt for the next (Run's
	// follow-ups, ApplyRetention, Erase).
	if err := oweScrub(btx); err != nil {
		return res, fmt.Errorf("note the scrub owed: %w", err)
	}
	if err := e.out.EnqueueTx(btx, replies...); err != nil {
		return res, fmt.Errorf("queue the edits of erased posts: %w", err)
	}
	res.posts = len(replies)
	return res, nil
}

// add merges another batch's result into r.
func (r *batchResult) add(o batchResult) {
	r.tickets += o.tickets
	r.posts += o.posts
	r.dropped += o.dropped
	r.after.add(o.after)
}
