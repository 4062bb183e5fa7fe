package bot

import (
	"html"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/knowledge"
)

// Limits of what the bot shows.
const (
	// MaxTextLen is the longest message, in characters, the bot reads; it is
	// also Telegram's limit for one message.
	MaxTextLen = 4096
	// passageLen is the longest passage shown as an answer, in characters.
	passageLen = 600
	// maxRelated is how many related entries an answer lists.
	maxRelated = 2
	// maxSuggest is how many entries a "not sure" reply lists.
	maxSuggest = 3
)

// esc and link write the core markup (outbox.Escape, outbox.Link).
func esc(s string) string { return outbox.Escape(s) }

func link(u, label string) string { return outbox.Link(u, label) }

// fold lowers s and strips Vietnamese tone and vowel marks (đ becomes d), so
// that "Cảm ơn", "cam on" and "CẢM ƠN" compare equal.
func fold(s string) string { return strings.ToLower(knowledge.StripTones(s)) }

// words splits s into letter/digit runs.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) })
}

// thanks holds the folded phrases that are only a thank-you.
var thanks = map[string]bool{
	"cam on": true, "cam on ban": true, "cam on nhieu": true, "cam on anh": true, "cam on chi": true,
	"xin cam on": true, "cam on a": true, "cam on nhe": true, "tks": true, "thank": true, "thanks": true,
	"thank you": true, "thanks a lot": true, "many thanks": true, "ok cam on": true, "ok thanks": true,
	"da ro cam on": true, "thank you very much": true, "cam on rat nhieu": true, "ok": true, "da ro": true,
}

// isThanks reports whether text is a bare thank-you (or "ok"), which must
// not reopen a resolved ticket nor become a question.
func isThanks(text string) bool {
	return thanks[strings.Join(words(fold(text)), " ")]
}

