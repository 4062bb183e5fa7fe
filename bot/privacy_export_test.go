package bot

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// PutLegacyOfficer stores a registered officer's record as versions
// before the privacy notice left it: no consent.
func PutLegacyOfficer(db *bolt.DB, ch Channel, user, province, commune, role string, at time.Time) error {
	return db.Update(func(tx *bolt.Tx) error {
		o := &officer{Channel: ch, UserID: user, Name: "Cán bộ " + user, Province: province, Commune: commune,
			Role: role, Registered: at, stored: true}
		return saveOfficer(tx, o)
	})
}

// Agree stores, for ch's user who has no record yet, the record left by
// agreeing to the privacy notice (RecordConsent). An existing record is
// left as it is.
func Agree(db *bolt.DB, ch Channel, user string, at time.Time) error {
	return db.Update(func(tx *bolt.Tx) error {
		if o, err := loadOfficer(tx, ch, user); err != nil || o.stored {
			return err
		}
		return RecordConsent(tx, ch, user, at)
	})
}
