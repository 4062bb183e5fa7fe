package bot

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Metrics collects counters, histograms and gauges and writes them in the
// Prometheus text exposition format 0.0.4, for /metrics. It has no
// dependencies and no registration step: the first Inc or Observe of a name
// creates it. A nil *Metrics is a valid no-op, so code that is handed no
// Metrics need not check. Safe for concurrent use.
//
// A name keeps the kind (counter or histogram) of its first use; a later use
// of the other kind is ignored, since one name cannot hold both.
//
// The names the project uses:
//
//	supportbot_messages_in_total{channel}
//	supportbot_messages_out_total{channel}
//	supportbot_answers_total{verdict}
//	supportbot_tickets_opened_total{channel}
//	supportbot_outbox_depth, supportbot_outbox_oldest_seconds (gauges, set by the Outbox)
//	supportbot_send_errors_total{channel,kind}   kind: rate_limited, server, network, forbidden, bad_request, other
//	supportbot_search_seconds (histogram)
//	supportbot_updates_failed_total
//	supportbot_inbox_failed (gauge), supportbot_inbox_poison_total
//	supportbot_outbox_dead_letters (gauge), supportbot_outbox_parked{channel} (gauge), supportbot_outbox_superseded_total
//	supportbot_slack_refused_total{reason}       reason: unsigned, signature, stale, future, replay, too_large, malformed, method
type Metrics struct {
	mu       sync.Mutex // guards the maps below and every series in them
	help     map[string]string
	families map[string]*metricFamily
	gauges   map[string]metricGauge
}

type metricKind int

const (
	metricCounter metricKind = iota
	metricHistogram
)

// metricFamily is every series of one name, keyed by their rendered labels.
type metricFamily struct {
	kind   metricKind
	series map[string]*metricSeries
}

type metricSeries struct {
	count   float64  // counter value, or histogram count
	sum     float64  // histogram sum
	buckets []uint64 // histogram: observations <= metricBuckets[i] (not cumulative)
}

type metricGauge struct {
	help  string
	f     func() float64
	label string                    // GaugeVecFunc: the one label
	vec   func() map[string]float64 // GaugeVecFunc: value per label value
}

// metricBuckets are the histogram upper bounds in seconds: from a
// millisecond (a search) to ten seconds (a slow send).
var metricBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewMetrics returns an empty set of metrics.
func NewMetrics() *Metrics {
	return &Metrics{
		help:     make(map[string]string),
		families: make(map[string]*metricFamily),
		gauges:   make(map[string]metricGauge),
	}
}

// Help sets the HELP text of a counter or histogram.
func (m *Metrics) Help(name, help string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.help[name] = help
	m.mu.Unlock()
}

// Inc adds one to the counter name with the labels kv (pairs of label name
// and value: Inc("supportbot_messages_in_total", "channel", "telegram")).
// A trailing key without a value is ignored.
func (m *Metrics) Inc(name string, kv ...string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.seriesLocked(name, metricCounter, kv); s != nil {
		s.count++
	}
}

// Observe records one observation, in seconds, in the histogram name with
// the labels kv.
func (m *Metrics) Observe(name string, seconds float64, kv ...string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.seriesLocked(name, metricHistogram, kv)
	if s == nil {
		return
	}
	s.count++
	s.sum += seconds
	for i, le := range metricBuckets {
		if seconds <= le {
			s.buckets[i]++
			break
		}
	}
}

// GaugeFunc registers a gauge whose value f returns at each scrape. f runs
// without any lock of m held, so it may be slow (read bbolt) but should not
// block. Registering a name again replaces f.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.gauges[name] = metricGauge{help: help, f: f}
	m.mu.Unlock()
}

// GaugeVecFunc registers a gauge with one label whose values f returns,
// per label value, at each scrape (supportbot_outbox_parked{channel}). As
// for GaugeFunc, f runs without any lock of m held.
func (m *Metrics) GaugeVecFunc(name, help, label string, f func() map[string]float64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.gauges[name] = metricGauge{help: help, label: label, vec: f}
	m.mu.Unlock()
}

// seriesLocked finds or creates the series; nil if name has another kind.
// The caller holds m.mu.
func (m *Metrics) seriesLocked(name string, kind metricKind, kv []string) *metricSeries {
	fam := m.families[name]
	if fam == nil {
		fam = &metricFamily{kind: kind, series: make(map[string]*metricSeries)}
		m.families[name] = fam
	}
	if fam.kind != kind {
		return nil
	}
	key := metricLabels(kv)
	s := fam.series[key]
	if s == nil {
		s = &metricSeries{}
		if kind == metricHistogram {
			s.buckets = make([]uint64, len(metricBuckets))
		}
		fam.series[key] = s
	}
	return s
}

