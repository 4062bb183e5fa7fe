package dist_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mostvn/supportbot/cmd/supportbot/dist"
)

// knownKeys reads the keys the binary accepts from ../config.go: the
// identifiers in the knownKeys literal, resolved through its constants.
func knownKeys(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "config.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var idents []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if i < len(n.Values) {
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
				if name.Name == "knownKeys" && i < len(n.Values) {
					for _, el := range n.Values[i].(*ast.CompositeLit).Elts {
						idents = append(idents, el.(*ast.KeyValueExpr).Key.(*ast.Ident).Name)
					}
				}
			}
		}
		return true
	})
	var keys []string
	for _, id := range idents {
		v, ok := consts[id]
		if !ok {
			t.Fatalf("knownKeys names %s, not a string constant of config.go", id)
		}
		keys = append(keys, v)
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d keys in config.go's knownKeys: has it moved?", len(keys))
	}
	return keys
}

func TestConfigExampleNamesEveryKey(t *testing.T) {
	example := map[string]bool{}
	re := regexp.MustCompile(`(?m)^#?(SUPPORTBOT_[A-Z_]+)=`)
	for _, m := range re.FindAllStringSubmatch(dist.ConfigExample, -1) {
		example[m[1]] = true
	}
	known := knownKeys(t)
	for _, k := range known {
		if !example[k] {
			t.Errorf("supportbot.conf.example does not document %s (a line #%s=DEFAULT with a comment above)", k, k)
		}
	}
	for k := range example {
		base := strings.TrimSuffix(k, "_FILE")
		if !slices.Contains(known, k) && !slices.Contains(known, base) {
			t.Errorf("supportbot.conf.example names %s, which the binary does not know", k)
		}
	}
	// Every line that sets something is commented out: the example is the
	// defaults, and systemd would otherwise set empty values.
	for _, line := range strings.Split(dist.ConfigExample, "\n") {
		if strings.HasPrefix(line, "SUPPORTBOT_") {
			t.Errorf("uncommented line in the example: %q", line)
		}
	}
}

func TestUnitHardening(t *testing.T) {
	for _, want := range []string{
		"User=supportbot", "ProtectSystem=strict", "StateDirectory=supportbot", "NoNewPrivileges=yes",
		"PrivateTmp=yes", "ProtectHome=yes", "Restart=on-failure",
		"EnvironmentFile=/etc/supportbot/supportbot.conf",
		"LoadCredential=telegram_token:", "Environment=SUPPORTBOT_TELEGRAM_TOKEN_FILE=%d/telegram_token",
	} {
		if !strings.Contains(dist.Unit, "\n"+want) {
			t.Errorf("supportbot.service lacks %q", want)
		}
	}
}

// pendingSeries are on the dashboard but not yet exported: the panel stays
// empty until the code registers them. Remove a name once it is.
var pendingSeries []string

func TestDashboardUsesExportedSeries(t *testing.T) {
	var d struct {
		Panels []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		UID   string `json:"uid"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(dist.Dashboard, &d); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("dashboard without uid or title: Grafana cannot import it twice cleanly")
	}

	// Every supportbot_* name the Go code mentions (outside tests).
	exported := map[string]bool{}
	name := regexp.MustCompile(`"(supportbot_[a-z_]+)"`)
	root := filepath.Join("..", "..", "..")
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range name.FindAllSubmatch(b, -1) {
			exported[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	want := map[string]bool{ // the panels the issue asks for, by a series each must use
		"supportbot_answers_total": false, "supportbot_tickets_opened_total": false,
		"supportbot_outbox_depth": false, "supportbot_outbox_oldest_seconds": false,
		"supportbot_send_errors_total": false, "supportbot_search_seconds": false,
	}
	series := regexp.MustCompile(`\b((?:supportbot|go|process)_[a-z_]+)`)
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, m := range series.FindAllStringSubmatch(tg.Expr, -1) {
				s := strings.TrimSuffix(m[1], "_bucket")
				if _, ok := want[s]; ok {
					want[s] = true
				}
				switch {
				case !strings.HasPrefix(s, "supportbot_"): // go_*, process_*: the collectors
				case slices.Contains(pendingSeries, s):
					if exported[s] {
						t.Errorf("%s is exported now: remove it from pendingSeries", s)
					}
				case !exported[s]:
					t.Errorf("panel %q queries %s, which no code exports", p.Title, s)
				}
			}
		}
	}
	for s, used := range want {
		if !used {
			t.Errorf("no panel shows %s", s)
		}
	}
}
