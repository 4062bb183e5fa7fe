// Package dist holds what an operator installs beside the binary: the
// systemd unit (supportbot.service), a configuration file naming every
// SUPPORTBOT_* key with its default (supportbot.conf.example) and a Grafana
// dashboard over /metrics (grafana-dashboard.json). README.md, "Install on
// a server", walks through them. The tests check them against the code: the
// example names every key the binary knows, the dashboard only series the
// binary exports.
package dist

import _ "embed"

// Unit is supportbot.service.
//
//go:embed supportbot.service
var Unit string

// ConfigExample is supportbot.conf.example.
//
//go:embed supportbot.conf.example
var ConfigExample string

// Dashboard is grafana-dashboard.json.
//
//go:embed grafana-dashboard.json
var Dashboard []byte
