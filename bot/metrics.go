package bot

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
)

// Metrics collects counters, histograms and gauges for /metrics, backed by
// a prometheus.Registry of its own (github.com/prometheus/client_golang)
// that also holds the Go runtime (go_*) and process (process_*) collectors.
// There is no registration step: the first Inc or Observe of a name creates
// it, with the label names of that call. A nil *Metrics is a valid no-op,
// so code that is handed no Metrics need not check. Safe for concurrent use.
//
// Caveats, from Prometheus's data model:
//   - a name keeps the kind (counter, histogram, gauge) of its first use; a
//     later use of another kind is ignored, since one name cannot hold both;
//   - a name keeps the label names of its first use; a later Inc or Observe
//     with other label names is ignored;
//   - Help must come before the first Inc or Observe of its name (the
//     constructors of the router and the outbox do so); a later Help is
//     ignored;
//   - label values that are not valid UTF-8 are written with U+FFFD.
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
//
// and, from the collectors, go_goroutines, go_memstats_*, go_gc_duration_seconds,
// process_resident_memory_bytes, process_open_fds, process_cpu_seconds_total, ….
type Metrics struct {
	reg     *prometheus.Registry // the application's series and the runtime collectors
	handler http.Handler         // promhttp over reg

	mu       sync.Mutex // guards the maps below (not the series: the vectors lock themselves)
	help     map[string]string
	families map[string]*metricFamily // by name, whatever the kind
}

type metricKind int

const (
	metricCounter metricKind = iota
	metricHistogram
	metricGauge
)

// metricFamily is one name: its kind, its label names (sorted) and the
// collector registered for it.
type metricFamily struct {
	kind   metricKind
	labels []string
	broken bool // registration failed (invalid name or label): every use is ignored

	counter   *prometheus.CounterVec
	histogram *prometheus.HistogramVec
	gauge     *funcGauge
}

// metricBuckets are the histogram upper bounds in seconds: from a
// millisecond (a search) to ten seconds (a slow send).
var metricBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewMetrics returns a set of metrics holding only the Go runtime and
// process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return &Metrics{
		reg:      reg,
		handler:  promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}),
		help:     make(map[string]string),
		families: make(map[string]*metricFamily),
	}
}

// Help sets the HELP text of a counter or histogram. Call it before the
// first Inc or Observe of name.
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
// A trailing key without a value is ignored; the order of the pairs does
// not matter.
func (m *Metrics) Inc(name string, kv ...string) {
	if m == nil {
		return
	}
	names, values := metricLabels(kv)
	fam := m.family(name, metricCounter, names)
	if fam == nil {
		return
	}
	if c, err := fam.counter.GetMetricWithLabelValues(values...); err == nil {
		c.Inc()
	}
}

// Observe records one observation, in seconds, in the histogram name with
// the labels kv. The buckets run from a millisecond to ten seconds.
func (m *Metrics) Observe(name string, seconds float64, kv ...string) {
	if m == nil {
		return
	}
	names, values := metricLabels(kv)
	fam := m.family(name, metricHistogram, names)
	if fam == nil {
		return
	}
	if h, err := fam.histogram.GetMetricWithLabelValues(values...); err == nil {
		h.Observe(seconds)
	}
}

// GaugeFunc registers a gauge whose value f returns at each scrape. f runs
// without any lock of m held, so it may be slow (read bbolt) but should not
// block. Registering a name again replaces f.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	m.gaugeFunc(name, help, "", func() map[string]float64 { return map[string]float64{"": f()} })
}

// GaugeVecFunc registers a gauge with one label whose values f returns,
// per label value, at each scrape (supportbot_outbox_parked{channel}). As
// for GaugeFunc, f runs without any lock of m held, and registering a name
// again replaces f.
func (m *Metrics) GaugeVecFunc(name, help, label string, f func() map[string]float64) {
	m.gaugeFunc(name, help, label, f)
}

