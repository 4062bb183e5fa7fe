package slack_test

import (
	"reflect"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

// TestEventTranslation drives message events through the HTTP handler and
// checks what is stored.
func TestEventTranslation(t *testing.T) {
	in := newInbox(t)
	fs := newFake(t, fakeslack.Options{})
	c := newClock()
	h := httpReceiver(t, fs, in, c, slack.ReceiverOptions{}).Handler()
	cases := []struct {
		name string
		ev   any
		want func(m bot.Message) bool
	}{
		{"mentions and links", fakeslack.MessageEvent{Type: "app_mention", User: "G1", TS: "11.1", Channel: "CTRIAGE",
			Text: "<@UBOT> hỏi <@S1> và <@U404|ai đó> xem <https://vbpl.vn/x?a=1&amp;b=2|NĐ 132> và <https://a.vn> &lt;3 <!here> <#C9|chung>"},
			func(m bot.Message) bool {
				return m.Text == "hỏi @Chị Lan và @ai đó xem NĐ 132 (https://vbpl.vn/x?a=1&b=2) và https://a.vn <3 @here #chung" &&
					m.Role == bot.RoleGuest && m.UserName == "Guest Person"
			}},
		{"files", fakeslack.MessageEvent{Subtype: "file_share", User: "S1", TS: "11.2", Channel: "CTRIAGE", ThreadTS: "11.0", Text: "ảnh",
			Files: []fakeslack.EventFile{
				{ID: "F1", Name: "a.png", Mimetype: "image/png", Size: 1234, URLPrivate: "https://files.slack.com/F1/a.png"},
				{ID: "F2", Name: "phim.mp4", Mimetype: "video/mp4", Size: 25 << 20, URLPrivate: "https://files.slack.com/F2"},
			}},
			func(m bot.Message) bool {
				return len(m.Files) == 1 && reflect.DeepEqual(m.Files[0], bot.File{From: bot.Slack, ID: "F1", Name: "a.png", Mime: "image/png", Size: 1234, URL: "https://files.slack.com/F1/a.png"}) &&
					m.FileProblem == "too_big" && m.Thread == "11.0" && m.Text == "ảnh"
			}},
		{"home opened", fakeslack.HomeOpened("S1"),
			func(m bot.Message) bool {
				return m.Command == "app_home" && m.ChatID == "S1" && m.ChatType == bot.ChatPrivate && m.Role == bot.RoleStaff && m.SourceID == "Evhome opened"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(in.Stored())
			body := fakeslack.EventCallback("Ev"+tc.name, tc.ev)
			if w := serve(h, fakeslack.SignedRequest(secret, "/slack/events", body, c.Now())); w.Code != 200 {
				t.Fatalf("status %d %s", w.Code, w.Body)
			}
			got := in.Stored()
			if len(got) != before+1 {
				t.Fatalf("not stored")
			}
			if m := got[len(got)-1]; !tc.want(m) {
				t.Fatalf("stored %+v", m)
			}
		})
	}
}
