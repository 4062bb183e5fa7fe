package tickets

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func openTestStore(t *testing.T) *Store {
	t.Helper()
	db, err := OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := NewStore(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func verifyOK(t *testing.T, s *Store) {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("Verify: %v %v", err, rep.Problems)
	}
}

// A ticket written before sealing existed has no key and its first event
// names the officer in clear. It gets a key at its next change; erasure
// clears its record but cannot seal the old event (the package doc says so).
func TestLegacyTicketGetsKeyAtNextChange(t *testing.T) {
	s := openTestStore(t)
	officer := Actor{Kind: ActorOfficer, ID: "telegram:4242", Name: "Cũ"}
	var id string
	err := s.Update(func(tx *Tx) error {
		tk, _, err := tx.Create(NewTicket{Channel: "telegram", UserID: "4242", UserName: "Cũ", Text: "câu hỏi cũ"})
		id = tk.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Make it as an older program left it: the event in clear, no key.
	err = s.db.Update(func(tx *bolt.Tx) error {
		eb := tx.Bucket(bucketEvents)
		var e Event
		if err := json.Unmarshal(eb.Get(eventKey(1, 1)), &e); err != nil {
			return err
		}
		e.Actor = officer
		e.Hash = e.computeHash()
		v, _ := json.Marshal(e)
		if err := eb.Put(eventKey(1, 1), v); err != nil {
			return err
		}
		return tx.Bucket(bucketKeys).Delete(be64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s)
	key := func() []byte {
		var k []byte
		s.View(func(tx *Tx) error { k, _ = tx.ticketKey(1, false); return nil })
		return k
	}
	if key() != nil {
		t.Fatal("legacy ticket has a key")
	}
	err = s.Update(func(tx *Tx) error {
		_, err := tx.AddMessage(id, ConvMessage{From: officer, Text: "thêm"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if key() == nil {
		t.Fatal("no key after the legacy ticket's next change")
	}
	evs, err := s.Events(id)
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Actor != officer || evs[1].Actor != officer || evs[1].Note != "officer message" || evs[0].Erased || evs[1].Erased {
		t.Fatalf("events of the legacy ticket: %+v", evs)
	}
	s.db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bucketEvents).Get(eventKey(1, 2))); strings.Contains(v, "4242") {
			t.Errorf("event written after the upgrade holds the officer in clear: %s", v)
		}
		return nil
	})
	verifyOK(t, s)

	err = s.Update(func(tx *Tx) error { _, err := tx.Anonymise(id, systemActor, "officer request"); return err })
	if err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s)
	evs, _ = s.Events(id)
	if evs[0].Actor != officer {
		t.Errorf("the legacy event changed: %+v", evs[0])
	}
	if !evs[1].Erased || evs[1].Actor.ID != "" {
		t.Errorf("the sealed event after erasure: %+v", evs[1])
	}
	if key() != nil {
		t.Error("key kept after erasure")
	}
}

// A sealed value opens only where it was sealed: the ticket, the event and
// the field are its additional data.
func TestSealedValueBoundToItsPlace(t *testing.T) {
	key := make([]byte, keySize)
	aead, err := newAEAD(key)
	if err != nil {
		t.Fatal(err)
	}
	ev := seal(aead, Event{Ticket: "HT-000001", Seq: 2, Kind: EventMessage, Actor: Actor{Kind: ActorOfficer, ID: "telegram:1", Name: "A"}, Note: "n"})
	if !strings.HasPrefix(ev.Note, sealPrefix) || !strings.HasPrefix(ev.Actor.ID, sealPrefix) || ev.Actor.Kind != ActorOfficer {
		t.Fatalf("sealed event %+v", ev)
	}
	if got := unseal(aead, ev); got.Actor.ID != "telegram:1" || got.Actor.Name != "A" || got.Note != "n" || got.Erased {
		t.Fatalf("unsealed %+v", got)
	}
	moved := ev
	moved.Seq = 3
	if got := unseal(aead, moved); !got.Erased || got.Note != "" || got.Actor.ID != "" {
		t.Errorf("a value moved to another event opened: %+v", got)
	}
	swapped := ev
	swapped.Note = ev.Actor.ID
	if got := unseal(aead, swapped); !got.Erased || got.Note != "" {
		t.Errorf("a value moved to another field opened: %+v", got)
	}
	if got := unseal(nil, ev); !got.Erased || got.Note != "" || got.Actor.Name != "" || got.Actor.Kind != ActorOfficer {
		t.Errorf("opened without a key: %+v", got)
	}
	// Staff and the system are not personal data of the officer: their
	// names stay readable; a view's note too.
	staffEv := seal(aead, Event{Ticket: "HT-000001", Seq: 4, Kind: EventViewed, Actor: Actor{Kind: ActorStaff, ID: "slack:U1", Name: "Lan"}, Note: "slack show"})
	if staffEv.Actor.ID != "slack:U1" || staffEv.Actor.Name != "Lan" || staffEv.Note != "slack show" {
		t.Errorf("view by staff stored as %+v", staffEv)
	}
	// Text that merely looks sealed, in an event written before sealing, is shown as it is.
	if got := unseal(aead, Event{Note: "sealed: by hand"}); got.Note != "sealed: by hand" || got.Erased {
		t.Errorf("legacy note %+v", got)
	}
}
