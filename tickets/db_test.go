package tickets_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/tickets"
)

func TestOpenDBLockedDirectoryFailsWithClearError(t *testing.T) {
	dir := t.TempDir()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = tickets.OpenDB(dir)
	if !errors.Is(err, tickets.ErrLocked) {
		t.Fatalf("second OpenDB = %v, want ErrLocked", err)
	}
	if want := "data directory " + dir + " is in use by another supportbot process"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestOpenDBStoresSchemaVersion(t *testing.T) {
	dir := t.TempDir()
	db, err := tickets.OpenDB(filepath.Join(dir, "new", "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := tickets.Schema(db); err != nil || v != tickets.SchemaVersion {
		t.Fatalf("Schema = %d, %v; want %d", v, err, tickets.SchemaVersion)
	}
}

// TestMigrateFromV0 builds a file in the v0 layout (JSON tickets and
// events, no indexes, no schema version) and checks that OpenDB rebuilds
// the indexes and that the JSON records still read and verify.
func TestMigrateFromV0(t *testing.T) {
	dir := t.TempDir()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := tickets.NewStore(db, tickets.Options{})
	for i, p := range []string{"Huế", "Huế", "Cà Mau"} {
		n := question("Câu hỏi về tần số vô tuyến điện nghiệp dư")
		n.Province = p
		n.Source = "telegram:" + string(rune('a'+i))
		create(t, s, n)
	}
	transition(t, s, "HT-000003", tickets.StateClaimed, staff)
	transition(t, s, "HT-000003", tickets.StateResolved, staff)
	// Schema 0 stored tickets as JSON.
	all, _ := s.List(tickets.Filter{})
	err = db.Update(func(tx *bolt.Tx) error {
		for _, tk := range all {
			seq, _ := tickets.ParseID(tk.ID)
			v, _ := json.Marshal(tk)
			if err := tx.Bucket([]byte("tickets")).Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
				return err
			}
		}
		for _, b := range []string{"ticket_idx_state", "ticket_idx_assignee", "ticket_idx_reporter", "ticket_idx_province", "ticket_idx_topic", "ticket_source", "ticket_terms", "ticket_doclen", "meta"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := tickets.Schema(db); v != 0 {
		t.Fatalf("fixture schema %d, want 0", v)
	}
	db.Close()

	db, err = tickets.OpenDB(dir)
	if err != nil {
		t.Fatalf("OpenDB(v0): %v", err)
	}
	defer db.Close()
	if v, _ := tickets.Schema(db); v != tickets.SchemaVersion {
		t.Fatalf("schema after migration %d", v)
	}
	s, err = tickets.NewStore(db, tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hue, err := s.List(tickets.Filter{Province: "hue", Open: true})
	if err != nil || len(hue) != 2 {
		t.Fatalf("List(Huế) after migration = %d tickets, %v", len(hue), err)
	}
	n := question("lại")
	n.Source = "telegram:a"
	if _, created, _ := s.Create(n); created {
		t.Error("source index not rebuilt: a redelivery opened a new ticket")
	}
	sim, err := s.Similar("tan so vo tuyen dien", 5)
	if err != nil || len(sim) != 1 || sim[0].ID != "HT-000003" {
		t.Errorf("Similar after migration = %+v, %v; want the resolved HT-000003", sim, err)
	}
	mustVerify(t, s)
}

func TestOpenDBRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	db, err := tickets.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 99})
	})
	db.Close()
	_, err = tickets.OpenDB(dir)
	if !errors.Is(err, tickets.ErrSchemaTooNew) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("OpenDB(newer) = %v, want ErrSchemaTooNew", err)
	}
}
