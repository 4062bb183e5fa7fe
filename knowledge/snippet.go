package knowledge

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The snippet is the passage the bot shows as the answer: about
// snippetBytes of the entry's text around the densest run of the question's
// rare words, each marked. It starts where the sentence or line holding its
// first mark starts (when that is at most snippetLead before the mark) and
// ends at a sentence or line end near snippetBytes later, so an officer
// reads whole sentences; failing either, it is cut at a space. It never
// cuts a word or a rune.
//
// The words and their offsets were found when the index was built (see
// profile.words): a snippet analyses nothing again, it only looks up the
// vocabulary IDs the query wants.
const (
	snippetBytes = 280 // about how much of a passage a snippet shows
	// snippetLead is how far before the first mark a snippet may start to
	// take in the whole sentence; a longer lead-in starts snippetFallback
	// before the mark instead, at a space.
	snippetLead     = snippetBytes / 2
	snippetFallback = snippetBytes / 6
	// A sentence end is looked for between snippetShortest and
	// snippetLongest after the start, the nearest to snippetBytes winning.
	snippetShortest = snippetBytes / 2
	snippetLongest  = snippetBytes + snippetBytes/4
	// wordSearch bounds how far a cut looks for a space.
	wordSearch = 40
)

// snippetWords maps the vocabulary ID of each word the snippet marks (the
// query's concepts, with their alternatives) to a dense index into weights,
// each word's rarity.
type snippetWords struct {
	index   map[uint32]int
	weights []float64
	// wantsNumber: the question asks for a number, a date or a time limit
	// ("bao nhiêu", "khi nào", "how many"), so a sentence holding digits
	// is likelier to answer it.
	wantsNumber bool
	// wantsList: the question asks for several things ("những … nào",
	// "gồm", "which"), so a sentence listing them is likelier to answer.
	wantsList bool
	// pairs weighs each two-word term of the question (by the IDs of its
	// words, in order): a sentence holding "Nam Định" beats one holding
	// "nam" and "định" apart.
	pairs map[uint64]float64
	// inTitle marks the words (by index) the entry's title holds; set per
	// entry by forTitle.
	inTitle []bool
}

// forTitle returns sw for an entry whose title is title: a word the title
// holds counts less in a sentence, since the title is shown anyway.
func (sw snippetWords) forTitle(st *state, title string) snippetWords {
	sw.inTitle = make([]bool, len(sw.weights))
	for _, t := range foldedAnalyzer.Analyze([]byte(title)) {
		if id, ok := st.vocab[string(t.Term)]; ok {
			if k, ok := sw.index[id]; ok {
				sw.inTitle[k] = true
			}
		}
	}
	return sw
}

// shown is how much word k counts in a sentence (see forTitle).
func (sw snippetWords) shown(k int) float64 {
	if k < len(sw.inTitle) && sw.inTitle[k] {
		return titleShare
	}
	return 1
}

// snippetWords returns the words of the plan's concepts that some entry
// holds: a word outside the vocabulary is in no entry's text.
func (st *state) snippetWords(p plan) snippetWords {
	sw := snippetWords{index: map[uint32]int{}, wantsNumber: p.wantsNumber, wantsList: p.wantsList, pairs: map[uint64]float64{}}
	for _, b := range p.contentBigrams {
		a, c, ok := strings.Cut(b, " ")
		ida, oka := st.vocab[a]
		idc, okc := st.vocab[c]
		if ok && oka && okc {
			sw.pairs[pairKey(ida, idc)] = (st.vocabIDF[ida] + st.vocabIDF[idc]) / 2
			if p.names[b] {
				sw.pairs[pairKey(ida, idc)] *= nameWeight
			}
		}
	}
	for _, c := range p.concepts {
		if c.filler {
			continue // "của", "what": not worth a mark
		}
		for _, alt := range c.alternatives {
			for _, a := range alt {
				id, ok := st.vocab[a]
				if !ok {
					continue
				}
				// The words of an expansion share its concept's weight:
				// "Bộ Khoa học và Công nghệ" counts as much as "BKHCN".
				w := min(st.vocabIDF[id], c.weight) / float64(len(alt))
				if k, dup := sw.index[id]; dup {
					sw.weights[k] = max(sw.weights[k], w)
					continue
				}
				sw.index[id] = len(sw.weights)
				sw.weights = append(sw.weights, w)
			}
		}
	}
	return sw
}

