package tickets_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// The officer whose data is erased in these tests. Each value is unusual
// enough that finding it in the file can only mean it was left there.
var (
	erasedOfficer = tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:909090917", Name: "Nguyễn Thị Riêngtư"}
	secretWords   = []string{
		"909090917",          // user and chat id
		"Riêngtư",            // name
		"Xã Bímậtquá",        // commune
		"zyxquorb",           // a word of the question (also a term of the similar index)
		"hồ sơ kín QX-4242",  // the question
		"tin nhắn riêng ABC", // the officer's message
		"trả lời riêng QWE",  // staff's public reply to them
		"ghi chú nội bộ JKL", // staff's internal note about them
		"tg-msg-31337",       // a channel message id
		"fileid-7777",        // an attachment
		"chặn bởi 909090917", // a delivery failure naming them
	}
	syst = tickets.Actor{Kind: tickets.ActorSystem, ID: "supportbot"}
)

// erasedTicket builds the officer's ticket through its whole life: asked,
// located, answered, noted, a failed delivery, resolved and closed. It
// returns the ticket and its event kinds.
func erasedTicket(t *testing.T, s *tickets.Store, c *clock) *tickets.Ticket {
	t.Helper()
	tk := create(t, s, tickets.NewTicket{Channel: "telegram", UserID: "909090917", ChatID: "909090917",
		UserName: erasedOfficer.Name, Province: "Hà Nội", Commune: "Xã Bímậtquá", Topic: "ip",
		Text: "zyxquorb: hồ sơ kín QX-4242 nộp ở đâu?", Source: "telegram:555001"})
	steps := []func(tx *tickets.Tx) error{
		func(tx *tickets.Tx) error { return tx.SetLocality(tk.ID, "Hà Nội", "Xã Bímậtquá") },
		func(tx *tickets.Tx) error {
			_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: erasedOfficer, Text: "tin nhắn riêng ABC", MessageID: "tg-msg-31337",
				Files: []tickets.Attachment{{Channel: "telegram", ID: "fileid-7777", Name: "a.pdf"}}})
			return err
		},
		func(tx *tickets.Tx) error { _, err := tx.Claim(tk.ID, staff); return err },
		func(tx *tickets.Tx) error {
			_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: staff, Text: "trả lời riêng QWE"})
			return err
		},
		func(tx *tickets.Tx) error {
			_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: staff, Text: "ghi chú nội bộ JKL", Internal: true})
			return err
		},
		func(tx *tickets.Tx) error { return tx.RecordDeliveryFailure(tk.ID, "chặn bởi 909090917") },
		func(tx *tickets.Tx) error {
			_, err := tx.Transition(tk.ID, tickets.StateResolved, staff, "đã trả lời")
			return err
		},
		func(tx *tickets.Tx) error { _, err := tx.Transition(tk.ID, tickets.StateClosed, staff, ""); return err },
	}
	for i, step := range steps {
		c.Advance(time.Minute)
		if err := s.Update(step); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, err := s.Get(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func anonymise(t *testing.T, s *tickets.Store, id string, by tickets.Actor, reason string) *tickets.Ticket {
	t.Helper()
	var tk *tickets.Ticket
	err := s.Update(func(tx *tickets.Tx) error {
		var err error
		tk, err = tx.Anonymise(id, by, reason)
		return err
	})
	if err != nil {
		t.Fatalf("Anonymise %s: %v", id, err)
	}
	return tk
}

// liveData returns every key and value of every bucket (nested ones too)
// of s's file, as bbolt serves them: the live data, not the freed pages.
func liveData(t *testing.T, s *tickets.Store) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			key := path + "/" + string(k)
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					out[key] = nil
					return walk(key, nb)
				}
			}
			out[key] = append([]byte(nil), v...)
			return nil
		})
	}
	err := s.DB().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// findWords returns where each word occurs in the live data, in keys or values.
