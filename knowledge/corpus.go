package knowledge

import (
	"embed"
	"io/fs"
)

// corpusFiles is the starter knowledge base shipped inside the binary, so
// the bot answers on first run without a knowledge directory.
//
//go:embed corpus
var corpusFiles embed.FS

// DefaultCorpus returns the shipped starter corpus (the knowledge/corpus
// folder) as a file system rooted at that folder, ready for LoadDir.
func DefaultCorpus() fs.FS {
	sub, err := fs.Sub(corpusFiles, "corpus")
	if err != nil {
		// fs.Sub fails only on an invalid path name; "corpus" is valid.
		panic("knowledge: embedded corpus: " + err.Error())
	}
	return sub
}
