package bot

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// PutOfficer stores an officer record as the notice's Agree, /start and registration leave
// it, for tests that need many officers.
func PutOfficer(db *bolt.DB, ch Channel, user, province, role string) error {
	return db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketOfficers); err != nil {
			return err
		}
		at := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
		o := &officer{Channel: ch, UserID: user, Name: "Cán bộ " + user, Province: province, Role: role, Consented: at, Notice: noticeVersion}
		if province != "" {
			o.Registered = at
		}
		return saveOfficer(tx, o)
	})
}