func findWords(t *testing.T, s *tickets.Store, words []string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	for k, v := range liveData(t, s) {
		for _, w := range words {
			if strings.Contains(k, w) || bytes.Contains(v, []byte(w)) {
				found[w] = append(found[w], k)
			}
		}
	}
	return found
}

func kinds(evs []tickets.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func TestAnonymiseKeepsHistoryAndVerifies(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := erasedTicket(t, s, c)
	before, err := s.Events(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if before[0].Actor != erasedOfficer || before[0].Erased {
		t.Fatalf("created event before erasure: %+v", before[0])
	}

	c.Advance(time.Hour)
	got := anonymise(t, s, tk.ID, syst, "officer request")
	mustVerify(t, s)

	stored, err := s.Get(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ field, got string }{
		{"chat id", stored.ChatID}, {"user id", stored.UserID}, {"user name", stored.UserName},
		{"commune", stored.Commune}, {"text", stored.Text}, {"reporter", stored.Reporter()},
		{"delivery failure", stored.DeliveryFailures[0].Reason},
	} {
		if tc.got != "" {
			t.Errorf("%s after erasure = %q, want empty", tc.field, tc.got)
		}
	}
	if stored.Anonymised.IsZero() || !stored.Anonymised.Equal(got.Anonymised) {
		t.Errorf("Anonymised = %v (returned %v)", stored.Anonymised, got.Anonymised)
	}
	// What the ministry keeps: the case, its handling and its times.
	if stored.State != tickets.StateClosed || stored.Province != "Hà Nội" || stored.Topic != "ip" || stored.Assignee != staff.ID ||
		!stored.Created.Equal(tk.Created) || !stored.ResolvedAt.Equal(tk.ResolvedAt) || !stored.FirstResponseAt.Equal(tk.FirstResponseAt) ||
		stored.Source != tk.Source || stored.Channel != "telegram" {
		t.Errorf("kept fields changed:\nbefore %+v\nafter  %+v", tk, stored)
	}
	if len(stored.Messages) != len(tk.Messages) {
		t.Fatalf("%d messages after erasure, want %d", len(stored.Messages), len(tk.Messages))
	}
	for i, m := range stored.Messages {
		was := tk.Messages[i]
		if m.Text != "" || m.MessageID != "" || m.Files != nil {
			t.Errorf("message %d keeps content: %+v", i, m)
		}
		if !m.At.Equal(was.At) || m.Direction != was.Direction || m.Internal != was.Internal || m.From.Kind != was.From.Kind {
			t.Errorf("message %d lost its shape: %+v, was %+v", i, m, was)
		}
		if want := was.From; want.Kind == tickets.ActorStaff && m.From != want {
			t.Errorf("message %d: staff author %+v, want %+v", i, m.From, want)
		}
		if m.From.Kind == tickets.ActorOfficer && (m.From.ID != "" || m.From.Name != "") {
			t.Errorf("message %d keeps the officer: %+v", i, m.From)
		}
	}

	after, err := s.Events(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(kinds(before), tickets.EventAnonymised); !slices.Equal(kinds(after), want) {
		t.Fatalf("kinds after erasure %v, want %v", kinds(after), want)
	}
	for i, e := range before {
		a := after[i]
		if !a.At.Equal(e.At) || a.From != e.From || a.To != e.To || a.Actor.Kind != e.Actor.Kind {
			t.Errorf("event %d changed: %+v, was %+v", i+1, a, e)
		}
		sealedAny := e.Actor.Kind == tickets.ActorOfficer || e.Note != ""
		if a.Erased != sealedAny {
			t.Errorf("event %d (%s, note %q): Erased = %v, want %v", i+1, e.Kind, e.Note, a.Erased, sealedAny)
		}
		if a.Note != "" {
			t.Errorf("event %d: note %q readable after erasure", i+1, a.Note)
		}
		if e.Actor.Kind == tickets.ActorStaff && a.Actor != e.Actor {
			t.Errorf("event %d: staff actor %+v, want %+v", i+1, a.Actor, e.Actor)
		}
		if e.Actor.Kind == tickets.ActorOfficer && (a.Actor.ID != "" || a.Actor.Name != "") {
			t.Errorf("event %d: officer %+v readable after erasure", i+1, a.Actor)
		}
	}
	last := after[len(after)-1]
	if last.Actor != syst || last.Note != "officer request" || last.Erased {
		t.Errorf("erasure event %+v, want by %v for \"officer request\"", last, syst)
	}

	// Nothing finds the ticket through its reporter or its question any more.
	err = s.View(func(tx *tickets.Tx) error {
		ids, err := tx.ReporterTickets("telegram", "909090917")
		if err != nil || len(ids) != 0 {
			t.Errorf("ReporterTickets after erasure = %v, %v", ids, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ts, err := s.List(tickets.Filter{Channel: "telegram", UserID: "909090917"}); err != nil || len(ts) != 0 {
		t.Errorf("List by reporter after erasure = %d tickets, %v", len(ts), err)
	}
	if sim, err := s.Similar("zyxquorb hồ sơ kín nộp ở đâu", 5); err != nil || len(sim) != 0 {
		t.Errorf("Similar after erasure = %+v, %v", sim, err)
	}
	if _, err := s.Promote(tk.ID, t.TempDir()); !errors.Is(err, tickets.ErrNotPromotable) {
		t.Errorf("Promote after erasure: %v, want ErrNotPromotable", err)
	}
	if ts, err := s.List(tickets.Filter{State: []tickets.State{tickets.StateClosed}}); err != nil || len(ts) != 1 || ts[0].ID != tk.ID {
		t.Errorf("List of closed tickets after erasure = %v, %v", ts, err)
	}
}

func TestAnonymiseLeavesNoPersonalDataInLiveData(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := erasedTicket(t, s, c)
	other := create(t, s, question("Câu hỏi của người khác về viễn thông"))

	// The scan sees what is there: before the erasure every word is in the
	// file, in the record at least.
	found := findWords(t, s, secretWords)
	for _, w := range secretWords {
		if len(found[w]) == 0 {
			t.Fatalf("%q not found before the erasure: the scan is blind", w)
		}
	}
	// Events never hold the officer or a note in clear, even before.
	evs := map[string][]byte{}
	for k, v := range liveData(t, s) {
		if strings.HasPrefix(k, "ticket_events/") {
			evs[k] = v
		}
	}
	for k, v := range evs {
		for _, w := range append(secretWords, "đã trả lời", "officer message") {
			if bytes.Contains(v, []byte(w)) {
				t.Errorf("event %x holds %q in clear: %s", k, w, v)
			}
		}
	}

	anonymise(t, s, tk.ID, erasedOfficer, "officer request")
	for w, where := range findWords(t, s, secretWords) {
		t.Errorf("%q still in the live data after erasure, at %q", w, where)
	}
	if got, _ := s.Get(other.ID); got.Text != other.Text || got.UserName != "Hùng" {
		t.Errorf("another officer's ticket changed: %+v", got)
	}
	if found := findWords(t, s, []string{"Câu hỏi của người khác"}); len(found) == 0 {
		t.Error("another officer's question is gone")
	}
	mustVerify(t, s)
}

func TestVerifyCatchesTamperingAfterAnonymise(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(tx *bolt.Tx) error
		want   string
	}{
		{"sealed field swapped", func(tx *bolt.Tx) error {
			// Put event 1's sealed officer id in place of event 2's note:
			// both are well-formed sealed values.
			b := tx.Bucket([]byte("ticket_events"))
			var e1, e2 map[string]any
			json.Unmarshal(b.Get(eventKey(1, 1)), &e1)
			json.Unmarshal(b.Get(eventKey(1, 2)), &e2)
			e2["note"] = e1["actor"].(map[string]any)["id"]
			v, _ := json.Marshal(e2)
			return b.Put(eventKey(1, 2), v)
		}, "HT-000001 event 2: event content does not match its hash"},
		{"erasure event reworded", func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("ticket_events"))
			n := b.Stats().KeyN
			k := eventKey(1, uint32(n))
			v := bytes.Replace(b.Get(k), []byte("officer request"), []byte("operator typo!!"), 1)
			return b.Put(k, v)
		}, "event content does not match its hash"},
		{"erasure event deleted", func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("ticket_events"))
			return b.Delete(eventKey(1, uint32(b.Stats().KeyN)))
		}, "HT-000001: record counts"},
		{"record edited", func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("tickets"))
			key := binary.BigEndian.AppendUint64(nil, 1)
			v := bytes.Replace(b.Get(key), []byte("normal"), []byte("urgent"), 1) // same length: still decodes
			return b.Put(key, v)
		}, "HT-000001: record differs from the one its last event wrote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			s, _ := openStore(t, tickets.Options{Now: c.Now})
			tk := erasedTicket(t, s, c)
			anonymise(t, s, tk.ID, syst, "officer request")
			mustVerify(t, s)
			raw(t, s, tc.tamper)
			rep, err := s.Verify(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, p := range rep.Problems {
				lines = append(lines, p.String())
			}
			if !strings.Contains(strings.Join(lines, "\n"), tc.want) {
				t.Errorf("Verify problems %q, want one containing %q", lines, tc.want)
			}
		})
	}
}

