package tickets_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

func TestPromoteWritesReviewDraft(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Thủ tục cấp lại văn bằng bảo hộ sở hữu công nghiệp nộp ở đâu?"))
	transition(t, s, tk.ID, tickets.StateClaimed, staff)
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: "Ghi chú nội bộ: đừng trích dẫn", Internal: true})
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: officer, Text: "Em cần gấp ạ"})
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff,
		Text: "Nộp tại Sở KH&CN của tỉnh. Xem https://investip.vn/en/vietnam-reissuance-of-industrial-property-ip-certificates-decentralized-under-new-decree."})

	kb := t.TempDir()
	if _, err := s.Promote(tk.ID, kb); !errors.Is(err, tickets.ErrNotPromotable) {
		t.Fatalf("Promote(open) = %v, want ErrNotPromotable", err)
	}
	transition(t, s, tk.ID, tickets.StateResolved, staff)
	path, err := s.Promote(tk.ID, kb)
	if err != nil {
		t.Fatalf("Promote: %v", err)
	}
	if want := filepath.Join(kb, "review", "HT-000001.md"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, want := range []string{"## Câu hỏi", "nộp ở đâu?", "## Trả lời", "Nộp tại Sở KH&CN của tỉnh.",
		"## Nguồn", "- https://investip.vn/en/vietnam-reissuance-of-industrial-property-ip-certificates-decentralized-under-new-decree\n"} {
		if !strings.Contains(doc, want) {
			t.Errorf("draft lacks %q:\n%s", want, doc)
		}
	}
	for _, never := range []string{"Ghi chú nội bộ", "Em cần gấp"} {
		if strings.Contains(doc, never) {
			t.Errorf("draft contains %q (internal note or officer text)", never)
		}
	}
	// The knowledge loader accepts the draft as an entry.
	e, err := knowledge.ParseMarkdown("review/HT-000001.md", data)
	if err != nil {
		t.Fatalf("knowledge.ParseMarkdown: %v\n%s", err, doc)
	}
	if e.ID != "ticket-ht-000001" || e.Lang != "vi" || e.Topic != "ip" || !e.Reviewed.IsZero() ||
		e.Source != "https://investip.vn/en/vietnam-reissuance-of-industrial-property-ip-certificates-decentralized-under-new-decree" {
		t.Errorf("entry %+v", e)
	}
	if _, err := s.Promote(tk.ID, kb); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Promote = %v, want fs.ErrExist (a reviewer may be editing it)", err)
	}
	evs, _ := s.Events(tk.ID)
	if last := evs[len(evs)-1]; last.Kind != tickets.EventPromoted {
		t.Errorf("last event %s, want promoted", last.Kind)
	}
	mustVerify(t, s)
}

func TestPromoteNeedsStaffAnswer(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Câu hỏi"))
	transition(t, s, tk.ID, tickets.StateClaimed, staff)
	transition(t, s, tk.ID, tickets.StateResolved, staff)
	if _, err := s.Promote(tk.ID, t.TempDir()); !errors.Is(err, tickets.ErrNotPromotable) {
		t.Fatalf("Promote without answer = %v", err)
	}
	if _, err := s.Promote("HT-000077", t.TempDir()); !errors.Is(err, tickets.ErrNotFound) {
		t.Fatalf("Promote unknown = %v", err)
	}
}

// A crash after the draft was written but before its event was recorded
// must not block promotion for good: the next Promote records the event
// and leaves the draft (which a reviewer may already be editing) as it is.
func TestPromoteRecordsADraftLeftByACrash(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	tk := create(t, s, question("Khai báo thiết bị X-quang ở đâu?"))
	transition(t, s, tk.ID, tickets.StateClaimed, staff)
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: "Nộp cho UBND cấp tỉnh."})
	transition(t, s, tk.ID, tickets.StateResolved, staff)

	kb := t.TempDir()
	left := filepath.Join(kb, "review", tk.ID+".md")
	if err := os.MkdirAll(filepath.Dir(left), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(left, []byte("draft being edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := s.Promote(tk.ID, kb)
	if err != nil || path != left {
		t.Fatalf("Promote = %q, %v; want %q, nil", path, err, left)
	}
	if data, _ := os.ReadFile(left); string(data) != "draft being edited" {
		t.Errorf("draft overwritten: %q", data)
	}
	evs, _ := s.Events(tk.ID)
	if last := evs[len(evs)-1]; last.Kind != tickets.EventPromoted {
		t.Errorf("last event %s, want promoted", last.Kind)
	}
	if _, err := s.Promote(tk.ID, kb); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Promote after recording = %v, want fs.ErrExist", err)
	}
	mustVerify(t, s)
}
