package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mostvn/supportbot/knowledge"
	"github.com/mostvn/supportbot/tickets"
	bolt "go.etcd.io/bbolt"
)

// openIndex opens the knowledge index for a CLI command. The data
// directory's lock is taken first, so that a command never rebuilds the
// index under a running bot; when the bot holds it, the command searches a
// memory-only index of the same files instead (same analyzer, same search)
// and says so on stderr. The caller calls the returned close.
func openIndex(a *app, cfg Config) (ix *knowledge.Index, closeFn func() error, err error) {
	files, err := kbFS(cfg)
	if err != nil {
		return nil, nil, err
	}
	var db *bolt.DB
	err = tickets.ErrLocked
	if !botRunning(cfg) { // else skip the wait for the lock: it is held
		db, err = tickets.OpenDB(cfg.DataDir)
	}
	if err != nil && !isLocked(err) {
		return nil, nil, err
	}
	if err == nil {
		ix, err := knowledge.Open(cfg.DataDir, files)
		if err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("knowledge index: %w", err)
		}
		return ix, func() error { return errors.Join(ix.Close(), db.Close()) }, nil
	}
	fmt.Fprintln(a.stderr, a.tr(
		"supportbot: bot đang chạy trên thư mục dữ liệu này; tìm trên chỉ mục tạm trong bộ nhớ từ cùng các tệp tri thức.",
		"supportbot: the bot is running on this data directory; searching a temporary in-memory index of the same knowledge files."))
	mem, err := knowledge.NewMemIndexFS(files)
	if err != nil {
		return nil, nil, fmt.Errorf("knowledge index: %w", err)
	}
	return mem, mem.Close, nil
}

