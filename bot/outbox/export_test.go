package outbox

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TelegramLikeLimits are Telegram's rate limits without its splitter (that
// is package telegram's): what the outbox's tests of limits use.
func TelegramLikeLimits() Limits {
	return Limits{
		PerChat:           time.Second,
		PerGroupPerMinute: 20,
		GlobalPerSecond:   30,
		IsGroup:           func(chat string) bool { return strings.HasPrefix(chat, "-") },
		Margin:            10 * time.Millisecond,
	}
}

// PeakLoaded returns the most items one Run of o has held in memory.
func PeakLoaded(o *Outbox) int { return int(o.peakLoaded.Load()) }

// TestMetrics is a Metrics that a test can read, written like Prometheus'
// text format (labels in the order given, no HELP or TYPE lines).
type TestMetrics struct {
	mu       sync.Mutex // guards the fields below
	counters map[string]float64
	gauges   map[string]func() float64
	vecs     map[string]func() map[string]float64
	labels   map[string]string
}

var (
	_ Metrics        = (*TestMetrics)(nil)
	_ GaugeVecFuncer = (*TestMetrics)(nil)
)

// NewTestMetrics returns an empty TestMetrics.
func NewTestMetrics() *TestMetrics {
	return &TestMetrics{counters: map[string]float64{}, gauges: map[string]func() float64{},
		vecs: map[string]func() map[string]float64{}, labels: map[string]string{}}
}

func (m *TestMetrics) Help(string, string) {}

func (m *TestMetrics) Inc(name string, kv ...string) {
	var ls []string
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, kv[i]+`="`+kv[i+1]+`"`)
	}
	if len(ls) > 0 {
		name += "{" + strings.Join(ls, ",") + "}"
	}
	m.mu.Lock()
	m.counters[name]++
	m.mu.Unlock()
}

func (m *TestMetrics) GaugeFunc(name, _ string, f func() float64) {
	m.mu.Lock()
	m.gauges[name] = f
	m.mu.Unlock()
}

func (m *TestMetrics) GaugeVecFunc(name, _, label string, f func() map[string]float64) {
	m.mu.Lock()
	m.vecs[name], m.labels[name] = f, label
	m.mu.Unlock()
}

// WritePrometheus writes every series, one a line, sorted.
func (m *TestMetrics) WritePrometheus(w io.Writer) error {
	m.mu.Lock()
	var lines []string
	for k, v := range m.counters {
		lines = append(lines, k+" "+strconv.FormatFloat(v, 'g', -1, 64))
	}
	gauges := make(map[string]func() float64, len(m.gauges))
	for k, f := range m.gauges {
		gauges[k] = f
	}
	vecs := make(map[string]func() map[string]float64, len(m.vecs))
	labels := make(map[string]string, len(m.labels))
	for k, f := range m.vecs {
		vecs[k], labels[k] = f, m.labels[k]
	}
	m.mu.Unlock()
	for k, f := range gauges {
		lines = append(lines, k+" "+strconv.FormatFloat(f(), 'g', -1, 64))
	}
	for k, f := range vecs {
		for lv, v := range f() {
			lines = append(lines, fmt.Sprintf("%s{%s=%q} %s", k, labels[k], lv, strconv.FormatFloat(v, 'g', -1, 64)))
		}
	}
	slices.Sort(lines)
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}
