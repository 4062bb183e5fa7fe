package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/mostvn/supportbot/tickets"
	bolt "go.etcd.io/bbolt"
)

// ticketOptions maps the configuration to the store's options.
func ticketOptions(cfg Config, now func() time.Time) (tickets.Options, error) {
	opts := tickets.Options{
		SLA: tickets.SLAPolicy{
			Urgent: tickets.Targets{FirstResponse: cfg.SLAUrgentFirst, Resolution: cfg.SLAUrgentResolve},
			Normal: tickets.Targets{FirstResponse: cfg.SLANormalFirst, Resolution: cfg.SLANormalResolve},
		},
		Now: now,
	}
	if cfg.HolidaysFile != "" {
		cal, err := tickets.LoadCalendar(cfg.HolidaysFile)
		if err != nil {
			return tickets.Options{}, fmt.Errorf("%s: %w", keyHolidaysFile, err)
		}
		opts.Calendar = cal
	}
	return opts, nil
}

// openStore opens the data directory's database and the ticket store on
// it. The caller calls the returned close. A data directory held by a
// running bot fails at once with tickets.ErrLocked.
func openStore(a *app, cfg Config) (*tickets.Store, *bolt.DB, error) {
	opts, err := ticketOptions(cfg, a.now)
	if err != nil {
		return nil, nil, err
	}
	db, err := tickets.OpenDB(cfg.DataDir)
	if err != nil {
		return nil, nil, lockedHint(a, err)
	}
	st, err := tickets.NewStore(db, opts)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return st, db, nil
}

// lockedHint adds what to do when the data directory is held by the bot.
func lockedHint(a *app, err error) error {
	if isLocked(err) {
		return fmt.Errorf("%w\n%s", err, a.tr(
			"Bot đang chạy và giữ thư mục dữ liệu; dừng bot rồi chạy lại lệnh, hoặc dùng một thư mục sao lưu.",
			"The bot is running and holds the data directory; stop it and run the command again, or use a backup's directory."))
	}
	return err
}

// withStore runs fn on the configured ticket store and closes it. When the
// bot holds the data directory, the whole command is forwarded to it
// through its admin socket instead (fn does not run here).
func withStore(a *app, fn func(st *tickets.Store) error) error {
	if a.live != nil {
		return fn(a.live.store)
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	// A running bot answers on its socket at once; opening the database
	// would first wait out the lock timeout.
	if ferr := forward(a, cfg); !errors.Is(ferr, errNoAdmin) {
		return ferr
	}
	st, db, err := openStore(a, cfg)
	if err != nil {
		return err
	}
	err = fn(st)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close database: %w", cerr)
	}
	return err
}

func ticketsListCommand() *command {
	return &command{
		name: "tickets list", args: "[--state S] [--province P] [--topic T] [--breached | --due-within D] [--limit N] [--json]",
		vi: "Liệt kê phiếu, mới nhất trước", en: "List tickets, newest first",
		viLong: "--state nhận một hoặc nhiều trạng thái cách nhau bởi dấu phẩy (" + statesList() + "), hoặc \"open\" cho mọi phiếu chưa xong.\n" +
			"--breached và --due-within dùng cho trực ca: các phiếu chưa xong đã quá hạn SLA, hoặc sắp đến hạn, hạn gần nhất trước.",
		enLong: "--state takes one or more comma-separated states (" + statesList() + "), or \"open\" for every ticket still needing work.\n" +
			"--breached and --due-within are for on-call triage: open tickets past an SLA target, or due soon, most urgent first.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			state := fs.String("state", "", a.tr("lọc theo `TRẠNG_THÁI` (phân tách bằng dấu phẩy; open = chưa xong)", "filter by `STATE` (comma-separated; open = not done)"))
			province := fs.String("province", "", a.tr("lọc theo `TỈNH` (có dấu hoặc không)", "filter by `PROVINCE` (with or without tone marks)"))
			topic := fs.String("topic", "", a.tr("lọc theo `CHỦ_ĐỀ`: ", "filter by `TOPIC`: ")+strings.Join(tickets.Topics, ", "))
			limit := fs.Int("limit", 0, a.tr("tối đa `N` phiếu (0 = tất cả)", "at most `N` tickets (0 = all)"))
			asJSON := fs.Bool("json", false, a.tr("in mảng JSON các phiếu", "print a JSON array of tickets"))
			breached := fs.Bool("breached", false, a.tr("chỉ các phiếu chưa xong đã quá hạn SLA", "only open tickets past an SLA target"))
			dueWithin := fs.Duration("due-within", 0, a.tr("chỉ các phiếu chưa xong sẽ đến hạn SLA trong `THỜI_GIAN` (ví dụ 1h)", "only open tickets whose SLA target falls within `DURATION` (e.g. 1h)"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: ticketsListCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				if *breached && *dueWithin != 0 || *dueWithin < 0 || (*breached || *dueWithin != 0) && *state != "" {
					return &usageError{cmd: ticketsListCommand(), msg: a.tr(
						"--breached và --due-within (lớn hơn 0) không dùng cùng nhau, cũng không cùng --state",
						"--breached and --due-within (above 0) go alone, and not with --state")}
				}
				f := tickets.Filter{Province: *province, Topic: *topic, Limit: *limit}
				for s := range strings.SplitSeq(*state, ",") {
					switch s = strings.TrimSpace(s); s {
					case "":
					case "open":
						f.Open = true
					default:
						st, err := tickets.ParseState(s)
						if err != nil {
							return &usageError{cmd: ticketsListCommand(), msg: err.Error()}
						}
						f.State = append(f.State, st)
					}
				}
				return withStore(a, func(st *tickets.Store) error {
					var ts []*tickets.Ticket
					var err error
					if *breached || *dueWithin > 0 {
						ts, err = slaList(st, f, a.now(), *breached, *dueWithin)
					} else {
						ts, err = st.List(f)
					}
					if err != nil {
						return err
					}
					if *asJSON {
						if ts == nil {
							ts = []*tickets.Ticket{}
						}
						return writeJSON(a.stdout, ts)
					}
					writeTicketTable(a, a.stdout, ts)
					return nil
				})
			}
		},
	}
}

