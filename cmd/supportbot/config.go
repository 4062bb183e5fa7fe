package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Configuration keys. The same names are read from the environment and
// from the optional config file; secrets may also be read from the file
// named by KEY_FILE.
const (
	keyConfig           = "SUPPORTBOT_CONFIG"
	keyDataDir          = "SUPPORTBOT_DATA_DIR"
	keyKBDir            = "SUPPORTBOT_KB_DIR"
	keyTelegramToken    = "SUPPORTBOT_TELEGRAM_TOKEN"
	keyTelegramAPIURL   = "SUPPORTBOT_TELEGRAM_API_URL"
	keyTelegramMode     = "SUPPORTBOT_TELEGRAM_MODE"
	keyWebhookSecret    = "SUPPORTBOT_TELEGRAM_WEBHOOK_SECRET"
	keyWebhookURL       = "SUPPORTBOT_TELEGRAM_WEBHOOK_URL"
	keyHTTPAddr         = "SUPPORTBOT_HTTP_ADDR"
	keyLogLevel         = "SUPPORTBOT_LOG_LEVEL"
	keyLogFormat        = "SUPPORTBOT_LOG_FORMAT"
	keyLang             = "SUPPORTBOT_LANG"
	keySLAUrgentFirst   = "SUPPORTBOT_SLA_URGENT_FIRST"
	keySLAUrgentResolve = "SUPPORTBOT_SLA_URGENT_RESOLVE"
	keySLANormalFirst   = "SUPPORTBOT_SLA_NORMAL_FIRST"
	keySLANormalResolve = "SUPPORTBOT_SLA_NORMAL_RESOLVE"
	keyHolidaysFile     = "SUPPORTBOT_HOLIDAYS_FILE"

	keySlackAppToken      = "SUPPORTBOT_SLACK_APP_TOKEN"
	keySlackBotToken      = "SUPPORTBOT_SLACK_BOT_TOKEN"
	keySlackSigningSecret = "SUPPORTBOT_SLACK_SIGNING_SECRET"
	keySlackAPIURL        = "SUPPORTBOT_SLACK_API_URL"
	keySlackTriage        = "SUPPORTBOT_SLACK_TRIAGE_CHANNEL"
	keySlackOnCall        = "SUPPORTBOT_SLACK_ONCALL"
	keySlackStaffGroup    = "SUPPORTBOT_SLACK_STAFF_GROUP"
	keySlackLang          = "SUPPORTBOT_SLACK_LANG"
	keySlackSupervisor    = "SUPPORTBOT_SLACK_SUPERVISOR"
	keySupervisorAfter    = "SUPPORTBOT_SLA_SUPERVISOR_AFTER"
	keyDeadlinesFile      = "SUPPORTBOT_DEADLINES_FILE"
	keyRotaFile           = "SUPPORTBOT_ROTA_FILE"

	keyBackupDir  = "SUPPORTBOT_BACKUP_DIR"
	keyBackupKeep = "SUPPORTBOT_BACKUP_KEEP"

	keyRetention = "SUPPORTBOT_RETENTION"
)

// Defaults, named so that help texts and tests quote the same values.
const (
	defaultDataDir         = "./data"
	defaultTelegramAPIURL  = "https://api.telegram.org"
	defaultTelegramMode    = modePolling
	defaultHTTPAddr        = "127.0.0.1:8080"
	defaultLogLevel        = "info"
	defaultLogFormat       = "text"
	defaultLang            = "vi"
	defaultSlackAPIURL     = "https://slack.com/api/"
	defaultSupervisorAfter = time.Hour
	defaultUrgentFirst     = 30 * time.Minute
	defaultUrgentResolve   = 8 * time.Hour
	defaultNormalFirst     = 4 * time.Hour
	defaultNormalResolve   = 72 * time.Hour
	defaultBackupKeep      = 14 // days
	defaultRetention       = 24 * month

	modePolling = "polling"
	modeWebhook = "webhook"
)

