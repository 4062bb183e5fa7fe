package schedules

import (
	"errors"

	bolt "go.etcd.io/bbolt"
)

// ForgetOfficer deletes in tx what the schedules keep about officer
// ("telegram:12345"): STUB.
func ForgetOfficer(tx *bolt.Tx, officer string) (int, error) {
	return 0, errors.New("schedules: forget not implemented yet")
}
