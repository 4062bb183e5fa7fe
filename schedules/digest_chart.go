package schedules

import (
	"fmt"
	"time"

	"github.com/go-analyze/charts"
)

// The digest's chart: tickets opened and resolved per day, drawn with
// go-analyze/charts (pure Go, its own embedded font, which has the
// Vietnamese letters). This file is the package's only importer of it.

// Size of the chart, in pixels.
const (
	digestChartWidth  = 900
	digestChartHeight = 420
)

// digestChartPNG draws a bar chart of opened and resolved per day (days
// in order, one label each) and returns it as PNG.
func digestChartPNG(lang string, days []time.Time, opened, resolved []int) ([]byte, error) {
	if len(days) == 0 || len(opened) != len(days) || len(resolved) != len(days) {
		return nil, fmt.Errorf("schedules: digest chart: %d days, %d opened, %d resolved", len(days), len(opened), len(resolved))
	}
	data := [][]float64{make([]float64, len(days)), make([]float64, len(days))}
	labels := make([]string, len(days))
	top := 0
	for i, d := range days {
		data[0][i], data[1][i] = float64(opened[i]), float64(resolved[i])
		top = max(top, opened[i], resolved[i])
		labels[i] = d.Format("02/01")
	}
	opt := charts.NewBarChartOptionWithData(data)
	opt.Title = charts.TitleOption{Text: stf(lang, stChartTitle)}
	opt.Legend = charts.LegendOption{SeriesNames: []string{stf(lang, stChartOpened), stf(lang, stChartResolved)}, Offset: charts.OffsetRight}
	opt.CategoryAxis.Labels = labels
	// Whole numbers of tickets: at least 0–5 on the axis, in steps of one
	// while that fits.
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueAxis[0].Max = charts.Ptr(float64(max(top+1, 5)))
	if top <= 10 {
		opt.ValueAxis[0].Unit = 1
	}
	opt.ValueFormatter = func(f float64) string { return fmt.Sprintf("%.0f", f) }

	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: digestChartWidth, Height: digestChartHeight})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("schedules: digest chart: %w", err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("schedules: digest chart: %w", err)
	}
	return b, nil
}
