package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese tone marks as combining characters (after NFD). The other
// marks (circumflex, breve, horn) change the vowel itself and stay.
const (
	toneGrave     = '\u0300' // huyền
	toneAcute     = '\u0301' // sắc
	toneTilde     = '\u0303' // ngã
	toneHook      = '\u0309' // hỏi
	toneDotBelow  = '\u0323' // nặng
	vowelsNoMarks = "aeiouy"
)

func isToneMark(r rune) bool {
	switch r {
	case toneGrave, toneAcute, toneTilde, toneHook, toneDotBelow:
		return true
	}
	return false
}

// letter is one base letter with the non-tone marks attached to it.
type letter struct {
	base  rune
	marks []rune
}

// placeTone rewrites one lower-case syllable so its tone mark sits where
// one fixed convention puts it ("hòa", "khỏe", "thủy" rather than "hoà",
// "khoẻ", "thuỷ"), and returns it in NFC. Both spellings are in use (the
// bench corpora mix them), and a word must analyse the same either way.
// Anything that is not one Vietnamese syllable with one tone is returned
// unchanged (in NFC).
//
// The rule: a vowel with a circumflex, breve or horn takes the tone (the
// last one, for ươ); otherwise the last vowel when a final consonant
// follows; otherwise in an open syllable the first of two vowels (so oa,
// oe, uy too), the middle of three. "qu" and "gi" count as
// consonants.
func placeTone(word string) string {
	if isASCII(word) {
		return word
	}
	d := norm.NFD.String(word)
	var letters []letter
	var tone rune
	for _, r := range d {
		switch {
		case isToneMark(r):
			if tone != 0 && tone != r {
				return norm.NFC.String(word)
			}
			tone = r
		case unicode.Is(unicode.Mn, r):
			if len(letters) == 0 {
				return norm.NFC.String(word)
			}
			l := &letters[len(letters)-1]
			l.marks = append(l.marks, r)
		default:
			letters = append(letters, letter{base: r})
		}
	}
	if tone == 0 {
		return norm.NFC.String(word)
	}
	isVowel := func(i int) bool { return strings.ContainsRune(vowelsNoMarks, letters[i].base) }
	vs, ve := -1, -1
	for i := range letters {
		if !isVowel(i) {
			if vs >= 0 && ve < 0 {
				ve = i - 1
			}
			continue
		}
		if ve >= 0 {
			return norm.NFC.String(word) // two vowel groups: not one syllable
		}
		if vs < 0 {
			vs = i
		}
	}
	if vs < 0 {
		return norm.NFC.String(word)
	}
	if ve < 0 {
		ve = len(letters) - 1
	}
	if vs < ve && vs > 0 {
		prev, cur := letters[vs-1].base, letters[vs]
		if (prev == 'q' && cur.base == 'u') || (prev == 'g' && cur.base == 'i' && len(cur.marks) == 0) {
			vs++
		}
	}
	target := -1
	for k := ve; k >= vs; k-- {
		if len(letters[k].marks) > 0 {
			target = k
			break
		}
	}
	if target < 0 {
		n := ve - vs + 1
		switch {
		case ve < len(letters)-1:
			target = ve
		case n == 1:
			target = vs
		case n == 2:
			target = vs
		default:
			target = vs + 1
		}
	}
	var b strings.Builder
	for i, l := range letters {
		b.WriteRune(l.base)
		for _, m := range l.marks {
			b.WriteRune(m)
		}
		if i == target {
			b.WriteRune(tone)
		}
	}
	return norm.NFC.String(b.String())
}

// foldTable maps a Latin letter with diacritics to its bare ASCII form,
// built once from the Unicode decompositions; đ, which does not decompose,
// is added by hand.
var foldTable = func() map[rune]rune {
	t := map[rune]rune{'đ': 'd', 'Đ': 'D'}
	for r := rune(0xC0); r <= 0x1EFF; r++ {
		d := norm.NFD.String(string(r))
		if d == string(r) {
			continue
		}
		base, _ := utf8.DecodeRuneInString(d)
		if base < utf8.RuneSelf && unicode.IsLetter(base) {
			t[r] = base
		}
	}
	return t
}()

// fold removes every diacritic (tone marks, circumflex, breve, horn) and
// turns đ into d, keeping case and every other character. Combining marks
// of decomposed input are dropped too.
func fold(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := foldTable[r]; ok {
			b.WriteRune(f)
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// StripTones returns s as an officer typing without a Vietnamese keyboard
// would write it: tone marks and vowel marks removed, đ written d, case and
// everything else kept. The eval uses it for its toneless variant.
func StripTones(s string) string { return fold(s) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
