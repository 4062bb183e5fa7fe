package knowledge

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The topic signal. A question names its field with a few words: "đất",
// "sổ đỏ" (land), "thuế" (tax), "khai sinh" (civil status), "hành nghề y"
// (medicine), "sở hữu trí tuệ" (IP), "bức xạ" (radiation). An entry is
// about a field when its topic is that field, or when its heading (title,
// keywords, citation) names it. A best hit that is not about every field
// the question names is not the answer, however many of the other words
// it holds: "chứng chỉ hành nghề y" is not answered by the entry on IP
// practising certificates, "nhiệm vụ SHTT" not by a Decree 132 entry that
// mentions IP in a caveat. Fields are kept few and broad; a word that is
// also an ordinary word of our entries ("xây dựng" = to build) is listed
// only inside a phrase that fixes its sense ("giấy phép xây dựng").

// field is one domain a question may name.
type field struct {
	name string
	// topics are the entry topics (front matter `topic`) about the field;
	// none for the fields outside the knowledge base.
	topics []string
	// terms name the field, as officers type them. Each is matched as
	// whole syllables, without marks, in the question and in an entry's
	// heading; a single Vietnamese syllable that folds like another word
	// ("thuế"/"thuê", "đất"/"đặt") is in marked instead, and is matched
	// in a question typed with marks only, and never in a heading ("mặt
	// đất" in a telecom title is no land).
	terms  []string
	marked []string
}

// fields are the domains the topic signal knows: ours first (they also
// rank the entries of the field higher), then the neighbouring fields of
// state management officers ask about and the knowledge base does not
// cover.
var fields = []field{
	{name: "ip", topics: []string{"ip"}, terms: []string{"sở hữu trí tuệ", "shtt", "sở hữu công nghiệp", "shcn",
		"văn bằng bảo hộ", "sáng chế", "nhãn hiệu", "chỉ dẫn địa lý", "kiểu dáng công nghiệp", "intellectual property",
		"industrial property", "patent", "patents", "trademark", "trademarks", "geographical indication", "geographical indications"}},
	{name: "telecom", topics: []string{"telecom"}, terms: []string{"viễn thông", "telecom", "telecommunications"}},
	{name: "radio", topics: []string{"radio"}, terms: []string{"vô tuyến", "tần số", "nghiệp dư", "amateur radio",
		"radio frequency", "radio frequencies"}},
	{name: "local-government", topics: []string{"local-government"}, terms: []string{"sáp nhập", "sắp xếp",
		"đơn vị hành chính", "tỉnh thành", "đặc khu", "merged", "merger", "mergers", "special zone", "special zones",
		"administrative units"}},
	{name: "radiation", topics: []string{"radiation"}, terms: []string{"bức xạ", "atbx", "x quang", "xquang", "x-ray",
		"hạt nhân", "năng lượng nguyên tử", "radiation", "nuclear", "atomic energy"}},

	{name: "medicine", terms: []string{"y tế", "y khoa", "hành nghề y", "khám chữa bệnh", "khám bệnh", "chữa bệnh",
		"bệnh viện", "phòng khám", "trạm y tế", "bác sĩ", "nhà thuốc", "hành nghề dược", "dược sĩ", "tiêm chủng",
		"bà bầu", "thai phụ", "bệnh nhân", "medical", "medicine", "doctor", "doctors", "hospital", "clinic", "pharmacy",
		"pharmacist", "health"},
		marked: []string{"y", "dược", "thuốc", "bệnh"}},
	{name: "land", terms: []string{"đất đai", "sử dụng đất", "sổ đỏ", "sổ hồng", "thửa đất", "nhà đất", "địa chính",
		"land use", "land title", "land titles", "land"},
		marked: []string{"đất"}},
	{name: "tax", terms: []string{"nộp thuế", "hoàn thuế", "quyết toán thuế", "thue tncn", "thu nhập cá nhân",
		"trước bạ", "môn bài", "hóa đơn", "tax", "taxes"},
		marked: []string{"thuế"}},
	{name: "social-insurance", terms: []string{"bảo hiểm xã hội", "bhxh", "bảo hiểm y tế", "bhyt", "bảo hiểm thất nghiệp",
		"trợ cấp thất nghiệp", "lương hưu", "thai sản", "ốm đau", "social insurance", "health insurance", "pension"}},
	{name: "labour", terms: []string{"sử dụng lao động", "hợp đồng lao động", "người lao động", "tiền lương", "lương tối thiểu",
		"luong toi thieu", "labour", "labor", "minimum wage"}},
	{name: "civil-status", terms: []string{"hộ tịch", "khai sinh", "khai tử", "kết hôn", "ly hôn", "căn cước", "cccd",
		"thường trú", "tạm trú", "hộ khẩu", "birth certificate", "marriage", "id card"}},
	{name: "education", terms: []string{"giáo dục", "tốt nghiệp", "tuyển sinh", "học sinh", "sinh viên", "học phí",
		"giáo viên", "trường học", "đại học", "diploma", "degree certificate", "school", "university", "student", "students"}},
	{name: "transport", terms: []string{"lái xe", "gplx", "đăng kiểm", "xe máy", "ô tô", "biển số", "giao thông",
		"đăng ký xe", "driving licence", "driving license", "driver", "vehicle", "motorbike", "car registration"}},
	{name: "construction", terms: []string{"giấy phép xây dựng", "cấp phép xây dựng", "công trình xây dựng", "xây nhà",
		"sửa nhà", "construction permit", "construction permits", "building permit", "building permits"}},
	{name: "environment", terms: []string{"giấy phép môi trường", "bảo vệ môi trường", "ô nhiễm", "đánh giá tác động môi trường",
		"environmental permit", "pollution"}},
	{name: "food", terms: []string{"an toàn thực phẩm", "thực phẩm", "food safety"}},
	{name: "broadcast", terms: []string{"phát thanh", "truyền thanh", "truyền hình", "broadcasting", "television"}},
	{name: "justice", terms: []string{"thi hành án", "hình sự", "tố tụng", "công chứng", "chứng thực", "nồng độ cồn",
		"vượt đèn đỏ", "court", "notary"}},
	{name: "accounting", terms: []string{"báo cáo tài chính", "kế toán", "kiểm toán", "financial statements", "accounting"}},
}

