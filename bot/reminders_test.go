package bot_test

import (
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/schedules"
)

// The "✅ Đã nộp báo cáo" button records the presser's unit once, with a
// toast and a thank-you; the directory lists registered officers with the
// audience of their role.
func TestDeadlineConfirmButton(t *testing.T) {
	h := newHarness(t)
	for _, user := range []string{"100", "101"} {
		for _, s := range []string{"/start", "Huế", "Phường Thuận Hóa", "1"} {
			h.one(h.msg(user, s))
		}
	}
	h.one(h.msg("300", "/start")) // not registered

	var offs []schedules.Officer
	err := h.db.View(func(tx *bolt.Tx) error {
		return bot.OfficerDirectory{}.EachOfficer(tx, func(o schedules.Officer) error {
			offs = append(offs, o)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(offs) != 3 || offs[0].Audience != schedules.AudienceCommune || offs[0].ChatID != "100" ||
		offs[0].Unit().Key() != offs[1].Unit().Key() || offs[2].Audience != "" || offs[2].Unit().Kind != schedules.UnitOfficer {
		t.Fatalf("directory %+v", offs)
	}

	data := "dl:ok:tt03-2019-annual:20261220"
	texts := func(rs []rtSent) (toast, reply string) {
		for _, r := range rs {
			if r.CallbackID != "" {
				toast = r.Text
			} else {
				reply = r.Text
			}
		}
		return
	}
	toast, reply := texts(h.say(h.press("100", data), 2))
	if toast != "Cảm ơn, đã ghi nhận!" {
		t.Errorf("toast %q", toast)
	}
	mustContain(t, reply, "Cảm ơn", "Phường Thuận Hóa, Huế", "tt03-2019-annual", "20/12/2026")
	toast, reply = texts(h.say(h.press("101", data), 2))
	if toast != "Đã ghi nhận trước đó" {
		t.Errorf("second toast %q", toast)
	}
	mustContain(t, reply, "Đã ghi nhận trước đó", "Phường Thuận Hóa, Huế")

	occ, _ := schedules.ParseOccurrence("20261220")
	err = h.db.View(func(tx *bolt.Tx) error {
		c := schedules.ConfirmedTx(tx, "tt03-2019-annual", occ, offs[0].Unit())
		if c == nil || c.Who != "telegram:100" {
			t.Errorf("confirmation %+v", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var mt strings.Builder
	if err := h.metrics.WritePrometheus(&mt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mt.String(), "supportbot_deadline_confirmations_total 1") {
		t.Error("confirmation not counted")
	}
	// A malformed button only stops the spinner.
	if r := h.one(h.press("100", "dl:ok:bad")); r.CallbackID == "" || r.Text != "" {
		t.Errorf("malformed press: %+v", r)
	}
}
