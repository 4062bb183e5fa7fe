package tickets

import (
	"strings"
	"unicode"

	"github.com/mostvn/supportbot/knowledge"
)

// fold reduces Vietnamese text to a lookup key: lower case, tone and vowel
// marks removed, đ → d, spaces collapsed. Officers often type without marks
// ("thanh hoa"), and the same name arrives composed or decomposed.
func fold(s string) string {
	words := strings.FieldsFunc(strings.ToLower(knowledge.StripTones(s)), func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '_'
	})
	return strings.Join(words, " ")
}
