package tickets

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The helpers below are the one place the program makes a file durable.
// Each copy of this sequence written by hand had left out a different step
// (an fsync of the data, of the directory, the removal of the temporary
// file), so every package that must not lose or half-write a file calls
// these instead.

// WriteFileAtomic replaces path with what fill writes, so that path holds
// either its old content or the whole new one, even across a crash: fill
// writes a temporary file in the same directory (a rename across file
// systems is not atomic), which is given perm, fsynced, closed, renamed
// over path, and then the directory is fsynced so that the rename itself
// survives. On any failure the temporary file is removed and path is left
// as it was. fill must not close the file.
func WriteFileAtomic(path string, perm fs.FileMode, fill func(*os.File) error) error {
	tmp, err := writeTemp(path, perm, fill)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// CreateFileAtomic is WriteFileAtomic for a file that must never be
// replaced once it exists (a salt, whose loss would orphan every record
// keyed by it): the temporary file is hard-linked to path, which fails
// when path exists, even when another process creates it at the same
// moment. Then it returns an error satisfying errors.Is(err, fs.ErrExist)
// and leaves path untouched. Where the file system has no hard links it
// fails rather than fall back to a rename that could replace path.
func CreateFileAtomic(path string, perm fs.FileMode, fill func(*os.File) error) error {
	tmp, err := writeTemp(path, perm, fill)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // path keeps its own link to the data
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// writeTemp writes a fsynced and closed temporary file beside path and
// returns its name. It is hidden and named after path, so that a leftover
// from a crash is neither taken for a real file by whatever reads the
// directory nor hard to trace.
func writeTemp(path string, perm fs.FileMode, fill func(*os.File) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	err = fill(f)
	if err == nil {
		err = f.Chmod(perm) // CreateTemp makes 0600 whatever was asked
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// SyncDir fsyncs a directory. A file created, renamed or linked in it is
// not sure to survive a crash until its directory entry is on disk too.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// CopyFile copies src to dst (created 0600 when missing, emptied first
// when not) and fsyncs it, for a scratch file that a failed earlier run
// may have left behind.
func CopyFile(src, dst string) error {
	return copyFile(src, dst, os.O_TRUNC)
}

// CopyFileNew is CopyFile for a dst that must not exist yet: it fails
// with fs.ErrExist rather than overwrite a file it did not expect.
func CopyFileNew(src, dst string) error {
	return copyFile(src, dst, os.O_EXCL)
}

func copyFile(src, dst string, flag int) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|flag, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