func TestAnonymiseIsIdempotent(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := erasedTicket(t, s, c)
	first := anonymise(t, s, tk.ID, syst, "retention")
	c.Advance(time.Hour)
	second := anonymise(t, s, tk.ID, syst, "officer request")
	if second.Events != first.Events || !second.Updated.Equal(first.Updated) || !second.Anonymised.Equal(first.Anonymised) {
		t.Errorf("second erasure changed the ticket: %+v, first %+v", second, first)
	}
	evs, _ := s.Events(tk.ID)
	if n := strings.Count(strings.Join(kinds(evs), ","), tickets.EventAnonymised); n != 1 {
		t.Errorf("%d erasure events, want 1", n)
	}
	if last := evs[len(evs)-1]; last.Note != "retention" {
		t.Errorf("last event note %q, want the first erasure's reason", last.Note)
	}
	mustVerify(t, s)
}

func TestAnonymisedOpenTicketStaysWorkable(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := create(t, s, question("Câu hỏi sẽ bị xóa"))
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: officer, Text: "bổ sung"})
	transition(t, s, tk.ID, tickets.StateClaimed, staff)
	got := anonymise(t, s, tk.ID, officer, "officer request")
	if got.State != tickets.StateClaimed || !got.Open() {
		t.Fatalf("state after erasure %s, want claimed", got.State)
	}

	// The officer (or someone speaking as them) cannot add to it.
	err := s.Update(func(tx *tickets.Tx) error {
		_, err := tx.AddMessage(tk.ID, tickets.ConvMessage{From: officer, Text: "tôi lại đây"})
		return err
	})
	asValidation(t, err)
	if msg := tickets.UserMessage(err, "en"); !strings.Contains(msg, "erased") {
		t.Errorf("the officer is told %q", msg)
	}
	if msg := tickets.UserMessage(err, "vi"); !strings.Contains(msg, "đã được xóa") {
		t.Errorf("the officer is told %q", msg)
	}
	// Staff finish the work, with a note that stays readable.
	c.Advance(time.Minute)
	addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: "đóng phiếu", Internal: true})
	err = s.Update(func(tx *tickets.Tx) error {
		_, err := tx.Transition(tk.ID, tickets.StateResolved, staff, "không cần trả lời")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *tickets.Tx) error {
		_, err := tx.Transition(tk.ID, tickets.StateReopened, officer, "")
		return err
	})
	asValidation(t, err)
	mustVerify(t, s)

	evs, err := s.Events(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Note != "không cần trả lời" || last.Erased || last.To != tickets.StateResolved {
		t.Errorf("staff transition after erasure reads %+v", last)
	}
	// The erasure event's officer actor was sealed under the deleted key.
	for _, e := range evs {
		if e.Kind == tickets.EventAnonymised && (!e.Erased || e.Actor.ID != "" || e.Note != "officer request") {
			t.Errorf("erasure event by the officer reads %+v", e)
		}
	}
	if got, _ := s.Get(tk.ID); got.Text != "" || got.State != tickets.StateResolved || got.Anonymised.IsZero() {
		t.Errorf("ticket after staff work: %+v", got)
	}
	if sim, _ := s.Similar("Câu hỏi sẽ bị xóa", 3); len(sim) != 0 {
		t.Errorf("resolved anonymised ticket suggested: %+v", sim)
	}
}

