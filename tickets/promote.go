package tickets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/mostvn/supportbot/knowledge"
)

// draftFrontMatter is the front matter of a knowledge draft, in the order
// the knowledge loader documents. Reviewed stays empty: a person sets it
// when they have checked the draft against its source and moved it into
// the corpus.
type draftFrontMatter struct {
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	Lang     string `yaml:"lang"`
	Topic    string `yaml:"topic"`
	Source   string `yaml:"source"`
	Reviewed string `yaml:"reviewed"`
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// Promote writes a Markdown knowledge draft from a resolved or closed ticket
// to kbDir/review/<id>.md and records a "promoted" event on the ticket. The
// draft holds the question, every public staff answer and the URLs staff
// named in them (the first becomes the front matter's source). The
// knowledge loader skips the review folder: the draft is indexed only once
// a person moves it into the corpus. Errors: ErrNotFound; ErrNotPromotable
// when the ticket is not resolved or closed, is anonymised or has no public
// staff answer; fs.ErrExist when the draft already exists (a reviewer may be
// editing it).
func (s *Store) Promote(id, kbDir string) (path string, err error) {
	tk, err := s.Get(id)
	if err != nil {
		return "", err
	}
	if tk.State != StateResolved && tk.State != StateClosed {
		return "", fmt.Errorf("%s is %s, only resolved or closed tickets can be promoted: %w", tk.ID, tk.State, ErrNotPromotable)
	}
	if !tk.Anonymised.IsZero() {
		return "", fmt.Errorf("%s is anonymised: its question and answers are erased: %w", tk.ID, ErrNotPromotable)
	}
	var answers []string
	var sources []string
	seen := map[string]bool{}
	for _, m := range tk.Messages {
		if !m.staffAnswer() {
			continue
		}
		answers = append(answers, strings.TrimSpace(m.Text))
		for _, u := range urlPattern.FindAllString(m.Text, -1) {
			u = strings.TrimRight(u, ".,;:!?")
			if !seen[u] {
				seen[u] = true
				sources = append(sources, u)
			}
		}
	}
	if len(answers) == 0 {
		return "", fmt.Errorf("%s has no public staff answer to promote: %w", tk.ID, ErrNotPromotable)
	}
	doc, err := draft(tk, answers, sources)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(kbDir, knowledge.ReviewDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("tickets: promote: %w", err)
	}
	path = filepath.Join(dir, tk.ID+".md")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		events, eerr := s.Events(tk.ID)
		if eerr != nil {
			return "", fmt.Errorf("tickets: promote: %w", eerr)
		}
		if !slices.ContainsFunc(events, func(e Event) bool { return e.Kind == EventPromoted }) {
			// A crash between writing the draft and recording it left
			// the draft unrecorded: record it now, keep the draft.
			return path, s.recordPromoted(tk.ID, path)
		}
		return path, fmt.Errorf("tickets: promote %s: draft %s already exists: %w", tk.ID, path, err)
	}
	if err != nil {
		return "", fmt.Errorf("tickets: promote: %w", err)
	}
	_, err = f.WriteString(doc)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("tickets: promote: write %s: %w", path, err)
	}
	return path, s.recordPromoted(tk.ID, path)
}

// recordPromoted appends the event saying ticket id's draft is at path.
func (s *Store) recordPromoted(id, path string) error {
	err := s.Update(func(tx *Tx) error {
		_, err := tx.change(id, func(*Ticket, time.Time) (Event, error) {
			return Event{Actor: systemActor, Kind: EventPromoted, Note: path}, nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("tickets: promote: draft %s written but not recorded (run promote again): %w", path, err)
	}
	return nil
}

func draft(tk *Ticket, answers, sources []string) (string, error) {
	fm := draftFrontMatter{
		ID:    "ticket-" + strings.ToLower(tk.ID),
		Title: title(tk.Text),
		Lang:  tk.Lang,
		Topic: tk.Topic,
	}
	if len(sources) > 0 {
		fm.Source = sources[0]
	}
	head, err := yaml.Marshal(fm)
	if err != nil {
		return "", fmt.Errorf("tickets: promote: %w", err)
	}
	h := draftHeadings[tk.Lang]
	if h.question == "" {
		h = draftHeadings["vi"]
	}
	var b strings.Builder
	b.WriteString("---\n")
	b.Write(head)
	b.WriteString("---\n\n")
	fmt.Fprintf(&b, "<!-- %s -->\n\n", fmt.Sprintf(h.note, tk.ID))
	fmt.Fprintf(&b, "## %s\n\n%s\n\n## %s\n\n", h.question, strings.TrimSpace(tk.Text), h.answer)
	b.WriteString(strings.Join(answers, "\n\n"))
	b.WriteString("\n")
	if len(sources) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", h.sources)
		for _, u := range sources {
			fmt.Fprintf(&b, "- %s\n", u)
		}
	}
	return b.String(), nil
}

var draftHeadings = map[string]struct{ question, answer, sources, note string }{
	"vi": {"Câu hỏi", "Trả lời", "Nguồn", "Bản nháp tạo từ phiếu %s. Cần kiểm tra với nguồn chính thức, điền ngày reviewed rồi chuyển vào kho tri thức."},
	"en": {"Question", "Answer", "Sources", "Draft made from ticket %s. Check it against the official source, fill in reviewed, then move it into the corpus."},
}

// title is the question's first line, at most 80 characters.
func title(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= 80 {
		return line
	}
	r := []rune(line)
	return strings.TrimSpace(string(r[:79])) + "…"
}
