package knowledge

import "testing"

func TestDetectLang(t *testing.T) {
	for q, want := range map[string]string{
		"Who signed Decree 133?":                      "en",
		"How many provinces does Vietnam have now?":   "en",
		"amateur radio certificate":                   "en",
		"Where do I declare a medical X-ray machine?": "en",
		"Nghị định 133 có hiệu lực khi nào":           "vi",
		"khai bao x quang trong bao nhieu ngay":       "",
		"nd133 het hieu luc ngay nao":                 "",
		"thu tuc shtt cap tinh":                       "",
		"ubnd cap xa kiem tra do luong":               "",
		"133/2025/NĐ-CP":                              "vi",
	} {
		if got := detectLang(q); got != want {
			t.Errorf("detectLang(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestIsFiller(t *testing.T) {
	for _, c := range []struct {
		word, lang string
		want       bool
	}{
		{"ai", "vi", true}, {"gì", "vi", true}, {"những", "vi", true}, {"nhung", "", true},
		{"the", "en", true}, {"does", "en", true},
		{"ký", "vi", false}, {"thiết", "vi", false}, {"máy", "vi", false}, {"may", "", false},
		{"decree", "en", false}, {"the", "vi", true}, // "thế" typed without marks
	} {
		if got := isFiller(c.word, c.lang); got != c.want {
			t.Errorf("isFiller(%q, %q) = %v, want %v", c.word, c.lang, got, c.want)
		}
	}
}

func TestStemEN(t *testing.T) {
	for in, want := range map[string]string{
		"licences": "licenc", "licence": "licenc", "issued": "issu", "issues": "issu",
		"protected": "protect", "provinces": "provinc", "activities": "activity", "class": "class",
	} {
		if got := stemEN(in); got != want {
			t.Errorf("stemEN(%q) = %q, want %q", in, got, want)
		}
	}
}
