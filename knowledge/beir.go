package knowledge

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrBadDataset is wrapped by LoadBEIR when a file of the dataset is
// malformed; the message names the file and line.
var ErrBadDataset = errors.New("knowledge: malformed BEIR dataset")

// Dataset is a retrieval test set in BEIR layout.
type Dataset struct {
	Docs    []BEIRDoc
	Queries []BEIRQuery
	// Qrels maps a query ID to its relevant document IDs and their grades.
	Qrels map[string]map[string]int
}

// BEIRDoc is one line of corpus.jsonl.
type BEIRDoc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// BEIRQuery is one line of queries.jsonl.
type BEIRQuery struct {
	ID   string `json:"_id"`
	Text string `json:"text"`
}

// LoadBEIR reads dir/corpus.jsonl, dir/queries.jsonl and dir/qrels.tsv
// (tab-separated, with the header "query-id corpus-id score"). Errors wrap
// ErrBadDataset or the I/O error.
func LoadBEIR(dir string) (*Dataset, error) {
	ds := &Dataset{Qrels: map[string]map[string]int{}}
	if err := readJSONL(filepath.Join(dir, "corpus.jsonl"), func(line []byte) error {
		var d BEIRDoc
		if err := json.Unmarshal(line, &d); err != nil {
			return err
		}
		if d.ID == "" {
			return errors.New("missing _id")
		}
		ds.Docs = append(ds.Docs, d)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readJSONL(filepath.Join(dir, "queries.jsonl"), func(line []byte) error {
		var q BEIRQuery
		if err := json.Unmarshal(line, &q); err != nil {
			return err
		}
		if q.ID == "" {
			return errors.New("missing _id")
		}
		ds.Queries = append(ds.Queries, q)
		return nil
	}); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "qrels.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("knowledge: load BEIR: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || (n == 1 && strings.HasPrefix(line, "query-id")) {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("%w: %s:%d: want 3 tab-separated fields, got %d", ErrBadDataset, path, n, len(fields))
		}
		score, err := strconv.Atoi(strings.TrimSpace(fields[2]))
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d: score: %v", ErrBadDataset, path, n, err)
		}
		qid, did := fields[0], fields[1]
		if ds.Qrels[qid] == nil {
			ds.Qrels[qid] = map[string]int{}
		}
		ds.Qrels[qid][did] = score
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: load BEIR: %s: %w", path, err)
	}
	return ds, nil
}

func readJSONL(path string, each func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("knowledge: load BEIR: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 16<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		if err := each(line); err != nil {
			return fmt.Errorf("%w: %s:%d: %v", ErrBadDataset, path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("knowledge: load BEIR: %s: %w", path, err)
	}
	return nil
}
