package schedules

import (
	"regexp"
	"slices"
	"testing"
)

// TestStaffTextsComplete: every text of the SLA watch, the rota and the
// digest exists in Vietnamese and English with the same placeholders.
func TestStaffTextsComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[a-z]`)
	vi, en := staffTexts["vi"], staffTexts["en"]
	if len(vi) != len(en) {
		t.Errorf("%d Vietnamese texts, %d English", len(vi), len(en))
	}
	for k, v := range vi {
		e, ok := en[k]
		if !ok {
			t.Errorf("%s: no English text", k)
			continue
		}
		if a, b := verbs.FindAllString(v, -1), verbs.FindAllString(e, -1); !slices.Equal(a, b) {
			t.Errorf("%s: placeholders %v in Vietnamese, %v in English", k, a, b)
		}
	}
}