func kbImportCommand() *command {
	return &command{
		name: "kb import", args: "DIR",
		vi: "Nhập văn bản chính thức (.txt, .html, .docx) trong DIR thành các tệp tri thức",
		en: "Import official texts (.txt, .html, .docx) in DIR as knowledge files",
		viLong: `Mỗi văn bản được tách theo Chương/Mục/Điều/Khoản thành các đoạn có trích dẫn, ghi vào
$` + keyKBDir + `/imported/<số-văn-bản>/ (phải đặt ` + keyKBDir + `, kho nhúng sẵn thì không ghi được).
Nhập lại là lũy đẳng. Bot đang chạy dùng các tệp mới ở lần khởi động sau.`,
		enLong: `Each text is split at Chương/Mục/Điều/Khoản into cited passages, written to
$` + keyKBDir + `/imported/<document-number>/ (` + keyKBDir + ` must be set: the embedded corpus is read-only).
Importing again is idempotent. A running bot uses the new files from its next start.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if err := wantArgs(a, kbImportCommand(), args, 1, a.tr("đúng một thư mục nguồn", "exactly one source folder")); err != nil {
					return err
				}
				kbDir, err := writableKBDir(a, "kho tri thức nhúng sẵn chỉ đọc", "the embedded corpus is read-only")
				if err != nil {
					return err
				}
				rep, err := knowledge.Import(args[0], kbDir)
				if err != nil {
					return err
				}
				for _, f := range rep.Files {
					fmt.Fprintf(a.stdout, "%s: %s, %d %s → %s\n", f.Source, f.Document, f.Passages, a.tr("đoạn", "passages"), f.Dir)
				}
				fmt.Fprintf(a.stdout, a.tr("Đã nhập %d tệp, %d đoạn.\n", "Imported %d files, %d passages.\n"), len(rep.Files), rep.Passages)
				for _, le := range rep.Errors {
					fmt.Fprintf(a.stderr, "supportbot: %s\n", kbErrorText(a, le))
				}
				if n := len(rep.Errors); n > 0 {
					return fmt.Errorf(a.tr("%d tệp không nhập được (xem trên)", "%d files could not be imported (see above)"), n)
				}
				return nil
			}
		},
	}
}

func kbStatsCommand() *command {
	return &command{
		name: "kb stats", args: "[--json]",
		vi:     "Thống kê cơ sở tri thức: số mục theo ngôn ngữ, chủ đề, văn bản; tệp lỗi; mục sắp hết hiệu lực hoặc đến hạn rà soát",
		en:     "Knowledge base statistics: entries by language, topic, document; files in error; entries expiring or due for review",
		viLong: "Liệt kê các mục có ngày hết hiệu lực (expires) hoặc ngày rà soát (review, mặc định reviewed + 180 ngày) trong 90 ngày tới, kể cả đã quá hạn, để cán bộ kiểm tra lại kịp thời.",
		enLong: "Lists the entries whose expiry (expires) or review date (review, by default reviewed + 180 days) falls within the next 90 days, overdue ones included, so staff re-check them in time.",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr("in JSON", "print JSON"))
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return &usageError{cmd: kbStatsCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				ix, closeIx, err := openIndex(a, cfg)
				if err != nil {
					return err
				}
				defer closeIx()
				st := ix.Stats()
				due := ix.DueWithin(a.now(), dueHorizon)
				if *asJSON {
					return writeJSON(a.stdout, struct {
						knowledge.Stats
						Due []knowledge.Due `json:"due_within_90_days"`
					}{st, append([]knowledge.Due{}, due...)})
				}
				src := cfg.KBDir
				if src == "" {
					src = a.tr("(kho nhúng sẵn)", "(embedded corpus)")
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "%s:\t%s\n", a.tr("Tệp tri thức", "Knowledge files"), src)
				fmt.Fprintf(tw, "%s:\t%d\n", a.tr("Số mục", "Entries"), st.Entries)
				fmt.Fprintf(tw, "%s:\t%d\n", a.tr("Tệp lỗi", "Files in error"), st.LoadErrors)
				fmt.Fprintf(tw, "%s:\t%d\n", a.tr("Phiên bản bộ phân tích", "Analyzer version"), st.AnalyzerVersion)
				if !st.BuiltAt.IsZero() {
					fmt.Fprintf(tw, "%s:\t%s\n", a.tr("Chỉ mục dựng lúc", "Index built"), st.BuiltAt.Local().Format(time.DateTime))
				}
				if st.SizeBytes > 0 {
					fmt.Fprintf(tw, "%s:\t%.1f MB\n", a.tr("Dung lượng chỉ mục", "Index size"), float64(st.SizeBytes)/1e6)
				}
				tw.Flush()
				writeCounts(a.stdout, a.tr("Theo ngôn ngữ", "By language"), st.ByLang)
				writeCounts(a.stdout, a.tr("Theo chủ đề", "By topic"), st.ByTopic)
				writeCounts(a.stdout, a.tr("Theo văn bản", "By document"), st.ByDocument)
				writeDue(a, due)
				for _, le := range ix.LoadErrors() {
					fmt.Fprintf(a.stderr, "supportbot: %s\n", kbErrorText(a, le))
				}
				return nil
			}
		},
	}
}

// dueHorizon is how far ahead `kb stats` looks for expiries and reviews.
const dueHorizon = 90 * 24 * time.Hour

// writeDue lists the entries to re-check, soonest first.
func writeDue(a *app, due []knowledge.Due) {
	fmt.Fprintf(a.stdout, "\n%s: %d\n", a.tr("Hết hiệu lực hoặc đến hạn rà soát trong 90 ngày", "Expiring or due for review within 90 days"), len(due))
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	for _, d := range due {
		reason := map[string]string{"expires": a.tr("hết hiệu lực", "expires"), "review": a.tr("rà soát", "review")}[d.Reason]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", d.Date.Format(time.DateOnly), reason, d.ID, d.Path)
	}
	tw.Flush()
}

// writeCounts prints a map as an indented list, largest first.
func writeCounts(w io.Writer, title string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	fmt.Fprintf(w, "\n%s:\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, k := range keys {
		name := k
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "  %d\t %s\n", m[k], name)
	}
	tw.Flush()
}

// searchJSON is the documented JSON of `kb search --json`: exactly these
// fields, whatever knowledge.Hit grows.
type searchJSON struct {
	Query      string          `json:"query"`
	Confidence string          `json:"confidence"`
	Hits       []searchHitJSON `json:"hits"`
}

type searchHitJSON struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Snippet  string  `json:"snippet"`
	Text     string  `json:"text"`
	Document string  `json:"document"`
	Article  string  `json:"article"`
	Source   string  `json:"source"`
	Score    float64 `json:"score"`
}

func kbSearchCommand() *command {
	return &command{
		name: "kb search", args: "[--json] [--lang vi|en] [--limit N] [--topic T] QUERY",
		vi: "Tìm trong cơ sở tri thức đúng như bot tìm, kèm mức tin cậy (answer, suggest, none)",
		en: "Search the knowledge base exactly as the bot does, with its confidence (answer, suggest, none)",
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			asJSON := fs.Bool("json", false, a.tr(`in JSON {"query","confidence","hits":[...]}`, `print JSON {"query","confidence","hits":[...]}`))
			lang := fs.String("lang", "", a.tr("ưu tiên mục bằng `NGÔN_NGỮ` vi hoặc en", "prefer entries in `LANG` vi or en"))
			limit := fs.Int("limit", 5, a.tr("tối đa `N` kết quả", "at most `N` hits"))
			topic := fs.String("topic", "", a.tr("chỉ tìm trong `CHỦ_ĐỀ` (decree-132, decree-133, ip, radiation, ...)", "only search `TOPIC` (decree-132, decree-133, ip, radiation, ...)"))
			return func(ctx context.Context, args []string) error {
				q := strings.TrimSpace(strings.Join(args, " "))
				if q == "" {
					return &usageError{cmd: kbSearchCommand(), msg: a.tr("cần câu hỏi cần tìm", "want a QUERY")}
				}
				if *lang != "" && *lang != "vi" && *lang != "en" {
					return &usageError{cmd: kbSearchCommand(), msg: fmt.Sprintf(a.tr("--lang %q: cần vi hoặc en", "--lang %q: want vi or en"), *lang)}
				}
				if *limit < 1 {
					return &usageError{cmd: kbSearchCommand(), msg: a.tr("--limit phải từ 1 trở lên", "--limit must be at least 1")}
				}
				cfg, err := a.config()
				if err != nil {
					return err
				}
				ix, closeIx, err := openIndex(a, cfg)
				if err != nil {
					return err
				}
				defer closeIx()
				res, err := ix.Search(ctx, q, knowledge.Options{Limit: *limit, Lang: *lang, Topic: *topic})
				if err != nil {
					return err
				}
				if *asJSON {
					out := searchJSON{Query: res.Query, Confidence: string(res.Verdict), Hits: []searchHitJSON{}}
					for _, h := range res.Hits {
						out.Hits = append(out.Hits, searchHitJSON{ID: h.ID, Title: h.Title, Snippet: h.Snippet, Text: h.Text,
							Document: h.Document, Article: h.Article, Source: h.Source, Score: h.Score})
					}
					return writeJSON(a.stdout, out)
				}
				writeSearch(a, a.stdout, res)
				return nil
			}
		},
	}
}

// writeSearch prints a result for a person at a terminal.
func writeSearch(a *app, w io.Writer, res knowledge.Result) {
	verdict := map[knowledge.Verdict]string{
		knowledge.VerdictAnswer:  a.tr("answer: mục đầu trả lời được câu hỏi", "answer: the first entry answers the question"),
		knowledge.VerdictSuggest: a.tr("suggest: có mục liên quan nhưng chưa chắc", "suggest: related entries, not sure"),
		knowledge.VerdictNone:    a.tr("none: không có gì liên quan; bot sẽ mở phiếu", "none: nothing relevant; the bot opens a ticket"),
	}[res.Verdict]
	if verdict == "" {
		verdict = string(res.Verdict)
	}
	fmt.Fprintf(w, "%s %s\n", a.tr("Mức tin cậy:", "Confidence:"), verdict)
	if len(res.Hits) > 0 {
		ev := res.Evidence
		fmt.Fprintf(w, "%s %.0f%% %s, %.0f%% %s, %s %.2f", a.tr("Căn cứ:", "Evidence:"),
			100*ev.Coverage, a.tr("từ của câu hỏi", "of the question's words"),
			100*ev.Bigrams, a.tr("cụm hai từ", "of its two-word terms"), a.tr("cách biệt", "margin"), ev.Margin)
		if ev.Document != 0 {
			fmt.Fprintf(w, ", %s", map[int]string{1: a.tr("đúng văn bản được hỏi", "about the document asked"), -1: a.tr("về văn bản khác", "about another document")}[ev.Document])
		}
		if len(ev.Missing) > 0 {
			fmt.Fprintf(w, ", %s %s", a.tr("thiếu:", "missing:"), strings.Join(ev.Missing, ", "))
		}
		if len(ev.OffTopic) > 0 {
			fmt.Fprintf(w, ", %s %s", a.tr("mục không nói về lĩnh vực:", "entry not about:"), strings.Join(ev.OffTopic, ", "))
		}
		if ev.Lead > 0 {
			fmt.Fprintf(w, ", %s %.2f", a.tr("hơn mục khác", "lead over other entries"), ev.Lead)
		}
		fmt.Fprintln(w)
	}
	snippet := strings.NewReplacer("<mark>", "«", "</mark>", "»", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&#39;", "'")
	for i, h := range res.Hits {
		cite := strings.TrimSpace(h.Article + ", " + h.Document)
		cite = strings.Trim(cite, ", ")
		fmt.Fprintf(w, "\n%d. %s  [%s]  %.3f\n", i+1, h.Title, h.ID, h.Score)
		if cite != "" {
			fmt.Fprintf(w, "   %s\n", cite)
		}
		if s := oneLine(snippet.Replace(h.Snippet), 240); s != "" {
			fmt.Fprintf(w, "   %s\n", s)
		}
		if h.Warning != "" {
			fmt.Fprintf(w, "   ⚠ %s\n", oneLine(h.Warning, 240))
		}
		if h.Confidence != "" {
			fmt.Fprintf(w, "   %s %s\n", a.tr("mức tin cậy:", "confidence:"), h.Confidence)
		}
		if h.Source != "" {
			fmt.Fprintf(w, "   %s\n", h.Source)
		}
	}
}

func kbEvalCommand() *command {
	return &command{
		name: "kb eval", args: "--dataset DIR [--strip-tones] [--stock] [--json] | --questions FILE [--json]",
		vi: "Đo chất lượng tìm kiếm trên bộ dữ liệu BEIR, hoặc trên bộ câu hỏi của cán bộ",
		en: "Measure search quality on a BEIR dataset, or on an officer question set",
		viLong: `Dùng đúng bộ phân tích và đường tìm kiếm của bot, trên chỉ mục tạm trong bộ nhớ.
--dataset: JSON docs, queries, recall_at_1/5/10, mrr_at_10, ndcg_at_10, latency_p50_ms, latency_p99_ms, index_seconds.
--questions: tệp JSON Lines {"q","lang","must":[...]} hoặc {"q","out":true}, hỏi trên cơ sở tri thức của bot
(` + keyKBDir + ` hoặc kho nhúng sẵn) như bot hỏi; báo tỉ lệ có trong 3 mục đầu, mục đầu hiện câu trả lời,
được đánh dấu answer, câu ngoài phạm vi không bị nhận, và các câu trượt.`,
		enLong: `Uses exactly the bot's analyzer and search path, on a temporary in-memory index.
--dataset: JSON docs, queries, recall_at_1/5/10, mrr_at_10, ndcg_at_10, latency_p50_ms, latency_p99_ms, index_seconds.
--questions: a JSON Lines file of {"q","lang","must":[...]} or {"q","out":true}, asked of the bot's knowledge
base (` + keyKBDir + ` or the embedded corpus) as the bot asks; reports the shares found in the top 3, whose
first hit shows the answer, marked answer, out-of-scope not claimed, and the misses.`,
		setup: func(a *app, fs *flag.FlagSet) func(context.Context, []string) error {
			dataset := fs.String("dataset", "", a.tr("`THƯ_MỤC` bộ dữ liệu BEIR", "BEIR dataset `DIR`"))
			questions := fs.String("questions", "", a.tr("`TỆP` bộ câu hỏi của cán bộ (JSON Lines)", "officer question set `FILE` (JSON Lines)"))
			strip := fs.Bool("strip-tones", false, a.tr("bỏ dấu thanh khỏi câu hỏi, như cán bộ gõ không dấu", "remove tone marks from the questions, as officers type without them"))
			stock := fs.Bool("stock", false, a.tr("đo bleve nguyên bản (bộ phân tích chuẩn) để so sánh", "measure stock bleve (standard analyzer) for comparison"))
			asJSON := fs.Bool("json", false, a.tr("in một đối tượng JSON trên một dòng", "print one JSON object on one line"))
			return func(ctx context.Context, args []string) error {
				if (*dataset == "") == (*questions == "") {
					return &usageError{cmd: kbEvalCommand(), msg: a.tr("cần đúng một trong --dataset DIR, --questions FILE", "want exactly one of --dataset DIR, --questions FILE")}
				}
				if len(args) > 0 {
					return &usageError{cmd: kbEvalCommand(), msg: fmt.Sprintf(a.tr("đối số thừa %q", "unexpected argument %q"), args[0])}
				}
				if *questions != "" {
					if *strip || *stock {
						return &usageError{cmd: kbEvalCommand(), msg: a.tr("--strip-tones và --stock chỉ dùng với --dataset", "--strip-tones and --stock go with --dataset only")}
					}
					return evalQuestions(ctx, a, *questions, *asJSON)
				}
				ds, err := knowledge.LoadBEIR(*dataset)
				if err != nil {
					return err
				}
				rep, err := knowledge.Eval(ctx, ds, knowledge.EvalOptions{StripTones: *strip, Stock: *stock})
				if err != nil {
					return err
				}
				if *asJSON {
					// One line, so that `make eval` can put a label before it.
					enc := newCompactJSON(a.stdout)
					return enc.Encode(rep)
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "docs\t%d\nqueries\t%d\n", rep.Docs, rep.Queries)
				fmt.Fprintf(tw, "recall@1\t%.3f\nrecall@5\t%.3f\nrecall@10\t%.3f\n", rep.RecallAt1, rep.RecallAt5, rep.RecallAt10)
				fmt.Fprintf(tw, "MRR@10\t%.3f\nnDCG@10\t%.3f\n", rep.MRRAt10, rep.NDCGAt10)
				fmt.Fprintf(tw, "latency p50\t%.2f ms\nlatency p99\t%.2f ms\nindex\t%.2f s\n", rep.LatencyP50MS, rep.LatencyP99MS, rep.IndexSeconds)
				return tw.Flush()
			}
		},
	}
}

// evalQuestions runs an officer question set against the bot's knowledge
// files, on a memory-only index (same analyzer, same search), so it never
// waits for a running bot's lock.
func evalQuestions(ctx context.Context, a *app, path string, asJSON bool) error {
	qs, err := knowledge.LoadQuestions(path)
	if err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	files, err := kbFS(cfg)
	if err != nil {
		return err
	}
	ix, err := knowledge.NewMemIndexFS(files)
	if err != nil {
		return fmt.Errorf("knowledge index: %w", err)
	}
	defer ix.Close()
	rep, err := knowledge.EvalQuestions(ctx, ix, qs)
	if err != nil {
		return err
	}
	if asJSON {
		return newCompactJSON(a.stdout).Encode(rep)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%d\n%s\t%d\n", a.tr("câu trong phạm vi", "in-scope questions"), rep.InScope, a.tr("câu ngoài phạm vi", "out-of-scope questions"), rep.OutOfScope)
	fmt.Fprintf(tw, "%s\t%.1f%%\n", a.tr("có trong 3 mục đầu", "found in the top 3"), 100*rep.Top3)
	fmt.Fprintf(tw, "%s\t%.1f%%\n", a.tr("mục đầu hiện câu trả lời", "first hit shows the answer"), 100*rep.FirstShows)
	fmt.Fprintf(tw, "%s\t%.1f%% (%s %.1f%%)\n", a.tr("đánh dấu answer", "marked answer"), 100*rep.Answer, a.tr("đúng", "right"), 100*rep.AnswerRight)
	fmt.Fprintf(tw, "%s\t%.1f%%\n", a.tr("ngoài phạm vi không bị nhận", "out-of-scope not claimed"), 100*rep.OutUnclaimed)
	fmt.Fprintf(tw, "latency p50 / p99\t%.2f / %.2f ms\n", rep.LatencyP50MS, rep.LatencyP99MS)
	tw.Flush()
	if len(rep.Misses) > 0 {
		fmt.Fprintf(a.stdout, "\n%s:\n", a.tr("Câu trượt", "Misses"))
	}
	for _, m := range rep.Misses {
		fmt.Fprintf(a.stdout, "- [%s, %s] %s → %s\n", m.Why, m.Verdict, m.Q, strings.Join(m.Hits, ", "))
		if len(m.Missing) > 0 {
			fmt.Fprintf(a.stdout, "    %s %s\n", a.tr("thiếu:", "missing:"), strings.Join(m.Missing, ", "))
		}
		if len(m.OffTopic) > 0 {
			fmt.Fprintf(a.stdout, "    %s %s\n", a.tr("mục không nói về lĩnh vực:", "entry not about:"), strings.Join(m.OffTopic, ", "))
		}
		if m.Snippet != "" {
			fmt.Fprintf(a.stdout, "    %s\n", oneLine(m.Snippet, 200))
		}
	}
	return nil
}
