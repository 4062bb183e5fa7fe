package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AnnouncementRetention is how long an announcement whose copies were all
// queued stays, with the record of who got it, for `broadcast status`.
// Past it the records (one per recipient) only grow the file; running the
// same text again then makes a new announcement.
const AnnouncementRetention = 90 * 24 * time.Hour

// pruneAnnouncements deletes the announcements created before cut whose
// copies were all queued, with their per-recipient records. A database
// where no Broadcaster ever ran has no such bucket: nothing to do.
func (r *Router) pruneAnnouncements(ctx context.Context, cut time.Time) (int, error) {
	exists := false
	if err := r.db.View(func(tx *bolt.Tx) error { exists = tx.Bucket(bucketAnn) != nil; return nil }); err != nil || !exists {
		return 0, err
	}
	return r.pruneBucket(ctx, bucketAnn, func(_ *bolt.Tx, k, v []byte) (bool, error) {
		var a Announcement
		if err := json.Unmarshal(v, &a); err != nil {
			return false, fmt.Errorf("announcement %s: %w", k, err)
		}
		return a.Enqueued && a.Created.Before(cut), nil
	}, dropAnnouncementTx)
}

// dropAnnouncementTx deletes the per-recipient records of announcement id.
func dropAnnouncementTx(tx *bolt.Tx, id []byte) error {
	to := tx.Bucket(bucketAnnTo)
	if to == nil {
		return nil
	}
	prefix := append(bytes.Clone(id), 0)
	var keys [][]byte // collected first: deleting under a cursor may skip keys
	c := to.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := to.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