// slaList returns the open tickets past an SLA target (breached) or due
// within the given duration, most urgent first, narrowed to f's province,
// topic and limit.
func slaList(st *tickets.Store, f tickets.Filter, now time.Time, breached bool, within time.Duration) ([]*tickets.Ticket, error) {
	var province, topic string
	if f.Province != "" || f.Topic != "" {
		var okP, okT bool
		province, okP = tickets.NormalizeProvince(f.Province)
		if topic, okT = tickets.NormalizeTopic(f.Topic); f.Topic == "" {
			topic = ""
		}
		if !okP || !okT {
			return st.List(f) // the store's own validation error names what is accepted
		}
	}
	var ts []*tickets.Ticket
	err := st.View(func(tx *tickets.Tx) error {
		var err error
		if breached {
			ts, err = tx.Breached(now)
		} else {
			ts, err = tx.DueSoon(now, within)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	ts = slices.DeleteFunc(ts, func(t *tickets.Ticket) bool {
		return province != "" && t.Province != province || topic != "" && t.Topic != topic
	})
	if f.Limit > 0 && len(ts) > f.Limit {
		ts = ts[:f.Limit]
	}
	return ts, nil
}

func statesList() string {
	s := make([]string, len(tickets.States))
	for i, st := range tickets.States {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// writeTicketTable prints one line per ticket.
func writeTicketTable(a *app, w io.Writer, ts []*tickets.Ticket) {
	if len(ts) == 0 {
		fmt.Fprintln(w, a.tr("Không có phiếu nào.", "No tickets."))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, a.tr("MÃ\tTRẠNG THÁI\tƯU TIÊN\tTỈNH\tCHỦ ĐỀ\tTẠO LÚC\tNỘI DUNG", "ID\tSTATE\tPRIORITY\tPROVINCE\tTOPIC\tCREATED\tTEXT"))
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.State, t.Priority, dash(t.Province), t.Topic,
			t.Created.Local().Format("2006-01-02 15:04"), oneLine(t.Text, 60))
	}
	tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine flattens s to one line of at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func ticketsShowCommand() *command {
	return &command{
		name: "tickets show", args: "ID [--json]",
		vi: "Xem một phiếu: người báo, trạng thái, hạn SLA, hội thoại và lịch sử", en: "Show one ticket: reporter, state, SLA, conversation and history",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in phiếu dạng JSON", "print the ticket as JSON"))
			return func(ctx context.Context, args []string) error {
				if err := wantArgs(a, ticketsShowCommand(), args, 1, a.tr("đúng một mã phiếu, ví dụ HT-000042", "exactly one ticket ID, such as HT-000042")); err != nil {
					return err
				}
				return withStore(a, func(st *tickets.Store) error {
					var t *tickets.Ticket
					var evs []tickets.Event
					// The view is recorded in the transaction that reads
					// the ticket: nobody sees it unrecorded, and the view
					// lists itself.
					err := st.Update(func(tx *tickets.Tx) error {
						if err := tx.RecordView(args[0], operatorActor(a), "cli tickets show"); err != nil {
							return err
						}
						var err error
						if t, err = tx.Get(args[0]); err != nil {
							return err
						}
						evs, err = tx.Events(t.ID)
						return err
					})
					if err != nil {
						return err
					}
					if *asJSON {
						return writeJSON(a.stdout, t)
					}
					writeTicket(a, a.stdout, t, evs)
					return nil
				})
			}
		},
	}
}

// writeTicket prints a ticket for staff, internal notes included.
func writeTicket(a *app, w io.Writer, t *tickets.Ticket, evs []tickets.Event) {
	const layout = "2006-01-02 15:04:05"
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row(a.tr("Mã", "ID"), t.ID)
	row(a.tr("Trạng thái", "State"), string(t.State))
	row(a.tr("Ưu tiên", "Priority"), t.Priority)
	row(a.tr("Chủ đề", "Topic"), t.Topic)
	if t.Anonymised.IsZero() {
		row(a.tr("Người báo", "Reporter"), fmt.Sprintf("%s (%s, chat %s, %s)", dash(t.UserName), t.Reporter(), t.ChatID, t.Lang))
	} else {
		row(a.tr("Người báo", "Reporter"), fmt.Sprintf(a.tr("đã ẩn danh lúc %s", "anonymised at %s"), t.Anonymised.Local().Format(layout)))
	}
	row(a.tr("Địa bàn", "Locality"), strings.Trim(dash(t.Province)+" / "+t.Commune, " /"))
	row(a.tr("Phụ trách", "Assignee"), dash(t.Assignee))
	row(a.tr("Tạo lúc", "Created"), t.Created.Local().Format(layout))
	row(a.tr("Hạn phản hồi", "First response due"), t.FirstResponseDue.Local().Format(layout))
	row(a.tr("Hạn giải quyết", "Resolution due"), t.ResolutionDue.Local().Format(layout))
	tw.Flush()
	text := t.Text
	if !t.Anonymised.IsZero() {
		text = a.tr("(đã xoá)", "(erased)")
	}
	fmt.Fprintf(w, "\n%s\n%s\n", a.tr("Câu hỏi:", "Question:"), text)
	if len(t.Hits) > 0 {
		fmt.Fprintf(w, "\n%s\n", a.tr("Kết quả tri thức đã hiển thị:", "Knowledge hits shown:"))
		for _, h := range t.Hits {
			fmt.Fprintf(w, "  - %s [%s] %s %s\n", h.Title, h.ID, strings.TrimSpace(h.Article+" "+h.Document), h.Source)
		}
	}
	if len(t.Messages) > 0 {
		fmt.Fprintf(w, "\n%s\n", a.tr("Hội thoại:", "Conversation:"))
		for _, m := range t.Messages {
			mark := ""
			if m.Internal {
				mark = a.tr(" (nội bộ)", " (internal)")
			}
			fmt.Fprintf(w, "  %s %s %s%s: %s\n", m.At.Local().Format(layout), m.Direction, m.From.ID, mark, m.Text)
		}
	}
	if len(t.DeliveryFailures) > 0 {
		fmt.Fprintf(w, "\n%s\n", a.tr("Gửi thất bại:", "Delivery failures:"))
		for _, f := range t.DeliveryFailures {
			fmt.Fprintf(w, "  %s %s\n", f.At.Local().Format(layout), f.Reason)
		}
	}
	var views []tickets.Event
	fmt.Fprintf(w, "\n%s\n", a.tr("Lịch sử:", "History:"))
	for _, e := range evs {
		if e.Kind == tickets.EventViewed {
			views = append(views, e)
			continue
		}
		change := e.Kind
		if e.From != "" || e.To != "" {
			change += fmt.Sprintf(" %s→%s", e.From, e.To)
		}
		who := dash(e.Actor.ID)
		if e.Erased && e.Actor.ID == "" {
			who = a.tr("(đã xoá)", "(erased)") // an officer's id, sealed under the deleted key
		}
		fmt.Fprintf(w, "  %d %s %s %s %s\n", e.Seq, e.At.Local().Format(layout), who, change, e.Note)
	}
	// Who saw the officer's personal data, and through what.
	fmt.Fprintf(w, "\n%s\n", a.tr("Lượt xem dữ liệu cá nhân:", "Views of the personal data:"))
	if len(views) == 0 {
		fmt.Fprintf(w, "  -\n")
	}
	for _, e := range views {
		fmt.Fprintf(w, "  %s %s %s\n", e.At.Local().Format(layout), dash(e.Actor.ID), e.Note)
	}
}

// writeJSON writes v as indented JSON, with <, > and & left as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// isLocked reports whether err says another process holds the data directory.
func isLocked(err error) bool { return errors.Is(err, tickets.ErrLocked) }

// newCompactJSON is an encoder writing one value per line, <, > and & kept.
func newCompactJSON(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
