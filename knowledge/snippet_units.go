package knowledge

import (
	"slices"
	"strings"
)

// A snippet answers: it is the sentence or list item of the passage that
// holds most of the question (rarity-weighted), not the first one that
// matches. Some lines of an entry are never an answer: headings, the
// "Nguồn:"/"Source:" and "Mức tin cậy:"/"Confidence:" lines, and the
// status warning ("Cảnh báo:"/"Warning:"), which is shown with every
// answer on its own (see StatusWarning). A sentence sending the officer to
// /ticket is shown only when it answers much better than any other (a
// question about how to get help).
const (
	// titleShare is how much a question word counts in a sentence when
	// the title, shown above the snippet, holds it already.
	titleShare = 0.5
	// leadShare scales the score of a lead-in line shown with its list:
	// it holds the words of every item, so it wins only when its own
	// words add to the best item's ("Phân quyền:" and what follows).
	leadShare = 0.75
	// ticketPenalty scales the score of a sentence that mentions /ticket.
	ticketPenalty = 0.5
	// numberBonus is added, as a share of the question's mean word
	// weight, to a sentence holding a digit when the question asks for a
	// number, a date or a time limit.
	numberBonus = 1.0
	// nameWeight scales the weight of a two-word name the question
	// capitalises (see plan.names) in a sentence.
	nameWeight = 2.0
	// itemLabel: a colon this near the start of a list item is its label.
	itemLabel = 40
	// listItems is how many separators (", ", "; ") make a sentence a
	// list, for a question asking for several things (same bonus).
	listItems = 3
)

// metaPrefixes start the lines of an entry that are about the entry, not
// an answer.
var metaPrefixes = []string{"Nguồn:", "Source:", "Mức tin cậy:", "Confidence:"}

// warningPrefixes start an entry's status warning.
var warningPrefixes = []string{"Cảnh báo:", "Warning:"}

// unit is a sentence, a list item, or a lead-in line ending in ":" with
// the short list after it: a span of text a snippet may show whole.
type unit struct {
	start, end int
	item       bool // a list item
	ticket     bool // mentions /ticket
	lead       bool // a lead-in line with its list
	// intro is the lead-in line ("Phân cấp:") of the list an item belongs
	// to ({0, 0} when none): shown before the item, it says what the item
	// is an instance of.
	intro [2]int
}

// StatusWarning returns the status warning of an entry's text (its
// "Cảnh báo:" or "Warning:" paragraphs, joined), or "". The bot shows it
// with the entry whatever the snippet.
func StatusWarning(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		c := strings.TrimSpace(line)
		c = c[listMarker(c):]
		if hasAnyPrefix(c, warningPrefixes) {
			out = append(out, c)
		}
	}
	return strings.Join(out, " ")
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// listMarker returns the length of the list marker ("- ", "* ", "1. ",
// "2) ") that starts s, or 0.
func listMarker(s string) int {
	if len(s) >= 2 && strings.IndexByte("-*+", s[0]) >= 0 && s[1] == ' ' {
		return 2
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return i + 2
	}
	return 0
}

