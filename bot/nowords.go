package bot

import "unicode"

// hasWord reports whether text holds a letter or a digit: anything the
// knowledge base could search. "?", "👍", "..." and "!!!" do not; they get
// txtNoWords instead of a search that can only fail with
// knowledge.ErrEmptyQuery. The index may still find no word in text that
// passes (a lone letter it drops); the Router treats that error the same.
func hasWord(text string) bool {
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
