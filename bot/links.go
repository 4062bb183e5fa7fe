package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
)

// Buckets that tie the conversation together.
var (
	// bucketLinks maps a message the bot sent about a ticket to the ticket,
	// so that an officer's reply to it joins the ticket's conversation. The
	// Router prunes links older than LinkRetention once their ticket is
	// done with. Values written before the time was recorded are the bare
	// ticket id.
	bucketLinks = []byte("bot_links") // channel 0x00 chat id 0x00 message id -> ticket id 0x00 time linked (8-byte unix ns)
	// bucketQuestions keeps each answered question under a short ref that
	// the feedback buttons carry ("fb:no:<ref>" fits Telegram's 64 bytes of
	// callback data), so that "not helpful" can open a ticket with the
	// question and the hits that were shown. The Router prunes questions
	// asked more than QuestionRetention ago.
	bucketQuestions = []byte("bot_questions") // ref -> askedQuestion JSON
)

// Callback data prefixes of the buttons.
const (
	cbHelpful    = "fb:ok:"
	cbNotHelpful = "fb:no:"
	cbLang       = "lang:"
)

// askedQuestion is one question the bot answered or half-answered.
type askedQuestion struct {
	Ref      string            `json:"ref"`
	Channel  Channel           `json:"channel"`
	ChatID   string            `json:"chat_id"`
	UserID   string            `json:"user_id"`
	UserName string            `json:"user_name,omitempty"`
	Text     string            `json:"text"`
	Verdict  knowledge.Verdict `json:"verdict"`
	Topic    string            `json:"topic,omitempty"`
	Hits     []tickets.HitRef  `json:"hits"` // what was shown, best first
	At       time.Time         `json:"at"`
	Feedback string            `json:"feedback,omitempty"` // "ok" or "no", the last press
	Ticket   string            `json:"ticket,omitempty"`   // opened by "not helpful"
}

func linkKey(ch Channel, chatID, msgID string) []byte {
	return []byte(string(ch) + "\x00" + chatID + "\x00" + msgID)
}

// linkedTicket returns the ticket a bot message is about, or "".
func linkedTicket(tx *bolt.Tx, ch Channel, chatID, msgID string) string {
	if msgID == "" {
		return ""
	}
	v := tx.Bucket(bucketLinks).Get(linkKey(ch, chatID, msgID))
	if v == nil {
		return ""
	}
	id, _, _ := decodeLink(v)
	return id
}

// putLink links a sent message to a ticket, dated at.
func putLink(tx *bolt.Tx, ch Channel, chatID, msgID, ticketID string, at time.Time) error {
	return tx.Bucket(bucketLinks).Put(linkKey(ch, chatID, msgID), linkValue(ticketID, at))
}

// saveQuestion stores q under a new short ref (base 36 of a sequence) and
// returns the ref.
func saveQuestion(tx *bolt.Tx, q *askedQuestion) (string, error) {
	b := tx.Bucket(bucketQuestions)
	seq, err := b.NextSequence()
	if err != nil {
		return "", err
	}
	q.Ref = strconv.FormatUint(seq, 36)
	return q.Ref, putQuestion(tx, q)
}

func putQuestion(tx *bolt.Tx, q *askedQuestion) error {
	v, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("encode question %s: %w", q.Ref, err)
	}
	return tx.Bucket(bucketQuestions).Put([]byte(q.Ref), v)
}

// questionIssued reports whether ref is one saveQuestion handed out: with
// the question gone, it was pruned for its age.
func questionIssued(tx *bolt.Tx, ref string) bool {
	seq, err := strconv.ParseUint(ref, 36, 64)
	return err == nil && seq > 0 && strconv.FormatUint(seq, 36) == ref &&
		seq <= tx.Bucket(bucketQuestions).Sequence()
}

// loadQuestion returns the question under ref, or nil when there is none.
func loadQuestion(tx *bolt.Tx, ref string) (*askedQuestion, error) {
	v := tx.Bucket(bucketQuestions).Get([]byte(ref))
	if v == nil {
		return nil, nil
	}
	q := new(askedQuestion)
	if err := json.Unmarshal(v, q); err != nil {
		return nil, fmt.Errorf("decode question %s: %w", ref, err)
	}
	return q, nil
}

// hitRefs keeps what a ticket needs of the hits that were shown.
func hitRefs(hs []knowledge.Hit) []tickets.HitRef {
	out := make([]tickets.HitRef, 0, len(hs))
	for _, h := range hs {
		out = append(out, tickets.HitRef{ID: h.ID, Title: h.Title, Document: h.Document, Article: h.Article, Source: h.Source})
	}
	return out
}
