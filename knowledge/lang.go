package knowledge

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Every entry has a Vietnamese and an English version, so the language a
// question is written in decides which version answers it, whatever the
// officer's language setting: detectLang reads it from the question.

// englishCues are English words that toneless Vietnamese never spells
// ("the", "to", "do", "an", "can", "in", "on", "my" are Vietnamese
// syllables without their marks, so they are not cues).
var englishCues = set("what", "when", "where", "who", "which", "why", "how", "is", "are", "was",
	"were", "does", "did", "of", "for", "with", "about", "under", "should", "many", "much", "have",
	"has", "there", "this", "that", "from", "into", "i", "get", "take", "effect", "issued", "signed",
	"now", "must", "would", "could", "will", "need", "apply", "declare", "deadline", "report",
	"reports", "province", "provinces", "decree", "circular", "law", "fee", "fees")

// detectLang returns "vi" for a question with Vietnamese letters, "en" for
// one with English words (at least two, or one in a question of at most
// three words), and "" when it cannot tell (toneless Vietnamese, a bare
// number or name).
func detectLang(q string) string {
	if !isASCII(q) && fold(q) != q {
		return "vi"
	}
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) })
	cues, foreign := 0, 0
	for _, w := range words {
		if englishCues[w] {
			cues++
		}
		if !viSyllable.MatchString(w) && strings.ContainsAny(w, "aeiouy") && len(w) >= 3 {
			foreign++ // "who", "radio", "certificates": no Vietnamese syllable is spelt so
		}
	}
	if cues >= 2 || foreign >= 2 || (cues == 1 && (foreign >= 1 || len(words) <= 3)) {
		return "en"
	}
	return ""
}

// viSyllable matches a Vietnamese syllable typed without marks: an
// optional initial consonant, a vowel group, an optional final. Acronyms
// without a vowel ("nd", "shtt") are not words here.
var viSyllable = regexp.MustCompile(`^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?` +
	`(uye|uya|uyu|oai|oay|oeo|ieu|yeu|uoi|uou|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|[aeiouy])` +
	`(ch|ng|nh|[cmnpt])?$`)

// Filler words ask or link but name no topic: "ai", "gì", "những",
// "vậy"; "what", "does", "the". The verdict does not look for them in the
// passage, so "Ai ký Nghị định 133?" is judged on "ký", "Nghị định 133".
// They are still searched like every other word. A Vietnamese word is
// recognised with its marks when the question has them; typed without,
// only the spellings that are seldom anything else count.
var (
	viFiller = set("ai", "gì", "nào", "đâu", "mấy", "lâu", "giờ", "thì", "mà", "là", "của", "có",
		"không", "được", "bị", "những", "các", "gồm", "vậy", "nhỉ", "ạ", "ơi", "nhé", "hả", "à", "về",
		"tại", "làm", "thế", "như", "hay", "hoặc", "và", "với", "cho", "hỏi", "xin", "ở", "đã", "sẽ",
		"đang", "này", "đó", "nay", "hiện", "bây", "khi", "nên", "phải", "muốn", "biết", "em", "anh",
		"chị", "mình", "tôi", "theo", "ra", "vào", "thuộc", "bao", "nhiêu", "sao", "giúp", "lên",
		"xuống", "mất", "xong", "rồi",
		// generic words, topical only in a term ("cấp lại", "chứng chỉ", "cấp mới")
		"mới", "cũ", "chỉ", "lại", "cả", "tổng",
		// how officers shorten words on a phone
		"ko", "k", "hok", "bn", "dc", "đc", "j", "ntn", "vs", "ak", "ah")
	// viGeneric are linking words typed with their marks: fillers even
	// beside a neighbour they form a term of the entries with ("trên cả
	// nước", "từ ngày").
	viGeneric = set("nhau", "khoảng", "đi", "đến", "tới", "từ", "trong", "trên", "dưới", "nữa", "vẫn",
		"còn", "cũng", "đều", "mỗi", "từng")
	viFillerFolded = set("gi", "nao", "nhieu", "thi", "khong", "duoc", "nhung", "cac", "gom", "vay",
		"nhe", "hoi", "xin", "da", "dang", "nay", "hien", "bay", "khi", "nen", "phai", "muon", "biet",
		"minh", "toi", "theo", "cua", "ai", "co", "la", "ve", "tai", "lam", "the", "nhu", "hay",
		"hoac", "va", "voi", "cho", "o", "ma", "bi", "lau", "ra", "vao", "thuoc", "giup", "gio", "len",
		"xuong", "mat", "xong", "roi",
		"nhau", "khoang", "ko", "k", "hok", "bn", "dc", "j", "ntn", "vs", "ak", "ah", "sao")
	enFiller = set("what", "when", "where", "who", "whom", "whose", "which", "why", "how", "many",
		"much", "long", "do", "does", "did", "is", "are", "was", "were", "be", "been", "am", "i", "we",
		"you", "it", "my", "our", "your", "their", "the", "a", "an", "of", "to", "for", "in", "on",
		"at", "by", "from", "with", "about", "into", "under", "over", "now", "there", "here", "have",
		"has", "had", "get", "got", "can", "could", "should", "would", "will", "must", "may", "might",
		"this", "that", "these", "those", "and", "or", "if", "me", "us", "any", "some", "please", "tell",
		"need", "currently", "today",
		// generic verbs and words that name no topic
		"come", "comes", "came", "start", "starts", "started", "begin", "begins", "began", "go", "goes",
		"operate", "operating", "happen", "happens", "new", "still", "also", "then", "one", "two", "three",
		"level", "per", "used", "use", "using", "make", "made", "give", "given", "into", "unit", "units")
)

// interrogatives are the folded question words that never name a topic,
// even where the entries hold them beside a neighbour ("ai ký" in a list
// of keywords).
var interrogatives = set("ai", "gi", "nao")

// isFiller reports whether the syllable word of a question in language
// lang ("en", else Vietnamese) is a filler word. word is as typed.
func isFiller(word, lang string) bool {
	w := strings.ToLower(norm.NFC.String(word))
	if lang == "en" {
		return enFiller[w]
	}
	if isASCII(w) {
		return viFillerFolded[w]
	}
	return viFiller[w] || viGeneric[w]
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// stemEN is a light English stemmer for the verdict: "licences",
// "issued", "protected" match "licence", "issue", "protect". It only
// strips a plural or verb ending and a final "e".
func stemEN(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	case len(w) > 4 && strings.HasSuffix(w, "es"):
		w = w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		w = w[:len(w)-1]
	}
	return strings.TrimSuffix(w, "e")
}

// stemKey is how a stem is kept among an entry's terms, apart from them.
func stemKey(w string) string { return "\x01" + stemEN(w) }
