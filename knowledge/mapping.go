package knowledge

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
)

// Index fields. Each text is indexed folded (toneless questions match) and
// accent-preserving (the *_acc twin). Nothing is stored and there are no
// term vectors: hits are filled and highlighted from the entries kept in
// memory, which keeps the index small and indexing fast.
const (
	fieldHeading    = "heading" // title, keywords, document, article
	fieldHeadingAcc = "heading_acc"
	fieldBody       = "body"
	fieldBodyAcc    = "body_acc"
	fieldLang       = "lang"
	fieldTopic      = "topic"
)

// BM25 parameters. bleve keeps them in package variables (defaults 1.2 and
// 0.75). Measured on the legal sets, little length normalisation (b) wins
// clearly: the relevant article is often long (it lists every case), and
// with b = 0.75 short articles sharing a few words of the question beat it.
// A lower k1 saturates repeated words sooner.
const (
	bm25K1 = 0.8
	bm25B  = 0.1
)

func init() {
	search.BM25_k1 = bm25K1
	search.BM25_b = bm25B
}

// newMapping returns the index mapping: our analyzers on the text fields,
// keywords for lang and topic, BM25 scoring.
func newMapping() mapping.IndexMapping {
	text := func(name, analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentMapping()
	doc.Dynamic = false
	doc.AddFieldMappingsAt(fieldHeading, text(fieldHeading, FoldedAnalyzerName), text(fieldHeadingAcc, AccentAnalyzerName))
	doc.AddFieldMappingsAt(fieldBody, text(fieldBody, FoldedAnalyzerName), text(fieldBodyAcc, AccentAnalyzerName))
	doc.AddFieldMappingsAt(fieldLang, kw())
	doc.AddFieldMappingsAt(fieldTopic, kw())

	im := bleve.NewIndexMapping()
	im.DefaultMapping = doc
	im.DefaultAnalyzer = FoldedAnalyzerName
	im.ScoringModel = "bm25"
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// document is what one Entry becomes in the index.
func document(e Entry) map[string]any {
	heading := []string{e.Title}
	heading = append(heading, e.Keywords...)
	if e.Document != "" {
		heading = append(heading, e.Document)
	}
	if e.Article != "" {
		heading = append(heading, e.Article)
	}
	body := e.Text
	if t := strings.TrimSpace(e.Title); t != "" && !strings.HasPrefix(strings.TrimSpace(body), t) {
		body = t + "\n" + body // the passage as read, title first
	}
	return map[string]any{
		fieldHeading: strings.Join(heading, "\n"),
		fieldBody:    body,
		fieldLang:    e.Lang,
		fieldTopic:   e.Topic,
	}
}