// mark is one highlighted run of text: a word, or adjacent words joined
// into one (the parts of a compound, "X-quang").
type mark struct {
	start, end int
	word       int // index into snippetWords.weights
}

// snippet returns the part of text (the entry's text, whose words are
// words) that best matches the query, HTML escaped, with <mark> around each
// matched word. Offsets come from the analyzer, which never shifts them, so
// marks wrap the original characters however they were typed (toneless
// query, decomposed text).
func (sw snippetWords) snippet(text string, words []word) string {
	var marks []mark
	for _, w := range words {
		k, ok := sw.index[w.id]
		if !ok {
			continue
		}
		start, end := int(w.start), int(w.end)
		if n := len(marks); n > 0 && (start < marks[n-1].end || // inside a compound already marked
			(start == marks[n-1].end+1 && isJoiner(text, marks[n-1].end))) { // "X-quang": one mark
			marks[n-1].end = max(marks[n-1].end, end)
			continue
		}
		marks = append(marks, mark{start, end, k})
	}

	br := passageBreaks(text)
	var from, to int
	var intro string
	if u, ok := sw.bestUnit(text, br, words); ok {
		from, to = u.start, u.end
		if u.intro[1] > 0 {
			intro = html.EscapeString(text[u.intro[0]:u.intro[1]]) + " "
		}
	} else if len(text) <= snippetLongest {
		from, to = br.starts[0], br.ends[len(br.ends)-1] // short enough to show whole
	} else if len(marks) == 0 {
		from, to = br.window(text, br.starts[0], br.starts[0])
	} else {
		// The window with the most distinct rare marked words.
		best := -1.0
		seen := make([]int, len(sw.weights)) // window number + 1 that counted each word
		for i := range marks {
			f, t := br.window(text, marks[i].start, marks[i].end)
			score := 0.0
			for _, m := range marks[i:] {
				if m.end > t {
					break
				}
				if seen[m.word] != i+1 {
					seen[m.word] = i + 1
					score += sw.weights[m.word]
				}
			}
			if score > best {
				best, from, to = score, f, t
			}
		}
	}

	var b strings.Builder
	b.Grow(to - from + 64)
	if intro != "" {
		b.WriteString(intro)
	}
	if from > br.starts[0] {
		b.WriteString("… ")
	}
	pos := from
	for _, m := range marks {
		if m.start < from || m.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:m.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.start:m.end]))
		b.WriteString("</mark>")
		pos = m.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < trimEnd(text, len(text)) {
		b.WriteString(" …")
	}
	return strings.TrimSpace(b.String())
}

// breaks are where the sentences and lines of a text start (after the
// break, spaces and any list marker) and end (after the full stop, or
// before the newline and trailing spaces), each in increasing order. The
// first start is where the text's content starts, the last end where it
// ends.
type breaks struct {
	starts, ends []int
}

