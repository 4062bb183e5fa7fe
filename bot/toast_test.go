package bot_test

import (
	"testing"
	"time"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/outbox"
)

// The answer to a button press is a KindAnswer: on a chat that has just
// been sent to, and may wait an hour under its limit, the toast still goes
// at once (the officer's spinner stops), before the chat's next message.
func TestButtonAnswerIsNotRateLimited(t *testing.T) {
	h := newStoppedHarness(t)
	h.outbox.Register(bot.Telegram, &rtSender{}, bot.Limits{PerChat: time.Hour})
	h.start()
	h.kb.set("Phí thẩm định hồ sơ X-quang?", rtAnswer())
	answer := h.one(h.msg("100", "Phí thẩm định hồ sơ X-quang?"))
	data := buttonData(answer.Reply)
	if len(data) == 0 {
		t.Fatalf("the answer has no buttons: %+v", answer)
	}
	toast := h.one(h.press("100", data[0]))
	if toast.Kind != outbox.KindAnswer || toast.CallbackID == "" {
		t.Errorf("the reply to a button press is %+v, want a KindAnswer with its CallbackID", toast.Reply)
	}
}
