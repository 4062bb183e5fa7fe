package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/schedules"
	"github.com/mostvn/supportbot/tickets"
)

// The final transaction of an erasure: everything the bot keeps about the
// officer besides their tickets is deleted, by bucket:
//
//	bot_officers               their record (channel 0x00 user id)
//	bot_inbox (+ _pending,     entries they sent, whatever their state: decoded and
//	  _failed, _poison)        matched; undecodable ones by the ids in their bytes
//	bot_questions              questions they asked (decoded and matched)
//	bot_links, bot_sent        the bot's messages in their private chat
//	bot_announcement_to        their copy of each announcement; an announcement's
//	                           cursor that names them moves to the officer before
//	bot_erase_requests         their stored requests
//	bot_outbox*                every item, dead letter, ref and limit of their chat
//	                           (outbox.Forget)
//	schedules_*                their deadline follows and reminders
//	                           (schedules.ForgetOfficer)
//
// The dedupe keys (bot_inbox_seen) stay: a channel's update id or event id
// says nothing of the officer (Telegram's update_id), and the key is what
// stops a redelivered update from being handled twice.
//
// The big buckets (the inbox's entries, the questions) are read beforehand
// in read transactions (scanOfficer), so that the write transaction only
// deletes what was found and checks what arrived since.
//
// The inbox's buckets may not exist (a data directory only the command
// line has used): every read here takes a missing bucket for an empty one.

// officerScan is what scanOfficer found.
type officerScan struct {
	inbox       [][]byte // keys of bot_inbox or bot_inbox_poison holding the officer's messages
	inboxSeq    uint64   // bot_inbox's sequence then: later entries are checked in the final transaction
	questions   [][]byte // keys of bot_questions holding their questions
	questionSeq uint64   // bot_questions' sequence then
}

// finalResult is what the final transaction did.
type finalResult struct {
	batchResult      // tickets opened while the batches ran, anonymised there
	entries     int  // entries deleted
	confirmed   bool // a confirmation was queued
}

