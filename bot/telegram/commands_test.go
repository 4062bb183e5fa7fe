package telegram_test

import (
	"context"
	"testing"

	"github.com/mostvn/supportbot/bot"
	"github.com/mostvn/supportbot/bot/telegram"
	"github.com/mostvn/supportbot/bot/telegram/faketg"
)

func TestPublishCommands(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	vi := []bot.Command{{Name: "hoi", Description: "Đặt câu hỏi"}, {Name: "/phieu", Description: "Phiếu của tôi"}}
	en := []bot.Command{{Name: "ask", Description: "Ask a question"}}
	if err := telegram.PublishCommands(context.Background(), fake.Token(), fake.URL(), vi, en); err != nil {
		t.Fatal(err)
	}
	def := fake.Commands("")
	if len(def) != 2 || def[0].Command != "hoi" || def[1].Command != "phieu" || def[1].Description != "Phiếu của tôi" {
		t.Errorf("default (vi) menu %+v", def)
	}
	if got := fake.Commands("en"); len(got) != 1 || got[0].Command != "ask" {
		t.Errorf("en menu %+v", got)
	}
	if calls := fake.Calls("setMyCommands"); len(calls) != 2 || calls[0].Fields["scope"] != `{"type":"default"}` {
		t.Errorf("setMyCommands calls %+v", calls)
	}
}

func TestPublishCommandsReportsRefusal(t *testing.T) {
	fake := newFake(t, faketg.Options{})
	err := telegram.PublishCommands(context.Background(), fake.Token(), fake.URL(), []bot.Command{{Name: "x", Description: ""}}, nil)
	if err == nil {
		t.Error("an invalid menu was accepted")
	}
}
