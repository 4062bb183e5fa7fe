package tickets

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Export formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// CSVHeader is the first row of a CSV export.
var CSVHeader = []string{
	"id", "state", "channel", "chat_id", "user_id", "user_name", "lang", "province", "commune",
	"topic", "priority", "created_at", "updated_at", "assignee", "first_response_due",
	"resolution_due", "first_response_at", "resolved_at", "source", "messages",
	"delivery_failures", "text", "anonymised_at",
}

// exportChunk is how many tickets one read transaction copies out, so a slow
// writer (a pipe, a terminal) never holds a read transaction open for long.
const exportChunk = 500

// Export writes every ticket, oldest first, to w: FormatJSONL (one Ticket
// JSON per line, internal notes included: it is a staff export) or
// FormatCSV (CSVHeader, one row per ticket; cells that a spreadsheet would
// run as a formula are prefixed with '). Other formats return ErrInvalid.
// Anonymised tickets are exported too, their erased fields empty and
// anonymised_at set. Recording the export as a view of each ticket
// (RecordViews) is the caller's part: it knows who asked.
func (s *Store) Export(w io.Writer, format string) error {
	bw := bufio.NewWriter(w)
	var write func(*Ticket) error
	var cw *csv.Writer
	switch strings.ToLower(format) {
	case FormatJSONL:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(tk *Ticket) error { return enc.Encode(tk) }
	case FormatCSV:
		cw = csv.NewWriter(bw)
		if err := cw.Write(CSVHeader); err != nil {
			return fmt.Errorf("tickets: export: %w", err)
		}
		write = func(tk *Ticket) error { return cw.Write(csvRow(tk)) }
	default:
		return &ValidationError{Field: "format", Problem: fmt.Sprintf("%q is unknown", format), Accepted: FormatCSV + ", " + FormatJSONL}
	}
	var from uint64 = 1
	for {
		var batch []*Ticket
		err := s.view(func(btx *bolt.Tx) error {
			t := s.Tx(btx)
			tb, err := t.bucket(bucketTickets)
			if err != nil {
				return err
			}
			c := tb.Cursor()
			for k, v := c.Seek(be64(from)); k != nil && len(batch) < exportChunk; k, v = c.Next() {
				tk := new(Ticket)
				if err := decodeTicket(v, tk); err != nil {
					return fmt.Errorf("tickets: export: decode %x: %w", k, err)
				}
				batch = append(batch, tk)
				from = binary.BigEndian.Uint64(k) + 1
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, tk := range batch {
			if err := write(tk); err != nil {
				return fmt.Errorf("tickets: export: %w", err)
			}
		}
		if len(batch) < exportChunk {
			break
		}
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("tickets: export: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tickets: export: %w", err)
	}
	return nil
}

func csvRow(tk *Ticket) []string {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	row := []string{
		tk.ID, string(tk.State), tk.Channel, tk.ChatID, tk.UserID, tk.UserName, tk.Lang, tk.Province, tk.Commune,
		tk.Topic, tk.Priority, ts(tk.Created), ts(tk.Updated), tk.Assignee, ts(tk.FirstResponseDue),
		ts(tk.ResolutionDue), ts(tk.FirstResponseAt), ts(tk.ResolvedAt), tk.Source,
		strconv.Itoa(len(tk.Messages)), strconv.Itoa(len(tk.DeliveryFailures)), tk.Text, ts(tk.Anonymised),
	}
	for i, c := range row {
		row[i] = defuseCell(c)
	}
	return row
}

// defuseCell keeps a spreadsheet from running officer-typed text such as
// "=HYPERLINK(…)" as a formula (CSV injection).
func defuseCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
