package tickets_test

import (
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func TestProvincesAre34Units(t *testing.T) {
	if len(tickets.Provinces) != 34 {
		t.Fatalf("%d provinces, want 34", len(tickets.Provinces))
	}
	seen := map[string]bool{}
	for _, p := range tickets.Provinces {
		if seen[p] {
			t.Errorf("duplicate %s", p)
		}
		seen[p] = true
		if got, ok := tickets.NormalizeProvince(p); !ok || got != p {
			t.Errorf("NormalizeProvince(%q) = %q, %v", p, got, ok)
		}
	}
}

func TestNormalizeProvince(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"ha noi", "Hà Nội", true},
		{"HÀ NỘI", "Hà Nội", true},
		{"hanoi", "Hà Nội", true},
		{"TP. Hồ Chí Minh", "TP. Hồ Chí Minh", true},
		{"tp ho chi minh", "TP. Hồ Chí Minh", true},
		{"Hồ Chí Minh", "TP. Hồ Chí Minh", true},
		{"Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", true},
		{"TP.HCM", "TP. Hồ Chí Minh", true},
		{"TP. Đà Nẵng", "Đà Nẵng", true},
		{"tỉnh Đắk Lắk", "Đắk Lắk", true},
		{"dak lak", "Đắk Lắk", true},
		{"Thanh Hoá", "Thanh Hóa", true}, // old tone placement
		{"thanh hoa", "Thanh Hóa", true},
		{"Khánh Hòa", "Khánh Hòa", true},
		{"", "", true},
		{"  ", "", true},
		{"Hà Tây", "", false},
		{"Bình Dương", "", false}, // not among the 34 units of §8.6
	} {
		got, ok := tickets.NormalizeProvince(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeProvince(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSetLocalityNormalisesAndReindexes(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	n := question("Câu hỏi")
	n.Province = ""
	tk := create(t, s, n)
	if err := s.Update(func(tx *tickets.Tx) error { return tx.SetLocality(tk.ID, "can tho", " Phường Ninh Kiều ") }); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(tk.ID)
	if got.Province != "Cần Thơ" || got.Commune != "Phường Ninh Kiều" {
		t.Fatalf("locality = %q / %q", got.Province, got.Commune)
	}
	list, err := s.List(tickets.Filter{Province: "Cần Thơ"})
	if err != nil || len(list) != 1 {
		t.Fatalf("List(Cần Thơ) = %d, %v", len(list), err)
	}
	err = s.Update(func(tx *tickets.Tx) error { return tx.SetLocality(tk.ID, "Sài Gòn Mới", "") })
	asValidation(t, err)
	mustVerify(t, s)
}
