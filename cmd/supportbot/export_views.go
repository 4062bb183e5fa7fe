package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/mostvn/supportbot/tickets"
)

// exportRecorded runs Store.Export into w and records, on each ticket that
// left with personal data, a view by the operator ("export"). The IDs are
// read back from the export's own bytes with the format's parser, as they
// stream out: what is recorded is exactly what was written, also when the
// export fails half-way.
func exportRecorded(a *app, st *tickets.Store, w io.Writer, format string) error {
	pr, pw := io.Pipe()
	type result struct {
		ids []string
		err error
	}
	done := make(chan result, 1)
	go func() {
		ids, err := exportedIDs(pr, format)
		pr.CloseWithError(err) // a parse error fails the export's next write
		io.Copy(io.Discard, pr)
		done <- result{ids, err}
	}()
	err := st.Export(io.MultiWriter(w, pw), format)
	pw.CloseWithError(err)
	res := <-done
	if err == nil && res.err != nil {
		err = fmt.Errorf("tickets: export: read back the IDs to record the views: %w", res.err)
	}
	if len(res.ids) > 0 {
		if verr := st.RecordViews(res.ids, operatorActor(a), "export"); verr != nil {
			err = errors.Join(err, verr)
		}
	}
	return err
}

// exportedIDs reads an export stream and returns the IDs of the tickets
// in it that still had personal data (not anonymised).
func exportedIDs(r io.Reader, format string) ([]string, error) {
	var ids []string
	switch format {
	case tickets.FormatJSONL:
		dec := json.NewDecoder(r)
		for {
			var tk struct {
				ID         string    `json:"id"`
				Anonymised time.Time `json:"anonymised_at"`
			}
			if err := dec.Decode(&tk); err == io.EOF {
				return ids, nil
			} else if err != nil {
				return ids, err
			}
			if tk.Anonymised.IsZero() {
				ids = append(ids, tk.ID)
			}
		}
	case tickets.FormatCSV:
		cr := csv.NewReader(r)
		head, err := cr.Read()
		if err == io.EOF {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		idCol, anonCol := slices.Index(head, "id"), slices.Index(head, "anonymised_at")
		if idCol < 0 || anonCol < 0 {
			return nil, fmt.Errorf("csv header %v lacks id or anonymised_at", head)
		}
		for {
			row, err := cr.Read()
			if err == io.EOF {
				return ids, nil
			} else if err != nil {
				return ids, err
			}
			if row[anonCol] == "" {
				ids = append(ids, row[idCol])
			}
		}
	}
	return nil, fmt.Errorf("unknown format %q", format)
}
