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
	Keywords  []string  `yaml:"keywords" json:"keywords"`
	Text      string    `yaml:"-" json:"text"` // Markdown body (or passage text)
	Path      string    `yaml:"-" json:"path"` // file it came from, relative to the knowledge dir
}
