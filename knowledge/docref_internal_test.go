package knowledge

import (
	"reflect"
	"testing"
)

func TestDocRefs(t *testing.T) {
	cases := []struct {
		in   string
		want []docRef
	}{
		{"Nghị định 133 có hiệu lực khi nào", []docRef{{"decree", "133", "", ""}}},
		{"NĐ 133", []docRef{{"decree", "133", "", ""}}},
		{"nd133", []docRef{{"decree", "133", "", ""}}},
		{"Decree 133", []docRef{{"decree", "133", "", ""}}},
		{"133/2025/NĐ-CP", []docRef{{"decree", "133", "2025", "cp"}}},
		{"Nghị định số 132/2020/NĐ-CP", []docRef{{"decree", "132", "2020", "cp"}}},
		{"nghị định 132 năm 2020", []docRef{{"decree", "132", "2020", ""}}},
		{"TT 03/2019", []docRef{{"circular", "3", "2019", ""}}},
		{"tt02/2023 bao cao", []docRef{{"circular", "2", "2023", ""}}},
		{"Luật 72/2025/QH15", []docRef{{"law", "72", "2025", ""}}},
		{"Nghị quyết 57-NQ/TW", []docRef{{"resolution", "57", "", "tw"}}},
		{"QĐ 1442/QĐ-BKHCN", []docRef{{"decision", "1442", "", "bkhcn"}}},
		{"Thông tư 02/2023/TT-BYT", []docRef{{"circular", "2", "2023", "byt"}}},
		{"nghị định 132 133", []docRef{{"decree", "132", "", ""}}}, // "133" alone names no kind
		{"khai báo trong 07 ngày, từ 1/7/2025", nil},
		{"biểu mẫu 08/KHCN-SHTT", nil},
	}
	for _, c := range cases {
		if got := docRefs(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("docRefs(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestDocEvidence(t *testing.T) {
	d132 := []docRef{{"decree", "132", "2025", ""}}
	for _, c := range []struct {
		q    []docRef
		e    []docRef
		want int
	}{
		{nil, d132, 0},
		{[]docRef{{"decree", "133", "", ""}}, nil, 0},
		{[]docRef{{"decree", "132", "", ""}}, d132, 1},
		{[]docRef{{"", "132", "2025", ""}}, d132, 1},
		{[]docRef{{"decree", "133", "", ""}}, d132, -1},
		{[]docRef{{"decree", "132", "2020", ""}}, d132, -1},
		{[]docRef{{"circular", "132", "", ""}}, d132, -1},
		{[]docRef{{"decree", "133", "", ""}, {"decree", "132", "", ""}}, d132, 1},
		{[]docRef{{"decision", "1442", "", "ubnd"}}, []docRef{{"decision", "1442", "", "bkhcn"}}, -1},
	} {
		if got := docEvidence(c.q, c.e); got != c.want {
			t.Errorf("docEvidence(%v, %v) = %d, want %d", c.q, c.e, got, c.want)
		}
	}
}
