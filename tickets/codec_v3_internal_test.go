package tickets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// goldenTicket and the records below were written by the codec before
// codecV3 existed: this program must read them, and write the same bytes
// for a ticket that is not anonymised (so older programs read it too).
func goldenTicket() *Ticket {
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	return &Ticket{ID: "HT-000007", State: StateClosed, Channel: "telegram", ChatID: "909", UserID: "909", UserName: "Hùng",
		Lang: "vi", Province: "Hà Nội", Commune: "Xã A", Topic: "ip", Priority: "normal", Created: at, Updated: at.Add(time.Hour),
		Text: "câu hỏi", Hits: []HitRef{{ID: "k1", Title: "T"}},
		Messages: []ConvMessage{{At: at, From: Actor{ActorOfficer, "telegram:909", "Hùng"}, Text: "xin chào", Direction: DirIn, MessageID: "5"}},
		Assignee: "slack:U1", FirstResponseDue: at, ResolutionDue: at, Source: "telegram:1", DeliveryFailures: []DeliveryFailure{{at, "403"}}, Events: 4}
}

const (
	goldenV1 = "AQlIVC0wMDAwMDcGY2xvc2VkCHRlbGVncmFtAzkwOQM5MDkFSMO5bmcCdmkJSMOgIE7hu5lpBVjDoyBBAmlwBm5vcm1hbAHAvKeaDQAB4PSnmg0ACmPDonUgaOG7j2kCAmsxAVQAAAACAcC8p5oNAAdvZmZpY2VyDHRlbGVncmFtOjkwOQVIw7luZwl4aW4gY2jDoG8AAmluATUIc2xhY2s6VTEBwLynmg0AAcC8p5oNAAAACnRlbGVncmFtOjECAcC8p5oNAAM0MDME"
	goldenV2 = "AglIVC0wMDAwMDcGY2xvc2VkCHRlbGVncmFtAzkwOQM5MDkFSMO5bmcCdmkJSMOgIE7hu5lpBVjDoyBBAmlwBm5vcm1hbAHAvKeaDQAB4PSnmg0ACmPDonUgaOG7j2kCAmsxAVQAAAACAcC8p5oNAAdvZmZpY2VyDHRlbGVncmFtOjkwOQVIw7luZwl4aW4gY2jDoG8AAmluATUCCHRlbGVncmFtAmYxBWEucGRmAAAACghzbGFjazpVMQHAvKeaDQABwLynmg0AAAAKdGVsZWdyYW06MQIBwLynmg0AAzQwMwQ="
)

func TestCodecOlderVersionsStillDecode(t *testing.T) {
	v2 := goldenTicket()
	v2.Messages[0].Files = []Attachment{{Channel: "telegram", ID: "f1", Name: "a.pdf", Size: 10}}
	for _, tc := range []struct {
		name   string
		record string
		want   *Ticket
	}{{"v1", goldenV1, goldenTicket()}, {"v2", goldenV2, v2}} {
		t.Run(tc.name, func(t *testing.T) {
			rec, _ := base64.StdEncoding.DecodeString(tc.record)
			var got Ticket
			if err := decodeTicket(rec, &got); err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(tc.want)
			b, _ := json.Marshal(&got)
			if string(a) != string(b) {
				t.Fatalf("decoded\n%s\nwant\n%s", b, a)
			}
			if enc := encodeTicket(tc.want); !bytes.Equal(enc, rec) {
				t.Errorf("a ticket that is not anonymised is no longer written as %s", tc.name)
			}
			updated, anonymised, err := recordHead(rec)
			if err != nil || anonymised || !updated.Equal(tc.want.Updated) {
				t.Errorf("recordHead = %v, %v, %v", updated, anonymised, err)
			}
		})
	}
}

func TestCodecV3RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 1000 {
		in := randomTicket(r)
		if i%2 == 0 {
			in.Anonymised = time.Unix(r.Int64N(4e9)+1, r.Int64N(1e9)).UTC()
		}
		enc := encodeTicket(in)
		if anon := !in.Anonymised.IsZero(); anon != (enc[0] == codecV3) {
			t.Fatalf("case %d: anonymised %v written as version %d", i, anon, enc[0])
		}
		var out Ticket
		if err := decodeTicket(enc, &out); err != nil {
			t.Fatalf("case %d: decode: %v", i, err)
		}
		a, _ := json.Marshal(in)
		b, _ := json.Marshal(&out)
		if string(a) != string(b) {
			t.Fatalf("case %d: JSON differs after round trip:\n%s\n%s", i, a, b)
		}
		updated, anonymised, err := recordHead(enc)
		if err != nil || anonymised != !in.Anonymised.IsZero() || !updated.Equal(in.Updated) {
			t.Fatalf("case %d: recordHead = %v, %v, %v; want %v, %v", i, updated, anonymised, err, in.Updated, !in.Anonymised.IsZero())
		}
		for cut := 0; cut < len(enc); cut++ {
			var tr Ticket
			if err := decodeTicket(enc[:cut], &tr); err == nil {
				t.Fatalf("case %d: truncated at %d/%d decoded", i, cut, len(enc))
			}
		}
	}
	// A v3 record must carry its time: a zero one is damage, not a ticket
	// that is anonymised and not.
	tk := goldenTicket()
	tk.Anonymised = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	enc := encodeTicket(tk)
	enc = append(enc[:len(enc)-len(encodeTime(tk.Anonymised))], 0)
	if err := decodeTicket(enc, new(Ticket)); err == nil {
		t.Error("a v3 record with a zero anonymised time decoded")
	}
}

func encodeTime(t time.Time) []byte {
	var e encoder
	e.time(t)
	return e.b
}