// secretKeys may be given as KEY_FILE: the file's content (without the
// trailing newline) is the value, so tokens stay out of the environment
// and out of `ps`.
var secretKeys = map[string]bool{
	keyTelegramToken:      true,
	keyWebhookSecret:      true,
	keySlackAppToken:      true,
	keySlackBotToken:      true,
	keySlackSigningSecret: true,
}

// knownKeys lists every key a config file may set; anything else in a file
// is a typo and refused (the environment holds too much else to be strict).
var knownKeys = map[string]bool{
	keyDataDir: true, keyKBDir: true, keyTelegramToken: true, keyTelegramAPIURL: true,
	keyTelegramMode: true, keyWebhookSecret: true, keyWebhookURL: true, keyHTTPAddr: true, keyLogLevel: true,
	keyLogFormat: true, keyLang: true, keySLAUrgentFirst: true, keySLAUrgentResolve: true,
	keySLANormalFirst: true, keySLANormalResolve: true, keyHolidaysFile: true,
	keySlackAppToken: true, keySlackBotToken: true, keySlackSigningSecret: true, keySlackAPIURL: true,
	keySlackTriage: true, keySlackOnCall: true, keySlackStaffGroup: true, keySlackLang: true,
	keySlackSupervisor: true, keySupervisorAfter: true, keyDeadlinesFile: true, keyRotaFile: true,
	keyBackupDir: true, keyBackupKeep: true, keyRetention: true,
}

// ErrConfig is wrapped by every configuration error; the message names the
// offending key and what is accepted.
var ErrConfig = errors.New("config")

// Config is everything the binary reads from its environment. The zero value
// is not useful: build it with loadConfig (defaults, then the file, then the
// environment).
type Config struct {
	DataDir string // bbolt file and bleve index
	KBDir   string // knowledge files; "" means the embedded corpus

	TelegramToken         string
	TelegramAPIURL        string
	TelegramMode          string // modePolling or modeWebhook
	TelegramWebhookSecret string
	TelegramWebhookURL    string // public https URL; when set, serve registers it with setWebhook

	// Slack, for ministry staff: Socket Mode with the app token (xapp-),
	// or the Events API over HTTP with the signing secret when no app
	// token is set. The bot token (xoxb-) is needed either way.
	SlackAppToken      string
	SlackBotToken      string
	SlackSigningSecret string
	SlackAPIURL        string // Web API base, ending in "/"
	SlackTriage        string // channel ID where new tickets are posted
	SlackOnCall        string // user ID mentioned on urgent tickets
	SlackStaffGroup    string // user group ID whose members are staff; "" means the triage channel's members
	SlackLang          string // staff language: "vi" or "en"
	SlackSupervisor    string // user ID mentioned at the second SLA escalation level
	SupervisorAfter    time.Duration

	DeadlinesFile string // reporting deadlines (YAML); "" means the calendar shipped in schedules/
	RotaFile      string // on-call rota (YAML); "" means the fixed SUPPORTBOT_SLACK_ONCALL

	BackupDir  string // daily backups (backup_daily.go); "" means none
	BackupKeep int    // days a daily backup is kept

	// Retention is how long a closed ticket keeps its personal data
	// before it is anonymised; 0 means never (only erasures remove it).
	Retention time.Duration

	HTTPAddr  string
	LogLevel  slog.Level
	LogFormat string // "text" or "json"
	Lang      string // language of the CLI's own messages: "vi" or "en"

	SLAUrgentFirst   time.Duration
	SLAUrgentResolve time.Duration
	SLANormalFirst   time.Duration
	SLANormalResolve time.Duration
	HolidaysFile     string

	// Source says where each key's value came from ("default", the config
	// file's path, "env"), for `supportbot help config` and error messages.
	Source map[string]string
}

