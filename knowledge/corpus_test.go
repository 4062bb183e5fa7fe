package knowledge_test

import (
	"path"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

// loadCorpus returns the hand-written entries of the shipped corpus (vi/
// and en/). Passages that `supportbot kb import` may have written under
// imported/ must load and carry a source, but are official text, not
// curated entries, so the curation rules below do not apply to them.
func loadCorpus(t *testing.T) []knowledge.Entry {
	t.Helper()
	entries, errs := knowledge.LoadDir(knowledge.DefaultCorpus())
	for _, e := range errs {
		t.Errorf("corpus file does not load: %v", e.Error())
	}
	var curated []knowledge.Entry
	for _, e := range entries {
		if strings.HasPrefix(e.Path, knowledge.ImportedDir+"/") {
			if e.Source == "" {
				t.Errorf("%s: imported passage without a source", e.Path)
			}
			continue
		}
		curated = append(curated, e)
	}
	return curated
}

func TestCorpusLoadsAndEveryEntryIsSourced(t *testing.T) {
	entries := loadCorpus(t)
	if len(entries) < 40 {
		t.Fatalf("corpus has %d entries, expected the starter set (20+ vi with en versions)", len(entries))
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Source, "https://") && !strings.HasPrefix(e.Source, "http://") {
			t.Errorf("%s: source %q is not a URL", e.Path, e.Source)
		}
		if e.Reviewed.IsZero() {
			t.Errorf("%s: no reviewed date", e.Path)
		}
		if e.Topic == "" || len(e.Keywords) == 0 {
			t.Errorf("%s: topic %q, %d keywords: officers find entries by both", e.Path, e.Topic, len(e.Keywords))
		}
		// The folder says the language; a file in vi/ written in English would
		// be ranked for the wrong users.
		if dir := path.Dir(e.Path); dir != e.Lang {
			t.Errorf("%s: lang %q but stored under %s/", e.Path, e.Lang, dir)
		}
		// Every answer must say where it comes from and how far to trust it.
		cite, trust := "Nguồn:", "Mức tin cậy:"
		if e.Lang == "en" {
			cite, trust = "Source:", "Confidence:"
		}
		if !strings.Contains(e.Text, cite) || !strings.Contains(e.Text, trust) {
			t.Errorf("%s: body must name its source (%q) and confidence (%q)", e.Path, cite, trust)
		}
	}
}

func TestCorpusEveryVietnameseEntryHasAnEnglishVersion(t *testing.T) {
	byID := map[string]knowledge.Entry{}
	for _, e := range loadCorpus(t) {
		byID[e.ID] = e
	}
	vi := 0
	for id, e := range byID {
		switch e.Lang {
		case "vi":
			vi++
			en, ok := byID[id+"-en"]
			if !ok {
				t.Errorf("%s (%s) has no English version %s-en", id, e.Path, id)
				continue
			}
			if en.Lang != "en" || en.Topic != e.Topic || en.Document != e.Document || !en.Effective.Equal(e.Effective) || !en.Expires.Equal(e.Expires) {
				t.Errorf("%s and %s-en disagree on lang, topic, document or dates", id, id)
			}
		case "en":
			if v, ok := byID[strings.TrimSuffix(id, "-en")]; !strings.HasSuffix(id, "-en") || !ok || v.Lang != "vi" {
				t.Errorf("%s (%s) has no Vietnamese original", id, e.Path)
			}
		}
	}
	if vi < 20 {
		t.Errorf("%d Vietnamese entries, want at least 20", vi)
	}
}

// The fact sheet warns that some outlets attribute the "78 tasks" figure
// and the telecom/IP delegation to Decree 132; the corpus must not.
func TestCorpusKeepsDecree132And133Apart(t *testing.T) {
	for _, e := range loadCorpus(t) {
		if e.Document != "Nghị định 132/2025/NĐ-CP" {
			continue
		}
		for _, word := range []string{"viễn thông", "sở hữu trí tuệ", "telecom", "intellectual property"} {
			if strings.Contains(strings.ToLower(e.Text), word) && !strings.Contains(e.Text, "133") {
				t.Errorf("%s cites Decree 132 and mentions %q without pointing to Decree 133", e.ID, word)
			}
		}
	}
}

// Hotline numbers are not in the sources: no entry may carry a phone number.
func TestCorpusInventsNoPhoneNumbers(t *testing.T) {
	for _, e := range loadCorpus(t) {
		digits := 0
		for _, r := range e.Text {
			switch {
			case r >= '0' && r <= '9':
				digits++
				if digits >= 9 {
					t.Errorf("%s: a run of %d+ digits looks like a phone number", e.ID, digits)
				}
			case r == ' ' || r == '.' || r == '-':
				// separators inside phone numbers
			default:
				digits = 0
			}
		}
	}
}

// Every entry says how far its facts are established, the same in both
// languages; an entry whose status is unverified says so in a warning
// the bot shows with it, and is due for review within half a year.
func TestCorpusStatesItsConfidence(t *testing.T) {
	byID := map[string]knowledge.Entry{}
	for _, e := range loadCorpus(t) {
		byID[e.ID] = e
	}
	for id, e := range byID {
		switch e.Confidence {
		case knowledge.ConfidenceVerified, knowledge.ConfidenceSingleSource:
		case knowledge.ConfidenceCheckStatus:
			if knowledge.StatusWarning(e.Text) == "" {
				t.Errorf("%s: check-status entry without a Cảnh báo:/Warning: line", e.Path)
			}
			if due := e.ReviewDue(); due.IsZero() || due.Sub(e.Reviewed) > knowledge.ReviewInterval {
				t.Errorf("%s: check-status entry due for review %v, want within %v of %v", e.Path, due, knowledge.ReviewInterval, e.Reviewed)
			}
		default:
			t.Errorf("%s: confidence %q, want verified, single-source or check-status", e.Path, e.Confidence)
		}
		if en, ok := byID[id+"-en"]; ok && en.Confidence != e.Confidence {
			t.Errorf("%s says %q, its English version %q", id, e.Confidence, en.Confidence)
		}
	}
}

// The fact sheet has the Decree 132 expiry from one article only (facts.md
// 1.2): no entry may put it in its front matter as a fact.
func TestCorpusClaimsNoSingleSourceExpiry(t *testing.T) {
	for _, e := range loadCorpus(t) {
		if !e.Expires.IsZero() && e.Confidence != knowledge.ConfidenceVerified {
			t.Errorf("%s: expires %s in front matter, but the entry is %s", e.Path, e.Expires.Format("2006-01-02"), e.Confidence)
		}
	}
}

// Answer first: the first sentence of every entry is a statement, not a
// lead-in ending in ":" nor a warning.
func TestCorpusEntriesStartWithTheAnswer(t *testing.T) {
	for _, e := range loadCorpus(t) {
		first, _, _ := strings.Cut(strings.TrimSpace(e.Text), "\n")
		first = strings.TrimLeft(first, "-* ")
		if s, _, ok := strings.Cut(first, ". "); ok {
			first = s + "." // the first sentence
		}
		if strings.HasSuffix(first, ":") || strings.HasPrefix(first, "Cảnh báo") || strings.HasPrefix(first, "Warning") {
			t.Errorf("%s starts with %q, not with the answer", e.Path, first)
		}
	}
}
