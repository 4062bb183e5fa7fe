package tickets

import (
	"strings"
)

// Provinces are the 34 provincial-level units since 1 July 2025: 6 cities,
// then 28 provinces, named as in /work/shared/domain/facts.md §8.6 (sources:
// the NQ 60-NQ/TW plan list and znews of 1/7/2025).
var Provinces = []string{
	"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "TP. Hồ Chí Minh", "Cần Thơ",
	"Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Cao Bằng",
	"Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
	"Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi",
	"Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh",
	"Vĩnh Long", "Đồng Tháp", "An Giang", "Cà Mau",
}

// provinceKeys maps the folded name (no marks, lower case, no "tp."/"tỉnh"/
// "thành phố" prefix) to the canonical name.
var provinceKeys = func() map[string]string {
	m := make(map[string]string, len(Provinces)+4)
	for _, p := range Provinces {
		k := provinceKey(p)
		m[k] = p
		m[strings.ReplaceAll(k, " ", "")] = p // "hanoi", "daklak"
	}
	// Common short forms of the one city whose canonical name carries "TP.".
	m["hcm"] = "TP. Hồ Chí Minh"
	m["tphcm"] = "TP. Hồ Chí Minh"
	return m
}()

func provinceKey(s string) string {
	k := fold(strings.ReplaceAll(s, ".", ". "))
	for _, prefix := range []string{"thanh pho ", "tp. ", "tp ", "tinh "} {
		k = strings.TrimPrefix(k, prefix)
	}
	return strings.TrimSpace(k)
}

// NormalizeProvince returns the canonical name of a province typed in any
// case, with or without tone marks and with or without a "TP.", "Thành phố"
// or "Tỉnh" prefix: "ho chi minh", "TP HCM" and "tp. Hồ Chí Minh" all give
// "TP. Hồ Chí Minh". An empty (or blank) s is the unknown province and returns
// ("", true). ok is false when s names no province.
func NormalizeProvince(s string) (string, bool) {
	if strings.TrimSpace(s) == "" {
		return "", true
	}
	k := provinceKey(s)
	if p, ok := provinceKeys[k]; ok {
		return p, true
	}
	p, ok := provinceKeys[strings.ReplaceAll(k, " ", "")]
	return p, ok
}
