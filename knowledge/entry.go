package knowledge

import "time"

// Entry is one passage of the knowledge base: a Markdown file of the corpus,
// or one Điều/Khoản of an imported legal text. Entries are the source of
// truth; the bleve index is a cache rebuilt from them.
type Entry struct {
	ID        string    `yaml:"id" json:"id"` // stable, unique; file entries set it in front matter
	Title     string    `yaml:"title" json:"title"`
	Lang      string    `yaml:"lang" json:"lang"`           // "vi" or "en"
	Topic     string    `yaml:"topic" json:"topic"`         // decree-132, decree-133, ip, radiation, telecom, radio, it-digital, reporting, ...
	Document  string    `yaml:"document" json:"document"`   // e.g. "Nghị định 133/2025/NĐ-CP"
	Article   string    `yaml:"article" json:"article"`     // e.g. "Điều 36"
	Source    string    `yaml:"source" json:"source"`       // URL of the official or cited source
	Effective time.Time `yaml:"effective" json:"effective"` // zero when unknown
	Expires   time.Time `yaml:"expires" json:"expires"`     // zero when unknown
	Reviewed  time.Time `yaml:"reviewed" json:"reviewed"`   // when staff last checked the entry against its source
	// Review is when staff must check the entry again; zero means
	// Reviewed plus ReviewInterval (see ReviewDue).
	Review time.Time `yaml:"review" json:"review"`
	// Confidence is how far the entry's facts are established: one of
	// ConfidenceVerified, ConfidenceSingleSource, ConfidenceCheckStatus,
	// or "" when the entry does not say.
	Confidence string   `yaml:"confidence" json:"confidence"`
	Keywords   []string `yaml:"keywords" json:"keywords"`
	Text       string   `yaml:"-" json:"text"` // Markdown body (or passage text)
	Path       string   `yaml:"-" json:"path"` // file it came from, relative to the knowledge dir
}

// The values of Entry.Confidence.
const (
	// ConfidenceVerified: the official text, a state portal, or two or
	// more independent sources agree.
	ConfidenceVerified = "verified"
	// ConfidenceSingleSource: one reasonably reliable source only.
	ConfidenceSingleSource = "single-source"
	// ConfidenceCheckStatus: the facts were right when written, but
	// whether the rule is still in force is not verified; the entry
	// carries a warning saying what to check.
	ConfidenceCheckStatus = "check-status"
)

// ReviewInterval is how long after Reviewed an entry without a review
// date is due for its next check.
const ReviewInterval = 180 * 24 * time.Hour

// ReviewDue is when staff must check e again: Review when set, else
// Reviewed plus ReviewInterval, else the zero time (never reviewed:
// imported passages, which are official text).
func (e *Entry) ReviewDue() time.Time {
	switch {
	case !e.Review.IsZero():
		return e.Review
	case !e.Reviewed.IsZero():
		return e.Reviewed.Add(ReviewInterval)
	}
	return time.Time{}
}
