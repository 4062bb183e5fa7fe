package bot_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/tickets"
)

// The officer erased in these tests: an id, a name and words found nowhere
// else, so that a scan for them finds only what is theirs.
const (
	erasedID   = "7350012345"
	erasedName = "Trần Erasmo"
)

// erasedWords are the officer's words: an answered question, two
// tickets' questions, a follow-up, a failed message.
var erasedNeedles = []string{erasedID, "Erasmo", "kiwibanana", "quokkaform", "zebrafile", "AgADerasmo"}

// erasedOfficer is the setting of the erasure tests: an officer who asked
// a question the bot answered, whose message failed (a ticket was opened
// to apologise), who opened two tickets, got a staff reply in one and
// followed up with a photo the bot keeps, who follows a deadline and got an
// announcement, with a reply to them still waiting in the outbox.
type erasedOfficer struct {
	h       *stHarness
	tickets []string // the officer's tickets, oldest first
	kept    string   // the photo the bot keeps under dataDir
	dataDir string
}

func newErasedOfficer(t *testing.T) *erasedOfficer {
	t.Helper()
	h := newStaffHarness(t, bot.StaffOptions{})
	o := &erasedOfficer{h: h, dataDir: t.TempDir()}
	msg := func(text string) bot.Message {
		m := h.msg(erasedID, text)
		m.UserName = erasedName
		return m
	}
	isCard := func(r rtSent) bool {
		return r.Channel == bot.Slack && r.Kind == outbox.KindMessage && strings.HasPrefix(r.Ref, "triage:")
	}

	h.kb.set("thutuc", rtAnswer())
	h.add(msg("thutuc kiwibanana?"))
	h.want("the answer", toOfficer(erasedID))

	h.add(msg("fail! quokkaform broken"))
	h.want("the apology", toOfficer(erasedID))
	o.tickets = append(o.tickets, h.want("the apology's card", isCard).TicketID)

	id1, c1, _ := h.openWith(msg("quokkaform first question"))
	id2, _, _ := h.openWith(msg("quokkaform second question"))
	o.tickets = append(o.tickets, id1, id2)

	h.add(h.inThreadMsg("U1", bot.RoleStaff, c1.ID, "Chào anh, xem Điều 5"))
	h.want("the staff reply", func(r rtSent) bool { return toOfficer(erasedID)(r) && strings.Contains(r.Text, "Điều 5") })
	o.kept = filepath.Join(o.dataDir, "files", "erasmo.jpg")
	if err := os.MkdirAll(filepath.Dir(o.kept), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(o.kept, []byte("a photo of kiwibanana"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := msg("zebrafile follow-up")
	f.Files = []bot.File{{From: bot.Telegram, ID: "AgADerasmo", Name: "erasmo.jpg", Mime: "image/jpeg", Path: o.kept}}
	h.add(f)
	h.want("the follow-up's confirmation", toOfficer(erasedID))
	h.want("the follow-up in the thread", inThread(id1, "zebrafile"))

	// A follow in the schedules, as /theodoi stores it.
	err := h.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("schedules_follows"))
		if err != nil {
			return err
		}
		return b.Put([]byte("telegram:"+erasedID+"\x00bc-quy"), []byte("+"))
	})
	if err != nil {
		t.Fatal(err)
	}
	// An announcement reaches them.
	b, err := bot.NewBroadcaster(h.db, h.outbox, bot.BroadcastOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Start("Thông báo về báo cáo quý", bot.Audience{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Step(); err != nil {
		t.Fatal(err)
	}
	h.want("the announcement", toOfficer(erasedID))
	// A reply that cannot go yet: an edit of a message never recorded.
	if err := h.outbox.Enqueue(bot.Reply{Channel: bot.Telegram, ChatID: erasedID, Kind: outbox.KindUpdate,
		Ref: "never-sent", Text: "kiwibanana, still waiting"}); err != nil {
		t.Fatal(err)
	}
	if got := tracesInDB(t, h.db, erasedNeedles...); len(got) == 0 {
		t.Fatal("the setting left no trace of the officer to erase")
	}
	return o
}

func TestEraseLeavesNoTraceOfTheOfficer(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	before := map[string]tickets.State{}
	for _, id := range o.tickets {
		before[id] = h.ticket(id).State
	}
	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{DataDir: o.dataDir})
	rep, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, ChatID: erasedID,
		Lang: "vi", Why: "officer request", By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + erasedID, Name: erasedName}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tickets != len(o.tickets) || rep.Entries == 0 || rep.Files != 1 {
		t.Errorf("report: %+v, want %d tickets, some entries, one file", rep, len(o.tickets))
	}

	// Staff see the cards and the relays of the officer's words erased.
	for _, id := range o.tickets {
		c := h.want("the erased card of "+id, func(r rtSent) bool {
			return card(id, outbox.KindUpdate)(r) && strings.Contains(r.Text, "Luật 91/2025/QH15")
		})
		mustContain(t, c.Text, id, "Nội dung đã được xoá theo yêu cầu của cán bộ (Luật 91/2025/QH15)")
		mustNotContain(t, c.Text, "quokkaform", "Erasmo")
		if got := field(c.Reply, "Trạng thái"); got != tickets.StateLabel(before[id], "vi") {
			t.Errorf("card of %s shows state %q", id, got)
		}
		h.want("the erased question of "+id, func(r rtSent) bool {
			return r.Kind == outbox.KindUpdate && r.Ref == "said:"+id+":q" && strings.Contains(r.Text, "đã được xoá")
		})
	}
	h.want("the erased follow-up", func(r rtSent) bool {
		return r.Kind == outbox.KindUpdate && strings.HasPrefix(r.Ref, "said:"+o.tickets[1]+":") && !strings.HasSuffix(r.Ref, ":q")
	})
	conf := h.want("the confirmation", func(r rtSent) bool { return toOfficer(erasedID)(r) && strings.Contains(r.Text, "ẩn danh") })
	mustContain(t, conf.Text, "3 phiếu")
	h.none("the waiting reply", func(r rtSent) bool { return strings.Contains(r.Text, "still waiting") })

	if err := e.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}

	// The tickets stay, anonymised, in their states, and the chain holds.
	for _, id := range o.tickets {
		tk := h.ticket(id)
		if tk.State != before[id] || tk.UserID != "" || tk.ChatID != "" || tk.Text != "" || tk.Anonymised.IsZero() {
			t.Errorf("ticket %s after the erasure: %+v", id, tk)
		}
	}
	vr, err := h.store.Verify(context.Background())
	if err != nil || !vr.OK() {
		t.Errorf("verify: %v, %+v", err, vr)
	}
	if _, err := os.Stat(o.kept); !os.IsNotExist(err) {
		t.Errorf("the kept photo is still there: %v", err)
	}
	if got := tracesInDB(t, h.db, erasedNeedles...); len(got) > 0 {
		t.Errorf("the database still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
	if got := tracesInFile(t, h.db.Path(), erasedNeedles...); len(got) > 0 {
		t.Errorf("the database file still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
}

// An erasure cut short runs again (a stored request does, after a crash):
// running a finished one again finds nothing to erase, records nothing
// more and tells nobody.
func TestEraseRunsAgainWithoutHarm(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	regDir := t.TempDir()
	e := newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{})
	req := bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, Why: "operator request", By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:operator"}}
	if _, err := e.Erase(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	rep, err := e.Erase(context.Background(), req)
	if !errors.Is(err, bot.ErrNothingToErase) {
		t.Errorf("a second run: %v, want ErrNothingToErase", err)
	}
	if rep.Tickets != 0 {
		t.Errorf("a second run anonymised %d tickets", rep.Tickets)
	}
	if recs := registerRecords(t, regDir); len(recs) != 1 {
		t.Errorf("the register holds %d records, want the one erasure", len(recs))
	}
	h.none("a confirmation", func(r rtSent) bool { return toOfficer(erasedID)(r) && strings.Contains(r.Text, "ẩn danh") })
	vr, err := h.store.Verify(context.Background())
	if err != nil || !vr.OK() {
		t.Errorf("verify: %v, %+v", err, vr)
	}
	if got := tracesInDB(t, h.db, erasedNeedles...); len(got) > 0 {
		t.Errorf("the database still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
}

func TestEraseRequestSurvivesARestart(t *testing.T) {
	o := newErasedOfficer(t)
	h := o.h
	req := bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, ChatID: erasedID, Lang: "en", Why: "officer request",
		By: tickets.Actor{Kind: tickets.ActorOfficer, ID: "telegram:" + erasedID}}
	if err := h.db.Update(func(tx *bolt.Tx) error { return bot.RequestErase(tx, req) }); err != nil {
		t.Fatal(err)
	}
	// The process stops before any Eraser ran; the next one finds the
	// request stored and carries it out.
	regDir := t.TempDir()
	e := newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{})
	if n, err := e.Pending(); err != nil || n != 1 {
		t.Fatalf("pending requests: %d, %v", n, err)
	}
	done := make(chan error, 10)
	bot.SetEraseHook(e, func(err error) { done <- err })
	runEraser(t, e)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	conf := h.want("the confirmation", func(r rtSent) bool { return toOfficer(erasedID)(r) && strings.Contains(r.Text, "anonymised") })
	mustContain(t, conf.Text, "Support tickets kept anonymised: 3")
	if n, err := e.Pending(); err != nil || n != 0 {
		t.Errorf("pending requests after the run: %d, %v", n, err)
	}
	for _, id := range o.tickets {
		if tk := h.ticket(id); tk.Anonymised.IsZero() {
			t.Errorf("ticket %s is not anonymised", id)
		}
	}
	reg, err := bot.OpenErasureRegister(regDir)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := reg.Records()
	if err != nil || len(recs) != 1 || !slices.Equal(recs[0].Tickets, o.tickets) {
		t.Errorf("register: %+v, %v; want one record of %v", recs, err, o.tickets)
	}
	if !reg.Matches(bot.Telegram, erasedID) {
		t.Error("the register does not know the officer was erased")
	}

	// A request stored while Run runs is carried out at once; one of an
	// officer the bot holds nothing about is answered so (as /xoadulieu
	// is), dropped, and not recorded.
	if err := h.db.Update(func(tx *bolt.Tx) error {
		return bot.RequestErase(tx, bot.EraseRequest{Channel: bot.Telegram, UserID: "555", ChatID: "555", Lang: "vi", Why: "officer request"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, bot.ErrNothingToErase) {
		t.Errorf("the request of a nobody: %v, want ErrNothingToErase", err)
	}
	h.want("the answer to the nobody", func(r rtSent) bool {
		return toOfficer("555")(r) && strings.Contains(r.Text, "Không có gì để xoá")
	})
	if n, err := e.Pending(); err != nil || n != 0 {
		t.Errorf("pending requests after the second: %d, %v", n, err)
	}
	if recs := registerRecords(t, regDir); len(recs) != 1 {
		t.Errorf("the register holds %d records, want the one erasure", len(recs))
	}
}

func TestRequestEraseRefusesAnIncompleteRequest(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	err := h.db.Update(func(tx *bolt.Tx) error { return bot.RequestErase(tx, bot.EraseRequest{Channel: bot.Telegram}) })
	if err == nil || !strings.Contains(err.Error(), "user id") {
		t.Errorf("err = %v, want a refusal naming the user id", err)
	}
}

// A knowledge draft written from the officer's ticket keeps its answer
// and loses the question, wherever it stood.
func TestEraseErasesTheQuestionFromKnowledgeDrafts(t *testing.T) {
	kb := t.TempDir()
	h := newStaffHarness(t, bot.StaffOptions{KnowledgeDir: kb})
	id, _, _ := h.open("100", "Cơ quan nào cấp giấy phép kiwibanana?") // resolveAs answers officer 100
	h.resolveAs("U1", id, map[string]string{"answer": "Sở KH&CN cấp giấy phép.", "propose": "true"})
	h.want("the draft in the thread", inThread(id, "📚"))
	draft := filepath.Join(kb, "review", id+".md")
	b, err := os.ReadFile(draft)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(b), "kiwibanana")

	// The draft is found from the ticket's log, wherever it was written.
	e := newEraser(t, h.db, h.store, h.outbox, "", bot.EraserOptions{})
	rep, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: "100", Why: "officer request",
		By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:operator"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Drafts != 1 {
		t.Errorf("report: %+v, want one draft", rep)
	}
	b, err = os.ReadFile(draft)
	if err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, string(b), "kiwibanana", "Cơ quan nào cấp")
	mustContain(t, string(b), "id: ticket-"+strings.ToLower(id), `title: "(Nội dung câu hỏi đã được xoá theo Luật 91/2025/QH15.)"`,
		"## Câu hỏi\n\n(Nội dung câu hỏi đã được xoá theo Luật 91/2025/QH15.)", "Sở KH&CN cấp giấy phép.")
}

// Erasing an officer the bot holds nothing about erases nothing and
// records nothing: a record would make status report backups holding
// erased data when nothing was erased.
func TestEraseOfAnOfficerNobodyKnowsRecordsNothing(t *testing.T) {
	h := newStaffHarness(t, bot.StaffOptions{})
	other, _, _ := h.open("4242", "quokkaform of someone else")
	regDir := t.TempDir()
	e := newEraser(t, h.db, h.store, h.outbox, regDir, bot.EraserOptions{})
	rep, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: "99999", Why: "operator request",
		By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:operator"}})
	if !errors.Is(err, bot.ErrNothingToErase) || rep.Tickets != 0 || rep.Entries != 0 {
		t.Errorf("erase of a nobody: %+v, %v; want ErrNothingToErase", rep, err)
	}
	if recs := registerRecords(t, regDir); len(recs) != 0 {
		t.Errorf("the register holds %+v after erasing nothing", recs)
	}
	if tk := h.ticket(other); tk.UserID != "4242" || !tk.Anonymised.IsZero() {
		t.Errorf("another officer's ticket changed: %+v", tk)
	}

	// A reply still waiting for a chat is something held about its
	// officer, who has no ticket and no record: erased, and recorded.
	if err := h.outbox.Enqueue(bot.Reply{Channel: bot.Telegram, ChatID: "31337", Kind: outbox.KindUpdate,
		Ref: "never-sent", Text: "kiwibanana, still waiting"}); err != nil {
		t.Fatal(err)
	}
	rep, err = e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: "31337", Why: "operator request",
		By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:operator"}})
	if err != nil || rep.Entries == 0 {
		t.Errorf("erase of an officer with a waiting reply: %+v, %v", rep, err)
	}
	if recs := registerRecords(t, regDir); len(recs) != 1 {
		t.Errorf("the register holds %d records, want the erasure of the waiting reply's officer", len(recs))
	}
	if got := tracesInDB(t, h.db, "kiwibanana"); len(got) > 0 {
		t.Errorf("the waiting reply is still stored:\n%s", strings.Join(got, "\n"))
	}
}

// registerRecords reads the register under dir as a new process would.
func registerRecords(t *testing.T, dir string) []bot.ErasureRecord {
	t.Helper()
	reg, err := bot.OpenErasureRegister(dir)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := reg.Records()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// A data directory only the command line has used holds tickets but no
// inbox yet: erasing and re-applying work there all the same.
func TestEraseOnADatabaseWithoutAnInbox(t *testing.T) {
	db, st, out := openBotDB(t, t.TempDir())
	created, _, err := st.Create(tickets.NewTicket{Channel: "telegram", UserID: erasedID, ChatID: erasedID, UserName: erasedName,
		Text: "quokkaform from the command line", Source: "telegram:1"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID
	regDir := t.TempDir()
	e := newEraser(t, db, st, out, regDir, bot.EraserOptions{})
	rep, err := e.Erase(context.Background(), bot.EraseRequest{Channel: bot.Telegram, UserID: erasedID, Why: "operator request",
		By: tickets.Actor{Kind: tickets.ActorStaff, ID: "cli:operator"}})
	if err != nil || rep.Tickets != 1 {
		t.Fatalf("erase: %+v, %v; want one ticket anonymised", rep, err)
	}
	if tk, err := st.Get(id); err != nil || tk.Anonymised.IsZero() {
		t.Errorf("ticket %s after the erasure: %+v, %v", id, tk, err)
	}
	if _, err := newEraser(t, db, st, out, regDir, bot.EraserOptions{}).ReapplyAll(context.Background()); err != nil {
		t.Errorf("re-apply: %v", err)
	}
	if got := tracesInFile(t, db.Path(), erasedNeedles...); len(got) > 0 {
		t.Errorf("the database file still holds the officer's data:\n%s", strings.Join(got, "\n"))
	}
}