// formatDate renders a date for lang.
func formatDate(lang string, t time.Time) string {
	if lang == LangEN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// formatTime renders a moment for lang, in Vietnam's time zone (UTC+7, no
// daylight saving): officers read local time.
func formatTime(lang string, t time.Time) string {
	t = t.In(vietnamTime)
	if lang == LangEN {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("15:04 02/01/2006")
}

var vietnamTime = time.FixedZone("ICT", 7*3600)

// citation renders "document, article · in force from … · source link ·
// confidence" for a hit; parts that are unknown are left out, and so is
// the confidence of a verified entry.
func citation(lang string, h knowledge.Hit, now time.Time) string {
	var parts []string
	doc := strings.TrimSpace(strings.Join(nonEmpty(h.Document, h.Article), ", "))
	if doc != "" {
		parts = append(parts, "<i>"+esc(doc)+"</i>")
	}
	switch {
	case !h.Expires.IsZero() && !now.Before(h.Expires):
		parts = append(parts, tr(lang, txtExpired, formatDate(lang, h.Expires)))
	case !h.Effective.IsZero():
		s := tr(lang, txtEffective, formatDate(lang, h.Effective))
		if !h.Expires.IsZero() {
			s += " " + tr(lang, txtExpires, formatDate(lang, h.Expires))
		}
		parts = append(parts, s)
	}
	if h.Source != "" {
		parts = append(parts, link(h.Source, tr(lang, txtSource)))
	}
	switch h.Confidence {
	case knowledge.ConfidenceSingleSource:
		parts = append(parts, tr(lang, txtConfidenceSingle))
	case knowledge.ConfidenceCheckStatus:
		parts = append(parts, tr(lang, txtConfidenceCheck))
	}
	return strings.Join(parts, " · ")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// passage renders the best hit's answering sentence (its snippet, or the
// start of its text), short, escaped, with the important words bold: the
// search's own highlights when the snippet has them, else the words of
// the question found in the text.
func passage(h knowledge.Hit, question string) string {
	// The snippet is the answering sentence: the ellipses saying the entry
	// goes on are noise on a phone, the citation links to all of it.
	snippet := strings.TrimSuffix(strings.TrimPrefix(h.Snippet, "… "), " …")
	if strings.Contains(snippet, "<mark>") {
		return markToBold(snippet)
	}
	text := snippet
	if text != "" {
		text = html.UnescapeString(text)
	} else {
		text = plainMarkdown(h.Text)
	}
	return boldWords(shorten(text, passageLen), question)
}

// markToBold turns a snippet ("HTML-escaped text with <mark>…</mark>") into
// our HTML subset. It unescapes and re-escapes every piece rather than
// trusting the snippet, so no other tag can get through.
func markToBold(snippet string) string {
	var b strings.Builder
	for {
		before, rest, found := strings.Cut(snippet, "<mark>")
		b.WriteString(esc(html.UnescapeString(before)))
		if !found {
			break
		}
		marked, after, _ := strings.Cut(rest, "</mark>")
		if m := esc(html.UnescapeString(marked)); m != "" {
			b.WriteString("<b>" + m + "</b>")
		}
		snippet = after
	}
	return strings.TrimSpace(b.String())
}

// plainMarkdown drops Markdown headings and emphasis marks and joins lines,
// enough for a short passage.
func plainMarkdown(md string) string {
	var lines []string
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "---") {
			continue
		}
		l = strings.TrimLeft(l, "-*+> ")
		l = strings.NewReplacer("**", "", "__", "", "`", "").Replace(l)
		lines = append(lines, l)
	}
	return strings.Join(lines, " ")
}

// shorten cuts s to at most max characters at a word boundary, adding "…".
func shorten(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= max {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,;:") + "…"
}

// boldWords escapes text and makes bold each word that also appears in the
// question (compared without tone marks), skipping very common words.
func boldWords(text, question string) string {
	want := map[string]bool{}
	for _, w := range words(fold(question)) {
		if utf8.RuneCountInString(w) >= 3 && !commonWords[w] {
			want[w] = true
		}
	}
	var b strings.Builder
	start := -1
	flush := func(end int) {
		w := text[start:end]
		if want[fold(w)] {
			b.WriteString("<b>" + esc(w) + "</b>")
		} else {
			b.WriteString(esc(w))
		}
		start = -1
	}
	for i, r := range text {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			flush(i)
			b.WriteString(esc(string(r)))
		case !inWord:
			b.WriteString(esc(string(r)))
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return b.String()
}

// commonWords are folded words too frequent to be worth bolding.
var commonWords = map[string]bool{
	"cua": true, "cac": true, "cho": true, "nhung": true, "duoc": true, "trong": true, "voi": true,
	"nay": true, "khi": true, "thi": true, "khong": true, "theo": true, "nhu": true, "tu": true,
	"den": true, "mot": true, "nao": true, "gi": true, "lam": true, "the": true, "and": true,
	"for": true, "what": true, "how": true, "which": true, "who": true, "does": true, "are": true,
	"with": true, "from": true, "this": true, "that": true, "bao": true, "nhieu": true, "ai": true,
	"can": true, "phai": true, "hay": true, "hoac": true, "tai": true, "sao": true,
}

// formatAnswer renders an answer for a phone screen: the answering
// sentence first (the snippet, one or two sentences), the entry's status
// warning when it has one, then the citation (title, document, article,
// dates, source link, confidence), then at most maxRelated related
// entries, then the feedback question. The reply is in the language of
// the best entry, which the search picked in the language the officer
// asked in. hits is not empty.
func formatAnswer(lang, question string, hits []knowledge.Hit, now time.Time) string {
	best := hits[0]
	lang = replyLang(lang, best)
	var b strings.Builder
	b.WriteString(passage(best, question))
	if w := warning(lang, best); w != "" {
		b.WriteString("\n⚠️ " + w)
	}
	b.WriteString("\n\n📄 " + sourceLine(lang, best, now))
	if rel := related(best, hits[1:]); len(rel) > 0 {
		b.WriteString("\n\n" + tr(lang, txtRelated))
		for _, h := range rel {
			b.WriteString("\n• " + relatedLine(lang, h, now))
		}
	}
	b.WriteString("\n\n" + tr(lang, txtAnswerFeedback))
	return b.String()
}

// replyLang is the language to answer in: the best entry's, when it has
// one (every entry has a Vietnamese and an English version, and the
// search prefers the one in the question's language), else lang.
func replyLang(lang string, best knowledge.Hit) string {
	if best.Lang == LangVI || best.Lang == LangEN {
		return best.Lang
	}
	return lang
}

// sourceLine renders the answer's citation: the entry's title in bold,
// then its citation.
func sourceLine(lang string, h knowledge.Hit, now time.Time) string {
	s := "<b>" + esc(h.Title) + "</b>"
	if h.Title == "" {
		s = ""
	}
	if c := citation(lang, h, now); c != "" {
		if s != "" {
			s += " · "
		}
		s += c
	}
	return s
}

// warning is the entry's status warning, or for an entry whose
// confidence is check-status but which says nothing itself, the generic
// one; "" for the others.
func warning(lang string, h knowledge.Hit) string {
	switch {
	case h.Warning != "":
		return esc(h.Warning)
	case h.Confidence == knowledge.ConfidenceCheckStatus:
		return tr(lang, txtStatusUnverified)
	}
	return ""
}

// related keeps at most maxRelated of hits, leaving out the best entry's
// translation (the same answer again) and entries in the other language.
func related(best knowledge.Hit, hits []knowledge.Hit) []knowledge.Hit {
	var out []knowledge.Hit
	for _, h := range hits {
		if len(out) == maxRelated {
			break
		}
		if h.ID == best.ID || h.ID == best.ID+"-en" || best.ID == h.ID+"-en" ||
			(h.Lang != "" && best.Lang != "" && h.Lang != best.Lang) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// formatSuggest renders a "not sure" reply: it says so first, then lists the
// entries that may be related, each with its citation and its status
// warning, and no passage presented as the answer.
func formatSuggest(lang string, hits []knowledge.Hit, now time.Time) string {
	if len(hits) > 0 {
		lang = replyLang(lang, hits[0])
	}
	var b strings.Builder
	b.WriteString(tr(lang, txtSuggestIntro))
	shown := 0
	for i, h := range hits {
		if shown == maxSuggest {
			break
		}
		if i > 0 && len(related(hits[0], []knowledge.Hit{h})) == 0 {
			continue // the first entry's translation, or the other language
		}
		b.WriteString("\n• " + relatedLine(lang, h, now))
		if w := warning(lang, h); w != "" {
			b.WriteString("\n  ⚠️ " + w)
		}
		shown++
	}
	return b.String()
}

// relatedLine renders one entry as "<b>title</b> — citation".
func relatedLine(lang string, h knowledge.Hit, now time.Time) string {
	title := h.Title
	if title == "" {
		title = shorten(plainMarkdown(h.Text), 80)
	}
	s := "<b>" + esc(title) + "</b>"
	if c := citation(lang, h, now); c != "" {
		s += " — " + c
	}
	return s
}