func TestRecordView(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := create(t, s, question("Câu hỏi được xem"))
	c.Advance(2 * time.Hour)
	err := s.Update(func(tx *tickets.Tx) error { return tx.RecordView(tk.ID, staff, "slack show") })
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(tk.ID)
	if !got.Updated.Equal(tk.Updated) || !got.FirstResponseDue.Equal(tk.FirstResponseDue) ||
		!got.ResolutionDue.Equal(tk.ResolutionDue) || got.State != tk.State || !got.FirstResponseAt.IsZero() {
		t.Errorf("a view changed the ticket: %+v, was %+v", got, tk)
	}
	evs, _ := s.Events(tk.ID)
	if len(evs) != 2 {
		t.Fatalf("%d events, want created and viewed", len(evs))
	}
	if v := evs[1]; v.Kind != tickets.EventViewed || v.Actor != staff || v.Note != "slack show" || !v.At.Equal(c.Now().UTC()) {
		t.Errorf("view event %+v", v)
	}
	mustVerify(t, s)

	// After erasure a view records nothing: there is nothing personal to see.
	anonymise(t, s, tk.ID, syst, "retention")
	err = s.Update(func(tx *tickets.Tx) error { return tx.RecordView(tk.ID, staff, "cli tickets show") })
	if err != nil {
		t.Fatal(err)
	}
	if evs2, _ := s.Events(tk.ID); len(evs2) != 3 {
		t.Errorf("%d events after a view of an anonymised ticket, want 3", len(evs2))
	}
	err = s.Update(func(tx *tickets.Tx) error { return tx.RecordView("HT-999999", staff, "export") })
	if !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("view of an unknown ticket: %v", err)
	}
}

