package main

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeEnv is an environment for loadConfig.
type fakeEnv map[string]string

func (e fakeEnv) get(k string) (string, bool) { v, ok := e[k]; return v, ok }

// writeFile writes content into dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig("", fakeEnv{}.get, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "./data" || cfg.KBDir != "" || cfg.HTTPAddr != "127.0.0.1:8080" ||
		cfg.TelegramAPIURL != "https://api.telegram.org" || cfg.TelegramMode != "polling" ||
		cfg.LogLevel != slog.LevelInfo || cfg.LogFormat != "text" || cfg.Lang != "vi" {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.SLAUrgentFirst != 30*time.Minute || cfg.SLAUrgentResolve != 8*time.Hour ||
		cfg.SLANormalFirst != 4*time.Hour || cfg.SLANormalResolve != 72*time.Hour {
		t.Errorf("SLA defaults: %v %v %v %v", cfg.SLAUrgentFirst, cfg.SLAUrgentResolve, cfg.SLANormalFirst, cfg.SLANormalResolve)
	}
	if cfg.TelegramEnabled() {
		t.Error("no token, yet Telegram is enabled")
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "supportbot.conf", `
# comment
SUPPORTBOT_DATA_DIR=/from/file
export SUPPORTBOT_HTTP_ADDR="127.0.0.1:9000"
SUPPORTBOT_LOG_LEVEL=debug
SUPPORTBOT_SLA_NORMAL_FIRST=2h
`)
	t.Run("file over defaults", func(t *testing.T) {
		cfg, err := loadConfig(file, fakeEnv{}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/from/file" || cfg.HTTPAddr != "127.0.0.1:9000" || cfg.LogLevel != slog.LevelDebug || cfg.SLANormalFirst != 2*time.Hour {
			t.Errorf("got %+v", cfg)
		}
		if cfg.LogFormat != "text" {
			t.Errorf("unset key lost its default: %q", cfg.LogFormat)
		}
	})
	t.Run("env over file", func(t *testing.T) {
		env := fakeEnv{"SUPPORTBOT_DATA_DIR": "/from/env", "SUPPORTBOT_LOG_FORMAT": "json"}
		cfg, err := loadConfig(file, env.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/from/env" || cfg.HTTPAddr != "127.0.0.1:9000" || cfg.LogFormat != "json" {
			t.Errorf("got %+v", cfg)
		}
		if cfg.Source[keyDataDir] != "env" || cfg.Source[keyHTTPAddr] != file {
			t.Errorf("sources: %v", cfg.Source)
		}
	})
	t.Run("file named by SUPPORTBOT_CONFIG", func(t *testing.T) {
		cfg, err := loadConfig("", fakeEnv{"SUPPORTBOT_CONFIG": file}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/from/file" {
			t.Errorf("DataDir = %q", cfg.DataDir)
		}
	})
	t.Run("flag over SUPPORTBOT_CONFIG", func(t *testing.T) {
		other := writeFile(t, dir, "other.conf", "SUPPORTBOT_DATA_DIR=/other\n")
		cfg, err := loadConfig(other, fakeEnv{"SUPPORTBOT_CONFIG": file}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/other" {
			t.Errorf("DataDir = %q", cfg.DataDir)
		}
	})
	t.Run("empty env var counts as unset", func(t *testing.T) {
		cfg, err := loadConfig(file, fakeEnv{"SUPPORTBOT_DATA_DIR": ""}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DataDir != "/from/file" {
			t.Errorf("DataDir = %q", cfg.DataDir)
		}
	})
}

func TestConfigSecretFiles(t *testing.T) {
	dir := t.TempDir()
	tokenFile := writeFile(t, dir, "token", "123:from-file\n")
	t.Run("env _FILE", func(t *testing.T) {
		cfg, err := loadConfig("", fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN_FILE": tokenFile}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.TelegramToken != "123:from-file" {
			t.Errorf("token = %q, want the file's content without the newline", cfg.TelegramToken)
		}
		if !cfg.TelegramEnabled() {
			t.Error("token set, Telegram not enabled")
		}
	})
	t.Run("env _FILE over file value", func(t *testing.T) {
		conf := writeFile(t, dir, "c.conf", "SUPPORTBOT_TELEGRAM_TOKEN=123:from-conf\n")
		cfg, err := loadConfig(conf, fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN_FILE": tokenFile}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.TelegramToken != "123:from-file" {
			t.Errorf("token = %q", cfg.TelegramToken)
		}
	})
	t.Run("config file _FILE, env value wins", func(t *testing.T) {
		conf := writeFile(t, dir, "d.conf", "SUPPORTBOT_TELEGRAM_TOKEN_FILE="+tokenFile+"\n")
		cfg, err := loadConfig(conf, fakeEnv{}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.TelegramToken != "123:from-file" {
			t.Errorf("token = %q", cfg.TelegramToken)
		}
		cfg, err = loadConfig(conf, fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN": "123:env"}.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.TelegramToken != "123:env" {
			t.Errorf("token = %q", cfg.TelegramToken)
		}
	})
	t.Run("both in one layer", func(t *testing.T) {
		_, err := loadConfig("", fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN_FILE": tokenFile, "SUPPORTBOT_TELEGRAM_TOKEN": "x"}.get, os.ReadFile)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "SUPPORTBOT_TELEGRAM_TOKEN_FILE") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := loadConfig("", fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN_FILE": filepath.Join(dir, "nope")}.get, os.ReadFile)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "SUPPORTBOT_TELEGRAM_TOKEN_FILE") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestConfigInvalidNamesKey(t *testing.T) {
	cases := []struct {
		env  fakeEnv
		file string
		want string
	}{
		{env: fakeEnv{"SUPPORTBOT_TELEGRAM_MODE": "push"}, want: "SUPPORTBOT_TELEGRAM_MODE"},
		{env: fakeEnv{"SUPPORTBOT_HTTP_ADDR": "8080"}, want: "SUPPORTBOT_HTTP_ADDR"},
		{env: fakeEnv{"SUPPORTBOT_LOG_LEVEL": "loud"}, want: "SUPPORTBOT_LOG_LEVEL"},
		{env: fakeEnv{"SUPPORTBOT_LOG_FORMAT": "xml"}, want: "SUPPORTBOT_LOG_FORMAT"},
		{env: fakeEnv{"SUPPORTBOT_SLA_URGENT_FIRST": "soon"}, want: "SUPPORTBOT_SLA_URGENT_FIRST"},
		{env: fakeEnv{"SUPPORTBOT_SLA_NORMAL_RESOLVE": "-1h"}, want: "SUPPORTBOT_SLA_NORMAL_RESOLVE"},
		{env: fakeEnv{"SUPPORTBOT_SLA_URGENT_FIRST": "9h"}, want: "SUPPORTBOT_SLA_URGENT_FIRST"},
		{env: fakeEnv{"SUPPORTBOT_TELEGRAM_API_URL": "api.telegram.org"}, want: "SUPPORTBOT_TELEGRAM_API_URL"},
		{env: fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN": "1:x", "SUPPORTBOT_TELEGRAM_MODE": "webhook"}, want: "SUPPORTBOT_TELEGRAM_WEBHOOK_SECRET"},
		{file: "SUPPORTBOT_DATADIR=/x\n", want: "SUPPORTBOT_DATADIR"},
		{file: "just words\n", want: "KEY=VALUE"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			path := ""
			if c.file != "" {
				path = writeFile(t, t.TempDir(), "c.conf", c.file)
			}
			_, err := loadConfig(path, c.env.get, os.ReadFile)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %s", err, c.want)
			}
		})
	}
}

func TestLoggerRedactsSecrets(t *testing.T) {
	var buf bytes.Buffer
	const token = "123456:SECRET-token"
	for _, format := range []string{"text", "json"} {
		buf.Reset()
		log := newLogger(&buf, format, slog.LevelDebug, []string{token})
		log.With("url", "https://api.telegram.org/bot"+token+"/getUpdates").
			Info("poll failed: bot"+token, "err", errors.New("Post https://x/bot"+token+"/sendMessage: timeout"),
				slog.Group("req", "token", token), "n", 3)
		out := buf.String()
		if strings.Contains(out, "SECRET") {
			t.Errorf("%s log leaks the token: %s", format, out)
		}
		if !strings.Contains(out, redacted) || !strings.Contains(out, "sendMessage") {
			t.Errorf("%s log lost its content: %s", format, out)
		}
	}
}
