package main

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestConfigSlack(t *testing.T) {
	dir := t.TempDir()
	secret := writeFile(t, dir, "bot-token", "xoxb-from-file\n")
	ok := fakeEnv{
		"SUPPORTBOT_SLACK_APP_TOKEN":      "xapp-1",
		"SUPPORTBOT_SLACK_BOT_TOKEN_FILE": secret,
		"SUPPORTBOT_SLACK_TRIAGE_CHANNEL": "C0TRIAGE",
		"SUPPORTBOT_SLACK_ONCALL":         "U0ONCALL",
		"SUPPORTBOT_SLACK_API_URL":        "http://127.0.0.1:9/api",
		"SUPPORTBOT_SLACK_LANG":           "en",
	}
	cfg, err := loadConfig("", ok.get, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.SlackEnabled() || !cfg.SlackSocketMode() || cfg.SlackBotToken != "xoxb-from-file" ||
		cfg.SlackTriage != "C0TRIAGE" || cfg.SlackOnCall != "U0ONCALL" || cfg.SlackLang != "en" ||
		cfg.SlackAPIURL != "http://127.0.0.1:9/api/" {
		t.Errorf("got %+v", cfg)
	}
	for _, s := range []string{"xapp-1", "xoxb-from-file"} {
		if !strings.Contains(strings.Join(cfg.Secrets(), " "), s) {
			t.Errorf("Secrets() misses %s: logs would show it", s)
		}
	}

	http := fakeEnv{"SUPPORTBOT_SLACK_SIGNING_SECRET": "s3cret", "SUPPORTBOT_SLACK_BOT_TOKEN": "xoxb-2", "SUPPORTBOT_SLACK_TRIAGE_CHANNEL": "C0TRIAGE"}
	cfg, err = loadConfig("", http.get, os.ReadFile)
	if err != nil || !cfg.SlackEnabled() || cfg.SlackSocketMode() {
		t.Errorf("HTTP mode: %+v, %v", cfg, err)
	}

	cfg, err = loadConfig("", fakeEnv{}.get, os.ReadFile)
	if err != nil || cfg.SlackEnabled() || cfg.SlackAPIURL != "https://slack.com/api/" || cfg.SlackLang != "vi" {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}

	bad := []struct {
		name string
		env  fakeEnv
		want string
	}{
		{"bot token alone", fakeEnv{"SUPPORTBOT_SLACK_BOT_TOKEN": "xoxb-1", "SUPPORTBOT_SLACK_TRIAGE_CHANNEL": "C0TRIAGE"}, "SUPPORTBOT_SLACK_APP_TOKEN"},
		{"no bot token", fakeEnv{"SUPPORTBOT_SLACK_APP_TOKEN": "xapp-1", "SUPPORTBOT_SLACK_TRIAGE_CHANNEL": "C0TRIAGE"}, "SUPPORTBOT_SLACK_BOT_TOKEN"},
		{"no triage", fakeEnv{"SUPPORTBOT_SLACK_APP_TOKEN": "xapp-1", "SUPPORTBOT_SLACK_BOT_TOKEN": "xoxb-1"}, "SUPPORTBOT_SLACK_TRIAGE_CHANNEL"},
		{"tokens swapped", fakeEnv{"SUPPORTBOT_SLACK_APP_TOKEN": "xoxb-1"}, "xapp-"},
		{"channel name not ID", fakeEnv{"SUPPORTBOT_SLACK_TRIAGE_CHANNEL": "#triage"}, "channel ID"},
		{"user name not ID", fakeEnv{"SUPPORTBOT_SLACK_ONCALL": "@an"}, "member ID"},
		{"lang", fakeEnv{"SUPPORTBOT_SLACK_LANG": "fr"}, "vi or en"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig("", tc.env.get, os.ReadFile)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrConfig naming %s", err, tc.want)
			}
		})
	}
}

// `supportbot` alone serves whichever channel is configured: Slack alone
// too, not the console.
func TestDefaultCommandServesAnyChannel(t *testing.T) {
	for _, tc := range []struct {
		env  fakeEnv
		want string
	}{
		{fakeEnv{}, "console"},
		{fakeEnv{"SUPPORTBOT_TELEGRAM_TOKEN": "123:abc"}, "serve"},
		{fakeEnv{"SUPPORTBOT_SLACK_APP_TOKEN": "xapp-1", "SUPPORTBOT_SLACK_BOT_TOKEN": "xoxb-1", "SUPPORTBOT_SLACK_TRIAGE_CHANNEL": "C0TRIAGE"}, "serve"},
	} {
		cfg, err := loadConfig("", tc.env.get, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if got := defaultCommand(cfg); got != tc.want {
			t.Errorf("%v: supportbot alone runs %s, want %s", tc.env, got, tc.want)
		}
	}
}

// A configuration mistake is said in the operator's language, with what
// to do, before the key and what it accepts.
func TestConfigErrorSaysWhatToDo(t *testing.T) {
	code, _, errOut := runCLI(t, fakeEnv{"SUPPORTBOT_SLACK_LANG": "fr"}, "", "tickets", "list")
	if code != exitError || !strings.Contains(errOut, "Cấu hình chưa đúng") || !strings.Contains(errOut, "SUPPORTBOT_SLACK_LANG") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, fakeEnv{"SUPPORTBOT_LANG": "en", "SUPPORTBOT_SLACK_LANG": "fr"}, "", "tickets", "list")
	if code != exitError || !strings.Contains(errOut, "The configuration is not right") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