func TestRecordViewsInBatches(t *testing.T) {
	s, _ := openStore(t, tickets.Options{})
	var ids []string
	err := s.Update(func(tx *tickets.Tx) error {
		for i := range 1203 {
			tk, _, err := tx.Create(tickets.NewTicket{Channel: "telegram", UserID: fmt.Sprint(i % 7), Text: "câu hỏi"})
			if err != nil {
				return err
			}
			ids = append(ids, tk.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordViews(ids, syst, "export"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ids[0], ids[499], ids[500], ids[1202]} {
		evs, _ := s.Events(id)
		if len(evs) != 2 || evs[1].Kind != tickets.EventViewed || evs[1].Note != "export" {
			t.Errorf("%s events %v", id, kinds(evs))
		}
	}
	mustVerify(t, s)
}

func TestReporterTickets(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	ask := func(user string) string {
		return create(t, s, tickets.NewTicket{Channel: "telegram", UserID: user, Text: "câu hỏi " + user}).ID
	}
	a1 := ask("1")
	b1 := ask("12") // "telegram:1" is a prefix of "telegram:12": must not match
	a2 := ask("1")
	a3 := ask("1")
	create(t, s, tickets.NewTicket{Channel: "slack", UserID: "1", Text: "cùng số, kênh khác"})
	transition(t, s, a2, tickets.StateCancelled, staff)
	transition(t, s, a3, tickets.StateClaimed, staff)
	transition(t, s, a3, tickets.StateResolved, staff)
	transition(t, s, a3, tickets.StateClosed, staff)

	reporter := func(user string) []string {
		var ids []string
		err := s.View(func(tx *tickets.Tx) error {
			var err error
			ids, err = tx.ReporterTickets("telegram", user)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := reporter("1"); !slices.Equal(got, []string{a1, a2, a3}) {
		t.Errorf("ReporterTickets(1) = %v, want %v", got, []string{a1, a2, a3})
	}
	if got := reporter("12"); !slices.Equal(got, []string{b1}) {
		t.Errorf("ReporterTickets(12) = %v", got)
	}
	if got := reporter("404"); len(got) != 0 {
		t.Errorf("ReporterTickets(unknown) = %v", got)
	}
	anonymise(t, s, a2, syst, "officer request")
	if got := reporter("1"); !slices.Equal(got, []string{a1, a3}) {
		t.Errorf("ReporterTickets(1) after erasing %s = %v", a2, got)
	}
	err := s.View(func(tx *tickets.Tx) error { _, err := tx.ReporterTickets("telegram", ""); return err })
	asValidation(t, err)
}

func TestExpiredClosed(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	start := c.Now()
	resolve := func() string {
		tk := create(t, s, question("câu hỏi cũ"))
		transition(t, s, tk.ID, tickets.StateClaimed, staff)
		transition(t, s, tk.ID, tickets.StateResolved, staff)
		return tk.ID
	}
	hour := func() { c.Advance(time.Hour) }
	closeIt := func(id string) { transition(t, s, id, tickets.StateClosed, staff) }

	closedLast := resolve() // the lowest number, closed after the others
	hour()
	cancelled := create(t, s, question("hủy")).ID
	transition(t, s, cancelled, tickets.StateCancelled, staff)
	hour()
	closedFirst := resolve()
	closeIt(closedFirst)
	hour()
	resolve() // resolved, not closed: not final
	create(t, s, question("còn mở"))
	erased := resolve()
	closeIt(erased)
	anonymise(t, s, erased, syst, "officer request")
	hour()
	closeIt(closedLast)
	hour()
	// A view is not a change: it does not make a closed ticket recent.
	if err := s.Update(func(tx *tickets.Tx) error { return tx.RecordView(closedFirst, staff, "export") }); err != nil {
		t.Fatal(err)
	}
	cutoff := c.Now().Add(time.Minute)
	hour()
	recent := resolve()
	closeIt(recent)

	expired := func(before time.Time, n int) []string {
		var ids []string
		err := s.View(func(tx *tickets.Tx) error {
			var err error
			ids, err = tx.ExpiredClosed(before, n)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got, want := expired(cutoff, 10), []string{cancelled, closedFirst, closedLast}; !slices.Equal(got, want) {
		t.Errorf("ExpiredClosed = %v, want %v (oldest change first)", got, want)
	}
	if got, want := expired(cutoff, 2), []string{cancelled, closedFirst}; !slices.Equal(got, want) {
		t.Errorf("ExpiredClosed limit 2 = %v, want %v", got, want)
	}
	if got := expired(start, 10); len(got) != 0 {
		t.Errorf("ExpiredClosed before any close = %v", got)
	}
	if got, want := expired(c.Now().Add(time.Hour), 10), []string{cancelled, closedFirst, closedLast, recent}; !slices.Equal(got, want) {
		t.Errorf("ExpiredClosed(later) = %v, want %v (never the anonymised %s)", got, want, erased)
	}
	if got := expired(cutoff, 0); len(got) != 0 {
		t.Errorf("ExpiredClosed limit 0 = %v", got)
	}
}

func TestExportAnonymisedTicket(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, tickets.Options{Now: c.Now})
	tk := erasedTicket(t, s, c)
	anonymise(t, s, tk.ID, syst, "retention")
	for _, format := range []string{tickets.FormatCSV, tickets.FormatJSONL} {
		var b bytes.Buffer
		if err := s.Export(&b, format); err != nil {
			t.Fatal(err)
		}
		for _, w := range secretWords {
			if strings.Contains(b.String(), w) {
				t.Errorf("%s export holds %q", format, w)
			}
		}
		if !strings.Contains(b.String(), tk.ID) || !strings.Contains(b.String(), "closed") {
			t.Errorf("%s export lacks the ticket: %s", format, b.String())
		}
	}
}