// scanOfficer finds, in a read transaction, the inbox entries and questions
// of req's officer.
func (e *Eraser) scanOfficer(req EraseRequest) (officerScan, error) {
	var s officerScan
	err := e.db.View(func(tx *bolt.Tx) error {
		s = officerScan{}
		in := tx.Bucket(bucketInbox)
		if in != nil {
			s.inboxSeq = in.Sequence()
		}
		for _, b := range []*bolt.Bucket{in, tx.Bucket(bucketInboxPoison)} {
			if b == nil {
				continue
			}
			err := b.ForEach(func(k, v []byte) error {
				if req.inboxEntry(v) {
					s.inbox = append(s.inbox, bytes.Clone(k))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		q := tx.Bucket(bucketQuestions)
		s.questionSeq = q.Sequence()
		return q.ForEach(func(k, v []byte) error {
			if req.question(v) {
				s.questions = append(s.questions, bytes.Clone(k))
			}
			return nil
		})
	})
	if err != nil {
		return s, fmt.Errorf("scan the officer's entries: %w", err)
	}
	return s, nil
}

// finalTx deletes, in one transaction, everything else the bot keeps about
// req's officer (see the file comment), anonymising first any ticket they
// opened while the batches ran; then, with mode.confirm and a chat to tell,
// queues the confirmation (total tickets) and its follow-up.
func (e *Eraser) finalTx(req EraseRequest, scan officerScan, mode eraseMode, total int, by tickets.Actor) (finalResult, error) {
	var res finalResult
	err := e.st.Batch(func(ttx *tickets.Tx) error {
		res = finalResult{} // afresh on each run: fn may run twice
		tx := ttx.Bolt()
		late, err := ttx.ReporterTickets(string(req.Channel), req.UserID)
		if err != nil {
			return fmt.Errorf("list tickets: %w", err)
		}
		if len(late) > 0 {
			if res.batchResult, err = e.anonymiseTx(ttx, late, by, req.Why, ersCardErased); err != nil {
				return err
			}
		}
		n, err := forgetOfficerTx(tx, req, scan, mode.reqKey)
		if err != nil {
			return err
		}
		res.entries += n
		if n, err = e.out.Forget(tx, outbox.Forget{Channel: req.Channel, ChatID: req.privateChat(), UserID: req.UserID}); err != nil {
			return fmt.Errorf("forget the chat in the outbox: %w", err)
		}
		res.entries += n
		if n, err = schedules.ForgetOfficer(tx, req.officerID()); err != nil {
			return fmt.Errorf("forget the officer's deadlines: %w", err)
		}
		res.entries += n
		if !mode.confirm || req.ChatID == "" {
			return nil
		}
		// After the outbox forgot the chat, or it would forget this too;
		// NoTrace: its delivery records nothing of the chat again.
		lang := normLang(req.Lang)
		if lang == "" {
			lang = LangVI
		}
		confirm := Reply{Channel: req.Channel, ChatID: req.ChatID, Text: erasedText(lang, max(total+res.tickets, mode.told)), NoTrace: true}
		if err := e.out.EnqueueTx(tx, confirm); err != nil {
			return fmt.Errorf("queue the confirmation: %w", err)
		}
		if err := e.putFollowUp(tx, req.Channel, req.ChatID); err != nil {
			return err
		}
		res.confirmed = true
		return nil
	})
	if err != nil {
		return finalResult{}, fmt.Errorf("final transaction: %w", err)
	}
	return res, nil
}

// erasedText is the confirmation of an erasure that kept n tickets
// anonymised: without the tickets' part when there were none.
func erasedText(lang string, n int) string {
	if n == 0 {
		return tr(lang, txtPrivacyErasedNone)
	}
	return tr(lang, eraseConfirmKey, n)
}

// errDryRun rolls back holdsAnything's transaction.
var errDryRun = errors.New("dry run")

// holdsAnything reports whether the final transaction would delete
// anything of req's officer, who has no ticket: scan found their inbox
// entries or questions, or, in a write transaction rolled back, the
// deletions of the final transaction find something (a record, links,
// outbox items, follows…). The outbox is asked last: its Forget holds the
// items it finds back from sending until a commit that never comes (for
// at most a minute), and those are the items the erasure then deletes.
func (e *Eraser) holdsAnything(req EraseRequest, scan officerScan) (bool, error) {
	if len(scan.inbox) > 0 || len(scan.questions) > 0 {
		return true, nil
	}
	held := false
	err := e.db.Update(func(tx *bolt.Tx) error {
		held = false
		n, err := forgetOfficerTx(tx, req, scan, nil)
		if err != nil {
			return err
		}
		if n == 0 {
			if n, err = schedules.ForgetOfficer(tx, req.officerID()); err != nil {
				return fmt.Errorf("look at the officer's deadlines: %w", err)
			}
		}
		if n == 0 {
			if n, err = e.out.Forget(tx, outbox.Forget{Channel: req.Channel, ChatID: req.privateChat(), UserID: req.UserID}); err != nil {
				return fmt.Errorf("look at the outbox: %w", err)
			}
		}
		held = n > 0
		return errDryRun
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return false, fmt.Errorf("look for the officer's entries: %w", err)
	}
	return held, nil
}

// forgetOfficerTx deletes from the bot's own buckets what they hold about
// req's officer (see the file comment), and the stored request reqKey. It
// returns how many entries it deleted.
func forgetOfficerTx(tx *bolt.Tx, req EraseRequest, scan officerScan, reqKey []byte) (int, error) {
	n := 0
	del := func(b *bolt.Bucket, k []byte) error {
		if b == nil || b.Get(k) == nil {
			return nil
		}
		n++
		return b.Delete(k)
	}
	okey := officerKey(req.Channel, req.UserID)
	if err := forgetAnnouncementsTx(tx, req, okey, &n); err != nil {
		return n, fmt.Errorf("forget announcement copies: %w", err)
	}
	if err := del(tx.Bucket(bucketOfficers), okey); err != nil {
		return n, err
	}

	in, pending, failed, poison := tx.Bucket(bucketInbox), tx.Bucket(bucketInboxPending), tx.Bucket(bucketInboxFailed), tx.Bucket(bucketInboxPoison)
	keys := scan.inbox
	for _, b := range []*bolt.Bucket{in, poison} {
		if b == nil {
			continue
		}
		c := b.Cursor()
		for k, v := c.Seek(seqKey(scan.inboxSeq + 1)); k != nil; k, v = c.Next() {
			if req.inboxEntry(v) {
				keys = append(keys, bytes.Clone(k)) // arrived while the batches ran
			}
		}
	}
	get := func(b *bolt.Bucket, k []byte) []byte {
		if b == nil {
			return nil
		}
		return b.Get(k)
	}
	for _, k := range keys {
		v := get(in, k)
		if v == nil {
			v = get(poison, k)
		}
		if v == nil || !req.inboxEntry(v) {
			continue // handled since, or reused: cannot happen, keys are sequences
		}
		for _, b := range []*bolt.Bucket{in, pending, failed, poison} {
			if err := del(b, k); err != nil {
				return n, fmt.Errorf("delete inbox entry: %w", err)
			}
		}
	}

	q := tx.Bucket(bucketQuestions)
	keys = scan.questions
	for seq := scan.questionSeq + 1; seq <= q.Sequence(); seq++ {
		keys = append(keys, []byte(strconv.FormatUint(seq, 36)))
	}
	for _, k := range keys {
		if v := q.Get(k); v != nil && req.question(v) {
			if err := del(q, k); err != nil {
				return n, fmt.Errorf("delete question: %w", err)
			}
		}
	}

	prefix := linkKey(req.Channel, req.privateChat(), "")
	for _, name := range [][]byte{bucketLinks, bucketBotSent} {
		b := tx.Bucket(name)
		if b == nil {
			continue
		}
		var ks [][]byte // collected first: deleting under a cursor may skip keys
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ks = append(ks, bytes.Clone(k))
		}
		for _, k := range ks {
			if err := del(b, k); err != nil {
				return n, fmt.Errorf("delete %s entry: %w", name, err)
			}
		}
	}

	reqs := tx.Bucket(bucketEraseRequests)
	var ks [][]byte
	err := reqs.ForEach(func(k, v []byte) error {
		var r EraseRequest
		if bytes.Equal(k, reqKey) || json.Unmarshal(v, &r) == nil && r.Channel == req.Channel && r.UserID == req.UserID {
			ks = append(ks, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	for _, k := range ks {
		if err := reqs.Delete(k); err != nil {
			return n, fmt.Errorf("delete erase request: %w", err)
		}
	}
	return n, nil
}

// forgetAnnouncementsTx deletes the officer's copy record of every
// announcement, and moves a cursor that names the officer (whose record is
// about to go) to the officer before, so that enqueueing resumes in the
// right place without keeping their key. A database where no Broadcaster
// ran has no announcements.
func forgetAnnouncementsTx(tx *bolt.Tx, req EraseRequest, okey []byte, n *int) error {
	anns, to := tx.Bucket(bucketAnn), tx.Bucket(bucketAnnTo)
	if anns == nil || to == nil {
		return nil
	}
	type moved struct {
		id  []byte
		ann Announcement
	}
	var cursors []moved
	err := anns.ForEach(func(id, v []byte) error {
		k := annToKey(string(id), req.Channel, req.UserID)
		if to.Get(k) != nil {
			if err := to.Delete(k); err != nil {
				return err
			}
			*n++
		}
		var a Announcement
		if err := json.Unmarshal(v, &a); err != nil || !bytes.Equal(a.Cursor, okey) {
			return nil // an unreadable announcement is Broadcaster's to report
		}
		cursors = append(cursors, moved{bytes.Clone(id), a})
		return nil
	})
	if err != nil || len(cursors) == 0 {
		return err
	}
	c := tx.Bucket(bucketOfficers).Cursor()
	var prev []byte
	if k, _ := c.Seek(okey); k != nil {
		k, _ = c.Prev()
		prev = bytes.Clone(k)
	} else if k, _ := c.Last(); k != nil {
		prev = bytes.Clone(k)
	}
	for _, m := range cursors {
		m.ann.Cursor = prev // nil: from the first officer again, whose copies are recorded
		if err := putAnnouncement(tx, &m.ann); err != nil {
			return err
		}
		*n++
	}
	return nil
}

// inboxEntry reports whether the stored inbox entry v is the officer's: a
// message they sent, or one in their private chat. An entry that cannot be
// decoded is the officer's if its bytes name them.
func (r EraseRequest) inboxEntry(v []byte) bool {
	var e struct {
		Msg struct {
			Channel Channel `json:"channel"`
			ChatID  string  `json:"chat_id"`
			UserID  string  `json:"user_id"`
		} `json:"msg"`
	}
	if json.Unmarshal(v, &e) != nil {
		return r.namedIn(v)
	}
	m := e.Msg
	return m.Channel == r.Channel && (m.UserID == r.UserID || m.ChatID == r.privateChat())
}

// question reports whether the stored question v is the officer's.
func (r EraseRequest) question(v []byte) bool {
	var q struct {
		Channel Channel `json:"channel"`
		ChatID  string  `json:"chat_id"`
		UserID  string  `json:"user_id"`
	}
	if json.Unmarshal(v, &q) != nil {
		return r.namedIn(v)
	}
	return q.Channel == r.Channel && (q.UserID == r.UserID || q.ChatID == r.privateChat())
}

// namedIn reports whether the raw bytes v name the officer as a JSON user
// or chat id: the test for what cannot be decoded.
func (r EraseRequest) namedIn(v []byte) bool {
	for _, f := range []struct{ name, id string }{{"user_id", r.UserID}, {"chat_id", r.privateChat()}} {
		id, _ := json.Marshal(f.id)
		if bytes.Contains(v, append([]byte(`"`+f.name+`":`), id...)) {
			return true
		}
	}
	return false
}