// defaultConfig returns a fresh Config holding the defaults.
func defaultConfig() Config {
	return Config{
		DataDir:          defaultDataDir,
		TelegramAPIURL:   defaultTelegramAPIURL,
		TelegramMode:     defaultTelegramMode,
		HTTPAddr:         defaultHTTPAddr,
		LogLevel:         slog.LevelInfo,
		LogFormat:        defaultLogFormat,
		Lang:             defaultLang,
		SlackAPIURL:      defaultSlackAPIURL,
		SlackLang:        defaultLang,
		SupervisorAfter:  defaultSupervisorAfter,
		SLAUrgentFirst:   defaultUrgentFirst,
		SLAUrgentResolve: defaultUrgentResolve,
		SLANormalFirst:   defaultNormalFirst,
		SLANormalResolve: defaultNormalResolve,
		BackupKeep:       defaultBackupKeep,
		Retention:        defaultRetention,
		Source:           map[string]string{},
	}
}

// TelegramEnabled reports whether a Telegram channel is configured.
func (c Config) TelegramEnabled() bool { return c.TelegramToken != "" }

// SlackEnabled reports whether a Slack channel is configured: a bot token
// and a way to receive (an app token for Socket Mode, or a signing secret
// for HTTP).
func (c Config) SlackEnabled() bool {
	return c.SlackBotToken != "" && (c.SlackAppToken != "" || c.SlackSigningSecret != "")
}

// SlackSocketMode reports whether Slack is received over Socket Mode (the
// default when an app token is set) rather than HTTP.
func (c Config) SlackSocketMode() bool { return c.SlackAppToken != "" }

