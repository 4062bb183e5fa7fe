package knowledge

import (
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
)

// abbreviations maps what officers type (folded, lower case) to what the
// texts say. They are expanded at query time in both directions: a question
// with "UBND" also looks for "ủy ban nhân dân", and one with "ủy ban nhân
// dân" also for "UBND", which is what index-time expansion would give
// without growing the index.
//
// Document numbers need no entry: "132/2025/NĐ-CP" is indexed whole and in
// parts, "ND132" splits into "nd" and "132", and "nd" expands here.
var abbreviations = map[string]string{
	"nd":     "nghị định",
	"tt":     "thông tư",
	"qd":     "quyết định",
	"nq":     "nghị quyết",
	"ubnd":   "ủy ban nhân dân",
	"hdnd":   "hội đồng nhân dân",
	"kh&cn":  "khoa học và công nghệ",
	"khcn":   "khoa học và công nghệ",
	"bkhcn":  "bộ khoa học và công nghệ",
	"shtt":   "sở hữu trí tuệ",
	"atbx":   "an toàn bức xạ",
	"tthc":   "thủ tục hành chính",
	"cds":    "chuyển đổi số",
	"xquang": "x quang",
	"cntt":   "công nghệ thông tin",
	"tttt":   "thông tin và truyền thông",
	"tt&tt":  "thông tin và truyền thông",
	"hcm":    "hồ chí minh",
	"tphcm":  "thành phố hồ chí minh",
	// Only typed, seldom written (see oneWay).
	"shcn": "sở hữu công nghiệp",
	"gcn":  "giấy chứng nhận",
	"ncc":  "nhà cung cấp",
	"tkcs": "thiết kế cơ sở",
	"ko":   "không", // phone style
	"hok":  "không",
	"dc":   "được",
	"bn":   "bao nhiêu",
	"ntn":  "như thế nào",
	"bc":   "báo cáo",
	"hs":   "hồ sơ",
	"gp":   "giấy phép",
	"dk":   "đăng ký",
	"vb":   "văn bản",
	"cq":   "cơ quan",
	"pc":   "people's committee",
}

// oneWay are the abbreviations officers type that texts do not use: a
// question spelling out their expansion does not look for them.
var oneWay = set("shcn", "gcn", "ncc", "tkcs", "ko", "hok", "dc", "bn", "ntn", "bc", "hs", "gp", "dk", "vb", "cq", "pc")

// phraseSynonyms maps a folded phrase of a question to the words the
// texts use for it. Vietnamese legal texts put their definitions in an
// article titled "Giải thích từ ngữ" ("...được hiểu như sau"), so a
// question asking for a definition also looks there.
var phraseSynonyms = map[string]string{
	"dinh nghia": "giải thích từ ngữ",
	"khai niem":  "giải thích từ ngữ",
}

// foldedExpansions is abbreviations with folded, space-separated
// expansions, for matching the reverse direction. It is computed on first
// use: as a package variable its initialiser could run before foldTable's,
// since Go does not see dependencies through the analyzer's interfaces.
var foldedExpansions = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(abbreviations))
	for abbr, exp := range abbreviations {
		m[abbr] = strings.Join(syllables(foldedAnalyzer.Analyze([]byte(exp))), " ")
	}
	return m
})

// syllables returns the running syllables of an analysed stream.
func syllables(toks analysis.TokenStream) []string {
	var out []string
	for _, t := range toks {
		if t.Type == typeSyllable {
			out = append(out, string(t.Term))
		}
	}
	return out
}

// expansion is what abbreviation handling adds to one query.
type expansion struct {
	// text is the query with every abbreviation replaced by its expansion,
	// or "" when the query holds none.
	text string
	// abbrevs are abbreviations whose expansion the query spells out.
	abbrevs []string
	// synonyms are texts (phraseSynonyms) to look for besides the query.
	synonyms []string
	// alternatives maps an abbreviation found in the query to the folded
	// syllables that may stand for it in a passage.
	alternatives map[string][]string
}

// expand finds abbreviations in a folded query stream (as the folded
// analyzer returns it).
func expand(toks analysis.TokenStream) expansion {
	var ex expansion
	var words []string
	replaced := false
	lastPos := 0
	skipUntil := -1
	for i, t := range toks {
		if t.Type != typeSyllable || t.Start < skipUntil {
			continue
		}
		if lastPos > 0 && t.Position > lastPos+1 {
			words = append(words, ".")
		}
		lastPos = t.Position
		// A compound starting here ("kh&cn") may be the abbreviation.
		found := false
		for _, c := range toks[i+1:] {
			if c.Type == typeBigram || c.Type == typeSyllable {
				continue
			}
			if c.Start != t.Start {
				break
			}
			if exp, ok := abbreviations[string(c.Term)]; ok {
				words = append(words, exp)
				ex.addAlternative(string(c.Term))
				skipUntil = c.End
				found = true
				break
			}
		}
		if found {
			replaced = true
			continue
		}
		if exp, ok := abbreviations[string(t.Term)]; ok {
			words = append(words, exp)
			ex.addAlternative(string(t.Term))
			replaced = true
			continue
		}
		words = append(words, string(t.Term))
	}
	if replaced {
		ex.text = strings.Join(words, " ")
	}
	// The reverse direction: "ủy ban nhân dân" in the query adds "ubnd".
	joined := " " + strings.Join(syllablesWithBreaks(toks), " ") + " "
	for abbr, exp := range foldedExpansions() {
		if !oneWay[abbr] && strings.Contains(joined, " "+exp+" ") {
			ex.abbrevs = append(ex.abbrevs, abbr)
		}
	}
	slices.Sort(ex.abbrevs)
	for phrase, text := range phraseSynonyms {
		if strings.Contains(joined, " "+phrase+" ") && !slices.Contains(ex.synonyms, text) {
			ex.synonyms = append(ex.synonyms, text)
		}
	}
	slices.Sort(ex.synonyms)
	return ex
}

func (ex *expansion) addAlternative(abbr string) {
	if ex.alternatives == nil {
		ex.alternatives = map[string][]string{}
	}
	ex.alternatives[abbr] = strings.Fields(foldedExpansions()[abbr])
}

// sameExpansion returns the other abbreviations that stand for what abbr
// stands for ("tt&tt" for "tttt"), sorted: a passage may use any of them.
func sameExpansion(abbr string) []string {
	exp, ok := foldedExpansions()[abbr]
	if !ok {
		return nil
	}
	var out []string
	for a, e := range foldedExpansions() {
		if a != abbr && e == exp {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// syllablesWithBreaks is syllables with "|" where a clause break was.
func syllablesWithBreaks(toks analysis.TokenStream) []string {
	var out []string
	last := 0
	for _, t := range toks {
		if t.Type != typeSyllable {
			continue
		}
		if last > 0 && t.Position > last+1 {
			out = append(out, "|")
		}
		last = t.Position
		out = append(out, string(t.Term))
	}
	return out
}
