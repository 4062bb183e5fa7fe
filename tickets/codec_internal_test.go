package tickets

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func randomTicket(r *rand.Rand) *Ticket {
	str := func() string {
		words := []string{"", "Hà Nội", "câu hỏi", "x", "HT-000001", "ờ\u0300", "https://example.org/a?b=c"}
		return words[r.IntN(len(words))]
	}
	tm := func() time.Time {
		if r.IntN(3) == 0 {
			return time.Time{}
		}
		return time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
	}
	t := &Ticket{ID: str(), State: State(str()), Channel: str(), ChatID: str(), UserID: str(), UserName: str(),
		Lang: str(), Province: str(), Commune: str(), Topic: str(), Priority: str(), Created: tm(), Updated: tm(),
		Text: str(), Assignee: str(), FirstResponseDue: tm(), ResolutionDue: tm(), FirstResponseAt: tm(),
		ResolvedAt: tm(), Source: str(), Events: r.IntN(1000)}
	if r.IntN(4) > 0 {
		t.Hits = []HitRef{}
		for range r.IntN(3) {
			t.Hits = append(t.Hits, HitRef{str(), str(), str(), str(), str()})
		}
	}
	if r.IntN(4) > 0 {
		t.Messages = []ConvMessage{}
		for range r.IntN(4) {
			t.Messages = append(t.Messages, ConvMessage{At: tm(), From: Actor{str(), str(), str()}, Text: str(),
				Internal: r.IntN(2) == 0, Direction: str(), MessageID: str()})
		}
	}
	if r.IntN(4) > 0 {
		t.DeliveryFailures = []DeliveryFailure{}
		for range r.IntN(3) {
			t.DeliveryFailures = append(t.DeliveryFailures, DeliveryFailure{tm(), str()})
		}
	}
	return t
}

func TestCodecRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		in := randomTicket(r)
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
		if !reflect.DeepEqual(in.Hits, out.Hits) || !reflect.DeepEqual(in.DeliveryFailures, out.DeliveryFailures) {
			t.Fatalf("case %d: slices differ", i)
		}
		// Every truncation is an error, never a panic or a silent success.
		for cut := 0; cut < len(enc); cut++ {
			var tr Ticket
			if err := decodeTicket(enc[:cut], &tr); err == nil {
				t.Fatalf("case %d: truncated at %d/%d decoded", i, cut, len(enc))
			}
		}
	}
}

func FuzzDecodeTicket(f *testing.F) {
	f.Add(encodeTicket(randomTicket(rand.New(rand.NewPCG(3, 4)))))
	f.Add([]byte(`{"id":"HT-000001"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tk Ticket
		_ = decodeTicket(b, &tk)
	})
}
