package slack_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// manifest is the part of a Slack app manifest the bot depends on.
type manifest struct {
	Features struct {
		AppHome struct {
			HomeTab bool `yaml:"home_tab_enabled"`
		} `yaml:"app_home"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled    bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// The scopes the bot's Web API calls and events need, and nothing more: a
// scope added to the manifest must be added here with its reason.
var wantScopes = []string{
	"app_mentions:read", // app_mention events
	"channels:history",  // message.channels: ticket threads in a public triage channel
	"channels:read",     // conversations.members: staff = triage channel members
	"chat:write",        // chat.postMessage, chat.update, chat.postEphemeral
	"commands",          // /support
	"files:read",        // url_private of files staff attach
	"files:write",       // files.getUploadURLExternal / completeUploadExternal
	"groups:history",    // message.groups: a private triage channel
	"groups:read",       // conversations.members of a private channel
	"im:history",        // message.im: direct messages to the bot
	"usergroups:read",   // usergroups.users.list: SUPPORTBOT_SLACK_STAFF_GROUP
	"users:read",        // users.info: staff names on relayed replies
}

var wantEvents = []string{"app_home_opened", "app_mention", "message.channels", "message.groups", "message.im"}

func readManifest(t *testing.T, path string) manifest {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestManifestsMatchWhatTheBotUses(t *testing.T) {
	for _, tc := range []struct {
		path   string
		socket bool
	}{{"manifest.yaml", true}, {"manifest-http.yaml", false}} {
		t.Run(tc.path, func(t *testing.T) {
			m := readManifest(t, tc.path)
			scopes := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
			if !slices.Equal(scopes, wantScopes) {
				t.Errorf("scopes %v, want exactly %v", scopes, wantScopes)
			}
			events := slices.Sorted(slices.Values(m.Settings.Events.BotEvents))
			if !slices.Equal(events, wantEvents) {
				t.Errorf("events %v, want exactly %v", events, wantEvents)
			}
			if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/support" || !m.Features.SlashCommands[0].ShouldEscape {
				t.Errorf("slash commands %+v, want /support with should_escape (assign reads <@U…> ids)", m.Features.SlashCommands)
			}
			if !m.Features.AppHome.HomeTab || !m.Settings.Interactivity.Enabled {
				t.Error("the App Home tab and interactivity must be on")
			}
			if m.Settings.SocketMode != tc.socket {
				t.Errorf("socket_mode_enabled = %v", m.Settings.SocketMode)
			}
			urls := []string{m.Settings.Events.RequestURL, m.Settings.Interactivity.RequestURL, m.Features.SlashCommands[0].URL}
			for i, suffix := range []string{"/slack/events", "/slack/interactive", "/slack/commands"} {
				switch {
				case tc.socket && urls[i] != "":
					t.Errorf("Socket Mode manifest has a request URL %q", urls[i])
				case !tc.socket && !strings.HasSuffix(urls[i], suffix):
					t.Errorf("HTTP manifest URL %q, want one ending in %s (the bot's route)", urls[i], suffix)
				}
			}
		})
	}
}