// Secrets returns the values that must never appear in a log or an error.
func (c Config) Secrets() []string {
	var s []string
	for _, v := range []string{c.TelegramToken, c.TelegramWebhookSecret, c.SlackAppToken, c.SlackBotToken, c.SlackSigningSecret} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// env reads one environment variable; ok is false when it is unset.
type env func(key string) (value string, ok bool)

// loadConfig fills a Config from the defaults, then the config file (path
// given by the --config flag, else SUPPORTBOT_CONFIG; none is fine), then
// the environment. readFile reads the config file and *_FILE secrets.
func loadConfig(configPath string, getenv env, readFile func(string) ([]byte, error)) (Config, error) {
	cfg := defaultConfig()
	if configPath == "" {
		configPath, _ = getenv(keyConfig)
	}
	var layers []layer
	if configPath != "" {
		raw, err := readFile(configPath)
		if err != nil {
			return Config{}, fmt.Errorf("%w: %s: %w", ErrConfig, keyConfig, err)
		}
		l, err := parseConfigFile(configPath, raw)
		if err != nil {
			return Config{}, err
		}
		layers = append(layers, l)
	}
	envLayer := layer{name: "env", values: map[string]string{}}
	for key := range knownKeys {
		// An empty variable counts as unset: shells and unit files often
		// export KEY= to mean "nothing here".
		if v, ok := getenv(key); ok && v != "" {
			envLayer.values[key] = v
		}
		if secretKeys[key] {
			if v, ok := getenv(key + "_FILE"); ok && v != "" {
				envLayer.values[key+"_FILE"] = v
			}
		}
	}
	layers = append(layers, envLayer)

	settled := map[string]string{}
	for _, l := range layers {
		for _, key := range sortedKeys(l.values) {
			v := l.values[key]
			base, isFile := strings.CutSuffix(key, "_FILE")
			if !isFile {
				continue
			}
			if _, both := l.values[base]; both {
				return Config{}, fmt.Errorf("%w: %s and %s are both set in %s: keep one", ErrConfig, base, key, l.name)
			}
			if v == "" {
				continue
			}
			secret, err := readFile(v)
			if err != nil {
				return Config{}, fmt.Errorf("%w: %s: %w", ErrConfig, key, err)
			}
			settled[base] = strings.TrimRight(string(secret), "\r\n")
			cfg.Source[base] = l.name + " (" + key + ")"
		}
		for _, key := range sortedKeys(l.values) {
			if strings.HasSuffix(key, "_FILE") && secretKeys[strings.TrimSuffix(key, "_FILE")] {
				continue
			}
			settled[key] = l.values[key]
			cfg.Source[key] = l.name
		}
	}
	for _, key := range sortedKeys(settled) {
		if err := cfg.set(key, strings.TrimSpace(settled[key])); err != nil {
			return Config{}, fmt.Errorf("%w: %s (from %s): %w", ErrConfig, key, cfg.Source[key], err)
		}
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// layer is one source of settings, in precedence order.
type layer struct {
	name   string
	values map[string]string
}

// parseConfigFile reads KEY=VALUE lines. Blank lines and lines starting
// with # are skipped; "export " before a key and quotes around a value are
// accepted so that the same file can be sourced by a shell.
func parseConfigFile(path string, raw []byte) (layer, error) {
	l := layer{name: path, values: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return layer{}, fmt.Errorf("%w: %s:%d: want KEY=VALUE, got %q", ErrConfig, path, n, line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		base := strings.TrimSuffix(key, "_FILE")
		if !knownKeys[key] && !(secretKeys[base] && key != base) {
			return layer{}, fmt.Errorf("%w: %s:%d: unknown key %s (known: %s)", ErrConfig, path, n, key, strings.Join(sortedKeys(knownKeys), ", "))
		}
		l.values[key] = value
	}
	if err := sc.Err(); err != nil {
		return layer{}, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	return l, nil
}

// set parses one value into the field for key.
func (c *Config) set(key, v string) error {
	switch key {
	case keyDataDir:
		if v == "" {
			return errors.New("must not be empty")
		}
		c.DataDir = v
	case keyKBDir:
		c.KBDir = v
	case keyTelegramToken:
		c.TelegramToken = v
	case keyTelegramAPIURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", v)
		}
		c.TelegramAPIURL = strings.TrimRight(v, "/")
	case keyTelegramMode:
		if v != modePolling && v != modeWebhook {
			return fmt.Errorf("%q: want %s or %s", v, modePolling, modeWebhook)
		}
		c.TelegramMode = v
	case keyWebhookSecret:
		c.TelegramWebhookSecret = v
	case keyWebhookURL:
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasSuffix(u.Path, "/telegram/webhook") {
			return fmt.Errorf("%q: want the public https URL ending in /telegram/webhook", v)
		}
		c.TelegramWebhookURL = v
	case keyHTTPAddr:
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("%q: want host:port, such as 127.0.0.1:8080 or :0", v)
		}
		c.HTTPAddr = v
	case keyLogLevel:
		var lvl slog.Level
		if err := lvl.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("%q: want debug, info, warn or error", v)
		}
		c.LogLevel = lvl
	case keyLogFormat:
		if v != "text" && v != "json" {
			return fmt.Errorf("%q: want text or json", v)
		}
		c.LogFormat = v
	case keyLang:
		if v != "vi" && v != "en" {
			return fmt.Errorf("%q: want vi or en", v)
		}
		c.Lang = v
	case keySLAUrgentFirst:
		return setDuration(&c.SLAUrgentFirst, v)
	case keySLAUrgentResolve:
		return setDuration(&c.SLAUrgentResolve, v)
	case keySLANormalFirst:
		return setDuration(&c.SLANormalFirst, v)
	case keySLANormalResolve:
		return setDuration(&c.SLANormalResolve, v)
	case keyHolidaysFile:
		c.HolidaysFile = v
	case keySlackAppToken:
		if v != "" && !strings.HasPrefix(v, "xapp-") {
			return errors.New("want an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)")
		}
		c.SlackAppToken = v
	case keySlackBotToken:
		if v != "" && !strings.HasPrefix(v, "xoxb-") {
			return errors.New("want a bot token starting with xoxb- (OAuth & Permissions > Bot User OAuth Token)")
		}
		c.SlackBotToken = v
	case keySlackSigningSecret:
		c.SlackSigningSecret = v
	case keySlackAPIURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", v)
		}
		c.SlackAPIURL = strings.TrimRight(v, "/") + "/" // slack-go appends the method name directly
	case keySlackTriage:
		if v != "" && !slackID(v, "CG") {
			return fmt.Errorf("%q: want a channel ID such as C0123ABCD (channel details, at the bottom), not its name", v)
		}
		c.SlackTriage = v
	case keySlackOnCall:
		if v != "" && !slackID(v, "UW") {
			return fmt.Errorf("%q: want a member ID such as U0123ABCD (profile > ⋮ > Copy member ID)", v)
		}
		c.SlackOnCall = v
	case keySlackStaffGroup:
		if v != "" && !slackID(v, "S") {
			return fmt.Errorf("%q: want a user group ID such as S0123ABCD", v)
		}
		c.SlackStaffGroup = v
	case keySlackLang:
		if v != "vi" && v != "en" {
			return fmt.Errorf("%q: want vi or en", v)
		}
		c.SlackLang = v
	case keySlackSupervisor:
		if v != "" && !slackID(v, "UW") {
			return fmt.Errorf("%q: want a member ID such as U0123ABCD (profile > ⋮ > Copy member ID)", v)
		}
		c.SlackSupervisor = v
	case keySupervisorAfter:
		return setDuration(&c.SupervisorAfter, v)
	case keyDeadlinesFile:
		c.DeadlinesFile = v
	case keyRotaFile:
		c.RotaFile = v
	case keyBackupDir:
		c.BackupDir = v
	case keyBackupKeep:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			return fmt.Errorf("%q: want a number of days from 1 to 3650", v)
		}
		c.BackupKeep = n
	case keyRetention:
		d, err := parseRetention(v)
		if err != nil {
			return err
		}
		c.Retention = d
	}
	return nil
}

