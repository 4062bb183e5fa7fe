// Package knowledge is supportbot's knowledge base: the passages officers'
// questions are answered from, the Vietnamese-aware bleve index built from
// them, and the search that ranks passages and judges whether the best one
// answers the question.
//
// The main types are [Entry] (one passage, the source of truth), [Index] (a
// bleve index rebuilt from the entries whenever they or the analysis chain
// change) and [Result] with its [Verdict]. [Index.Search] is safe for
// concurrent use; [Index.Reload] swaps in a rebuilt index while searches go on.
//
// Vietnamese text is analysed by a chain of our own (see analyzer.go): Unicode
// NFC, lower case, one tone-placement convention, tone marks and đ folded in a
// token filter (so highlight offsets keep pointing at the original
// characters), a tokenizer that keeps document numbers such as
// 132/2025/NĐ-CP findable whole and in parts, and two-syllable bigrams beside
// single syllables. There is no stop list: "an" in "an toàn" is a word.
// Each field is indexed twice: folded (toneless questions work) and
// accent-preserving (a question typed with correct tone marks ranks the
// exact match first).
//
// The verdict (verdict.go) is read from evidence a reviewer can check:
// the rarity-weighted share of the question's topic words (filler words
// such as "ai", "gì", "what" left out, see lang.go) the best passage
// holds, how many of its two-word terms, the margin over the second
// passage, whether a rare word of the question is missing, the question's
// language, and the document numbers it names (docref.go): an entry about
// another document is never the answer. The fields the question names
// (topic.go: land, tax, medicine, civil status, education... and our own,
// IP, telecom, radio, radiation, the mergers) must be fields the best
// entry is about, by its topic or heading; a number of the question must
// be in it; a question asking for a number or a date is not answered by a
// sentence without one; and a best entry far ahead of every other one
// (its translation aside) may answer with a common word or two missing.
// The snippet (snippet_units.go)
// is the sentence or list item that best answers, never a source line;
// a list item comes with its list's lead-in line ("Phân cấp: …");
// Hit.Warning carries the entry's status warning apart, to be shown
// always. EvalQuestions scores an officer question set through exactly
// this path (testdata/questions).
//
// Caveats: the on-disk index is a cache owned by one process (bleve locks
// it); a second Open of the same data directory fails after a timeout.
// [AnalyzerVersion] must be bumped whenever the analysis chain changes, or
// old indexes would be searched with new query terms.
package knowledge