// answerUnits splits text into the spans a snippet may show, in order:
// each sentence of a paragraph; each list item, whole when it fits a
// snippet, else its sentences; a lead-in line ending in ":" together with
// the list after it while that stays short. A list item's sentences from
// the first that mentions /ticket on are left to a unit of their own.
func answerUnits(text string, br breaks) []unit {
	var out []unit
	sentences := func(from, to int) []unit {
		var us []unit
		i, _ := slices.BinarySearch(br.starts, from)
		for ; i < len(br.starts) && br.starts[i] < to; i++ {
			if br.ends[i] <= br.starts[i] {
				continue
			}
			end := min(br.ends[i], to)
			us = append(us, unit{start: br.starts[i], end: end, ticket: strings.Contains(text[br.starts[i]:end], "/ticket")})
		}
		return us
	}
	prevLead := -1   // index in out of a lead-in line ("…:") just before
	var intro [2]int // the lead-in line of the list being read
	for ls := 0; ls < len(text); {
		le := strings.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls
		}
		line := text[ls:le]
		content := strings.TrimSpace(line)
		cs := ls + strings.Index(line, content)
		ce := cs + len(content)
		ls = le + 1
		switch {
		case content == "":
			continue // a blank line between a lead-in and its list is fine
		case content[0] == '#' || strings.HasPrefix(content, "---") ||
			hasAnyPrefix(content, metaPrefixes) || hasAnyPrefix(content[listMarker(content):], warningPrefixes):
			prevLead = -1
			continue
		}
		m := listMarker(content)
		if m == 0 {
			prevLead, intro = -1, [2]int{}
			out = append(out, sentences(cs, ce)...)
			if strings.HasSuffix(content, ":") && len(out) > 0 {
				prevLead = len(out) - 1
				intro = [2]int{cs, ce}
			}
			continue
		}
		ss := sentences(cs+m, ce)
		if len(ss) == 0 {
			continue
		}
		// The item's sentences before any /ticket one, as one unit when
		// that fits; the rest one by one.
		k := 0
		for k < len(ss) && !ss[k].ticket {
			k++
		}
		if k == 0 {
			k = 1
		}
		if head := (unit{start: ss[0].start, end: ss[k-1].end, item: true, ticket: ss[0].ticket}); head.end-head.start <= snippetLongest {
			ss = append([]unit{head}, ss[k:]...)
		}
		if prevLead >= 0 && ss[0].end-out[prevLead].start <= snippetLongest {
			out[prevLead].end = ss[0].end // the lead-in takes its list while it stays short
			out[prevLead].ticket = out[prevLead].ticket || ss[0].ticket
			out[prevLead].lead = true
		}
		if intro[1] > 0 {
			for i := range ss {
				// An item with a label of its own ("Thời hạn: …") needs none.
				c := strings.IndexByte(text[ss[i].start:ss[i].end], ':')
				if (c < 0 || c > itemLabel) && ss[i].end-ss[i].start+intro[1]-intro[0] <= snippetLongest {
					ss[i].intro = intro
				}
			}
		}
		out = append(out, ss...)
	}
	return out
}

// bestUnit picks the unit that best answers: the most distinct question
// words by rarity (a word the title already shows counts titleShare of
// it), the question's two-word terms in its order, a digit when a number
// is asked for, /ticket sentences scaled down; the earliest wins a tie
// (entries are written answer first). It reports false when the text has
// no unit, or when the best is longer than a snippet (a long legal
// sentence: the caller cuts a window).
func (sw snippetWords) bestUnit(text string, br breaks, words []word) (unit, bool) {
	units := answerUnits(text, br)
	if len(units) == 0 {
		return unit{}, false
	}
	mean := 0.0
	for _, w := range sw.weights {
		mean += w
	}
	if len(sw.weights) > 0 {
		mean /= float64(len(sw.weights))
	}
	seen := make([]int, len(sw.weights))
	seenPair := map[uint64]int{}
	best, bestScore := -1, -1.0
	for i, u := range units {
		score := 0.0
		j, _ := slices.BinarySearchFunc(words, u.start, func(w word, at int) int { return int(w.start) - at })
		for ; j < len(words) && int(words[j].end) <= u.end; j++ {
			w := words[j]
			if k, ok := sw.index[w.id]; ok && seen[k] != i+1 {
				seen[k] = i + 1
				score += sw.weights[k] * sw.shown(k)
			}
			if j+1 < len(words) && int(words[j+1].end) <= u.end && words[j+1].start >= w.end && onlySpaces(text[w.end:words[j+1].start]) {
				if key := pairKey(w.id, words[j+1].id); sw.pairs[key] > 0 && seenPair[key] != i+1 {
					seenPair[key] = i + 1
					pw := sw.pairs[key]
					share := 1.0
					if k1, ok := sw.index[w.id]; ok {
						share = sw.shown(k1)
					}
					if k2, ok := sw.index[words[j+1].id]; ok {
						share = min(share, sw.shown(k2))
					}
					score += pw * share
				}
			}
		}
		if sw.wantsNumber && strings.ContainsAny(text[u.start:u.end], "0123456789") {
			score += numberBonus * mean
		}
		if sw.wantsList && strings.Count(text[u.start:u.end], ", ")+strings.Count(text[u.start:u.end], "; ") >= listItems {
			score += numberBonus * mean
		}
		if u.ticket {
			score *= ticketPenalty
		}
		if u.lead {
			score *= leadShare
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	u := units[best]
	if u.end-u.start > snippetLongest {
		return unit{}, false
	}
	return u, true
}

// onlySpaces reports whether s is empty or blanks (two words in a row).
func onlySpaces(s string) bool { return strings.Trim(s, " \t") == "" }
