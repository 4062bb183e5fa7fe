package bot

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The after-commit work of an anonymised ticket (its kept files to delete,
// its knowledge drafts to rewrite) is stored in the transaction that
// anonymises it, and deleted once done: an erasure or a retention run cut
// short after a batch committed (a cancelled context, a crash) would
// otherwise lose it, a run again skipping the tickets anonymised already.
// Erase, ApplyRetention, ReapplyAll and Run finish what is left first.
//
// A job holds paths and the ticket id, nothing the officer wrote: the
// question a draft holds is known in memory only, so a leftover draft
// loses its question section and title (eraseDraft), not every quote of it.

var bucketEraseJobs = []byte("bot_erase_jobs") // ticket id -> afterJob JSON

// afterJob is what one anonymised ticket leaves to do after the commit.
type afterJob struct {
	Ticket string   `json:"-"` // the key
	Lang   string   `json:"lang,omitempty"`
	Files  []string `json:"files,omitempty"`  // kept files to delete
	Drafts []string `json:"drafts,omitempty"` // knowledge drafts whose question to erase

	question string // the ticket's question, in memory only: never stored
}

// putJob stores j in tx, the transaction that anonymises its ticket.
func putJob(tx *bolt.Tx, j afterJob) error {
	b, err := tx.CreateBucketIfNotExists(bucketEraseJobs)
	if err != nil {
		return fmt.Errorf("store the after-commit work of %s: %w", j.Ticket, err)
	}
	v, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("store the after-commit work of %s: %w", j.Ticket, err)
	}
	return b.Put([]byte(j.Ticket), v)
}

// leftJobs reads the stored jobs: those of a run cut short, or of the run
// under way before it deletes them.
func (e *Eraser) leftJobs() (afterCommit, error) {
	var a afterCommit
	err := e.db.View(func(tx *bolt.Tx) error {
		a = afterCommit{}
		b := tx.Bucket(bucketEraseJobs)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var j afterJob
			if err := json.Unmarshal(v, &j); err != nil {
				j = afterJob{} // unreadable: dropped, there is nothing to go by
			}
			j.Ticket = string(bytes.Clone(k))
			a.jobs = append(a.jobs, j)
			return nil
		})
	})
	if err != nil {
		return a, fmt.Errorf("read the after-commit work left: %w", err)
	}
	return a, nil
}

// dropJobs deletes the stored jobs of the tickets done.
func (e *Eraser) dropJobs(done []string) error {
	if len(done) == 0 {
		return nil
	}
	err := e.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEraseJobs)
		if b == nil {
			return nil
		}
		for _, id := range done {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete the after-commit work done: %w", err)
	}
	return nil
}

// finishLeftJobs does the after-commit work a run cut short left. A
// failure is logged and the work kept for the next run: it must not stop
// an erasure.
func (e *Eraser) finishLeftJobs() {
	a, err := e.leftJobs()
	if err == nil && len(a.jobs) == 0 {
		return
	}
	var files, drafts int
	if err == nil {
		files, drafts, err = e.eraseFiles(a)
	}
	if err != nil {
		e.log.Warn("the after-commit work of an erasure cut short is not all done; trying again on the next run", "err", err)
		return
	}
	e.log.Info("finished the after-commit work of an erasure cut short", "tickets", len(a.jobs), "files", files, "drafts", drafts)
}
