package outbox_test

import (
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
)

// Queued looks at the queue in a read transaction: it asks match about
// every queued item but bulk ones, in enqueue order, stops at the first it
// matches, and changes nothing.
func TestQueuedLooksWithoutForgetting(t *testing.T) {
	db := obTempDB(t)
	o, err := outbox.New(db, outbox.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	bulk := obReply("1", "announcement")
	bulk.Bulk = true
	confirm := obReply(fgChat, "erased")
	confirm.NoTrace = true
	if err := o.Enqueue(obReply("1", "first"), bulk, confirm, obReply("2", "last")); err != nil {
		t.Fatal(err)
	}
	look := func(match func(outbox.Reply) bool) bool {
		t.Helper()
		var found bool
		err := db.View(func(tx *bolt.Tx) error {
			var err error
			found, err = o.Queued(tx, match)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return found
	}

	var asked []string
	if look(func(r outbox.Reply) bool { asked = append(asked, r.Text); return false }) {
		t.Error("Queued: true for a match that matches nothing")
	}
	if want := []string{"first", "erased", "last"}; !slices.Equal(asked, want) {
		t.Errorf("asked about %q, want %q (bulk items are not asked about)", asked, want)
	}
	asked = nil
	if !look(func(r outbox.Reply) bool { asked = append(asked, r.Text); return r.NoTrace && r.ChatID == fgChat }) {
		t.Error("Queued: the confirmation is not found")
	}
	if want := []string{"first", "erased"}; !slices.Equal(asked, want) {
		t.Errorf("asked about %q, want %q (it stops at the first match)", asked, want)
	}
	if look(func(r outbox.Reply) bool { return r.Text == "announcement" }) {
		t.Error("Queued: a bulk item was asked about")
	}
	if look(nil) {
		t.Error("Queued: true for a nil match")
	}
	if n, _ := o.Depth(); n != 4 {
		t.Errorf("depth %d after looking, want 4", n)
	}

	// Once forgotten, the confirmation is no longer queued.
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := o.Forget(tx, outbox.Forget{Match: func(r outbox.Reply) bool { return r.NoTrace }})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if look(func(r outbox.Reply) bool { return r.NoTrace }) {
		t.Error("Queued: the forgotten confirmation is still found")
	}

	// A transaction of another database is refused.
	other := obTempDB(t)
	err = other.View(func(tx *bolt.Tx) error {
		_, err := o.Queued(tx, func(outbox.Reply) bool { return true })
		return err
	})
	if err == nil {
		t.Error("Queued: a transaction of another database is accepted")
	}
}
