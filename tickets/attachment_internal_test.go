package tickets

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func TestCodecRoundTripWithAttachments(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 500 {
		in := randomTicket(r)
		for j := range in.Messages {
			switch r.IntN(3) {
			case 0:
				in.Messages[j].Files = []Attachment{}
			case 1:
				in.Messages[j].Files = []Attachment{{Channel: "slack", ID: "F1", Name: "a.pdf", Mime: "application/pdf", Size: r.Int64N(1 << 30), URL: "https://files.slack.com/x"}, {Path: "files/b.jpg"}}
			}
		}
		enc := encodeTicket(in)
		var out Ticket
		if err := decodeTicket(enc, &out); err != nil {
			t.Fatalf("case %d: decode: %v", i, err)
		}
		a, _ := json.Marshal(in)
		b, _ := json.Marshal(&out)
		if string(a) != string(b) {
			t.Fatalf("case %d: JSON differs after round trip:\n%s\n%s", i, a, b)
		}
		for cut := 0; cut < len(enc); cut++ {
			var tr Ticket
			if err := decodeTicket(enc[:cut], &tr); err == nil {
				t.Fatalf("case %d: truncated at %d/%d decoded", i, cut, len(enc))
			}
		}
	}
	// Without attachments the record stays in the first format.
	tk := &Ticket{ID: "HT-000001", Messages: []ConvMessage{{Text: "x"}}}
	if v := encodeTicket(tk)[0]; v != codecV1 {
		t.Errorf("a ticket without files is written as version %d", v)
	}
}
