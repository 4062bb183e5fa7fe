package tickets

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxTextLen is the longest question or message accepted, in characters.
// Telegram's own limit for one message is 4,096 characters.
const MaxTextLen = 4096

// maxFieldLen bounds the short fields (names, IDs, communes) so a key or a
// record cannot grow without limit.
const maxFieldLen = 256

// maxHits bounds the knowledge hits stored with a ticket.
const maxHits = 50

func checkText(field, s string, required bool) error {
	if !utf8.ValidString(s) {
		return &ValidationError{Field: field, Problem: "is not valid UTF-8", Accepted: "UTF-8 text"}
	}
	if required && strings.TrimSpace(s) == "" {
		return &ValidationError{Field: field, Problem: "is empty", Accepted: fmt.Sprintf("1 to %d characters", MaxTextLen)}
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		return &ValidationError{Field: field, Problem: fmt.Sprintf("is %d characters long", n), Accepted: fmt.Sprintf("at most %d characters", MaxTextLen)}
	}
	return nil
}

// checkField validates a short field; keyed fields must not hold NUL, which
// separates the parts of index keys.
func checkField(field, s string, required bool) error {
	if !utf8.ValidString(s) {
		return &ValidationError{Field: field, Problem: "is not valid UTF-8", Accepted: "UTF-8 text"}
	}
	if required && strings.TrimSpace(s) == "" {
		return &ValidationError{Field: field, Problem: "is empty", Accepted: "a non-empty value"}
	}
	if n := utf8.RuneCountInString(s); n > maxFieldLen {
		return &ValidationError{Field: field, Problem: fmt.Sprintf("is %d characters long", n), Accepted: fmt.Sprintf("at most %d characters", maxFieldLen)}
	}
	if strings.ContainsRune(s, 0) {
		return &ValidationError{Field: field, Problem: "contains a NUL character", Accepted: "printable text"}
	}
	return nil
}

func checkProvince(s string) (string, error) {
	p, ok := NormalizeProvince(s)
	if !ok {
		return "", &ValidationError{Field: "province", Problem: fmt.Sprintf("%q is not one of the 34 provinces", s),
			Accepted: strings.Join(Provinces, ", ") + ` (or "" when unknown)`}
	}
	return p, nil
}

func checkTopic(s string) (string, error) {
	t, ok := NormalizeTopic(s)
	if !ok {
		return "", &ValidationError{Field: "topic", Problem: fmt.Sprintf("%q is unknown", s), Accepted: strings.Join(Topics, ", ")}
	}
	return t, nil
}

func checkPriority(s string) (string, error) {
	switch p := strings.ToLower(strings.TrimSpace(s)); p {
	case "":
		return PriorityNormal, nil
	case PriorityNormal, PriorityUrgent:
		return p, nil
	}
	return "", &ValidationError{Field: "priority", Problem: fmt.Sprintf("%q is unknown", s), Accepted: PriorityNormal + ", " + PriorityUrgent}
}

func checkLang(s string) (string, error) {
	switch l := strings.ToLower(strings.TrimSpace(s)); {
	case l == "":
		return "vi", nil
	case l == "vi" || strings.HasPrefix(l, "vi-"):
		return "vi", nil
	case l == "en" || strings.HasPrefix(l, "en-"):
		return "en", nil
	}
	return "", &ValidationError{Field: "lang", Problem: fmt.Sprintf("%q is unsupported", s), Accepted: "vi, en"}
}

func checkActor(a Actor) error {
	switch a.Kind {
	case ActorOfficer, ActorStaff, ActorSystem:
	default:
		return &ValidationError{Field: "actor kind", Problem: fmt.Sprintf("%q is unknown", a.Kind), Accepted: "officer, staff, system"}
	}
	if err := checkField("actor id", a.ID, a.Kind != ActorSystem); err != nil {
		return err
	}
	return checkField("actor name", a.Name, false)
}

// validateNew checks and normalises n; it returns the cleaned copy.
func validateNew(n NewTicket) (NewTicket, error) {
	var err error
	if err = checkField("channel", n.Channel, true); err != nil {
		return n, err
	}
	n.Channel = strings.ToLower(strings.TrimSpace(n.Channel))
	for _, f := range []struct {
		name, v  string
		required bool
	}{{"user id", n.UserID, true}, {"chat id", n.ChatID, false}, {"user name", n.UserName, false},
		{"commune", n.Commune, false}, {"source", n.Source, false}} {
		if err = checkField(f.name, f.v, f.required); err != nil {
			return n, err
		}
	}
	if err = checkText("text", n.Text, true); err != nil {
		return n, err
	}
	if n.Lang, err = checkLang(n.Lang); err != nil {
		return n, err
	}
	if n.Province, err = checkProvince(n.Province); err != nil {
		return n, err
	}
	if n.Topic, err = checkTopic(n.Topic); err != nil {
		return n, err
	}
	if n.Priority, err = checkPriority(n.Priority); err != nil {
		return n, err
	}
	n.Commune = strings.TrimSpace(n.Commune)
	if len(n.Hits) > maxHits {
		return n, &ValidationError{Field: "hits", Problem: fmt.Sprintf("has %d entries", len(n.Hits)), Accepted: fmt.Sprintf("at most %d", maxHits)}
	}
	for i, h := range n.Hits {
		for _, v := range []string{h.ID, h.Title, h.Document, h.Article, h.Source} {
			if err = checkText(fmt.Sprintf("hit %d", i+1), v, false); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