// foldedFields is fields with each term folded to its syllables, spaced,
// computed on first use (the analyzers are package variables too).
var foldedFields = sync.OnceValue(func() [][]string {
	out := make([][]string, len(fields))
	for i, f := range fields {
		for _, t := range f.terms {
			out[i] = append(out[i], " "+strings.Join(syllables(foldedAnalyzer.Analyze([]byte(t))), " ")+" ")
		}
	}
	return out
})

// phraseText is the folded syllables of a stream, spaced, with "|" at
// clause breaks, ready for matching " term ".
func phraseText(s string) string {
	return " " + strings.Join(syllablesWithBreaks(foldedAnalyzer.Analyze([]byte(s))), " ") + " "
}

// questionFields returns the indexes of the fields question q names. A
// marked word that forms a two-word term of the entries with a neighbour
// is part of that term, not the field's name: "đất" in "mặt đất".
func (st *state) questionFields(q string) []int {
	text := phraseText(q)
	var marked map[string]bool
	if fold(q) != q { // typed with marks: its bare syllables are as meant
		marked = map[string]bool{}
		words := strings.FieldsFunc(strings.ToLower(norm.NFC.String(q)), isWordBreak)
		for i, w := range words {
			if i > 0 && st.bigrams[fold(words[i-1])+" "+fold(w)] ||
				i+1 < len(words) && st.bigrams[fold(w)+" "+fold(words[i+1])] {
				continue
			}
			marked[w] = true
		}
	}
	var out []int
	for i, f := range fields {
		hit := slices.ContainsFunc(foldedFields()[i], func(t string) bool { return strings.Contains(text, t) })
		if !hit && marked != nil {
			hit = slices.ContainsFunc(f.marked, func(w string) bool { return marked[w] })
		}
		if hit {
			out = append(out, i)
		}
	}
	return out
}

// isWordBreak splits a question into words as typed.
func isWordBreak(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// aboutField reports whether entry e is about field fi: its topic is the
// field, or its heading names it; an entry without a topic (an imported
// document, a legal article) also when its text names it.
func aboutField(e *Entry, pr *profile, fi int) bool {
	if slices.Contains(fields[fi].topics, e.Topic) && e.Topic != "" {
		return true
	}
	names := func(text string) bool {
		return slices.ContainsFunc(foldedFields()[fi], func(t string) bool { return strings.Contains(text, t) })
	}
	return names(pr.head) || (e.Topic == "" && names(pr.body))
}

// offTopic returns the names of the fields of qf that entry e is not
// about and so cannot answer: a field outside the knowledge base the
// entry's heading does not name, or a field of ours when the entry is
// about another of our fields (an IP question, a radiation entry). An
// entry on a decree or a reporting rule that lists our fields in its
// text may still answer for them; the ranking prefers the field's own
// entries (see preferFields).
func (st *state) offTopic(qf []int, e *Entry) []string {
	var out []string
	for _, fi := range qf {
		if aboutField(e, st.profiles[e.ID], fi) {
			continue
		}
		if ourField(fi) && !slices.ContainsFunc(fields, func(f field) bool { return slices.Contains(f.topics, e.Topic) }) {
			continue
		}
		out = append(out, fields[fi].name)
	}
	return out
}

// ourField reports whether field fi is one the knowledge base covers.
func ourField(fi int) bool { return len(fields[fi].topics) > 0 }

// topicBoost is the score factor for an entry about a field of ours the
// question names ("nhiệm vụ SHTT" favours the IP entries over one that
// mentions IP in passing). Only entries with a topic take part, so a
// corpus without topics (the legal retrieval sets) ranks as before.
const topicBoost = 1.25

// preferFields raises the entries whose topic is a field of ours the
// question names (by topic only: an entry on geographical indications
// that names the mergers in its title is not about the mergers).
func (st *state) preferFields(p plan, ranked []scored) {
	ours := slices.DeleteFunc(slices.Clone(p.fields), func(fi int) bool { return !ourField(fi) })
	if len(ours) == 0 {
		return
	}
	for i := range ranked {
		e := ranked[i].e
		if e.Topic == "" {
			continue
		}
		for _, fi := range ours {
			if slices.Contains(fields[fi].topics, e.Topic) {
				ranked[i].score *= topicBoost
			}
		}
	}
}

// baseID is an entry ID without the "-en" of its English translation.
func baseID(id string) string { return strings.TrimSuffix(id, "-en") }
