package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// What an erased ticket names outside the database: files an officer sent
// that the bot keeps under its data directory (tickets.Attachment.Path),
// and knowledge drafts written from the ticket (tickets.Store.Promote),
// which hold its question. Both are dealt with after the transaction that
// anonymised the ticket commits: a file deleted before a rollback could
// not be brought back.

// afterCommit is what an erasure does once its transactions committed,
// by ticket (privacy_erase_jobs.go stores it meanwhile).
type afterCommit struct {
	jobs []afterJob
}

// draftJob is one knowledge draft to rewrite without its question.
type draftJob struct {
	path     string
	ticket   string // the ticket it was written from
	question string // the question as the draft holds it; "" when not known (a leftover job)
	lang     string
}

func (a *afterCommit) add(o afterCommit) {
	a.jobs = append(a.jobs, o.jobs...)
}

// keptFiles returns the files of tk's conversation that the bot keeps
// under its data directory; a path anywhere else is not the bot's to
// delete.
func (e *Eraser) keptFiles(tk *tickets.Ticket) []string {
	if e.opts.DataDir == "" {
		return nil
	}
	var out []string
	for _, m := range tk.Messages {
		for _, f := range m.Files {
			if f.Path != "" && within(e.opts.DataDir, f.Path) {
				out = append(out, f.Path)
			}
		}
	}
	return out
}

// within reports whether path lies inside dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && !filepath.IsAbs(rel) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// draftsOf returns the knowledge drafts written from tk: the paths its log
// names (the promoted events), and the draft under KnowledgeDir. Only a
// resolved or closed ticket can have been promoted, so the others' logs are
// not read.
func (e *Eraser) draftsOf(tx *tickets.Tx, tk *tickets.Ticket) ([]string, error) {
	if tk.State != tickets.StateResolved && tk.State != tickets.StateClosed {
		return nil, nil
	}
	var paths []string
	if e.opts.KnowledgeDir != "" {
		paths = append(paths, filepath.Join(e.opts.KnowledgeDir, knowledge.ReviewDir, tk.ID+".md"))
	}
	evs, err := tx.Events(tk.ID)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", tk.ID, err)
	}
	for _, ev := range evs {
		if ev.Kind == tickets.EventPromoted && ev.Note != "" && !slices.Contains(paths, ev.Note) {
			paths = append(paths, ev.Note)
		}
	}
	return paths, nil
}

// eraseFiles deletes the kept files and erases the question from the
// drafts still there, then deletes the stored jobs of the tickets whose
// work is done. It goes on past a failure and returns them all.
func (e *Eraser) eraseFiles(a afterCommit) (files, drafts int, err error) {
	var (
		errs []error
		done []string
	)
	for _, j := range a.jobs {
		ok := true
		for _, p := range j.Files {
			switch err := os.Remove(p); {
			case err == nil:
				files++
			case !errors.Is(err, fs.ErrNotExist):
				ok = false
				errs = append(errs, fmt.Errorf("delete a kept file: %w", err))
			}
		}
		for _, p := range j.Drafts {
			changed, err := eraseDraft(draftJob{path: p, ticket: j.Ticket, question: j.question, lang: j.Lang})
			if err != nil {
				ok = false
				errs = append(errs, fmt.Errorf("erase the question of a knowledge draft of %s: %w", j.Ticket, err))
			}
			if changed {
				drafts++
			}
		}
		if ok {
			done = append(done, j.Ticket)
		}
	}
	errs = append(errs, e.dropJobs(done))
	return files, drafts, errors.Join(errs...)
}

// eraseDraft replaces the question in the draft d (its text wherever it
// occurs, and the front matter's title, which is its first line) with a
// marker, writing the file anew. A draft no longer there (moved into the
// corpus, deleted) is left alone, as is a file that is not a draft of
// d's ticket.
func eraseDraft(d draftJob) (bool, error) {
	b, err := os.ReadFile(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	head, body, ok := splitFrontMatter(b)
	if !ok || !bytes.Contains(head, []byte("\nid: ticket-"+strings.ToLower(d.ticket)+"\n")) {
		return false, nil
	}
	marker := tr(d.lang, ersDraftQuestion)
	if q := strings.TrimSpace(d.question); q != "" {
		body = bytes.ReplaceAll(body, []byte(q), []byte(marker))
	}
	body = replaceQuestionSection(body, marker)
	var lines [][]byte
	for _, l := range bytes.SplitAfter(head, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("title:")) {
			l = []byte("title: " + strconv.Quote(marker) + "\n")
		}
		lines = append(lines, l)
	}
	doc := append(bytes.Join(lines, nil), body...)
	if bytes.Equal(doc, b) {
		return false, nil
	}
	return true, writeFileSynced(d.path, doc)
}

// draftQuestionHeadings are the headings tickets.Store.Promote puts above
// a draft's question (vi, en).
var draftQuestionHeadings = []string{"## Câu hỏi\n\n", "## Question\n\n"}

// replaceQuestionSection replaces the text under the draft's question
// heading, up to the next heading, with marker: how a leftover job, which
// does not know the question, erases it.
func replaceQuestionSection(body []byte, marker string) []byte {
	for _, h := range draftQuestionHeadings {
		i := bytes.Index(body, []byte(h))
		if i < 0 {
			continue
		}
		start := i + len(h)
		end := bytes.Index(body[start:], []byte("\n\n## "))
		if end < 0 {
			return body // not a draft's layout: left as it is
		}
		out := append(bytes.Clone(body[:start]), marker...)
		return append(out, body[start+end:]...)
	}
	return body
}

// splitFrontMatter splits a Markdown file into its front matter (from
// the opening "---" line to the closing one, both included) and the rest.
func splitFrontMatter(b []byte) (head, body []byte, ok bool) {
	const fence = "---\n"
	if !bytes.HasPrefix(b, []byte(fence)) {
		return nil, nil, false
	}
	i := bytes.Index(b[len(fence):], []byte("\n"+fence))
	if i < 0 {
		return nil, nil, false
	}
	end := len(fence) + i + 1 + len(fence)
	return b[:end], b[end:], true
}

// writeFileSynced replaces path with data, keeping its permissions,
// through tickets.WriteFileAtomic: an erased file is never left half
// written, and the erasure survives a crash.
func writeFileSynced(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return tickets.WriteFileAtomic(path, st.Mode().Perm(), func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}