func (m *Metrics) gaugeFunc(name, help, label string, f func() map[string]float64) {
	if m == nil {
		return
	}
	var labels []string
	if label != "" {
		labels = []string{label}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if fam := m.families[name]; fam != nil {
		if fam.kind == metricGauge && !fam.broken && slices.Equal(fam.labels, labels) {
			fam.gauge.set(f)
		}
		return
	}
	g := &funcGauge{desc: prometheus.NewDesc(name, help, labels, nil), labelled: label != "", f: f}
	fam := &metricFamily{kind: metricGauge, labels: labels, gauge: g}
	fam.broken = m.reg.Register(g) != nil
	m.families[name] = fam
}

// family finds or creates the family name of kind with the label names;
// nil if name has another kind, other label names, or could not be
// registered.
func (m *Metrics) family(name string, kind metricKind, labels []string) *metricFamily {
	m.mu.Lock()
	defer m.mu.Unlock()
	fam := m.families[name]
	if fam == nil {
		fam = &metricFamily{kind: kind, labels: labels}
		var c prometheus.Collector
		switch kind {
		case metricCounter:
			fam.counter = prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: m.help[name]}, labels)
			c = fam.counter
		case metricHistogram:
			fam.histogram = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: m.help[name], Buckets: metricBuckets}, labels)
			c = fam.histogram
		}
		// Register returns an error for an invalid name or label name
		// (it does not panic: only MustRegister does).
		fam.broken = m.reg.Register(c) != nil
		m.families[name] = fam
	}
	if fam.broken || fam.kind != kind || !slices.Equal(fam.labels, labels) {
		return nil
	}
	return fam
}

// metricLabels splits label pairs into names and values, sorted by name so
// the same labels in another order are the same series. Values are made
// valid UTF-8, which Prometheus requires.
func metricLabels(kv []string) (names, values []string) {
	n := len(kv) / 2
	if n == 0 {
		return nil, nil
	}
	pairs := make([][2]string, 0, n)
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, [2]string{kv[i], strings.ToValidUTF8(kv[i+1], "\uFFFD")})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	names = make([]string, n)
	values = make([]string, n)
	for i, p := range pairs {
		names[i], values[i] = p[0], p[1]
	}
	return names, values
}

// funcGauge is a gauge (with at most one label) whose values a function
// returns at each scrape.
type funcGauge struct {
	desc     *prometheus.Desc
	labelled bool // GaugeVecFunc: the keys of f's map are the label's values

	mu sync.Mutex // guards f
	f  func() map[string]float64
}

func (g *funcGauge) set(f func() map[string]float64) {
	g.mu.Lock()
	g.f = f
	g.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (g *funcGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

// Collect implements prometheus.Collector. f runs without g.mu or the
// Metrics' lock held: it may read bbolt or call the Metrics itself.
func (g *funcGauge) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	f := g.f
	g.mu.Unlock()
	for lv, v := range f() {
		var labels []string
		if g.labelled {
			labels = []string{strings.ToValidUTF8(lv, "\uFFFD")}
		}
		if m, err := prometheus.NewConstMetric(g.desc, prometheus.GaugeValue, v, labels...); err == nil {
			ch <- m
		}
	}
}

// WritePrometheus writes every metric, the runtime collectors' included, in
// the Prometheus text exposition format 0.0.4, families sorted by name and
// series by labels. It writes what could be gathered even when a collector
// failed, and returns the gathering error joined with the first write error.
func (m *Metrics) WritePrometheus(w io.Writer) error {
	if m == nil {
		return nil
	}
	mfs, gatherErr := m.reg.Gather()
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
			return errors.Join(gatherErr, fmt.Errorf("metrics: write: %w", err))
		}
	}
	if gatherErr != nil {
		return fmt.Errorf("metrics: gather: %w", gatherErr)
	}
	return nil
}

// ServeHTTP serves the metrics through promhttp, so a *Metrics can be
// mounted at /metrics; the format follows the scraper's Accept header (the
// text format 0.0.4 by default).
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m == nil {
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		return
	}
	m.handler.ServeHTTP(w, r)
}
