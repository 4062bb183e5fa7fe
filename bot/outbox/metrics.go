package outbox

// Metrics is what the outbox reports to: *bot.Metrics satisfies it. A nil
// Metrics in Options reports nowhere.
//
// The outbox registers:
//
//	supportbot_messages_out_total{channel}        counter
//	supportbot_send_errors_total{channel,kind}    counter
//	supportbot_outbox_superseded_total{channel}   counter: updates coalesced away
//	supportbot_outbox_depth                       gauge
//	supportbot_outbox_oldest_seconds              gauge
//	supportbot_outbox_dead_letters                gauge
//	supportbot_outbox_parked{channel}             gauge (see GaugeVecFuncer)
type Metrics interface {
	// Help sets the HELP text of a counter.
	Help(name, help string)
	// Inc adds one to the counter name with the labels kv (pairs of label
	// name and value).
	Inc(name string, kv ...string)
	// GaugeFunc registers a gauge whose value f returns at each scrape.
	GaugeFunc(name, help string, f func() float64)
}

// GaugeVecFuncer is what a Metrics may also implement to expose a gauge
// with one label: f returns the value per label value at each scrape. The
// outbox uses it for supportbot_outbox_parked{channel}; a Metrics without
// it gets the total over every channel, unlabelled.
type GaugeVecFuncer interface {
	GaugeVecFunc(name, help, label string, f func() map[string]float64)
}

// noMetrics is the default Metrics: it reports nowhere.
type noMetrics struct{}

func (noMetrics) Help(string, string)                      {}
func (noMetrics) Inc(string, ...string)                    {}
func (noMetrics) GaugeFunc(string, string, func() float64) {}

var _ Metrics = noMetrics{}
