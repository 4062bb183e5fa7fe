package knowledge

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZUnits(t *testing.T) {
	q := os.Getenv("Q")
	id := os.Getenv("ID")
	if q == "" {
		t.Skip()
	}
	ix, _ := NewMemIndexFS(DefaultCorpus())
	st := ix.st
	p := st.plan(q)
	e := st.entries[id]
	sw := st.snippetWords(p).forTitle(st, e.Title)
	br := passageBreaks(e.Text)
	for _, u := range answerUnits(e.Text, br) {
		fmt.Printf("[%d %d item=%v ticket=%v] %q\n", u.start, u.end, u.item, u.ticket, e.Text[u.start:u.end])
	}
	for _, c := range p.concepts {
		fmt.Printf("concept %v w=%.2f filler=%v acc=%q\n", c.alternatives, c.weight, c.filler, c.accented)
	}
	fmt.Println("want number", sw.wantsNumber, "bigrams", p.contentBigrams)
	u, ok := sw.bestUnit(e.Text, br, st.profiles[id].words)
	fmt.Printf("best %v %q\n", ok, e.Text[u.start:u.end])
}

func TestZZSearch(t *testing.T) {
	q := os.Getenv("S")
	if q == "" {
		t.Skip()
	}
	ix, _ := NewMemIndexFS(DefaultCorpus())
	res, _ := ix.Search(t.Context(), q, Options{Limit: 6, Lang: os.Getenv("L")})
	fmt.Println(res.Verdict)
	for _, h := range res.Hits {
		fmt.Printf("%.3f %s | %s\n", h.Score, h.ID, h.Snippet)
	}
}

func TestZZPlan(t *testing.T) {
	q := os.Getenv("P")
	if q == "" {
		t.Skip()
	}
	ix, _ := NewMemIndexFS(DefaultCorpus())
	p := ix.st.plan(q)
	fmt.Println("lang", p.lang)
	for _, x := range p.terms {
		fmt.Printf("%q acc=%v w=%.2f idf=%.2f typ=%d\n", x.term, x.accent, x.weight, x.idf, x.typ)
	}
}

func TestZZUnitsText(t *testing.T) {
	q := os.Getenv("QT")
	if q == "" {
		t.Skip()
	}
	e := Entry{ID: "xquang", Lang: "vi", Title: "Khai báo thiết bị X-quang chẩn đoán trong y tế",
		Text: "Theo Quyết định 1915/QĐ-BKHCN ngày 28/8/2023:\n\n" +
			"- Nộp khai báo cho UBND cấp tỉnh nơi sử dụng thiết bị.\n" +
			"- Thiết bị di động dùng ở 2 tỉnh trở lên: nộp cho tỉnh nơi tổ chức, cá nhân đặt trụ sở chính.\n" +
			"- Thời hạn: khai báo trong 07 ngày làm việc kể từ khi có thiết bị.\n" +
			"- Không cấp giấy xác nhận khai báo khi việc khai báo nằm trong hồ sơ đề nghị cấp giấy phép.\n\n" +
			"Cảnh báo: quy định này có từ 2023. Kiểm tra thủ tục hiện hành trên cổng dịch vụ công của tỉnh."}
	long := Entry{ID: "long", Text: strings.Repeat("Nội dung khác không liên quan đến câu hỏi. ", 12) +
		"Tổ chức khai báo máy phát sóng vô tuyến với Sở trong 10 ngày. " + strings.Repeat("Phần sau cũng không liên quan. ", 12)}
	run := Entry{ID: "run", Text: strings.Repeat("các nội dung khác nối tiếp nhau ", 12) +
		"kể cả việc khai báo lò nung cao tần " + strings.Repeat("và các nội dung khác nối tiếp nhau ", 12)}
	ix, _ := NewMemIndex([]Entry{e, long, run})
	st := ix.st
	p := st.plan(q)
	sw := st.snippetWords(p).forTitle(st, e.Title)
	br := passageBreaks(e.Text)
	for _, u := range answerUnits(e.Text, br) {
		fmt.Printf("[%d %d lead=%v] %q\n", u.start, u.end, u.lead, e.Text[u.start:u.end])
	}
	fmt.Println(sw.weights, sw.wantsNumber)
	u, ok := sw.bestUnit(e.Text, br, st.profiles["xquang"].words)
	fmt.Printf("best %v %q\n", ok, e.Text[u.start:u.end])
}
