package knowledge

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// ReviewDir is the folder name LoadDir skips at any depth: drafts written
// from tickets wait there until a person checks them and moves them into
// the corpus.
const ReviewDir = "review"

// LoadError is one knowledge file that could not be loaded. Line is 1-based;
// 0 means the problem is not tied to a line (the file could not be read).
// Err wraps one of the sentinel errors (ErrFrontMatterSyntax, ErrMissingKey,
// ErrBadValue, ErrDuplicateID, ErrInvalidUTF8, ...) or an I/O error.
type LoadError struct {
	Path string
	Line int
	Err  error
}

// Error renders the error as editors and compilers do, "path:line: msg",
// so a terminal can jump to it.
func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *LoadError) Unwrap() error { return e.Err }

// LoadDir reads every *.md knowledge file under fsys (for example
// os.DirFS(kbDir) or DefaultCorpus()). It skips README.md files, folders
// named "review" (see ReviewDir) and names starting with "." or "_".
//
// A file that cannot be loaded (bad YAML, a missing required key, a bad
// date, invalid UTF-8, an id already used by a file earlier in path order)
// is reported as a LoadError and every other file still loads. Entries and
// errors are returned in lexical path order, so the same tree always gives
// the same result; of two files with the same id, the first in that order
// wins. Entry.Path is the slash-separated path inside fsys.
func LoadDir(fsys fs.FS) ([]Entry, []LoadError) {
	var entries []Entry
	var errs []LoadError
	firstPath := map[string]string{} // id -> path of the file that holds it

	walkErr := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, LoadError{Path: p, Err: err})
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (name == ReviewDir || skippedName(name)) {
				return fs.SkipDir
			}
			return nil
		}
		if skippedName(name) || !strings.EqualFold(path.Ext(name), ".md") || strings.EqualFold(name, "README.md") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, LoadError{Path: p, Err: err})
			return nil
		}
		e, err := ParseMarkdown(p, data)
		if err != nil {
			var le *LoadError
			if errors.As(err, &le) {
				errs = append(errs, *le)
			} else {
				errs = append(errs, LoadError{Path: p, Err: err})
			}
			return nil
		}
		if first, dup := firstPath[e.ID]; dup {
			errs = append(errs, LoadError{Path: p, Line: idLine(data), Err: fmt.Errorf("%w: %q is already used by %s", ErrDuplicateID, e.ID, first)})
			return nil
		}
		firstPath[e.ID] = p
		entries = append(entries, e)
		return nil
	})
	if walkErr != nil {
		errs = append(errs, LoadError{Path: ".", Err: walkErr})
	}
	return entries, errs
}

// skippedName reports hidden and scratch names (".git", "_draft.md", and
// the temporary folders Import writes before it swaps them in).
func skippedName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// idLine finds the line of the "id:" key in a file that parsed, for the
// duplicate-id report.
func idLine(data []byte) int {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "id:") {
			return i + 1
		}
	}
	return 1
}
