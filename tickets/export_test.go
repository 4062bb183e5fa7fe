package tickets_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

func TestExport(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	for _, text := range []string{"Câu hỏi, có dấu phẩy\nvà xuống dòng", "=HYPERLINK(\"http://x\")", "Câu thứ ba"} {
		create(t, s, question(text))
	}
	var buf bytes.Buffer
	if err := s.Export(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], tickets.CSVHeader) {
		t.Fatalf("csv: %d rows, header %v", len(rows), rows[0])
	}
	text := slices.Index(tickets.CSVHeader, "text")
	if rows[1][0] != "HT-000001" || rows[1][text] != "Câu hỏi, có dấu phẩy\nvà xuống dòng" {
		t.Errorf("row 1 = %q", rows[1])
	}
	if rows[2][text] != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("formula not defused: %q", rows[2][text])
	}

	buf.Reset()
	if err := s.Export(&buf, "jsonl"); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var got []string
	for sc.Scan() {
		var tk tickets.Ticket
		if err := json.Unmarshal(sc.Bytes(), &tk); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, tk.ID)
	}
	if want := []string{"HT-000001", "HT-000002", "HT-000003"}; !slices.Equal(got, want) {
		t.Errorf("jsonl ids %v, want %v", got, want)
	}
	if err := s.Export(&buf, "xml"); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("Export(xml) = %v", err)
	}
}

func TestTicketJSONFields(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Câu hỏi"))
	b, _ := json.Marshal(tk)
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"id", "state", "channel", "chat_id", "user_id", "user_name", "lang", "province", "commune",
		"topic", "priority", "created_at", "updated_at", "text", "hits", "messages", "assignee",
		"first_response_due", "resolution_due", "delivery_failures"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
}
