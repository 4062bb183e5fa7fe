package bot_test

import (
	"bufio"
	"fmt"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mostvn/supportbot/bot"
)

// promSample matches one sample line of the text format 0.0.4.
var promSample = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$`)

// promParse checks the exposition the way Prometheus reads it and returns
// sample values by "name{labels}".
func promParse(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := make(map[string]float64)
	types := make(map[string]string)
	sc := bufio.NewScanner(strings.NewReader(text))
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 4 || (f[1] != "HELP" && f[1] != "TYPE") {
				t.Fatalf("line %d: bad comment %q", ln, line)
			}
			if f[1] == "TYPE" {
				if _, dup := types[f[2]]; dup {
					t.Fatalf("line %d: second TYPE for %s", ln, f[2])
				}
				switch f[3] {
				case "counter", "gauge", "histogram", "summary", "untyped": // the Go collector's go_gc_duration_seconds is a summary
				default:
					t.Fatalf("line %d: type %q", ln, f[3])
				}
				types[f[2]] = f[3]
			}
			continue
		}
		m := promSample.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d: not a sample: %q", ln, line)
		}
		family := m[1]
		if _, ok := types[family]; !ok {
			family = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(family, "_bucket"), "_sum"), "_count")
		}
		if _, ok := types[family]; !ok {
			t.Fatalf("line %d: sample before its TYPE: %q", ln, line)
		}
		v, err := strconv.ParseFloat(strings.Replace(m[3], "Inf", "inf", 1), 64)
		if err != nil {
			t.Fatalf("line %d: value %q: %v", ln, m[3], err)
		}
		key := m[1] + m[2]
		if _, dup := out[key]; dup {
			t.Fatalf("line %d: duplicate series %s", ln, key)
		}
		out[key] = v
	}
	return out
}

func TestMetricsExpositionParses(t *testing.T) {
	m := bot.NewMetrics()
	m.Help("supportbot_messages_in_total", "Messages received,\nby channel.")
	m.Inc("supportbot_messages_in_total", "channel", "telegram")
	m.Inc("supportbot_messages_in_total", "channel", "telegram")
	m.Inc("supportbot_messages_in_total", "channel", "slack")
	m.Inc("supportbot_send_errors_total", "kind", "server", "channel", "telegram")
	m.Inc("supportbot_send_errors_total", "channel", "telegram", "kind", "server") // same series, labels in another order
	m.Inc("supportbot_answers_total", "verdict", `a "quoted" \ value`+"\n")
	m.Inc("supportbot_updates_failed_total")
	for _, s := range []float64{0.0004, 0.003, 0.003, 0.2, 30} {
		m.Observe("supportbot_search_seconds", s)
	}
	m.GaugeFunc("supportbot_outbox_depth", "Messages waiting.", func() float64 { return 7 })
	m.Inc("supportbot_search_seconds") // a counter use of a histogram name is ignored

	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	got := promParse(t, b.String())
	for series, want := range map[string]float64{
		`supportbot_messages_in_total{channel="telegram"}`:               2,
		`supportbot_messages_in_total{channel="slack"}`:                  1,
		`supportbot_send_errors_total{channel="telegram",kind="server"}`: 2,
		`supportbot_answers_total{verdict="a \"quoted\" \\ value\n"}`:    1,
		`supportbot_updates_failed_total`:                                1,
		`supportbot_search_seconds_bucket{le="0.001"}`:                   1,
		`supportbot_search_seconds_bucket{le="0.005"}`:                   3,
		`supportbot_search_seconds_bucket{le="0.25"}`:                    4,
		`supportbot_search_seconds_bucket{le="10"}`:                      4,
		`supportbot_search_seconds_bucket{le="+Inf"}`:                    5,
		`supportbot_search_seconds_count`:                                5,
		`supportbot_outbox_depth`:                                        7,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
	if sum := got["supportbot_search_seconds_sum"]; sum < 30.2 || sum > 30.3 {
		t.Errorf("histogram sum = %v, want 30.2064", sum)
	}
	if !strings.Contains(b.String(), "# HELP supportbot_messages_in_total Messages received,\\nby channel.\n") {
		t.Errorf("HELP not escaped:\n%s", b.String())
	}

	// The same state writes the same bytes (the application's series: the
	// runtime's go_* and process_* move between two scrapes).
	var again strings.Builder
	if err := m.WritePrometheus(&again); err != nil {
		t.Fatal(err)
	}
	if supportbotLines(again.String()) != supportbotLines(b.String()) {
		t.Error("two scrapes of the same state differ")
	}
}

func TestMetricsNilIsNoOp(t *testing.T) {
	var m *bot.Metrics
	m.Inc("x_total", "a", "b")
	m.Observe("x_seconds", 1)
	m.Help("x_total", "h")
	m.GaugeFunc("g", "h", func() float64 { return 1 })
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil || b.Len() != 0 {
		t.Errorf("nil Metrics wrote %q, %v", b.String(), err)
	}
}

func TestMetricsConcurrentUseAndHTTP(t *testing.T) {
	m := bot.NewMetrics()
	// A gauge that reads the metrics itself must not deadlock.
	m.GaugeFunc("supportbot_outbox_depth", "", func() float64 {
		m.Inc("supportbot_scrapes_total")
		return 1
	})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 500 {
				m.Inc("supportbot_messages_out_total", "channel", fmt.Sprint("c", w%2))
				m.Observe("supportbot_search_seconds", float64(i)/1000)
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		}
	})
	wg.Wait()

	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type = %q", ct)
	}
	got := promParse(t, rec.Body.String())
	if got[`supportbot_messages_out_total{channel="c0"}`] != 1000 || got["supportbot_search_seconds_count"] != 2000 {
		t.Errorf("lost updates under concurrency:\n%s", rec.Body.String())
	}
}

func TestMetricsGaugeVecFunc(t *testing.T) {
	m := bot.NewMetrics()
	parked := map[string]float64{"slack": 3, "telegram": 0}
	m.GaugeVecFunc("supportbot_outbox_parked", "Replies waiting for a channel with no sender.", "channel", func() map[string]float64 { return parked })
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	got := promParse(t, supportbotLines(b.String()))
	if got[`supportbot_outbox_parked{channel="slack"}`] != 3 || len(got) != 2 {
		t.Errorf("parked gauge per channel: %v\n%s", got, b.String())
	}
}

// supportbotLines keeps the lines of an exposition that are about the
// application's own series (supportbot_*), dropping the runtime's.
func supportbotLines(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "supportbot_") || strings.HasPrefix(line, "# HELP supportbot_") || strings.HasPrefix(line, "# TYPE supportbot_") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func TestMetricsRuntimeAndProcess(t *testing.T) {
	m := bot.NewMetrics()
	m.Inc("supportbot_messages_in_total", "channel", "telegram")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	got := promParse(t, rec.Body.String())
	if v, ok := got["go_goroutines"]; !ok || v < 1 {
		t.Errorf("go_goroutines = %v (present %v)", v, ok)
	}
	if runtime.GOOS == "linux" {
		if v, ok := got["process_resident_memory_bytes"]; !ok || v < 1<<20 {
			t.Errorf("process_resident_memory_bytes = %v (present %v)", v, ok)
		}
	}
	if got[`supportbot_messages_in_total{channel="telegram"}`] != 1 {
		t.Errorf("application series missing beside the runtime's:\n%s", rec.Body.String())
	}

	// WritePrometheus (what /metrics calls) writes the same families.
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\ngo_goroutines ") {
		t.Errorf("WritePrometheus lacks go_goroutines:\n%s", b.String())
	}
	if runtime.GOOS == "linux" && !strings.Contains(b.String(), "\nprocess_resident_memory_bytes ") {
		t.Errorf("WritePrometheus lacks process_resident_memory_bytes:\n%s", b.String())
	}
}

func TestMetricsConflictsAreIgnored(t *testing.T) {
	m := bot.NewMetrics()
	m.Inc("supportbot_x_total", "channel", "telegram")
	m.Inc("supportbot_x_total", "kind", "server")  // other label names: ignored
	m.Observe("supportbot_x_total", 1)             // other kind: ignored
	m.GaugeFunc("supportbot_x_total", "", nil)     // other kind: ignored
	m.Inc("supportbot_bad name_total")             // invalid name: ignored, no panic
	m.Inc("supportbot_y_total", "channel", "\xff") // invalid UTF-8 value: U+FFFD
	m.GaugeFunc("supportbot_g", "", func() float64 { return 1 })
	m.GaugeFunc("supportbot_g", "", func() float64 { return 2 }) // replaces f
	var b strings.Builder
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	got := promParse(t, supportbotLines(b.String()))
	want := map[string]float64{
		`supportbot_x_total{channel="telegram"}`: 1,
		"supportbot_y_total{channel=\"\uFFFD\"}": 1,
		`supportbot_g`:                           2,
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
