package tickets_test

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

// The raw layout below is what an attacker (or a careless hand with the
// bbolt CLI) would edit.
func eventKey(seq uint64, n uint32) []byte {
	k := binary.BigEndian.AppendUint64(nil, seq)
	return binary.BigEndian.AppendUint32(k, n)
}

// history builds a store with two tickets of several events each.
func history(t *testing.T) *tickets.Store {
	s, _ := openStore(t, tickets.Options{Now: newClock().Now})
	for range 2 {
		tk := create(t, s, question("Hỏi về giấy phép viễn thông"))
		transition(t, s, tk.ID, tickets.StateClaimed, staff)
		addMessage(t, s, tk.ID, tickets.ConvMessage{From: staff, Text: "Trả lời"})
		transition(t, s, tk.ID, tickets.StateResolved, staff)
	}
	mustVerify(t, s)
	return s
}

func raw(t *testing.T, s *tickets.Store, fn func(tx *bolt.Tx) error) {
	t.Helper()
	if err := s.DB().Update(fn); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(tx *bolt.Tx) error
		want   string
	}{
		{"edited event", func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("ticket_events"))
			var e map[string]any
			json.Unmarshal(b.Get(eventKey(1, 2)), &e)
			e["actor"] = map[string]any{"kind": "staff", "id": "slack:U666"}
			v, _ := json.Marshal(e)
			return b.Put(eventKey(1, 2), v)
		}, "HT-000001 event 2: event content does not match its hash"},
		{"deleted middle event", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("ticket_events")).Delete(eventKey(2, 2))
		}, "HT-000002"},
		{"deleted last event", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("ticket_events")).Delete(eventKey(1, 4))
		}, "HT-000001: record counts 4 events, log has 3"},
		{"edited ticket", func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("tickets"))
			key := binary.BigEndian.AppendUint64(nil, 2)
			v := strings.Replace(string(b.Get(key)), "Trả lời", "Trả lờj", 1) // same length: still decodes
			return b.Put(key, []byte(v))
		}, "HT-000002: record differs from the one its last event wrote"},
		{"garbled ticket", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("tickets")).Put(binary.BigEndian.AppendUint64(nil, 2), []byte{1, 200, 3})
		}, "HT-000002: record does not decode"},
		{"deleted ticket", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("tickets")).Delete(binary.BigEndian.AppendUint64(nil, 1))
		}, "HT-000001: ticket missing"},
		{"stale index entry", func(tx *bolt.Tx) error {
			k := append([]byte("Hà Nội\x00new\x00"), binary.BigEndian.AppendUint64(nil, 2)...)
			return tx.Bucket([]byte("ticket_idx_province")).Put(k, nil)
		}, "stale entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := history(t)
			raw(t, s, tc.tamper)
			rep, err := s.Verify(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("Verify passed a tampered store")
			}
			var all []string
			for _, p := range rep.Problems {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("problems %q do not mention %q", all, tc.want)
			}
		})
	}
}

func TestEventsChain(t *testing.T) {
	s := history(t)
	evs, err := s.Events("HT-000001")
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for i, e := range evs {
		kinds = append(kinds, e.Kind)
		if e.Seq != i+1 || (i > 0 && e.Prev != evs[i-1].Hash) || len(e.Hash) != 64 {
			t.Errorf("event %d: seq %d prev %.8s hash %.8s", i, e.Seq, e.Prev, e.Hash)
		}
	}
	if want := "created transition message transition"; strings.Join(kinds, " ") != want {
		t.Errorf("kinds %v, want %s", kinds, want)
	}
	if evs[3].From != tickets.StateClaimed || evs[3].To != tickets.StateResolved || evs[3].Actor != staff {
		t.Errorf("last event %+v", evs[3])
	}
}

// A corrupt ticket key far beyond the last ID is reported without walking
// the whole gap: the report stays capped and the rest is counted.
func TestVerifyCapsAHugeGap(t *testing.T) {
	s := history(t)
	raw(t, s, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("tickets")).Put(binary.BigEndian.AppendUint64(nil, 1<<40), []byte{1})
	})
	r, err := s.Verify(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) == 0 || len(r.Problems) > 1000 || r.Omitted < 1<<30 {
		t.Errorf("problems %d, omitted %d: want a capped list and the rest counted", len(r.Problems), r.Omitted)
	}
}
