package knowledge_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
)

// Word documents often number articles and clauses with automatic list
// numbering: "Điều 2." and "1." are then not in the text runs at all.
func TestReadDocumentRebuildsWordListNumbers(t *testing.T) {
	const plain = "Số: 998/2099/NĐ-CP\n" +
		"Điều 1. Phạm vi\nNội dung mẫu.\n" +
		"Điều 2. Nguyên tắc\n1. Khoản một.\n2. Khoản hai.\n" +
		"Điều 3. Hồ sơ\n1. Đơn đề nghị.\n- gạch đầu dòng"

	// The same text with "Điều N." (level 0) and "N." (level 1) left to
	// Word's numbering, and a bullet (list 2) that must not get a number.
	type para struct{ numID, ilvl, text string }
	paras := []para{
		{"", "", "Số: 998/2099/NĐ-CP"},
		{"1", "0", "Phạm vi"}, {"", "", "Nội dung mẫu."},
		{"1", "0", "Nguyên tắc"}, {"1", "1", "Khoản một."}, {"1", "1", "Khoản hai."},
		{"1", "0", "Hồ sơ"}, {"1", "1", "Đơn đề nghị."}, {"2", "0", "- gạch đầu dòng"},
	}
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p>")
		if p.numID != "" {
			body.WriteString(`<w:pPr><w:numPr><w:ilvl w:val="` + p.ilvl + `"/><w:numId w:val="` + p.numID + `"/></w:numPr></w:pPr>`)
		}
		body.WriteString("<w:r><w:t>" + p.text + "</w:t></w:r></w:p>")
	}
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	numbering := `<w:numbering ` + ns + `>
<w:abstractNum w:abstractNumId="7">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>`

	path := filepath.Join(t.TempDir(), "auto.docx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, content := range map[string]string{
		"word/document.xml":  `<w:document ` + ns + `><w:body>` + body.String() + `</w:body></w:document>`,
		"word/numbering.xml": numbering,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	got, err := knowledge.ReadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != plain {
		t.Errorf("text =\n%s\nwant\n%s", got, plain)
	}
	meta := knowledge.DocMeta{Document: "Nghị định 998/2099/NĐ-CP"}
	if a, b := knowledge.SplitLegalText(got, meta), knowledge.SplitLegalText(plain, meta); !reflect.DeepEqual(a, b) {
		t.Errorf("passages %v, want %v", citations(a), citations(b))
	}
}