// passageBreaks finds the sentences and lines of text. A full stop, "!",
// "?" or "…" ends a sentence when a space and then anything but a
// lower-case letter follows ("Điều 5. Các", not "khoản 2. điểm").
func passageBreaks(text string) breaks {
	br := breaks{starts: []int{lineStart(text, 0)}}
	for k := 0; k < len(text); k++ {
		switch c := text[k]; c {
		case '\n':
			br.ends = append(br.ends, trimEnd(text, k))
			br.starts = append(br.starts, lineStart(text, k+1))
		case '.', '!', '?', 0xA6: // 0xA6 ends "…" (E2 80 A6)
			if c == 0xA6 && !strings.HasSuffix(text[:k+1], "…") {
				continue
			}
			if k+1 >= len(text) || (text[k+1] != ' ' && text[k+1] != '\t') {
				continue // glued to what follows ("1.000"), or a line end
			}
			next := k + 1
			for next < len(text) && (text[next] == ' ' || text[next] == '\t') {
				next++
			}
			if next == len(text) || text[next] == '\n' || text[next] == '\r' {
				continue // the line end counts
			}
			if r, _ := utf8.DecodeRuneInString(text[next:]); unicode.IsLower(r) || unicode.IsDigit(r) {
				continue // "khoản 2. điểm", "Art. 13"
			}
			if c == '.' && isAbbreviation(text[:k]) {
				continue // "TP. Hồ Chí Minh"
			}
			br.ends = append(br.ends, k+1)
			br.starts = append(br.starts, next)
		}
	}
	br.ends = append(br.ends, trimEnd(text, len(text)))
	return br
}

// window returns the snippet around a mark at [start, end): from the start
// of its sentence, or snippetFallback before it at a space, to a sentence
// end near snippetBytes later, or a space.
func (br breaks) window(text string, start, end int) (from, to int) {
	i, found := slices.BinarySearch(br.starts, start)
	if !found {
		i-- // the last start before the mark; starts[0] <= every word
	}
	if i >= 0 && start-br.starts[i] <= snippetLead {
		from = br.starts[i]
	} else {
		from = wordBoundary(text, start-snippetFallback, false)
	}
	target := max(from+snippetBytes, end)
	lo, hi := max(from+snippetShortest, end), from+snippetLongest
	to = -1
	j, _ := slices.BinarySearch(br.ends, lo)
	for ; j < len(br.ends) && br.ends[j] <= hi; j++ {
		if to < 0 || abs(br.ends[j]-target) < abs(to-target) {
			to = br.ends[j]
		}
	}
	last := br.ends[len(br.ends)-1]
	if to < 0 {
		to = min(wordBoundary(text, target, true), last)
		to = max(to, end)
	}
	if to == last && to-from < snippetBytes {
		// The text ends early: spend the room on the sentences before.
		k, _ := slices.BinarySearch(br.starts, to-snippetBytes)
		if k < len(br.starts) && br.starts[k] < from {
			from = br.starts[k]
		}
	}
	return from, to
}

// lineStart skips the spaces, blank lines and list or heading marker ("- ",
// "* ", "## ") at i.
func lineStart(text string, i int) int {
	i = skipSpace(text, i)
	j := i
	for j < len(text) && text[j] == '#' {
		j++
	}
	if j == i && j < len(text) && strings.IndexByte("-*+>", text[j]) >= 0 {
		j++
	}
	if j > i && j < len(text) && text[j] == ' ' {
		return skipSpace(text, j)
	}
	return i
}

// skipSpace skips ASCII white space, newlines included.
func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n') {
		i++
	}
	return i
}

// trimEnd moves i back over ASCII white space.
func trimEnd(text string, i int) int {
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t' || text[i-1] == '\r' || text[i-1] == '\n') {
		i--
	}
	return i
}

func abs(x int) int { return max(x, -x) }

// wordBoundary moves i (a byte offset into s) to a nearby space, forward
// when end is true, so a snippet never cuts a word or a rune.
func wordBoundary(s string, i int, end bool) int {
	if i <= 0 || i >= len(s) {
		return min(max(i, 0), len(s))
	}
	if end {
		for j := i; j < len(s) && j < i+wordSearch; j++ {
			if s[j] == ' ' || s[j] == '\n' {
				return j
			}
		}
	} else {
		for j := i; j > 0 && j > i-wordSearch; j-- {
			if s[j-1] == ' ' || s[j-1] == '\n' {
				return j
			}
		}
	}
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// isAbbreviation reports whether s ends with a word of one or two letters
// starting with a capital ("TP", "Q"), which a full stop abbreviates
// rather than ends a sentence with.
func isAbbreviation(s string) bool {
	i := len(s)
	n := 0
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) {
			break
		}
		i -= size
		n++
	}
	if n == 0 || n > 2 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsUpper(r)
}