func setDuration(d *time.Duration, v string) error {
	x, err := time.ParseDuration(v)
	if err != nil || x <= 0 {
		return fmt.Errorf("%q: want a positive duration such as 30m, 8h or 72h", v)
	}
	*d = x
	return nil
}

// slackID reports whether v looks like a Slack ID starting with one of
// prefixes: upper-case letters and digits.
func slackID(v, prefixes string) bool {
	if len(v) < 3 || !strings.ContainsRune(prefixes, rune(v[0])) {
		return false
	}
	for _, r := range v {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// validate checks the rules that span several keys.
func (c Config) validate() error {
	slackSet := c.SlackBotToken != "" || c.SlackAppToken != "" || c.SlackSigningSecret != ""
	switch {
	case slackSet && c.SlackBotToken == "":
		return fmt.Errorf("%w: Slack needs %s (xoxb-) besides %s or %s", ErrConfig, keySlackBotToken, keySlackAppToken, keySlackSigningSecret)
	case slackSet && c.SlackAppToken == "" && c.SlackSigningSecret == "":
		return fmt.Errorf("%w: Slack needs %s (Socket Mode, no public URL) or %s (Events API over HTTP)", ErrConfig, keySlackAppToken, keySlackSigningSecret)
	case slackSet && c.SlackTriage == "":
		return fmt.Errorf("%w: Slack needs %s: the channel ID where new tickets are posted", ErrConfig, keySlackTriage)
	}
	if c.TelegramMode == modeWebhook && c.TelegramToken != "" && c.TelegramWebhookSecret == "" {
		return fmt.Errorf("%w: %s=webhook needs %s (or %s_FILE): Telegram sends it with every update so forged updates are refused",
			ErrConfig, keyTelegramMode, keyWebhookSecret, keyWebhookSecret)
	}
	if c.SLAUrgentFirst > c.SLAUrgentResolve {
		return fmt.Errorf("%w: %s (%s) is longer than %s (%s)", ErrConfig, keySLAUrgentFirst, c.SLAUrgentFirst, keySLAUrgentResolve, c.SLAUrgentResolve)
	}
	if c.SLANormalFirst > c.SLANormalResolve {
		return fmt.Errorf("%w: %s (%s) is longer than %s (%s)", ErrConfig, keySLANormalFirst, c.SLANormalFirst, keySLANormalResolve, c.SLANormalResolve)
	}
	return nil
}

// osEnv reads the process environment.
func osEnv(key string) (string, bool) { return os.LookupEnv(key) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
