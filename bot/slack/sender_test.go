package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot/outbox"
	"github.com/mostvn/supportbot/bot/slack"
	"github.com/mostvn/supportbot/bot/slack/fakeslack"
)

func newSender(t *testing.T, fs *fakeslack.Server, opts slack.SenderOptions) *slack.Sender {
	t.Helper()
	opts.APIURL = strings.TrimSuffix(fs.URL(), "/") // the missing slash is added
	opts.Logger = quiet
	s, err := slack.NewSender(fakeslack.BotToken, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// compact re-encodes JSON without spaces, for comparisons.
func compact(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSendKinds(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	s := newSender(t, fs, slack.SenderOptions{})
	ctx := ctxT(t)
	view := &outbox.View{ID: "reply", Meta: "HT-000042", Title: "Trả lời phiếu HT-000042 của cán bộ", Submit: "Gửi",
		Text: "<b>Câu hỏi</b>", Inputs: []outbox.Input{
			{ID: "answer", Label: "Câu trả lời", Multiline: true, Initial: "Chào anh"},
			{ID: "close", Label: "Đóng phiếu", Checkbox: true},
			{ID: "note", Label: "Ghi chú", Optional: true},
		}}
	cases := []struct {
		name   string
		r      outbox.Reply
		method string
		params map[string]string // expected parameters (JSON ones compacted)
	}{
		{"message", outbox.Reply{Channel: outbox.Slack, ChatID: "CTRIAGE", Thread: "9.0", Text: "<b>HT-000042</b> mới",
			Mentions: []string{"S1"}, Name: "Chị Lan",
			Fields:  []outbox.Field{{Label: "Tỉnh", Value: "Lào Cai"}},
			Buttons: [][]outbox.Button{{{Text: "Nhận", Data: "claim:42", Style: "primary"}, {Text: "Đóng", Data: "close:42", Style: "danger"}}}},
			"chat.postMessage", map[string]string{"channel": "CTRIAGE", "thread_ts": "9.0", "text": "<@S1> HT-000042 mới",
				"blocks": `[{"type":"section","text":{"type":"mrkdwn","text":"<@S1> *HT-000042* mới","verbatim":true}},` +
					`{"type":"section","fields":[{"type":"mrkdwn","text":"*Tỉnh*\nLào Cai","verbatim":true}]},` +
					`{"type":"actions","block_id":"actions_0","elements":[` +
					`{"type":"button","text":{"type":"plain_text","text":"Nhận","emoji":false},"action_id":"actions_0_0","value":"claim:42","style":"primary"},` +
					`{"type":"button","text":{"type":"plain_text","text":"Đóng","emoji":false},"action_id":"actions_0_1","value":"close:42","style":"danger"}]}]`}},
		{"update", outbox.Reply{Kind: outbox.KindUpdate, ChatID: "CTRIAGE", EditID: "9.5", Text: "đã nhận"},
			"chat.update", map[string]string{"channel": "CTRIAGE", "ts": "9.5", "text": "đã nhận",
				"blocks": `[{"type":"section","text":{"type":"mrkdwn","text":"đã nhận","verbatim":true}}]`}},
		{"ephemeral", outbox.Reply{Kind: outbox.KindEphemeral, ChatID: "CTRIAGE", UserID: "S1", Thread: "9.0", Text: "chỉ bạn thấy"},
			"chat.postEphemeral", map[string]string{"channel": "CTRIAGE", "user": "S1", "thread_ts": "9.0", "text": "chỉ bạn thấy"}},
		{"answer", outbox.Reply{Kind: outbox.KindAnswer, ChatID: "CTRIAGE", UserID: "S1", CallbackID: "1.2", Text: "Phiếu đã có người nhận"},
			"chat.postEphemeral", map[string]string{"channel": "CTRIAGE", "user": "S1", "text": "Phiếu đã có người nhận"}},
		{"keyboard", outbox.Reply{ChatID: "DG1", Text: "Tỉnh nào?", Keyboard: [][]string{{"Lào Cai", "Hà Giang"}}},
			"chat.postMessage", map[string]string{"channel": "DG1",
				"blocks": `[{"type":"section","text":{"type":"mrkdwn","text":"Tỉnh nào?","verbatim":true}},` +
					`{"type":"section","text":{"type":"mrkdwn","text":"Chọn một trong các mục sau:\n• Lào Cai\n• Hà Giang","verbatim":true}}]`}},
		{"modal", outbox.Reply{Kind: outbox.KindView, UserID: "S1", TriggerID: "trig-9", View: view},
			"views.open", map[string]string{"trigger_id": "trig-9",
				"view": `{"type":"modal","title":{"type":"plain_text","text":"Trả lời phiếu HT-000042…","emoji":false},` +
					`"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*Câu hỏi*","verbatim":true}},` +
					`{"type":"input","block_id":"answer","label":{"type":"plain_text","text":"Câu trả lời","emoji":false},"element":{"type":"plain_text_input","action_id":"answer","initial_value":"Chào anh","multiline":true}},` +
					`{"type":"input","block_id":"close","label":{"type":"plain_text","text":"Đóng phiếu","emoji":false},"element":{"type":"checkboxes","action_id":"close","options":[{"text":{"type":"plain_text","text":"Đóng phiếu","emoji":false},"value":"true"}]},"optional":true},` +
					`{"type":"input","block_id":"note","label":{"type":"plain_text","text":"Ghi chú","emoji":false},"element":{"type":"plain_text_input","action_id":"note"},"optional":true}],` +
					`"submit":{"type":"plain_text","text":"Gửi","emoji":false},"private_metadata":"HT-000042","callback_id":"reply"}`}},
		{"home", outbox.Reply{Kind: outbox.KindView, UserID: "S1", View: &outbox.View{Home: true, Text: "<b>Phiếu của tôi</b>",
			Sections: []outbox.Section{{Text: "HT-1", Fields: []outbox.Field{{Label: "SLA", Value: "2h"}}, Buttons: []outbox.Button{{Text: "Mở", Data: "show:1"}}}}}},
			"views.publish", map[string]string{"user_id": "S1",
				"view": `{"type":"home","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*Phiếu của tôi*","verbatim":true}},` +
					`{"type":"section","text":{"type":"mrkdwn","text":"HT-1","verbatim":true}},` +
					`{"type":"section","fields":[{"type":"mrkdwn","text":"*SLA*\n2h","verbatim":true}]},` +
					`{"type":"actions","block_id":"home_0_0","elements":[{"type":"button","text":{"type":"plain_text","text":"Mở","emoji":false},"action_id":"home_0_0_0","value":"show:1"}]}]}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fs.Calls(tc.method))
			id, retry, err := s.Send(ctx, tc.r)
			if err != nil || retry {
				t.Fatalf("Send: %v (retry %v)", err, retry)
			}
			calls := fs.Calls(tc.method)
			if len(calls) != before+1 {
				t.Fatalf("%d %s calls, want one more than %d (all: %+v)", len(calls), tc.method, before, fs.Calls())
			}
			got := calls[len(calls)-1].Params
			for k, want := range tc.params {
				g := got[k]
				if k == "blocks" || k == "view" {
					g, want = compact(t, g), compact(t, want)
				}
				if g != want {
					t.Errorf("%s:\n got %s\nwant %s", k, g, want)
				}
			}
			if tc.method == "chat.postMessage" && id == "" {
				t.Error("no ts returned")
			}
		})
	}
	// An ephemeral without a conversation (after a modal) is a direct message.
	if _, _, err := s.Send(ctx, outbox.Reply{Kind: outbox.KindEphemeral, ChatID: "S1", UserID: "S1", Text: "Đã gửi"}); err != nil {
		t.Fatal(err)
	}
	if p := fs.Posts(); p[len(p)-1].Method != "chat.postMessage" || p[len(p)-1].Channel != "S1" {
		t.Fatalf("ephemeral after a modal: %+v", p[len(p)-1])
	}
	// An empty answer sends nothing.
	n := len(fs.Calls())
	if _, retry, err := s.Send(ctx, outbox.Reply{Kind: outbox.KindAnswer, ChatID: "C", UserID: "S1", CallbackID: "x"}); err != nil || retry {
		t.Fatal(err)
	}
	if len(fs.Calls()) != n {
		t.Fatal("an empty answer made a call")
	}
}

// TestSendEscapesOfficerText: officer text reaches the core entity-escaped;
// on Slack it must show as typed, never as a mention, link or formatting.
func TestSendEscapesOfficerText(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	s := newSender(t, fs, slack.SenderOptions{})
	officer := `&lt;!channel&gt; &lt;!here&gt; &lt;@U1&gt; &lt;http://evil.example|bấm vào&gt; a &amp;amp; b *đậm* _nghiêng_ ~gạch~ ` + "`mã`"
	r := outbox.Reply{ChatID: "CTRIAGE", Text: "<b>Cán bộ hỏi:</b> " + officer + ` <a href="https://thuvienphapluat.vn/x?a=1&amp;b=2">NĐ 132</a> <a href="javascript:alert(1)">xấu</a>`}
	if _, _, err := s.Send(ctxT(t), r); err != nil {
		t.Fatal(err)
	}
	p := fs.Posts("chat.postMessage")[0]
	z := "\u200d"
	want := `[{"type":"section","text":{"type":"mrkdwn","verbatim":true,"text":` + jsonString(
		"*Cán bộ hỏi:* &lt;!channel&gt; &lt;!here&gt; &lt;@U1&gt; &lt;http://evil.example|bấm vào&gt; a &amp;amp; b "+
			z+"*"+z+"đậm"+z+"*"+z+" "+z+"_"+z+"nghiêng"+z+"_"+z+" "+z+"~"+z+"gạch"+z+"~"+z+" "+z+"`"+z+"mã"+z+"`"+z+
			" <https://thuvienphapluat.vn/x?a=1&amp;b=2|NĐ 132> xấu") + `}}]`
	if compact(t, string(p.Blocks)) != compact(t, want) {
		t.Fatalf("blocks\n got %s\nwant %s", p.Blocks, want)
	}
	for _, bad := range []string{"<!channel>", "<!here>", "<@U1>", "<http://evil", "javascript:"} {
		if strings.Contains(string(p.Blocks), bad) || strings.Contains(p.Text, bad) {
			t.Errorf("%q reached Slack unescaped", bad)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestSendFailures(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	s := newSender(t, fs, slack.SenderOptions{})
	ctx := ctxT(t)
	msg := outbox.Reply{ChatID: "CTRIAGE", Text: "x"}

	fs.Fail("chat.postMessage", fakeslack.Failure{Status: 429, RetryAfter: 7})
	_, retry, err := s.Send(ctx, msg)
	var ra interface{ RetryAfter() time.Duration }
	if !retry || !errors.As(err, &ra) || ra.RetryAfter() != 7*time.Second || !errors.Is(err, slack.ErrRateLimited) {
		t.Fatalf("429: retry %v err %v", retry, err)
	}
	fs.Fail("chat.postMessage", fakeslack.Failure{Status: 503})
	if _, retry, err := s.Send(ctx, msg); !retry || !errors.Is(err, slack.ErrServer) {
		t.Fatalf("503: retry %v err %v", retry, err)
	}
	fs.Fail("chat.postMessage", fakeslack.Failure{Error: "internal_error"})
	if _, retry, err := s.Send(ctx, msg); !retry || !errors.Is(err, slack.ErrServer) {
		t.Fatalf("internal_error: retry %v err %v", retry, err)
	}
	for _, code := range []string{"channel_not_found", "not_in_channel", "is_archived"} {
		fs.SetChannelError("CGONE", code)
		_, retry, err := s.Send(ctx, outbox.Reply{ChatID: "CGONE", Text: "x"})
		if retry || !errors.Is(err, slack.ErrChannelNotFound) || slack.ErrorKind(err) != "bad_request" {
			t.Fatalf("%s: retry %v err %v", code, retry, err)
		}
	}
	fs.Fail("chat.postMessage", fakeslack.Failure{Error: "invalid_auth"})
	if _, retry, err := s.Send(ctx, msg); retry || !errors.Is(err, slack.ErrUnauthorized) {
		t.Fatalf("invalid_auth: retry %v err %v", retry, err)
	}
	fs.Fail("views.open", fakeslack.Failure{Error: "expired_trigger_id"})
	if _, retry, err := s.Send(ctx, outbox.Reply{Kind: outbox.KindView, TriggerID: "t", View: &outbox.View{ID: "x", Title: "x"}}); retry || !errors.Is(err, slack.ErrExpiredTrigger) {
		t.Fatalf("expired_trigger_id: retry %v err %v", retry, err)
	}
	if _, retry, err := s.Send(ctx, outbox.Reply{Kind: "poll", ChatID: "C"}); retry || !errors.Is(err, outbox.ErrUnsupported) {
		t.Fatalf("unknown kind: retry %v err %v", retry, err)
	}
	// Network error: the server is gone.
	dead := fakeslack.New(fakeslack.Options{})
	ds := newSender(t, dead, slack.SenderOptions{})
	dead.Close()
	if _, retry, err := ds.Send(ctx, msg); !retry || !errors.Is(err, slack.ErrNetwork) {
		t.Fatalf("network: retry %v err %v", retry, err)
	}
	// No built-in retries: each failure above was one request.
	if n := len(fs.Calls("chat.postMessage")); n != 7 {
		t.Errorf("%d chat.postMessage calls, want 7 (slack-go must not retry by itself)", n)
	}
}

func TestSendLongTextSplit(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	s := newSender(t, fs, slack.SenderOptions{Lang: "en"})
	long := strings.Repeat("Điều 5 khoản 2 &amp; phụ lục. ", 400) // ~12,000 characters
	if _, _, err := s.Send(ctxT(t), outbox.Reply{ChatID: "C1", Text: long}); err != nil {
		t.Fatal(err)
	}
	var blocks []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	p := fs.Posts("chat.postMessage")[0]
	if err := json.Unmarshal(p.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) < 4 {
		t.Fatalf("%d blocks, want the text in several sections", len(blocks))
	}
	var all strings.Builder
	for _, b := range blocks {
		if n := len([]rune(b.Text.Text)); n > 3000 {
			t.Fatalf("a section of %d characters", n)
		}
		all.WriteString(b.Text.Text)
	}
	if all.String() != strings.ReplaceAll(long, "&amp;", "&amp;") {
		t.Error("the sections do not add up to the text")
	}
	if n := len([]rune(p.Text)); n > 3000 {
		t.Errorf("fallback text of %d characters", n)
	}
}

type fetcherFunc func(ctx context.Context, f outbox.File) (io.ReadCloser, error)

func (f fetcherFunc) Fetch(ctx context.Context, x outbox.File) (io.ReadCloser, error) {
	return f(ctx, x)
}

func TestSendFiles(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	tg := fetcherFunc(func(ctx context.Context, f outbox.File) (io.ReadCloser, error) {
		if f.ID == "broken" {
			return nil, errors.New("telegram: file expired")
		}
		return io.NopCloser(strings.NewReader("JPEG bytes of " + f.ID)), nil
	})
	s := newSender(t, fs, slack.SenderOptions{Fetchers: outbox.Fetchers{outbox.Telegram: tg}})
	r := outbox.Reply{ChatID: "CTRIAGE", Thread: "10.0", Text: "Ảnh cán bộ gửi", Files: []outbox.File{
		{From: outbox.Telegram, ID: "ph1", Name: "giay-to.jpg", Mime: "image/jpeg"},
		{From: outbox.Telegram, ID: "broken", Name: "hong.pdf"},
		{From: outbox.Telegram, ID: "big", Name: "lon.mp4", Size: 30 << 20},
	}}
	ts, retry, err := s.Send(ctxT(t), r)
	if err != nil || retry || ts == "" {
		t.Fatalf("Send: %q %v %v", ts, retry, err)
	}
	ups := fs.Uploads()
	if len(ups) != 1 || ups[0].Name != "giay-to.jpg" || string(ups[0].Data) != "JPEG bytes of ph1" || ups[0].Channel != "CTRIAGE" || ups[0].ThreadTS != "10.0" {
		t.Fatalf("uploads %+v", ups)
	}
	posts := fs.Posts("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("%d posts, want the text and two notes", len(posts))
	}
	if posts[0].Text != "Ảnh cán bộ gửi" || !strings.Contains(posts[1].Text, "hong.pdf") || !strings.Contains(posts[2].Text, "lon.mp4") || !strings.Contains(posts[2].Text, "quá lớn") {
		t.Fatalf("posts %+v", posts)
	}
	if posts[1].ThreadTS != "10.0" {
		t.Error("the note is not in the thread")
	}
}

func TestFetcher(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	u := fs.AddFile("F1", []byte("%PDF-1.7 mẫu 01"))
	f, err := slack.NewFetcher(fakeslack.BotToken, fs.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := f.Fetch(ctxT(t), outbox.File{From: outbox.Slack, ID: "F1", URL: u})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "%PDF-1.7 mẫu 01" {
		t.Fatalf("read %q", b)
	}
	if _, err := f.Fetch(ctxT(t), outbox.File{ID: "F2", URL: u, Size: 21 << 20}); !errors.Is(err, slack.ErrFileTooBig) {
		t.Fatalf("big file: %v", err)
	}
	big := fs.AddFile("F3", make([]byte, slack.MaxFileSize+1))
	if _, err := f.Fetch(ctxT(t), outbox.File{ID: "F3", URL: big}); !errors.Is(err, slack.ErrFileTooBig) {
		t.Fatalf("big file, size unannounced: %v", err)
	}
	if _, err := f.Fetch(ctxT(t), outbox.File{ID: "F4", URL: "https://evil.example/f"}); err == nil {
		t.Fatal("sent the token to another host")
	}
}

func TestLimits(t *testing.T) {
	s, err := slack.NewSender("xoxb-x", slack.SenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := s.Limits()
	if l.PerChat != time.Second || l.UpdatesPerMinute != 50 || l.Split != nil {
		t.Fatalf("limits %+v", l)
	}
	if _, err := slack.NewSender(" ", slack.SenderOptions{}); err == nil {
		t.Fatal("an empty token was accepted")
	}
}

func TestSendFitsFiftyBlocks(t *testing.T) {
	fs := newFake(t, fakeslack.Options{})
	s := newSender(t, fs, slack.SenderOptions{})
	var rows [][]outbox.Button
	for i := range 60 {
		rows = append(rows, []outbox.Button{{Text: "Nút", Data: "b" + string(rune('0'+i%10))}})
	}
	var fields []outbox.Field
	for range 25 {
		fields = append(fields, outbox.Field{Label: "Nhãn", Value: "giá trị"})
	}
	for _, r := range []outbox.Reply{
		{ChatID: "C1", Text: strings.Repeat("chữ ", 60000), Fields: fields},
		{ChatID: "C1", Buttons: rows},
		{ChatID: "C1", Text: "x", Buttons: rows},
	} {
		if _, _, err := s.Send(ctxT(t), r); err != nil {
			t.Fatal(err)
		}
		p := fs.Posts()
		var blocks []json.RawMessage
		if err := json.Unmarshal(p[len(p)-1].Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		if len(blocks) > 50 || len(blocks) == 0 {
			t.Fatalf("%d blocks", len(blocks))
		}
	}
}
