package knowledge

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// listLevel is one level of a Word list definition (w:lvl).
type listLevel struct {
	start  int
	format string // w:numFmt: decimal, lowerLetter, upperRoman, bullet, none, ...
	text   string // w:lvlText, e.g. "Điều %1." or "%1.%2."
}

// list is one numbering instance (w:num) with its counters.
type list struct {
	levels   [9]listLevel
	counters [9]int
	started  [9]bool
}

// numbering maps a w:numId to its list. Counters live per numId, which is
// how Word numbers the common case (one list per numId).
type numbering map[string]*list

// readNumbering reads word/numbering.xml.
func readNumbering(r io.Reader) (numbering, error) {
	dec := xml.NewDecoder(r)
	abstract := map[string]*[9]listLevel{}
	type numRef struct {
		abstractID string
		starts     map[int]int // w:lvlOverride/w:startOverride
	}
	nums := map[string]*numRef{}

	var curAbstract *[9]listLevel
	var curNum *numRef
	curLevel, overrideLevel := -1, -1
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read word/numbering.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !isWordNS(t.Name.Space) {
				continue
			}
			val := wordAttr(t, "val")
			switch t.Name.Local {
			case "abstractNum":
				curAbstract = &[9]listLevel{}
				for i := range curAbstract {
					curAbstract[i].start = 1
				}
				abstract[wordAttr(t, "abstractNumId")] = curAbstract
			case "lvl":
				curLevel = levelIndex(wordAttr(t, "ilvl"))
			case "start":
				if curAbstract != nil && curLevel >= 0 {
					if n, err := strconv.Atoi(val); err == nil {
						curAbstract[curLevel].start = n
					}
				}
			case "numFmt":
				if curAbstract != nil && curLevel >= 0 {
					curAbstract[curLevel].format = val
				}
			case "lvlText":
				if curAbstract != nil && curLevel >= 0 {
					curAbstract[curLevel].text = val
				}
			case "num":
				curNum = &numRef{starts: map[int]int{}}
				nums[wordAttr(t, "numId")] = curNum
			case "abstractNumId":
				if curNum != nil {
					curNum.abstractID = val
				}
			case "lvlOverride":
				overrideLevel = levelIndex(wordAttr(t, "ilvl"))
			case "startOverride":
				if curNum != nil && overrideLevel >= 0 {
					if n, err := strconv.Atoi(val); err == nil {
						curNum.starts[overrideLevel] = n
					}
				}
			}
		case xml.EndElement:
			if !isWordNS(t.Name.Space) {
				continue
			}
			switch t.Name.Local {
			case "abstractNum":
				curAbstract = nil
			case "lvl":
				curLevel = -1
			case "num":
				curNum = nil
			case "lvlOverride":
				overrideLevel = -1
			}
		}
	}
	out := numbering{}
	for id, n := range nums {
		levels, ok := abstract[n.abstractID]
		if !ok {
			continue
		}
		l := &list{levels: *levels}
		for lvl, start := range n.starts {
			l.levels[lvl].start = start
		}
		out[id] = l
	}
	return out, nil
}

// levelIndex parses a w:ilvl value; -1 when it is not 0..8.
func levelIndex(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 8 {
		return -1
	}
	return n
}

// next advances the counter of level ilvl of list numID and returns the
// paragraph's label ("Điều 3.", "2.", "b)"), or "" for no list, a bullet
// or a list not defined in numbering.xml.
func (nb numbering) next(numID, ilvl string) string {
	l, ok := nb[numID]
	if !ok || numID == "0" {
		return ""
	}
	lvl := levelIndex(ilvl)
	if ilvl == "" {
		lvl = 0
	}
	if lvl < 0 {
		return ""
	}
	if l.started[lvl] {
		l.counters[lvl]++
	} else {
		l.counters[lvl] = l.levels[lvl].start
		l.started[lvl] = true
	}
	for deeper := lvl + 1; deeper < len(l.started); deeper++ {
		l.started[deeper] = false // a new article restarts its clause numbers
	}
	def := l.levels[lvl]
	if def.format == "bullet" || def.format == "none" || def.text == "" {
		return ""
	}
	label := def.text
	for i := 0; i <= lvl; i++ {
		label = strings.ReplaceAll(label, "%"+strconv.Itoa(i+1), formatNumber(l.counters[i], l.levels[i].format))
	}
	return strings.TrimSpace(label)
}

// formatNumber renders n in a Word number format.
func formatNumber(n int, format string) string {
	switch format {
	case "lowerLetter", "upperLetter":
		s := ""
		if n > 0 { // Word repeats the letter past z: aa, bb, ...
			s = strings.Repeat(string(rune('a'+(n-1)%26)), (n-1)/26+1)
		}
		if format == "upperLetter" {
			s = strings.ToUpper(s)
		}
		return s
	case "lowerRoman", "upperRoman":
		s := roman(n)
		if format == "lowerRoman" {
			s = strings.ToLower(s)
		}
		return s
	}
	return strconv.Itoa(n)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
