package knowledge

import "time"

// Verdict says how far a Result can be trusted as an answer.
type Verdict string

const (
	// VerdictAnswer: the best hit answers the question; show it as the answer.
	VerdictAnswer Verdict = "answer"
	// VerdictSuggest: related entries exist but the match is weak; say so and offer a ticket.
	VerdictSuggest Verdict = "suggest"
	// VerdictNone: nothing relevant; open a ticket.
	VerdictNone Verdict = "none"
)

// Hit is one ranked passage.
type Hit struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Snippet   string    `json:"snippet"` // HTML-escaped original text with <mark>…</mark> around matched words
	Text      string    `json:"text"`
	Document  string    `json:"document"`
	Article   string    `json:"article"`
	Source    string    `json:"source"`
	Lang      string    `json:"lang"`
	Topic     string    `json:"topic"`
	Effective time.Time `json:"effective,omitzero"`
	Expires   time.Time `json:"expires,omitzero"`
	Reviewed  time.Time `json:"reviewed,omitzero"`
	// Confidence is the entry's (verified, single-source, check-status,
	// or "").
	Confidence string `json:"confidence,omitempty"`
	// Warning is the entry's status warning (plain text, "" when none):
	// show it with the entry whatever the snippet.
	Warning string  `json:"warning,omitempty"`
	Score   float64 `json:"score"`
}

// Result is the answer to one search.
type Result struct {
	Query   string  `json:"query"`
	Verdict Verdict `json:"confidence"`
	Hits    []Hit   `json:"hits"`
	// Evidence is what the verdict was decided from, for a reviewer.
	Evidence Evidence `json:"evidence"`
}

// Evidence is what the verdict on the best hit rests on, in terms a
// reviewer can check against the question and the entry.
type Evidence struct {
	// Coverage is the rarity-weighted share of the question's topic words
	// (filler words such as "ai", "what" left out) the best hit holds;
	// Bigrams the share of its two-word terms.
	Coverage float64 `json:"coverage"`
	Bigrams  float64 `json:"bigrams"`
	// Margin is the best score over the second (0 with one hit).
	Margin float64 `json:"margin"`
	// Document is +1 when the question names a document the best hit is
	// about, -1 when the best hit is about another, 0 otherwise.
	Document int `json:"document"`
	// Lang is the language the question is plainly written in ("" when
	// it cannot be told).
	Lang string `json:"lang,omitempty"`
	// Missing are the question's topic words the best hit lacks, as typed
	// (with their marks when the question has them).
	Missing []string `json:"missing,omitempty"`
	// OffTopic are the fields the question names (land, tax, medicine,
	// IP, radiation...) that the best hit is not about (by its topic or
	// heading): such a hit is never the answer.
	OffTopic []string `json:"off_topic,omitempty"`
	// Lead is the best score over that of the best other entry (its
	// translation left out; 0 when there is none).
	Lead float64 `json:"lead,omitempty"`
}

// Options tune one search; the zero value is valid.
type Options struct {
	Limit int    // hits to return; 0 means 5
	Lang  string // prefer entries in this language ("vi", "en"); "" means any
	Topic string // restrict to a topic; "" means all
}
