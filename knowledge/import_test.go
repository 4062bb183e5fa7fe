package knowledge_test

import (
	"archive/zip"
	"errors"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/mostvn/supportbot/knowledge"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// writeHTML renders text as a legal-portal page would: one <p> per line,
// entities and no-break spaces, a script and a style to be ignored.
func writeHTML(t *testing.T, path, text string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>ignored</title><style>p{color:red}</style></head><body>\n")
	b.WriteString("<nav>Trang chủ | Văn bản</nav><script>var x = 'Điều 99. không phải văn bản';</script>\n<div class=\"content\">")
	for _, line := range strings.Split(text, "\n") {
		b.WriteString("<p>\n  " + strings.ReplaceAll(html.EscapeString(line), " ", "&nbsp;") + "\n</p>")
	}
	b.WriteString("</div></body></html>")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeDOCX builds a minimal Word file: one w:p per line, the text split
// over two runs so that joining runs is exercised.
func writeDOCX(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, line := range strings.Split(text, "\n") {
		half := len(line) / 2
		for half > 0 && !utf8Start(line[half]) {
			half--
		}
		b.WriteString(`<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:t xml:space="preserve">` + html.EscapeString(line[:half]) +
			`</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + html.EscapeString(line[half:]) + `</w:t></w:r>` +
			`<w:del><w:r><w:delText>đã xóa</w:delText></w:r></w:del></w:p>`)
	}
	b.WriteString(`<w:sectPr/></w:body></w:document>`)
	if _, err := w.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func TestReadDocumentFormatsGiveTheSamePassages(t *testing.T) {
	text := readSample(t)
	dir := t.TempDir()
	txt := filepath.Join(dir, "d.txt")
	if err := os.WriteFile(txt, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	htmlPath := filepath.Join(dir, "d.html")
	writeHTML(t, htmlPath, text)
	docxPath := filepath.Join(dir, "d.docx")
	writeDOCX(t, docxPath, text)
	// Notepad's "Unicode": UTF-16LE with BOM, CRLF.
	u16 := filepath.Join(dir, "d16.txt")
	units := utf16.Encode([]rune("\ufeff" + strings.ReplaceAll(text, "\n", "\r\n")))
	raw := make([]byte, 0, 2*len(units))
	for _, u := range units {
		raw = append(raw, byte(u), byte(u>>8))
	}
	if err := os.WriteFile(u16, raw, 0o644); err != nil {
		t.Fatal(err)
	}

	want := knowledge.SplitLegalText(text, sampleMeta)
	for _, p := range []string{txt, htmlPath, docxPath, u16} {
		got, err := knowledge.ReadDocument(p)
		if err != nil {
			t.Fatalf("ReadDocument(%s): %v", p, err)
		}
		if strings.Contains(got, "Điều 99") || strings.Contains(got, "color:red") || strings.Contains(got, "đã xóa") {
			t.Errorf("%s: script, style or deleted text leaked into %q", filepath.Base(p), got)
		}
		if passages := knowledge.SplitLegalText(got, sampleMeta); !reflect.DeepEqual(passages, want) {
			t.Errorf("%s gives passages\n%s\nwant\n%s", filepath.Base(p), strings.Join(citations(passages), "\n"), strings.Join(citations(want), "\n"))
		}
	}
}

func TestReadDocumentErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		path string
		is   error
	}{
		{write("broken.docx", []byte("PK\x03\x04 not really a zip")), knowledge.ErrNotDocx},
		{write("latin1.txt", []byte("Ngh\xe9 \xf0inh\n")), knowledge.ErrInvalidUTF8},
		{write("empty.html", []byte("<html><body><script>x</script></body></html>")), knowledge.ErrNoText},
		{write("scan.pdf", []byte("%PDF-1.7")), knowledge.ErrUnsupportedFormat},
		{filepath.Join(dir, "missing.txt"), os.ErrNotExist},
	}
	for _, tc := range tests {
		_, err := knowledge.ReadDocument(tc.path)
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("ReadDocument(%s) = %v, want an error naming the path wrapping %v", filepath.Base(tc.path), err, tc.is)
		}
	}

	// A zip without word/document.xml is not a Word file either.
	p := filepath.Join(dir, "other.docx")
	f, _ := os.Create(p)
	zw := zip.NewWriter(f)
	zw.Create("hello.txt")
	zw.Close()
	f.Close()
	if _, err := knowledge.ReadDocument(p); !errors.Is(err, knowledge.ErrNotDocx) {
		t.Errorf("zip without document.xml: %v, want ErrNotDocx", err)
	}
}

func TestDetectDocument(t *testing.T) {
	tests := map[string]string{
		"CHÍNH PHỦ\nSố: 133/2025/NĐ-CP\nHà Nội":                                 "Nghị định 133/2025/NĐ-CP",
		"Số:10/2025/TT-BKHCN":                                                   "Thông tư 10/2025/TT-BKHCN",
		"Căn cứ Nghị định số 132/2025/NĐ-CP ngày 12 tháng 6 năm 2025":           "Nghị định 132/2025/NĐ-CP",
		"Luật số 94/2025/QH15":                                                  "Luật 94/2025/QH15",
		"Căn cứ Luật 1/2099/QH99;\nSố: 1442/QĐ-BKHCN\nSố: 7/2099/QĐ-UBND":       "Quyết định 7/2099/QĐ-UBND",
		"Văn bản không có số hiệu.":                                             "",
		"Số: 999/2099/NĐ-CP\nCăn cứ Nghị định số 1/2000/NĐ-CP (a legal basis).": "Nghị định 999/2099/NĐ-CP",
	}
	for text, want := range tests {
		if got := knowledge.DetectDocument(text); got != want {
			t.Errorf("DetectDocument(%q) = %q, want %q", text, got, want)
		}
	}
}

// listFiles maps each file under dir (relative path) to its content.
func listFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportIsIdempotentAndDropsRemovedPassages(t *testing.T) {
	src, kb := t.TempDir(), t.TempDir()
	copyFile(t, "testdata/legal/sample-decree.txt", filepath.Join(src, "sample-decree.txt"))
	copyFile(t, "testdata/legal/sample-decree.meta.yaml", filepath.Join(src, "sample-decree.meta.yaml"))

	rep, err := knowledge.Import(src, kb)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 0 || len(rep.Files) != 1 || rep.Passages != 11 {
		t.Fatalf("report = %+v, want 1 file, 11 passages, no errors", rep)
	}
	if rep.Files[0].Document != "Nghị định 999/2099/NĐ-CP" {
		t.Errorf("document = %q (detected from the Số: line)", rep.Files[0].Document)
	}
	first := listFiles(t, kb)
	if len(first) != 11 {
		t.Fatalf("wrote %d files, want 11: %v", len(first), first)
	}
	if _, ok := first["imported/999-2099-nd-cp/999-2099-nd-cp-dieu-2-khoan-1.md"]; !ok {
		t.Errorf("missing passage file for Điều 2, khoản 1; have %v", keys(first))
	}

	// The written files load cleanly, with the sidecar's metadata.
	entries, errs := knowledge.LoadDir(os.DirFS(kb))
	if len(errs) != 0 || len(entries) != 11 {
		t.Fatalf("LoadDir of the import: %d entries, errors %v", len(entries), errs)
	}
	for _, e := range entries {
		if e.Source != "https://example.org/test-fixture/999-2099-nd-cp" || e.Effective.Format("2006-01-02") != "2099-02-01" || e.Topic != "test" {
			t.Errorf("%s: source %q effective %v topic %q", e.ID, e.Source, e.Effective, e.Topic)
		}
	}

	if _, err := knowledge.Import(src, kb); err != nil {
		t.Fatal(err)
	}
	if second := listFiles(t, kb); !reflect.DeepEqual(second, first) {
		t.Errorf("second import changed the files:\n%v\nvs\n%v", keys(second), keys(first))
	}

	// Remove Điều 4 from the source: its passage file must go.
	text := readSample(t)
	cut := strings.Replace(text, "Điều 4. Thời hạn giải quyết\nThời hạn giải quyết là 30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.\n", "", 1)
	if cut == text {
		t.Fatal("fixture changed: Điều 4 not found")
	}
	if err := os.WriteFile(filepath.Join(src, "sample-decree.txt"), []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, err = knowledge.Import(src, kb); err != nil || rep.Passages != 10 {
		t.Fatalf("re-import: %+v, %v", rep, err)
	}
	third := listFiles(t, kb)
	if _, ok := third["imported/999-2099-nd-cp/999-2099-nd-cp-dieu-4.md"]; ok || len(third) != 10 {
		t.Errorf("after removing Điều 4: %v", keys(third))
	}
}

func TestImportReportsBadFilesAndImportsTheRest(t *testing.T) {
	src, kb := t.TempDir(), t.TempDir()
	copyFile(t, "testdata/legal/sample-decree.txt", filepath.Join(src, "good.txt"))
	copyFile(t, "testdata/legal/sample-decree.meta.yaml", filepath.Join(src, "good.meta.yaml"))
	// No sidecar, so no source URL.
	copyFile(t, "testdata/legal/sample-decree.txt", filepath.Join(src, "nosource.txt"))
	// A sidecar naming another document; broken DOCX; a file that is not a document.
	if err := os.WriteFile(filepath.Join(src, "broken.docx"), []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "notes.md"), []byte("# not imported"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same document in a second format is refused, not silently merged.
	writeHTML(t, filepath.Join(src, "good2.html"), readSample(t))
	copyFile(t, "testdata/legal/sample-decree.meta.yaml", filepath.Join(src, "good2.meta.yaml"))

	rep, err := knowledge.Import(src, kb)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 1 || rep.Files[0].Source != filepath.Join(src, "good.txt") {
		t.Errorf("imported %+v, want good.txt only", rep.Files)
	}
	wantErr := map[string]error{
		filepath.Join(src, "broken.docx"):  knowledge.ErrNotDocx,
		filepath.Join(src, "good2.html"):   knowledge.ErrDocumentTwice,
		filepath.Join(src, "nosource.txt"): knowledge.ErrNoSource,
	}
	if len(rep.Errors) != len(wantErr) {
		t.Fatalf("errors = %v, want %d", rep.Errors, len(wantErr))
	}
	for _, le := range rep.Errors {
		if !errors.Is(&le, wantErr[le.Path]) {
			t.Errorf("%s: %v, want %v", le.Path, le.Err, wantErr[le.Path])
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Older portals serve Vietnamese in windows-1258, which stores tone marks
// as combining characters; the page declares its charset in a meta tag.
func TestReadDocumentDecodesLegacyHTMLCharset(t *testing.T) {
	text := "Điều 1. Phạm vi điều chỉnh"
	// windows-1258 has ê precomposed but tones only as combining marks.
	split := "Đie\u0302\u0300u 1. Pha\u0323m vi đie\u0302\u0300u chi\u0309nh"
	split = strings.NewReplacer("e\u0302", "ê").Replace(split)
	if norm.NFC.String(split) != text {
		t.Fatal("fixture: tone split does not compose back")
	}
	enc, err := charmap.Windows1258.NewEncoder().String(split)
	if err != nil {
		t.Fatal(err)
	}
	page := `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body><p>` + enc + `</p></body></html>`
	path := filepath.Join(t.TempDir(), "old.htm")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := knowledge.ReadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != text {
		t.Errorf("text = %q, want %q (NFC)", got, text)
	}
}
