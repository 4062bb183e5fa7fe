package knowledge

import (
	"slices"
	"testing"
)

func TestQuestionFields(t *testing.T) {
	ix, err := NewMemIndexFS(DefaultCorpus())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	st := ix.st
	names := func(q string) []string {
		var out []string
		for _, fi := range st.questionFields(q) {
			out = append(out, fields[fi].name)
		}
		return out
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"chứng chỉ hành nghề y ai cấp", []string{"medicine"}},
		{"Who issues medical practising certificates?", []string{"medicine"}},
		{"thủ tục cấp lại giấy chứng nhận quyền sử dụng đất", []string{"land"}},
		{"thuế đất nộp khi nào", []string{"land", "tax"}},
		{"thue tncn nop o dau", []string{"tax"}},
		{"nhiệm vụ SHTT nào được phân quyền cho tỉnh", []string{"ip"}},
		{"khai báo máy X-quang ở đâu", []string{"radiation"}},
		// "đất" in "mặt đất" (a term of our entries) is no land; "thuê bao" no tax.
		{"giấy phép viễn thông cố định mặt đất", []string{"telecom"}},
		{"đăng ký thuê bao chính chủ", nil},
		{"ý kiến về nghị định 132", nil},
		{"cấp lại bằng tốt nghiệp đại học", []string{"education"}},
	}
	for _, c := range cases {
		if got := names(c.q); !slices.Equal(got, c.want) {
			t.Errorf("fields of %q = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestOffTopic(t *testing.T) {
	ix, err := NewMemIndexFS(DefaultCorpus())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	st := ix.st
	cases := []struct {
		q, entry string
		want     []string
	}{
		// A field outside the knowledge base: only an entry whose heading names it.
		{"chứng chỉ hành nghề y ai cấp", "nd133-shtt-phan-quyen-phan-cap", []string{"medicine"}},
		{"khai báo máy X-quang y tế ở đâu", "x-quang-khai-bao", nil},
		// Ours: an entry about another of our fields cannot answer; a decree's
		// overview that lists the field may.
		{"nhiệm vụ SHTT nào được phân quyền cho tỉnh", "nd133-vo-tuyen-nghiep-du", []string{"ip"}},
		{"nhiệm vụ SHTT nào được phân quyền cho tỉnh", "nd133-tong-quan", nil},
		{"nhiệm vụ SHTT nào được phân quyền cho tỉnh", "nd133-shtt-phan-quyen-phan-cap", nil},
	}
	for _, c := range cases {
		e := st.entries[c.entry]
		if e == nil {
			t.Fatalf("no entry %s", c.entry)
		}
		if got := st.offTopic(st.questionFields(c.q), e); !slices.Equal(got, c.want) {
			t.Errorf("offTopic(%q, %s) = %v, want %v", c.q, c.entry, got, c.want)
		}
	}
}

func TestCapitalisedPairs(t *testing.T) {
	got := capitalisedPairs("Quảng Nam sáp nhập vào đâu, theo NĐ 133 của UBND Ninh Bình?")
	for _, want := range []string{"quang nam", "ninh binh"} {
		if !got[want] {
			t.Errorf("capitalisedPairs: %q missing from %v", want, got)
		}
	}
	if len(got) != 2 {
		t.Errorf("capitalisedPairs = %v, want only the two names", got)
	}
}

func TestHoldsNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"thời hạn 30 ngày":                  true,
		"trong thời hạn mười lăm ngày":      true,
		"within seven working days":         true,
		"UBND cấp tỉnh cấp chứng chỉ":       false,
		"hằng năm, theo văn bản của tỉnh":   false,
		"the provincial People's Committee": false,
	} {
		if got := holdsNumber(s); got != want {
			t.Errorf("holdsNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
