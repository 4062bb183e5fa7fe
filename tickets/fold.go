package tickets

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold reduces Vietnamese text to a lookup key: lower case, tone and vowel
// marks removed, đ → d, spaces collapsed. Officers often type without marks
// ("thanh hoa"), and the same name arrives composed or decomposed.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r) || r == '-' || r == '_':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
