package bot

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketOfficers holds one officer record per channel user.
var bucketOfficers = []byte("bot_officers") // channel 0x00 user id -> officer JSON

// Roles an officer can register with; the stored value is the code.
const (
	roleCommune  = "commune"
	roleProvince = "province"
	roleOther    = "other"
)

var roles = []struct {
	code  string
	label textKey
}{
	{roleCommune, txtRoleCommune}, {roleProvince, txtRoleProvince}, {roleOther, txtRoleOther},
}

// Registration steps: what the officer's next plain message answers.
const (
	stepProvince = "province"
	stepCommune  = "commune"
	stepRole     = "role"
)

// focusFor is how long after /phieu HT-… (or a message into a ticket) the
// officer's plain messages keep going into that ticket.
const focusFor = 30 * time.Minute

// officer is what the bot remembers about one user of one channel.
type officer struct {
	Channel    Channel   `json:"channel"`
	UserID     string    `json:"user_id"`
	Name       string    `json:"name,omitempty"`
	Lang       string    `json:"lang,omitempty"` // chosen with /lang; "" follows the client's language
	Province   string    `json:"province,omitempty"`
	Commune    string    `json:"commune,omitempty"`
	Role       string    `json:"role,omitempty"`
	Registered time.Time `json:"registered,omitzero"`

	// Step is the registration question waiting for an answer ("" when
	// none); Draft* hold the answers until the last one, so that /cancel
	// leaves an earlier registration intact.
	Step          string `json:"step,omitempty"`
	DraftProvince string `json:"draft_province,omitempty"`
	DraftCommune  string `json:"draft_commune,omitempty"`

	// Focus is the ticket the officer's next plain messages go into, until
	// FocusUntil.
	Focus      string    `json:"focus,omitempty"`
	FocusUntil time.Time `json:"focus_until,omitzero"`

	// Consented is when the officer agreed to the privacy notice, Notice
	// the version they agreed to (privacy_notice.go); zero for records
	// made before the notice existed. NoticeShown is the latest version
	// shown to them unasked, so that it is shown once.
	Consented   time.Time `json:"consented,omitzero"`
	Notice      int       `json:"notice,omitempty"`
	NoticeShown int       `json:"notice_shown,omitempty"`

	// stored says the record was read from bbolt, not made up for a
	// sender who has none.
	stored bool
}

func (o *officer) registered() bool { return !o.Registered.IsZero() }

// consented reports whether the officer agreed to the privacy notice: only
// then does the bot open tickets for them or keep a new record of them.
func (o *officer) consented() bool { return !o.Consented.IsZero() }

// keepable reports whether saveOfficer writes o: an officer who has not
// agreed gets no record, while one stored before the notice existed keeps
// theirs until they decline or erase it.
func (o *officer) keepable() bool { return o.stored || o.consented() }

// focused returns the ticket plain messages go into at now, or "".
func (o *officer) focused(now time.Time) string {
	if o.Focus != "" && now.Before(o.FocusUntil) {
		return o.Focus
	}
	return ""
}

// lang picks the reply language: the officer's choice, then the client's
// language, then Vietnamese.
func (o *officer) lang(clientCode string) string {
	if o.Lang != "" {
		return o.Lang
	}
	if l := normLang(clientCode); l != "" {
		return l
	}
	return LangVI
}

// profile renders "commune, province (role)" in lang, escaped.
func (o *officer) profile(lang string) string {
	role := o.Role
	for _, r := range roles {
		if r.code == o.Role {
			role = tr(lang, r.label)
		}
	}
	return tr(lang, txtProfile, esc(o.Commune), esc(o.Province), esc(role))
}

func officerKey(ch Channel, userID string) []byte {
	return []byte(string(ch) + "\x00" + userID)
}

// loadOfficer returns the record of m's sender, or a fresh one.
func loadOfficer(tx *bolt.Tx, ch Channel, userID string) (*officer, error) {
	o := &officer{Channel: ch, UserID: userID}
	v := tx.Bucket(bucketOfficers).Get(officerKey(ch, userID))
	if v == nil {
		return o, nil
	}
	if err := json.Unmarshal(v, o); err != nil {
		return nil, fmt.Errorf("decode officer %s/%s: %w", ch, userID, err)
	}
	o.stored = true
	return o, nil
}

// saveOfficer writes o, unless it is the record of an officer who has not
// agreed to the privacy notice and had none (keepable): every path that
// would remember such a sender (a language, a focus, a registration step,
// a staff reply's focus) stops here.
func saveOfficer(tx *bolt.Tx, o *officer) error {
	if !o.keepable() {
		return nil
	}
	v, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode officer %s/%s: %w", o.Channel, o.UserID, err)
	}
	if err := tx.Bucket(bucketOfficers).Put(officerKey(o.Channel, o.UserID), v); err != nil {
		return err
	}
	o.stored = true
	return nil
}

// deleteOfficer deletes the record of ch's user userID, if any.
func deleteOfficer(tx *bolt.Tx, ch Channel, userID string) error {
	return tx.Bucket(bucketOfficers).Delete(officerKey(ch, userID))
}