// metricLabels renders label pairs as `a="x",b="y"`, sorted by name so the
// same labels in another order are the same series.
func metricLabels(kv []string) string {
	n := len(kv) / 2
	if n == 0 {
		return ""
	}
	pairs := make([][2]string, 0, n)
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, [2]string{kv[i], kv[i+1]})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p[0])
		b.WriteString(`="`)
		b.WriteString(metricLabelEscaper.Replace(p[1]))
		b.WriteByte('"')
	}
	return b.String()
}

var (
	metricLabelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	metricHelpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

// WritePrometheus writes every metric in the text exposition format 0.0.4,
// families sorted by name and series by labels, so two scrapes of the same
// state are byte-identical. It returns the first write error.
func (m *Metrics) WritePrometheus(w io.Writer) error {
	if m == nil {
		return nil
	}
	bw := bufio.NewWriter(w)

	// Gauge functions run outside the lock: they may read bbolt or even
	// call m themselves.
	m.mu.Lock()
	gauges := make(map[string]metricGauge, len(m.gauges))
	for name, g := range m.gauges {
		gauges[name] = g
	}
	m.mu.Unlock()
	gaugeValues := make(map[string]float64, len(gauges))
	vecValues := make(map[string]map[string]float64)
	for name, g := range gauges {
		if g.vec != nil {
			vecValues[name] = g.vec()
			continue
		}
		gaugeValues[name] = g.f()
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.families)+len(gauges))
	for name := range m.families {
		names = append(names, name)
	}
	for name := range gauges {
		if _, dup := m.families[name]; !dup {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	for _, name := range names {
		if fam, ok := m.families[name]; ok {
			m.writeFamily(bw, name, fam)
			continue
		}
		g := gauges[name]
		if g.help != "" {
			fmt.Fprintf(bw, "# HELP %s %s\n", name, metricHelpEscaper.Replace(g.help))
		}
		if g.vec == nil {
			fmt.Fprintf(bw, "# TYPE %s gauge\n%s %s\n", name, name, metricFloat(gaugeValues[name]))
			continue
		}
		fmt.Fprintf(bw, "# TYPE %s gauge\n", name)
		vals := vecValues[name]
		for _, lv := range slices.Sorted(maps.Keys(vals)) {
			fmt.Fprintf(bw, "%s{%s} %s\n", name, metricLabels([]string{g.label, lv}), metricFloat(vals[lv]))
		}
	}
	return bw.Flush()
}

// writeFamily writes one counter or histogram. The caller holds m.mu.
func (m *Metrics) writeFamily(w *bufio.Writer, name string, fam *metricFamily) {
	if h := m.help[name]; h != "" {
		fmt.Fprintf(w, "# HELP %s %s\n", name, metricHelpEscaper.Replace(h))
	}
	typ := "counter"
	if fam.kind == metricHistogram {
		typ = "histogram"
	}
	fmt.Fprintf(w, "# TYPE %s %s\n", name, typ)

	keys := make([]string, 0, len(fam.series))
	for k := range fam.series {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s := fam.series[k]
		if fam.kind == metricCounter {
			fmt.Fprintf(w, "%s%s %s\n", name, metricBraces(k), metricFloat(s.count))
			continue
		}
		var cum uint64
		for i, le := range metricBuckets {
			cum += s.buckets[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", name, metricBraces(metricJoin(k, `le="`+metricFloat(le)+`"`)), cum)
		}
		fmt.Fprintf(w, "%s_bucket%s %s\n", name, metricBraces(metricJoin(k, `le="+Inf"`)), metricFloat(s.count))
		fmt.Fprintf(w, "%s_sum%s %s\n", name, metricBraces(k), metricFloat(s.sum))
		fmt.Fprintf(w, "%s_count%s %s\n", name, metricBraces(k), metricFloat(s.count))
	}
}

func metricBraces(labels string) string {
	if labels == "" {
		return ""
	}
	return "{" + labels + "}"
}

func metricJoin(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

// metricFloat formats a value as Prometheus expects (+Inf, -Inf, NaN).
func metricFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ServeHTTP serves the metrics, so a *Metrics can be mounted at /metrics.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_ = m.WritePrometheus(w) // an error means the scraper went away: nobody to tell
}
